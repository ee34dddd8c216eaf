//! The words of an evaluation result, shared by every renderer (notes of
//! the checker, the command line, and later the language server and the
//! review page), so that a result reads the same wherever it is shown.

use super::Recommendation;
use crate::syntax::vocabulary::{kind_word, urgency_word};

/// A recommendation in one line, for notes: "order MRI_LWK urgent (rule `acute`)".
pub fn recommendation_line(r: &Recommendation) -> String {
    let urgency = r
        .urgency
        .map_or(String::new(), |u| format!(" {}", urgency_word(u)));
    format!(
        "{} {}{urgency} (rule `{}`)",
        kind_word(r.kind),
        r.target,
        r.rule
    )
}
