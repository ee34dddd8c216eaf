//! `--format short`: one line per finding,
//! `FILE:LINE:COLUMN: CODE SEVERITY: MESSAGE`, as compilers and linters
//! print them for editors and `grep` (columns in characters, 1-based).

use super::position;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::escape::controls;
use crate::source::Sources;

/// Renders each diagnostic on one line; a finding without a place starts
/// with the code.
pub fn short(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        // One line each: a line break in a message would start a false one.
        let message = controls(&d.message).replace(['\n', '\r'], " ");
        if let Some(span) = d.primary_span() {
            let p = position(sources, span);
            out.push_str(&format!("{}:{}:{}: ", controls(p.file), p.line, p.column));
        }
        out.push_str(&format!(
            "{} {}: {message}\n",
            d.code.as_str(),
            d.severity.as_str()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_finding_without_control_characters() {
        let (diagnostics, sources) = super::super::tests::hostile();
        let text = short(&diagnostics, &sources);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.starts_with("in\\u{1b}[2Jput.leidraad:1:"), "{text}");
        assert!(
            text.contains(": L201 warning: about `\\u{1b}[8m`"),
            "{text}"
        );
        assert!(!text.trim_end().chars().any(char::is_control), "{text:?}");
    }
}
