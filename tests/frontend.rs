//! The front end the tools stand on (formatter, language server, review
//! page): line ends, positions, replacing a file's text, trivia, and the
//! index from declarations to uses. The lead folds this file into
//! `tests/it/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly"
)]

use leidraad::check::check_file;
use leidraad::diagnostics::{Code, Diagnostic, Severity};
use leidraad::source::{FileId, Sources};
use std::path::Path;

const BUNDLED: &[&str] = &[
    "guidelines/lage-rugpijn.leidraad",
    "guidelines/nhg-beeldvorming.leidraad",
    "tests/fixtures/guidelines/lage-rugpijn-unsettled.leidraad",
];

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// Each diagnostic as code, line and column of its first label, message.
fn located(sources: &Sources, file: FileId, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let at = d.labels.first().map_or((0, 0), |l| {
                let p = sources.line_column(file, l.span.start as usize);
                (p.line, p.column)
            });
            format!("{} {}:{} {}", d.code.as_str(), at.0, at.1, d.message)
        })
        .collect()
}

fn check_text(text: &str) -> (Sources, FileId, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let file = sources.add("input.leidraad", text);
    let (_, diagnostics) = check_file(&sources, file);
    (sources, file, diagnostics)
}

// Defect 7: a lone CR made the whole file one statement ("the file holds no
// guideline", at line 1).
#[test]
fn lone_cr_and_crlf_end_lines_like_lf() {
    let cr = read("tests/fixtures/frontend/cr-line-ends.leidraad");
    assert!(
        cr.contains('\r') && !cr.contains('\n'),
        "the fixture keeps lone CRs"
    );
    let (sources, file, diagnostics) = check_text(&cr);
    assert!(
        diagnostics.iter().all(|d| d.severity != Severity::Error),
        "{:?}",
        located(&sources, file, &diagnostics)
    );
    let (lf_sources, lf_file, lf) = check_text(&cr.replace('\r', "\n"));
    assert_eq!(
        located(&sources, file, &diagnostics),
        located(&lf_sources, lf_file, &lf)
    );
    // The bundled guidelines give the same diagnostics at the same lines and
    // columns whatever their line ends.
    for path in BUNDLED {
        let text = read(path);
        let (s, f, want) = check_text(&text);
        let want = located(&s, f, &want);
        for line_end in ["\r", "\r\n"] {
            let (s, f, got) = check_text(&text.replace('\n', line_end));
            assert_eq!(located(&s, f, &got), want, "{path} with {line_end:?}");
        }
    }
}

#[test]
fn replacing_a_file_rechecks_it_and_leaves_the_others() {
    let mut sources = Sources::new();
    let good = sources.add("a.leidraad", read(BUNDLED[0]));
    let other = sources.add("b.leidraad", read(BUNDLED[1]));
    let (_, before) = check_file(&sources, good);
    assert!(before.iter().all(|d| d.severity != Severity::Error));
    let broken = read(BUNDLED[0]).replacen("input ", "inptu ", 1);
    assert!(sources.replace(good, broken.clone()));
    let (_, after) = check_file(&sources, good);
    assert!(after.iter().any(|d| d.code == Code::UnknownStatement));
    assert_eq!(sources.get(good).unwrap().text, broken);
    assert_eq!(sources.get(other).unwrap().text, read(BUNDLED[1]));
    assert_eq!(sources.name(good), "a.leidraad");
}
