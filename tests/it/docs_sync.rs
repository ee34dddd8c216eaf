//! `docs/diagnostics.md` is generated from the code registry; this test fails
//! when it is stale. `LEIDRAAD_BLESS=1 cargo test --release --test it docs_sync::` rewrites it.
use leidraad::diagnostics::{Code, reference_markdown};

#[test]
fn diagnostics_reference_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md");
    let expected = reference_markdown();
    if std::env::var_os("LEIDRAAD_BLESS").is_some() {
        std::fs::write(path, &expected).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/diagnostics.md is stale; run `LEIDRAAD_BLESS=1 cargo test --release --test it docs_sync::`"
    );
}

#[test]
fn every_code_has_a_real_explanation() {
    for code in Code::ALL {
        let info = code.info();
        let text = info.explanation;
        assert!(
            text.starts_with(&format!("# {} {}", info.code, info.name)),
            "{}: explanation must start with its code and name",
            info.code
        );
        for section in ["## What", "## Why", "## Example"] {
            assert!(text.contains(section), "{}: missing {section}", info.code);
        }
    }
}

#[test]
fn codes_and_names_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for code in Code::ALL {
        assert!(
            seen.insert(code.info().code),
            "duplicate code {}",
            code.info().code
        );
        assert!(
            seen.insert(code.info().name),
            "duplicate name {}",
            code.info().name
        );
    }
}
