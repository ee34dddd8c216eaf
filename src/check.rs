//! The front end as one call: text to checked model, plus diagnostics. Never
//! fails; what could be built is returned with everything that was found.

use crate::diagnostics::{self, Code, Diagnostic};
use crate::eval::{self, EvalError};
use crate::logic::problem::Demand as LogicDemand;
use crate::model::lower::{Lowering, lower, lower_demand};
use crate::model::{self, Guideline};
use crate::source::{FileId, Sources, Span};
use crate::syntax;

/// One file after checking.
#[derive(Clone, Debug)]
pub struct CheckedFile {
    pub file: FileId,
    pub guideline: Guideline,
    /// Present only when the file has no errors: analyses, evaluation and
    /// compilation run on it.
    pub lowering: Option<Lowering>,
}

#[derive(Clone, Debug, Default)]
pub struct CheckResult {
    pub files: Vec<CheckedFile>,
    /// Sorted in their stable output order.
    pub diagnostics: Vec<Diagnostic>,
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
    let id = sources.add(name, text);
    let diagnostic = bad_at.map(|at| {
        Diagnostic::new(Code::NotText, format!("`{name}` is not a text file"))
            .with_primary(Span::new(id, end, end), format!("byte {at} is not UTF-8 text"))
            .with_help("a rule file is plain UTF-8 text; save it as text, not as a document or binary file")
    });
    (id, diagnostic)
}

/// Parses and resolves one file.
pub fn check_file(sources: &Sources, file: FileId) -> (CheckedFile, Vec<Diagnostic>) {
    let text = sources.get(file).map_or("", |f| f.text.as_str());
    let (syntax, mut diagnostics) = syntax::parse(file, text);
    let (guideline, resolve_diagnostics) = model::resolve(file, &syntax);
    diagnostics.extend(resolve_diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let lowering = (!has_errors).then(|| lower(&guideline));
    if lowering.is_some() {
        for requirement in &guideline.requirements {
            diagnostics.push(
                Diagnostic::new(Code::RequirementNotVerified, format!("requirement \"{}\" was not verified", requirement.label))
                    .with_primary(requirement.span, "not verified")
                    .with_note("this version checks names, types and units only; the analyses that prove requirements for every patient do not run yet"),
            );
        }
    }
    (
        CheckedFile {
            file,
            guideline,
            lowering,
        },
        diagnostics,
    )
}

/// Checks several files; each is its own guideline.
pub fn check(sources: &Sources, files: &[FileId]) -> CheckResult {
    let mut result = CheckResult::default();
    for &file in files {
        let (checked, found) = check_file(sources, file);
        result.files.push(checked);
        result.diagnostics.extend(found);
    }
    diagnostics::sort(&mut result.diagnostics);
    result
}

/// The result of one `case`.
#[derive(Clone, Debug)]
pub struct CaseOutcome {
    pub label: String,
    pub span: Span,
    pub passed: bool,
}

/// Runs the `case` vignettes of a checked file. Failures come back as
/// diagnostics pointing at the case.
pub fn run_cases(checked: &CheckedFile) -> (Vec<CaseOutcome>, Vec<Diagnostic>) {
    let guideline = &checked.guideline;
    let mut outcomes = Vec::new();
    let mut diagnostics = Vec::new();
    let Some(lowering) = &checked.lowering else {
        return (outcomes, diagnostics);
    };
    for case in &guideline.cases {
        let mut passed = true;
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
                        .map(|r| {
                            let urgency = r
                                .urgency
                                .map_or(String::new(), |u| format!(" {}", urgency_word(u)));
                            format!(
                                "{} {}{} (rule `{}`)",
                                kind_word(r.kind),
                                r.target,
                                urgency,
                                r.rule
                            )
                        })
                        .collect();
                    let actual_text = if actual.is_empty() {
                        "nothing is recommended".to_owned()
                    } else {
                        format!("recommended: {}", actual.join("; "))
                    };
                    diagnostics.push(
                        Diagnostic::new(Code::CaseFailed, format!("case \"{}\" failed", case.label))
                            .with_primary(expectation.span, "this expectation does not hold")
                            .with_secondary(case.span, "in this case")
                            .with_note(actual_text)
                            .with_help("fix the rules if the case is right, or the case if the rules are right"),
                    );
                }
            }
        }
        outcomes.push(CaseOutcome {
            label: case.label.clone(),
            span: case.span,
            passed,
        });
    }
    (outcomes, diagnostics)
}

pub fn kind_word(kind: crate::logic::problem::ActionKind) -> &'static str {
    use crate::logic::problem::ActionKind;
    match kind {
        ActionKind::Order => "order",
        ActionKind::Refer => "refer",
        ActionKind::Avoid => "avoid",
    }
}

pub fn urgency_word(urgency: crate::logic::problem::Urgency) -> &'static str {
    use crate::logic::problem::Urgency;
    match urgency {
        Urgency::SameDay => "same_day",
        Urgency::Urgent => "urgent",
        Urgency::Routine => "routine",
    }
}
