//! The integration tests, as one test crate: each file of `tests/it/` is a
//! module here, so that `cargo test --release` links one test binary
//! instead of one per file (the links were most of the time of a build).
//!
//! To add a file `tests/it/NAME.rs`, add `mod NAME;` below (in order), and
//! put its fixtures under `tests/fixtures/`; its snapshots land in
//! `tests/it/snapshots/it__NAME__*.snap`. Run one module with
//! `cargo test --release --test it NAME::`.
//!
//! The modules are `cfg(test)` so that clippy's `allow-*-in-tests` settings
//! (`clippy.toml`) cover their helpers too, not only the `#[test]`
//! functions; this crate is only ever built as a test.

#[cfg(test)]
mod support;

#[cfg(test)]
mod batch;
#[cfg(test)]
mod blowup;
#[cfg(test)]
mod cli;
#[cfg(test)]
mod compile;
#[cfg(test)]
mod diagnostics;
#[cfg(test)]
mod diagram_agrees;
#[cfg(test)]
mod docs_examples;
#[cfg(test)]
mod docs_sync;
#[cfg(test)]
mod eval_agrees;
#[cfg(test)]
mod eval_explained;
#[cfg(test)]
mod frontend;
#[cfg(test)]
mod guidelines;
#[cfg(test)]
mod index_agrees;
#[cfg(test)]
mod input_defects;
#[cfg(test)]
mod logic_exact;
#[cfg(test)]
mod robustness;
#[cfg(test)]
mod tidy;
