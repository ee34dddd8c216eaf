//! Diagnostics as the editor types: first what the parser says (fast, for
//! any file), then everything `leidraad check` reports, analyses and
//! `case` vignettes included, through the same entry point
//! ([`check::report`]) with the default gate.

use super::Analysis;
use crate::check::{self, CheckOptions, Uses};
use crate::diagnostics::Diagnostic;
use crate::diagnostics::gate::Gate;
use crate::source::{FileId, Sources};
use crate::syntax;

/// The syntax errors of a text alone: shown at once, before the check.
pub fn syntax_diagnostics(file: FileId, text: &str) -> Vec<Diagnostic> {
    syntax::parse(file, text).1
}

/// Everything `leidraad check FILE` reports about `file` (with the
/// vocabularies `uses` loaded), with `options` (the command line's
/// defaults unless the editor's settings change them): the diagnostics
/// of the front end, the analyses within their budgets, and the cases.
pub fn check_diagnostics(
    sources: &Sources,
    uses: &Uses,
    file: FileId,
    options: &CheckOptions,
) -> Vec<Diagnostic> {
    check::report(sources, uses, &[file], options, &Gate::default()).diagnostics
}

/// [`check_diagnostics`] on a document whose front end has run: the
/// same report, without parsing and resolving it again.
pub fn check_analysis(analysis: &Analysis, options: &CheckOptions) -> Vec<Diagnostic> {
    let front = vec![(analysis.checked.clone(), analysis.diagnostics.clone())];
    let result = check::check_front_ends(&analysis.sources, front, options);
    check::report_on(result, &Gate::default()).diagnostics
}
