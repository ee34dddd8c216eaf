//! Leidraad: clinical guidelines as checked, compiled rules.
//!
//! Data flows one way: text → [`syntax`] → [`model`] → analyses and the
//! decision diagram ([`logic`]) → [`eval`] and rendering. Nothing in this
//! library reads files or prints; the `leidraad` binary does.
//!
//! # What this library offers
//! The command line, the language server, the review page and a wasm
//! build all stand on these, and only these, public items:
//! - **Sources and positions** ([`source`]): [`Sources`](source::Sources)
//!   holds the text of every file ([`Sources::replace`](source::Sources::replace)
//!   swaps one after an edit), [`FileId`](source::FileId),
//!   [`Span`](source::Span), and line and column in characters or UTF-16
//!   code units ([`SourceFile::line_column_in`](source::SourceFile::line_column_in),
//!   [`SourceFile::offset_of`](source::SourceFile::offset_of)).
//! - **Parse and check a file** ([`check`]): [`load`](check::load),
//!   [`check_file`](check::check_file), [`check_with`](check::check_with)
//!   and [`run_cases`](check::run_cases). Parsing and checking never fail:
//!   what is wrong comes back as diagnostics. A guideline that `use`s a
//!   vocabulary is checked with [`check_using`](check::check_using) and
//!   [`check_file_using`](check::check_file_using) after
//!   [`load_uses`](check::load_uses) has asked a [`Loader`](check::Loader)
//!   (implemented by whoever may read files) for the files it uses.
//! - **The syntax tree** ([`syntax`]): [`parse`](syntax::parse), the tree in
//!   [`syntax::ast`] with spans, comments and blank lines kept beside it,
//!   and the words of the language in [`syntax::vocabulary`].
//! - **The model, read-only** ([`model`]): the resolved
//!   [`Guideline`](model::Guideline), the index of every use of a name
//!   ([`model::index`]), the lowering to a finite problem ([`model::lower`],
//!   its number classes in [`model::classes`]) and patient records
//!   ([`model::record::read_record`]), and the words a clinician reads in
//!   each language ([`model::words`]).
//! - **Diagnostics and their renderers** ([`diagnostics`]):
//!   [`Diagnostic`](diagnostics::Diagnostic), the registry of
//!   [`Code`](diagnostics::Code)s with their explanations, and
//!   [`render`](diagnostics::render) as text, JSON or GitHub annotations;
//!   [`diagnostics::escape`] for any other text shown on a terminal.
//! - **Evaluate a record** ([`eval`]): on the decision diagram, the rule
//!   index or the reference interpreter, with the explanation and its
//!   wording ([`eval::text`]); what a partly answered record decides
//!   ([`eval::partial`], exact, on the decision diagram).
//! - **Compile and emit** ([`logic::diagram`], [`emit`]): the decision
//!   diagram with its budgets, written as JSON, DOT, Mermaid or rules;
//!   the finite problem it is built from ([`logic::problem`]), the exact
//!   analyses over it ([`logic::analyse`]) and the rule index
//!   ([`logic::index`]).
//!
//! - **Diff two versions** ([`diff`]): [`diff::diff`] over the
//!   patients of both, with its renderers ([`diff::render`]).
//!
//! - **Format a file** ([`format`](mod@format)): [`format::format`], one layout that
//!   changes white space only, or refuses.
//!
//! - **The playground** ([`playground`]): check, evaluate, the inputs of a
//!   form and the flowchart as JSON in and JSON out, which the wasm build
//!   exports to the browser page under `playground/` (its C ABI, the only
//!   unsafe code of the crate, exists on `wasm32` only).
//!
//! - **Editor features** ([`ide`]): hover, definition, references,
//!   rename, outline, completion, semantic tokens, folding, code actions,
//!   formatting and diagnostics over one document, in byte offsets; and
//!   the language server ([`lsp`]) that offers them in the protocol's
//!   terms, as a function of messages (the binary's `leidraad lsp` does
//!   the I/O).
//!
//! Everything else is `pub(crate)`: how the analyses become diagnostics
//! (`analysis`), the diagram arena of the analyser (`logic::mdd`), the
//! helpers behind the renderers and the diagram builder. The test scaffolding
//! (`logic::generate`, random problems and guidelines, and `logic::brute`,
//! the brute-force oracle) exists only with the `test-support` feature,
//! which the crate's own tests and benches turn on.

#![warn(unreachable_pub)]

pub(crate) mod analysis;
pub mod check;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod eval;
pub mod format;
pub mod ide;
pub mod logic;
pub mod lsp;
pub mod model;
pub mod playground;
pub mod source;
pub mod syntax;
