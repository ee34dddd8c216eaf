//! Formatting: the one layout of `leidraad fmt` ([`crate::format::format`]).

use super::Analysis;
use crate::format::{self, FormatError};

/// The formatted text of the document, `None` when it is formatted
/// already, or why it cannot be formatted, in an editor's words.
pub fn format(analysis: &Analysis) -> Result<Option<String>, String> {
    let text = analysis.text();
    match format::format(analysis.file, text) {
        Ok(formatted) if formatted == text => Ok(None),
        Ok(formatted) => Ok(Some(formatted)),
        Err(FormatError::Syntax(errors)) => Err(format!(
            "the file was not formatted: it has {} syntax error{}; fix {} first",
            errors.len().max(1),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "it" } else { "them" },
        )),
        Err(FormatError::Unsafe(why)) => Err(format!(
            "the file was not formatted, to keep its meaning: {why}"
        )),
    }
}
