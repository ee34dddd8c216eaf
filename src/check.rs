//! The front end as one call: text to checked model, plus diagnostics. Never
//! fails; what could be built is returned with everything that was found.

use crate::analysis;
use crate::diagnostics::{self, Code, Diagnostic};
use crate::eval::{self, EvalError};
use crate::logic::analyse::AnalysisOptions;
use crate::logic::problem::Demand as LogicDemand;
use crate::model::lower::{Lowering, Valid, lower, lower_demand};
use crate::model::{self, Guideline};
use crate::source::{FileId, Sources, Span};

mod uses;

pub use uses::{Loaded, Loader, Request, Uses, load_uses, normalise};

/// One file after checking.
#[derive(Clone, Debug)]
pub struct CheckedFile {
    pub file: FileId,
    pub guideline: Guideline,
    /// Present only when the file has no errors: analyses, evaluation and
    /// compilation run on it.
    pub lowering: Option<Lowering>,
    /// The files it uses, transitively, in the order first used: their
    /// problems are the guideline's too.
    pub used: Vec<FileId>,
}

#[derive(Clone, Debug, Default)]
pub struct CheckResult {
    pub files: Vec<CheckedFile>,
    /// Sorted in their stable output order.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckedFile {
    /// Whether a diagnostic is about this guideline: in its file or in one
    /// it uses.
    pub fn concerns(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic
            .primary_span()
            .is_some_and(|span| span.file == self.file || self.used.contains(&span.file))
    }

    /// The guideline with its lowering, when the file has no errors.
    pub fn valid(&self) -> Option<Valid<'_>> {
        self.lowering.as_ref().map(|lowering| Valid {
            guideline: &self.guideline,
            lowering,
        })
    }
}

impl CheckResult {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Adds a file's bytes to `sources`. A file that is not UTF-8 text (or holds
/// NUL bytes, as binary files do) is added with its readable prefix only,
/// and the returned diagnostic says so.
pub fn load(sources: &mut Sources, name: &str, bytes: Vec<u8>) -> (FileId, Option<Diagnostic>) {
    let nul = bytes.iter().position(|b| *b == 0);
    let (text, bad_at) = match String::from_utf8(bytes) {
        Ok(text) => match nul {
            Some(at) => (text.get(..at).unwrap_or("").to_owned(), Some(at)),
            None => (text, None),
        },
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let at = nul.map_or(valid, |n| n.min(valid));
            (
                String::from_utf8_lossy(bytes.get(..at).unwrap_or(&[])).into_owned(),
                Some(at),
            )
        }
    };
    let end = text.len();
    let id = match bad_at {
        Some(at) => sources.add_cut(name, text, at),
        None => sources.add(name, text),
    };
    let diagnostic = bad_at.map(|at| {
        Diagnostic::new(Code::NotText, format!("`{name}` is not a text file"))
            .with_primary(Span::new(id, end, end), format!("byte {at} is not UTF-8 text"))
            .with_help("a rule file is plain UTF-8 text; save it as text, not as a document or binary file")
    });
    (id, diagnostic)
}

/// What `check` does beyond the front end.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Run the analyses that prove things about every patient (conflicts,
    /// rules that never fire, overruled and redundant rules, requirements)
    /// on every file without errors.
    pub analyses: bool,
    /// With the analyses, also compare every pair of files checked together
    /// (L309: where two guidelines give one patient clashing advice).
    pub compare: bool,
    pub analysis: AnalysisOptions,
    /// Guidelines with more rules than this are not analysed; L306 says so.
    /// The node budget bounds memory, not time, and the pairwise analyses
    /// grow with the square of the rule count.
    pub max_rules: usize,
    /// The language of the words a clinician reads (`--lang nl`: advice,
    /// example patients, sentences), over each guideline's `language`;
    /// see [`crate::model::Guideline::speak`]. The diagnostics' own words
    /// stay English.
    pub language: Option<String>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            analyses: true,
            compare: false,
            analysis: AnalysisOptions::default(),
            max_rules: 20_000,
            language: None,
        }
    }
}

/// Parses and resolves one file; no analyses. A `use` in it is reported as
/// not loaded: [`check_file_using`] checks a file with what it uses.
pub fn check_file(sources: &Sources, file: FileId) -> (CheckedFile, Vec<Diagnostic>) {
    check_file_using(sources, &Uses::default(), file)
}

/// Parses and resolves one file with the vocabularies it uses, as
/// [`load_uses`] loaded them; no analyses. The guideline holds what it
/// takes from them, with the spans of their files; every diagnostic
/// points into the file where the problem is.
pub fn check_file_using(
    sources: &Sources,
    uses: &Uses,
    file: FileId,
) -> (CheckedFile, Vec<Diagnostic>) {
    let source = sources.get(file);
    let assembled = uses::assemble(sources, uses, file, file);
    let mut diagnostics = assembled.diagnostics;
    let (guideline, resolve_diagnostics) = model::resolve(file, &assembled.syntax);
    // What is wrong inside a used file is found by checking that file on
    // its own (below), which says it once and in that file's terms.
    diagnostics.extend(
        resolve_diagnostics
            .into_iter()
            .filter(|d| d.primary_span().is_none_or(|span| span.file == file))
            // A name a missing vocabulary would declare is not unknown.
            .filter(|d| !(assembled.incomplete && names_unknown(d))),
    );
    for &vocabulary in &assembled.used {
        // Its syntax errors and its uses were reported above, along the
        // guideline's uses.
        let alone = uses::assemble(sources, uses, file, vocabulary);
        let (_, found) = model::resolve(vocabulary, &alone.syntax);
        diagnostics.extend(
            found
                .into_iter()
                .filter(|d| d.primary_span().is_none_or(|span| span.file == vocabulary)),
        );
    }
    diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    // A binary file whose readable start is blank holds nothing to check:
    // the not-text error from `load` says all there is to say, and "the
    // file holds no guideline" would only repeat it less clearly.
    let nothing_readable =
        source.is_some_and(|f| f.not_text_from.is_some() && f.text.trim().is_empty());
    if nothing_readable {
        diagnostics.retain(|d| d.code != Code::MissingHeader);
    }
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let lowering = (!has_errors).then(|| lower(&guideline));
    (
        CheckedFile {
            file,
            guideline,
            lowering,
            used: assembled.used,
        },
        diagnostics,
    )
}

/// Whether a diagnostic says only that a name is not declared: an unknown
/// name or group, or a case fact for an input there is not. The resolver
/// marks such diagnostics where it makes them
/// ([`Diagnostic::undeclared`]); their wording plays no part.
fn names_unknown(diagnostic: &Diagnostic) -> bool {
    diagnostic.undeclared.is_some()
}

/// Says, per requirement, that it was not verified and why.
fn not_verified(guideline: &Guideline, reason: &str) -> Vec<Diagnostic> {
    guideline
        .requirements
        .iter()
        .map(|requirement| {
            Diagnostic::new(
                Code::RequirementNotVerified,
                format!("requirement \"{}\" was not verified", requirement.label),
            )
            .with_primary(requirement.span, "not verified")
            .with_note(reason.to_owned())
        })
        .collect()
}

/// L306 for a guideline too large to analyse: nothing is claimed about it.
fn too_many_rules(checked: &CheckedFile, limit: usize) -> Diagnostic {
    let guideline = &checked.guideline;
    let span = guideline
        .header
        .as_ref()
        .map_or(Span::new(checked.file, 0, 0), |h| h.span);
    Diagnostic::new(
        Code::AnalysisIncomplete,
        format!(
            "the analyses did not run: the guideline has {} rules, more than the limit of {limit}",
            guideline.rules.len()
        ),
    )
    .with_primary(span, "this guideline")
    .with_note("nothing is claimed about conflicts, rules that never fire, overruled or redundant rules, or requirements")
    .with_help("raise the limit with `--max-rules N` (the analyses may then take long), or split the guideline into smaller files")
}

/// Checks several files with the default options; each is its own guideline.
pub fn check(sources: &Sources, files: &[FileId]) -> CheckResult {
    check_with(sources, files, &CheckOptions::default())
}

/// Checks several files; each is its own guideline. With analyses on, every
/// file without errors is analysed, and with `compare` every pair of such
/// files is compared.
/// A `use` is reported as not loaded: [`check_using`] follows them.
pub fn check_with(sources: &Sources, files: &[FileId], options: &CheckOptions) -> CheckResult {
    check_using(sources, &Uses::default(), files, options)
}

/// [`check_with`] for files whose uses [`load_uses`] loaded: each file is
/// checked with the vocabularies it uses.
pub fn check_using(
    sources: &Sources,
    uses: &Uses,
    files: &[FileId],
    options: &CheckOptions,
) -> CheckResult {
    let front = files
        .iter()
        .map(|&file| check_file_using(sources, uses, file))
        .collect();
    check_front_ends(sources, front, options)
}

/// [`check_using`] for files whose front end ([`check_file_using`]) has
/// run already: the analyses and comparisons on top of it. A language
/// server that has the front end of a document for its outline and hover
/// checks it with this, without parsing it again.
pub fn check_front_ends(
    sources: &Sources,
    front: Vec<(CheckedFile, Vec<Diagnostic>)>,
    options: &CheckOptions,
) -> CheckResult {
    let mut result = CheckResult::default();
    for (mut checked, found) in front {
        checked.guideline.speak(options.language.as_deref());
        result.diagnostics.extend(found);
        let valid = checked.valid();
        if valid.is_none() {
            result.diagnostics.extend(not_verified(
                &checked.guideline,
                "the file has errors; requirements are proved only for a file without errors",
            ));
        } else if options.analyses && checked.guideline.rules.len() > options.max_rules {
            result
                .diagnostics
                .push(too_many_rules(&checked, options.max_rules));
        } else if let Some(valid) = valid.filter(|_| options.analyses) {
            result
                .diagnostics
                .extend(analysis::analyse_file(sources, valid, &options.analysis));
        } else {
            result.diagnostics.extend(not_verified(
                &checked.guideline,
                "the analyses were switched off",
            ));
        }
        result.files.push(checked);
    }
    if options.analyses && options.compare {
        let files: Vec<Valid<'_>> = result
            .files
            .iter()
            .filter_map(CheckedFile::valid)
            .filter(|valid| valid.guideline.rules.len() <= options.max_rules)
            // A vocabulary gives no advice to compare.
            .filter(|valid| {
                valid
                    .guideline
                    .header
                    .as_ref()
                    .is_none_or(|h| h.kind != crate::syntax::ast::HeaderKind::Vocabulary)
            })
            .collect();
        let mut found = Vec::new();
        for (index, first) in files.iter().enumerate() {
            for second in files.iter().skip(index + 1) {
                found.extend(analysis::compare::compare(
                    sources,
                    *first,
                    *second,
                    &options.analysis,
                ));
            }
        }
        result.diagnostics.extend(found);
    }
    diagnostics::sort(&mut result.diagnostics);
    // A vocabulary used by several files (or checked as one of them) is
    // reported on once.
    result.diagnostics.dedup();
    result
}

/// Everything `leidraad check` reports about some files: [`check_using`],
/// then the `case` vignettes of every file that can be evaluated, sorted,
/// with `gate` deciding what fails. The command line and the language
/// server both call this, so an editor shows what `check` says.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub result: CheckResult,
    pub cases_passed: usize,
    pub cases_failed: usize,
    /// Every diagnostic of the check and the cases, sorted, the gate
    /// applied (what fails is an error).
    pub diagnostics: Vec<Diagnostic>,
}

/// See [`Report`].
pub fn report(
    sources: &Sources,
    uses: &Uses,
    files: &[FileId],
    options: &CheckOptions,
    gate: &diagnostics::gate::Gate,
) -> Report {
    report_on(check_using(sources, uses, files, options), gate)
}

/// [`report`] on a check already run ([`check_using`] or
/// [`check_front_ends`]): the cases and the gate.
pub fn report_on(result: CheckResult, gate: &diagnostics::gate::Gate) -> Report {
    let mut diagnostics = result.diagnostics.clone();
    let (mut cases_passed, mut cases_failed) = (0, 0);
    let mut not_analysed = std::collections::BTreeSet::new();
    for checked in &result.files {
        if checked.lowering.is_none() {
            not_analysed.insert(checked.file);
            continue;
        }
        let (outcomes, found) = run_cases(checked);
        cases_passed += outcomes.iter().filter(|o| o.passed).count();
        cases_failed += outcomes.iter().filter(|o| !o.passed).count();
        diagnostics.extend(found);
    }
    diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    // In a file with errors nothing was analysed: its requirements are
    // not verified because of the errors, which fail the check already.
    gate.apply(&mut diagnostics, |d| {
        d.code == Code::RequirementNotVerified
            && d.primary_span()
                .is_some_and(|s| not_analysed.contains(&s.file))
    });
    Report {
        result,
        cases_passed,
        cases_failed,
        diagnostics,
    }
}

/// The result of one `case`.
#[derive(Clone, Debug)]
pub struct CaseOutcome {
    pub label: String,
    pub span: Span,
    pub passed: bool,
    /// Why it failed (L401 for each expectation that does not hold, or one
    /// L402); empty when it passed.
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs the `case` vignettes of a checked file. Failures come back as
/// diagnostics pointing at the case.
pub fn run_cases(checked: &CheckedFile) -> (Vec<CaseOutcome>, Vec<Diagnostic>) {
    let guideline = &checked.guideline;
    let mut outcomes = Vec::new();
    let mut all = Vec::new();
    let Some(lowering) = &checked.lowering else {
        return (outcomes, all);
    };
    for case in &guideline.cases {
        let mut passed = true;
        let mut diagnostics = Vec::new();
        match eval::evaluate(guideline, lowering, &case.facts) {
            Err(error) => {
                passed = false;
                let mut diagnostic = Diagnostic::new(
                    Code::CaseNotEvaluated,
                    format!("case \"{}\" could not be evaluated", case.label),
                )
                .with_primary(case.span, "this case");
                diagnostic = match error {
                    EvalError::Missing(inputs) => {
                        let names: Vec<String> = inputs
                            .iter()
                            .filter_map(|i| guideline.inputs.get(*i).map(|x| format!("`{}`", x.id)))
                            .collect();
                        diagnostic
                            .with_note(format!(
                                "the result depends on {}, which the case does not give",
                                names.join(", ")
                            ))
                            .with_help(format!("add {} to `given`", names.join(", ")))
                    }
                    EvalError::Assumption(span) => diagnostic
                        .with_secondary(span, "the case contradicts this assumption")
                        .with_help("change the facts so that they fit the assumption"),
                    EvalError::AskedWhen => diagnostic
                        .with_note("the case gives a value for an input that is not asked"),
                };
                diagnostics.push(diagnostic);
            }
            Ok(evaluation) => {
                let (slots, _) = guideline.complete(&case.facts);
                let assignment = lowering.assignment(&slots);
                let outcome = lowering.problem.outcome(&assignment).ok();
                let actions = outcome.map(|o| o.actions).unwrap_or_default();
                for expectation in &case.expects {
                    let demand: LogicDemand = lower_demand(&expectation.demand);
                    if demand.holds(&actions) {
                        continue;
                    }
                    passed = false;
                    let actual: Vec<String> = evaluation
                        .recommendations
                        .iter()
                        .map(eval::text::recommendation_line)
                        .collect();
                    let actual_text = if actual.is_empty() {
                        "nothing is recommended".to_owned()
                    } else {
                        format!("recommended: {}", actual.join("; "))
                    };
                    // `expect order X within 8 hours` for advice within 1 hour:
                    // the urgency is exact unless `or sooner` says otherwise.
                    let sooner_holds = match &demand {
                        LogicDemand::Has {
                            kind,
                            targets,
                            urgency: urgency @ Some(_),
                            sooner: false,
                        } => LogicDemand::Has {
                            kind: *kind,
                            targets: targets.clone(),
                            urgency: *urgency,
                            sooner: true,
                        }
                        .holds(&actions),
                        _ => false,
                    };
                    let help = if sooner_holds {
                        "the advice is more urgent than the case expects; to accept that, write `or sooner` after the urgency"
                    } else {
                        "fix the rules if the case is right, or the case if the rules are right"
                    };
                    diagnostics.push(
                        Diagnostic::new(
                            Code::CaseFailed,
                            format!("case \"{}\" failed", case.label),
                        )
                        .with_primary(expectation.span, "this expectation does not hold")
                        .with_secondary(case.span, "in this case")
                        .with_note(actual_text)
                        .with_help(help),
                    );
                }
            }
        }
        all.extend(diagnostics.iter().cloned());
        outcomes.push(CaseOutcome {
            label: case.label.clone(),
            span: case.span,
            passed,
            diagnostics,
        });
    }
    (outcomes, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diagnostics of `text` checked alone: its `use` is not loaded.
    fn alone(text: &str) -> Vec<Diagnostic> {
        let mut sources = Sources::new();
        let file = sources.add("g.leidraad", text);
        check_file(&sources, file).1
    }

    #[test]
    fn a_missing_vocabulary_leaves_out_only_what_says_a_name_is_not_declared() {
        let text = "\
guideline g \"G\"
use \"shared.vocabulary.leidraad\"
input age : number 0..120 years \"Age\"
rule r \"R\"
  when fever and age > 50
  then order MRI in imaging
require \"R\"
  then some order in scans
case \"C\"
  given fever yes, age 130
  expect order MRI
";
        let found = alone(text);
        let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
        // `fever`, `MRI`, the group `scans` and the case fact `fever` may
        // all be declared by the vocabulary; the age of 130 is out of the
        // range of an input declared here, and is reported.
        assert!(
            !codes.contains(&"L101") && !codes.contains(&"L115"),
            "{found:?}"
        );
        let case_facts: Vec<&Diagnostic> = found
            .iter()
            .filter(|d| d.code == Code::CaseFactMismatch)
            .collect();
        assert_eq!(case_facts.len(), 1, "{found:?}");
        assert!(case_facts[0].message.contains("age"), "{found:?}");
        // What is left out is decided by the mark the resolver sets, not by
        // the words of a label.
        let span = Span::new(FileId(0), 0, 1);
        let worded = Diagnostic::new(Code::CaseFactMismatch, "`x` is not an input")
            .with_primary(span, "unknown input");
        assert!(!names_unknown(&worded));
        let marked = Diagnostic::new(Code::CaseFactMismatch, "`x` is not an input")
            .with_primary(span, "no input is called so")
            .with_undeclared("x");
        assert!(names_unknown(&marked));
    }
}
