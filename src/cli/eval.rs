//! `leidraad eval FILE --facts RECORD.json | --batch RECORDS.jsonl`

use super::{ResultFormat, Status, load_error_free, read_bytes};
use leidraad::check::{CheckedFile, kind_word, urgency_word};
use leidraad::eval::{EvalError, Evaluation, evaluate, evaluate_compiled};
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram};
use leidraad::model::Guideline;
use leidraad::model::record::{FieldError, read_record};
use leidraad::source::Sources;
use miette::miette;
use serde_json::{Value as Json, json};

pub fn run(
    path: &str,
    facts: Option<&str>,
    batch: Option<&str>,
    format: Option<ResultFormat>,
    reference: bool,
    color: bool,
) -> miette::Result<Status> {
    if batch.is_some() && format == Some(ResultFormat::Human) {
        return Err(miette!(
            "`--batch` writes one JSON result per line; leave out `--format human`, or evaluate one record with `--facts`"
        ));
    }
    let format = format.unwrap_or(ResultFormat::Human);
    let (sources, checked) = load_error_free(path, "so no patient is evaluated against it", color)?;
    let checked = &checked;
    let diagram = if reference {
        None
    } else {
        compile_or_warn(checked)
    };
    let evaluator = Evaluator {
        checked,
        diagram: diagram.as_ref(),
    };
    match (facts, batch) {
        (Some(facts), _) => single(&evaluator, &sources, facts, format),
        (None, Some(batch)) => many(&evaluator, &sources, batch),
        (None, None) => Err(miette!(
            "give `--facts RECORD.json` or `--batch RECORDS.jsonl`"
        )),
    }
}

/// The guideline and, unless `--reference` was asked for or it could not
/// be built, its compiled decision diagram.
struct Evaluator<'a> {
    checked: &'a CheckedFile,
    diagram: Option<&'a DecisionDiagram>,
}

/// Compiles the decision diagram, in the variable order `compile` uses by
/// default, so that the diagram evaluated is the one drawn; when a budget
/// stops it, says so and evaluates with the reference interpreter instead.
fn compile_or_warn(checked: &CheckedFile) -> Option<DecisionDiagram> {
    let lowering = checked.lowering.as_ref()?;
    match DecisionDiagram::compile_smaller(&lowering.problem, &CompileOptions::default()) {
        Ok(diagram) => Some(diagram),
        Err(error) => {
            eoutln!(
                "note: the decision diagram was not built ({error}); evaluating rule by rule instead"
            );
            None
        }
    }
}

/// The outcome of one record, as JSON, or the record's problems.
fn evaluate_record(
    evaluator: &Evaluator<'_>,
    sources: &Sources,
    record: &Json,
) -> Result<(Evaluation, Vec<String>), Vec<FieldError>> {
    let checked = evaluator.checked;
    let guideline = &checked.guideline;
    let Some(lowering) = &checked.lowering else {
        return Err(vec![FieldError {
            field: String::new(),
            message: "the guideline has errors".to_owned(),
        }]);
    };
    let mut read = read_record(guideline, record)?;
    // Values given for inputs that are not asked for this patient are set
    // aside; say so rather than silently ignoring them.
    for input in guideline.complete(&read.values).1 {
        if let Some(input) = guideline.inputs.get(input) {
            read.warnings.push(format!(
                "field `{}` was ignored: this patient is not asked it (see its `asked when`)",
                input.id
            ));
        }
    }
    let evaluation = match evaluator.diagram {
        Some(diagram) => evaluate_compiled(guideline, lowering, diagram, &read.values),
        None => evaluate(guideline, lowering, &read.values),
    };
    match evaluation {
        Ok(evaluation) => Ok((evaluation, read.warnings)),
        Err(error) => Err(eval_error(guideline, sources, &error)),
    }
}

fn eval_error(guideline: &Guideline, sources: &Sources, error: &EvalError) -> Vec<FieldError> {
    match error {
        EvalError::Missing(inputs) => inputs
            .iter()
            .filter_map(|i| guideline.inputs.get(*i))
            .map(|input| FieldError {
                field: input.id.clone(),
                message: format!(
                    "the record lacks `{}` ({}), and the recommendation depends on it",
                    input.id, input.label
                ),
            })
            .collect(),
        EvalError::Assumption(span) => {
            let at = sources.line_column(span.file, span.start as usize);
            vec![FieldError {
                field: String::new(),
                message: format!(
                    "the record contradicts the assumption on line {}: `{}`",
                    at.line,
                    sources.slice(*span).trim()
                ),
            }]
        }
        EvalError::AskedWhen => vec![FieldError {
            field: String::new(),
            message: "the record gives an input that is not asked for this patient".to_owned(),
        }],
    }
}

fn to_json(
    checked: &CheckedFile,
    sources: &Sources,
    evaluation: &Evaluation,
    warnings: &[String],
) -> Json {
    let recommendations: Vec<Json> = evaluation
        .recommendations
        .iter()
        .map(|r| {
            let mut item = json!({
                "kind": kind_word(r.kind),
                "target": r.target,
                "target_label": r.target_label,
                "rule": r.rule,
                "rule_label": r.rule_label,
                "line": sources.line_column(checked.file, r.rule_span.start as usize).line,
                "because": because_texts(&checked.guideline, sources, &r.because),
            });
            if let Some(map) = item.as_object_mut() {
                if let Some(u) = r.urgency {
                    map.insert("urgency".to_owned(), json!(urgency_word(u)));
                }
                if let Some(replaces) = &r.replaces {
                    map.insert("replaces".to_owned(), json!(replaces));
                }
                if let Some(instead) = &r.instead {
                    map.insert("instead".to_owned(), json!(instead));
                }
            }
            item
        })
        .collect();
    json!({
        "recommendations": recommendations,
        "overruled": evaluation.overruled.iter().map(|o| json!({
            "kind": kind_word(o.kind), "target": o.target, "rule": o.rule, "by_rule": o.by_rule,
        })).collect::<Vec<_>>(),
        "fired": evaluation.fired,
        "warnings": warnings,
    })
}

/// The reasons as written, each once: the same test written in two
/// definitions (`acute_uitval` in both `alarmsymptoom` and
/// `alarmvermoeden`) reads as one reason.
fn because_texts(
    guideline: &Guideline,
    sources: &Sources,
    because: &[leidraad::eval::Reason],
) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    because
        .iter()
        .map(|reason| reason_text(guideline, sources, reason))
        .filter(|text| seen.insert(text.clone()))
        .collect()
}

fn reason_text(
    guideline: &Guideline,
    sources: &Sources,
    reason: &leidraad::eval::Reason,
) -> String {
    let text = sources
        .slice(reason.span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !reason.negated {
        return text;
    }
    // INVARIANT: only an input that is always asked has a value whenever a
    // test on it is false; for one with `asked when`, both `x == v` and
    // `x != v` are false when it is not asked, so `not` must stay.
    let always_asked = |name: &str| {
        guideline
            .inputs
            .iter()
            .any(|input| input.id == name && input.asked_when.is_none())
    };
    let subject = text.split(' ').next().unwrap_or("");
    let turned = always_asked(subject)
        .then(|| negated_comparison(&text))
        .flatten();
    turned.unwrap_or_else(|| format!("not {text}"))
}

/// A single comparison turned around (`trauma != none` false reads as
/// `trauma == none`), so that a reason does not say "not ... !=". `None`
/// for anything else, which keeps its `not`. Only right for an input that
/// has a value; see [`reason_text`].
fn negated_comparison(text: &str) -> Option<String> {
    const OPPOSITES: [(&str, &str); 6] = [
        (" == ", " != "),
        (" != ", " == "),
        (" <= ", " > "),
        (" >= ", " < "),
        (" < ", " >= "),
        (" > ", " <= "),
    ];
    let compound = text.contains('(')
        || text
            .split(' ')
            .any(|word| matches!(word, "and" | "or" | "not" | "implies" | "has" | "in"));
    let found: Vec<(&str, &str)> = OPPOSITES
        .iter()
        .copied()
        .filter(|(operator, _)| text.contains(operator))
        .collect();
    match found.as_slice() {
        [(operator, opposite)] if !compound && text.matches(operator).count() == 1 => {
            Some(text.replacen(operator, opposite, 1))
        }
        _ => None,
    }
}

fn parse_json(bytes: &[u8], what: &str) -> Result<Json, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{what} is not UTF-8 text"))?;
    leidraad::model::record::parse_json(text).map_err(|e| format!("{what} is not valid JSON: {e}"))
}

/// [`parse_json`] for one line of a batch file: the position is given as a
/// column of that line, not as "line 1" of a one-line document.
fn parse_json_line(line: &str, line_number: usize) -> Result<Json, String> {
    leidraad::model::record::parse_json(line).map_err(|e| {
        let full = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&position).unwrap_or(&full);
        format!(
            "line {line_number} is not valid JSON: {message} at column {}",
            e.column()
        )
    })
}

fn single(
    evaluator: &Evaluator<'_>,
    sources: &Sources,
    facts: &str,
    format: ResultFormat,
) -> miette::Result<Status> {
    let checked = evaluator.checked;
    let bytes = read_bytes(facts)?;
    let what = if facts == "-" {
        "standard input".to_owned()
    } else {
        format!("`{facts}`")
    };
    let record = parse_json(&bytes, &what).map_err(|message| miette!("{message}"))?;
    match evaluate_record(evaluator, sources, &record) {
        Ok((evaluation, warnings)) => {
            match format {
                ResultFormat::Json => {
                    let out = to_json(checked, sources, &evaluation, &warnings);
                    outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
                }
                ResultFormat::Human => {
                    out!("{}", human(checked, sources, &evaluation, &warnings))
                }
            }
            Ok(Status::Clean)
        }
        Err(errors) => {
            match format {
                ResultFormat::Json => {
                    outln!(
                        "{}",
                        serde_json::to_string_pretty(&json!({ "errors": errors }))
                            .unwrap_or_default()
                    );
                }
                ResultFormat::Human => {
                    for e in &errors {
                        if e.field.is_empty() {
                            eoutln!("error: {}", e.message);
                        } else {
                            eoutln!("error: field `{}`: {}", e.field, e.message);
                        }
                    }
                    eoutln!("no recommendation was made: the record must be fixed first");
                }
            }
            Ok(Status::Problems)
        }
    }
}

fn human(
    checked: &CheckedFile,
    sources: &Sources,
    evaluation: &Evaluation,
    warnings: &[String],
) -> String {
    let mut out = String::new();
    let title = checked.guideline.header.as_ref().map_or_else(
        || sources.name(checked.file).to_owned(),
        |h| h.label.clone(),
    );
    out.push_str(&format!("{title}\n"));
    if evaluation.recommendations.is_empty() {
        out.push_str("  no recommendation for this patient\n");
    }
    for r in &evaluation.recommendations {
        let urgency = r
            .urgency
            .map_or(String::new(), |u| format!(" ({})", urgency_word(u)));
        let instead = r
            .instead
            .as_ref()
            .map_or(String::new(), |i| format!(", instead {i}"));
        let replaces = r
            .replaces
            .as_ref()
            .map_or(String::new(), |p| format!(" [alternative to {p}]"));
        out.push_str(&format!(
            "  {} {} \"{}\"{urgency}{instead}{replaces}\n",
            kind_word(r.kind),
            r.target,
            r.target_label
        ));
        let line = sources
            .line_column(checked.file, r.rule_span.start as usize)
            .line;
        out.push_str(&format!(
            "      rule `{}` \"{}\" ({}:{line})\n",
            r.rule,
            r.rule_label,
            sources.name(checked.file)
        ));
        if r.because.is_empty() {
            out.push_str("      because: the rule always applies\n");
        } else {
            let reasons = because_texts(&checked.guideline, sources, &r.because);
            out.push_str(&format!("      because: {}\n", reasons.join(", ")));
        }
    }
    for o in &evaluation.overruled {
        out.push_str(&format!(
            "  overruled: {} {} from rule `{}`, by rule `{}`\n",
            kind_word(o.kind),
            o.target,
            o.rule,
            o.by_rule
        ));
    }
    for w in warnings {
        out.push_str(&format!("  warning: {w}\n"));
    }
    out
}

fn many(evaluator: &Evaluator<'_>, sources: &Sources, batch: &str) -> miette::Result<Status> {
    let checked = evaluator.checked;
    let bytes = read_bytes(batch)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| miette!("`{batch}` is not UTF-8 text"))?;
    let mut failed = 0usize;
    let mut total = 0usize;
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        let out = match parse_json_line(line, line_number) {
            Err(message) => {
                failed += 1;
                json!({ "line": line_number, "errors": [{ "field": "", "message": message }] })
            }
            Ok(record) => match evaluate_record(evaluator, sources, &record) {
                Ok((evaluation, warnings)) => {
                    let mut out = to_json(checked, sources, &evaluation, &warnings);
                    if let Some(map) = out.as_object_mut() {
                        map.insert("line".to_owned(), json!(line_number));
                    }
                    out
                }
                Err(errors) => {
                    failed += 1;
                    json!({ "line": line_number, "errors": errors })
                }
            },
        };
        outln!("{}", serde_json::to_string(&out).unwrap_or_default());
    }
    if failed > 0 {
        eoutln!("{failed} of {total} records could not be evaluated");
        Ok(Status::Problems)
    } else {
        Ok(Status::Clean)
    }
}

#[cfg(test)]
mod tests {
    use super::negated_comparison;

    #[test]
    fn a_false_comparison_reads_as_its_opposite() {
        assert_eq!(
            negated_comparison("trauma != none").as_deref(),
            Some("trauma == none")
        );
        assert_eq!(
            negated_comparison("complaint_duration < 6 weeks").as_deref(),
            Some("complaint_duration >= 6 weeks")
        );
        assert_eq!(
            negated_comparison("age >= 50 years").as_deref(),
            Some("age < 50 years")
        );
        // Anything but one plain comparison keeps its `not`.
        assert_eq!(negated_comparison("bechterew_na_trauma"), None);
        assert_eq!(negated_comparison("suspected has malignancy"), None);
        assert_eq!(
            negated_comparison("age > 18 years and age < 50 years"),
            None
        );
        assert_eq!(
            negated_comparison("neuro_deficit in {acute, progressive}"),
            None
        );
    }
}
