//! `leidraad test --format junit`: JUnit XML, which CI systems (GitLab's
//! `artifacts:reports:junit`, GitHub test-report actions, Jenkins) show as
//! test results. One `testsuite` per file, one `testcase` per `case`
//! vignette: a failed expectation is a `failure`, a case that could not be
//! evaluated or did not run (the file has errors) an `error`.

use super::{CaseReport, CaseStatus, position};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Sources};

/// Escapes text for an XML attribute or element. Characters XML 1.0 cannot
/// hold at all (most control characters) are written as `\u{..}`.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// What a failure says in full: each diagnostic's message, notes and help.
fn details(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        if let Some(span) = d.primary_span() {
            let p = position(sources, span);
            out.push_str(&format!("{}:{}:{}: ", p.file, p.line, p.column));
        }
        out.push_str(&format!("{} {}\n", d.code.as_str(), d.message));
        for note in &d.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("help: {help}\n"));
        }
    }
    out
}

/// Renders case results as one JUnit XML document (`testsuites`); a case
/// that did not run carries the errors of its file from `others`.
pub fn junit(cases: &[CaseReport], others: &[Diagnostic], sources: &Sources) -> String {
    let mut files: Vec<FileId> = Vec::new();
    for case in cases {
        if !files.contains(&case.file) {
            files.push(case.file);
        }
    }
    let failures = |cases: &mut dyn Iterator<Item = &CaseReport>| {
        cases.fold((0usize, 0usize, 0usize), |(n, f, e), c| match c.status {
            CaseStatus::Passed => (n + 1, f, e),
            CaseStatus::Failed => (n + 1, f + 1, e),
            CaseStatus::NotEvaluated | CaseStatus::NotRun => (n + 1, f, e + 1),
        })
    };
    let (tests, failed, errors) = failures(&mut cases.iter());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"leidraad test\" tests=\"{tests}\" failures=\"{failed}\" errors=\"{errors}\">\n"
    ));
    for file in files {
        let name = xml(sources.name(file));
        let (tests, failed, errors) = failures(&mut cases.iter().filter(|c| c.file == file));
        out.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failed}\" errors=\"{errors}\" skipped=\"0\">\n"
        ));
        for case in cases.iter().filter(|c| c.file == file) {
            let p = position(sources, case.span);
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{name}\" file=\"{name}\" line=\"{}\"",
                xml(&case.label),
                p.line
            ));
            let first = case
                .diagnostics
                .first()
                .map_or(String::new(), |d| xml(&d.message));
            let body = if case.status == CaseStatus::NotRun {
                let errors: Vec<Diagnostic> = others
                    .iter()
                    .filter(|d| {
                        d.is_error() && d.primary_span().is_some_and(|s| s.file == case.file)
                    })
                    .cloned()
                    .collect();
                xml(&details(&errors, sources))
            } else {
                xml(&details(&case.diagnostics, sources))
            };
            match case.status {
                CaseStatus::Passed => out.push_str("/>\n"),
                CaseStatus::Failed => out.push_str(&format!(
                    ">\n      <failure message=\"{first}\" type=\"L401\">{body}</failure>\n    </testcase>\n"
                )),
                CaseStatus::NotEvaluated => out.push_str(&format!(
                    ">\n      <error message=\"{first}\" type=\"L402\">{body}</error>\n    </testcase>\n"
                )),
                CaseStatus::NotRun => out.push_str(&format!(
                    ">\n      <error message=\"not run: the file has errors\" type=\"not-run\">{body}</error>\n    </testcase>\n"
                )),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_refuses_control_characters() {
        assert_eq!(
            xml("a<b & \"c\"\u{1b}"),
            "a&lt;b &amp; &quot;c&quot;\\u{1b}"
        );
    }
}
