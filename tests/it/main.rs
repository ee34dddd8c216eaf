//! The integration tests, as one test crate: each file of `tests/it/` is a
//! module here, so that `cargo test --release` links one test binary
//! instead of one per file (the links were most of the time of a build).
//!
//! To add a file `tests/it/NAME.rs`, add `mod NAME;` below (in order), and
//! put its fixtures under `tests/fixtures/`; its snapshots land in
//! `tests/it/snapshots/it__NAME__*.snap`. Run one module with
//! `cargo test --release --test it NAME::`.
//!
//! The crate is `cfg(test)` so that clippy's `allow-*-in-tests` settings
//! (`clippy.toml`) cover the modules' helpers too, not only the `#[test]`
//! functions; it is only ever built as a test.

#![cfg(test)]

mod support;

mod ask;
mod batch;
mod blowup;
mod cli;
mod codes;
mod compile;
mod deadlines;
mod diagnostics;
mod diagram_agrees;
mod diff;
mod doc;
mod docs_examples;
mod docs_sync;
mod eval_agrees;
mod eval_explained;
mod fmt;
mod formats;
mod frontend;
mod guidelines;
mod index_agrees;
mod input_defects;
mod labs;
mod logic_exact;
mod lsp;
mod model_exact;
mod names;
mod partial;
mod playground;
mod pty;
mod quantities;
mod records;
mod robustness;
mod scores_large;
mod sql;
mod sql_audit;
mod svg;
mod tidy;
mod value_labels;
mod vocabulary;
mod words;
