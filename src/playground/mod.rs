//! The library as the browser playground calls it (`playground/`,
//! docs/playground.md): four functions from a JSON request to a JSON
//! answer, so that a page needs no more than a string in and a string out.
//! `abi.rs` exports them from the wasm build; here they are plain safe
//! Rust, tested natively like the rest of the library.
//!
//! Every request is one JSON object:
//! `{"main": "wells-dvt.leidraad", "files": {"wells-dvt.leidraad": "guideline ..."}}`,
//! plus `"record"` (a patient record, as `leidraad eval --facts` reads it)
//! for [`eval`] and `"entry"` (a catalogue entry's name) for
//! [`flowchart`]. `files` holds the guideline and every file it `use`s,
//! by the path its `use` gives. Each call checks the files again: the page
//! sends the text as it is now.
//!
//! What each answer holds is what the command line gives for the same
//! files: [`check()`] is `leidraad check --format json` (with each
//! diagnostic's human text added), [`eval`] is `leidraad eval --format
//! json` (and its human text), [`flowchart`] is the inline SVG chart of
//! `leidraad doc` (and `leidraad compile --emit mermaid`). Nothing here
//! reads a file or the clock.

#[cfg(target_arch = "wasm32")]
mod abi;

use crate::check::{self, CheckOptions, CheckedFile, Loaded, Request, Uses};
use crate::diagnostics::gate::Gate;
use crate::diagnostics::render::{self, Summary};
use crate::diagnostics::{self, Code, Diagnostic};
use crate::emit::{self, Compiled};
use crate::eval::text::{Shown, error_messages, human_shown, to_json};
use crate::eval::{Evaluation, evaluate, evaluate_compiled, evaluate_indexed, evaluate_settled};
use crate::logic::diagram::{CompileOptions, DiagramGroup, GroupedDiagram};
use crate::logic::index::RuleIndex;
use crate::model::record::{FieldError, read_record};
use crate::model::{Slot, Type, Value};
use crate::source::{FileId, Sources};
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;

/// The most memory a decision diagram may take while it is built: a wasm
/// page has at most 4 GiB, and a browser tab gives far less.
const MAX_DIAGRAM_MEMORY: usize = 512 << 20;

/// A request, read.
struct Files {
    main: String,
    files: BTreeMap<String, String>,
}

fn read_request(request: &str) -> Result<(Files, Json), String> {
    let json = crate::model::record::parse_json(request)
        .map_err(|e| format!("the request is not valid JSON: {e}"))?;
    let main = json
        .get("main")
        .and_then(Json::as_str)
        .ok_or("the request names no `main` file")?
        .to_owned();
    let mut files = BTreeMap::new();
    if let Some(Json::Object(given)) = json.get("files") {
        for (name, text) in given {
            if let Some(text) = text.as_str() {
                files.insert(name.clone(), text.to_owned());
            }
        }
    }
    if !files.contains_key(&main) {
        return Err(format!("the request has no text for `{main}`"));
    }
    Ok((Files { main, files }, json))
}

/// The main file in `Sources`, with what it uses, loaded from the request.
fn load(files: &Files) -> (Sources, FileId, Uses, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let text = files.files.get(&files.main).cloned().unwrap_or_default();
    let (main, problem) = check::load(&mut sources, &files.main, text.into_bytes());
    let mut loader = |request: &Request<'_>| match files.files.get(request.path) {
        Some(text) => Loaded::File {
            name: request.path.to_owned(),
            bytes: text.clone().into_bytes(),
        },
        None => Loaded::Missing(format!(
            "the playground has no file `{}`; add it beside the guideline",
            request.path
        )),
    };
    let uses = check::load_uses(&mut sources, &[main], &mut loader);
    (sources, main, uses, problem.into_iter().collect())
}

fn error_answer(message: &str) -> String {
    json!({ "errors": [{ "field": "", "message": message }] }).to_string()
}

/// `leidraad check --format json` of the main file: the front end, the
/// analyses and the `case` vignettes, with the default gate. Each
/// diagnostic also carries `human`, its text as the terminal shows it
/// (without colour).
pub fn check(request: &str) -> String {
    let (files, _) = match read_request(request) {
        Ok(read) => read,
        Err(message) => return error_answer(&message),
    };
    let (sources, main, uses, mut found) = load(&files);
    let result = check::check_using(&sources, &uses, &[main], &CheckOptions::default());
    found.extend(result.diagnostics);
    let mut not_analysed = Vec::new();
    let (mut passed, mut failed) = (0, 0);
    for checked in &result.files {
        if checked.lowering.is_none() {
            not_analysed.push(checked.file);
            continue;
        }
        let (outcomes, from_cases) = check::run_cases(checked);
        passed += outcomes.iter().filter(|o| o.passed).count();
        failed += outcomes.iter().filter(|o| !o.passed).count();
        found.extend(from_cases);
    }
    diagnostics::sort(&mut found);
    found.dedup();
    Gate::default().apply(&mut found, |d| {
        d.code == Code::RequirementNotVerified
            && d.primary_span()
                .is_some_and(|s| not_analysed.contains(&s.file))
    });
    let mut summary = Summary::new(vec![files.main.clone()], &found);
    summary.cases_passed = passed;
    summary.cases_failed = failed;
    let text = render::json(&found, &sources, &summary);
    let Ok(mut document) = serde_json::from_str::<Json>(&text) else {
        return text;
    };
    if let Some(Json::Array(shown)) = document.get_mut("diagnostics") {
        for (item, diagnostic) in shown.iter_mut().zip(&found) {
            if let Some(item) = item.as_object_mut() {
                let human = render::human(std::slice::from_ref(diagnostic), &sources, false);
                item.insert("human".to_owned(), Json::String(human));
            }
        }
    }
    document.to_string()
}

/// The main file checked by the front end alone (as `eval` and `compile`
/// check it), or the answer that says it has errors.
fn error_free(files: &Files) -> Result<(Sources, CheckedFile), String> {
    let (sources, main, uses, problems) = load(files);
    let front_end = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check::check_using(&sources, &uses, &[main], &front_end);
    let has_errors = problems
        .iter()
        .chain(&result.diagnostics)
        .any(Diagnostic::is_error);
    match result.files.into_iter().next() {
        Some(checked) if checked.lowering.is_some() && !has_errors => Ok((sources, checked)),
        _ => Err(format!(
            "`{}` has errors, so no patient is evaluated against it; fix the errors shown first",
            files.main
        )),
    }
}

/// The request read and its main file checked by the front end alone
/// (`error_free`), or the message of the answer that refuses it.
fn error_free_request(request: &str) -> Result<(Json, Sources, CheckedFile), String> {
    let (files, json) = read_request(request)?;
    let (sources, checked) = error_free(&files)?;
    Ok((json, sources, checked))
}

fn budgets() -> CompileOptions {
    CompileOptions {
        max_memory: MAX_DIAGRAM_MEMORY,
        ..CompileOptions::default()
    }
}

/// The inputs of the main file, for a form: `{"guideline": {...},
/// "inputs": [...], "entries": [...]}`. Each input has its `id`, `label`
/// and `type` (`yes_no`, `one_of`, `any_of`, `number`), the `values` of a
/// choice, the `unit`, `min`, `max` and `whole` of a number, whether
/// `unknown` is an answer, its `default`, and whether it has an `asked
/// when` (`conditional`). The answer is `{"errors": [...]}` while the file
/// has errors.
pub fn inputs(request: &str) -> String {
    let (_, _, checked) = match error_free_request(request) {
        Ok(read) => read,
        Err(message) => return error_answer(&message),
    };
    let guideline = &checked.guideline;
    let inputs: Vec<Json> = guideline
        .inputs
        .iter()
        .map(|input| {
            let mut item = Map::new();
            item.insert("id".to_owned(), json!(input.id));
            item.insert("label".to_owned(), json!(input.label));
            match &input.ty {
                Type::YesNo => {
                    item.insert("type".to_owned(), json!("yes_no"));
                }
                Type::OneOf(values) => {
                    item.insert("type".to_owned(), json!("one_of"));
                    item.insert("values".to_owned(), json!(values));
                    item.insert("value_labels".to_owned(), shown_values(input));
                }
                Type::AnyOf(values) => {
                    item.insert("type".to_owned(), json!("any_of"));
                    item.insert("values".to_owned(), json!(values));
                    item.insert("value_labels".to_owned(), shown_values(input));
                }
                Type::Number {
                    lo,
                    hi,
                    unit,
                    whole,
                    ..
                } => {
                    item.insert("type".to_owned(), json!("number"));
                    item.insert("min".to_owned(), json!(lo.to_string()));
                    item.insert("max".to_owned(), json!(hi.to_string()));
                    item.insert("unit".to_owned(), json!(unit.map(|u| u.canonical)));
                    item.insert("whole".to_owned(), json!(whole));
                }
            }
            item.insert("unknown".to_owned(), json!(input.admits_unknown));
            item.insert("conditional".to_owned(), json!(input.asked_when.is_some()));
            let default = input
                .default
                .as_ref()
                .map(|value| value_json(&input.ty, value));
            item.insert("default".to_owned(), default.unwrap_or(Json::Null));
            Json::Object(item)
        })
        .collect();
    let entries: Vec<Json> = guideline
        .entries
        .iter()
        .map(|e| json!({ "id": e.id, "label": e.label }))
        .collect();
    let header = guideline.header.as_ref().map(
        |h| json!({ "id": h.id, "label": h.label, "language": h.language, "version": h.version }),
    );
    json!({ "guideline": header, "inputs": inputs, "entries": entries }).to_string()
}

/// How the form shows each value, beside `values`: its label, or its name
/// when it has none.
fn shown_values(input: &crate::model::Input) -> Json {
    Json::Array(
        (0u32..)
            .zip(input.value_names())
            .map(|(index, name)| json!(input.value_shown(index).unwrap_or(name)))
            .collect(),
    )
}

/// A value as a record writes it.
fn value_json(ty: &Type, value: &Value) -> Json {
    let name =
        |values: &[String], index: u32| values.get(index as usize).map_or(Json::Null, |v| json!(v));
    match (ty, value) {
        (_, Value::Bool(b)) => json!(b),
        (Type::OneOf(values), Value::Choice(index)) => name(values, *index),
        (Type::AnyOf(values), Value::Set(members)) => {
            Json::Array(members.iter().map(|m| name(values, *m)).collect())
        }
        (_, Value::Number(n)) => json!(n.to_string()),
        _ => Json::Null,
    }
}

/// `leidraad eval --format json` of the request's `record`:
/// `{"result": ..., "text": ..., "not_asked": [...]}`, where `result` is
/// what the command line prints and `text` its human form; or
/// `{"errors": [{"field", "message"}], "not_asked": [...]}`. `not_asked`
/// names the inputs this patient is not asked (their `asked when` is false
/// for what the record gives), so that a form can leave them out.
pub fn eval(request: &str) -> String {
    let (json, sources, checked) = match error_free_request(request) {
        Ok(read) => read,
        Err(message) => return error_answer(&message),
    };
    let guideline = &checked.guideline;
    let record = json.get("record").cloned().unwrap_or(Json::Null);
    let mut read = match read_record(guideline, &record) {
        Ok(read) => read,
        Err(errors) => {
            return json!({ "errors": errors, "not_asked": [], "refused": refused_line(guideline) })
                .to_string();
        }
    };
    let (slots, set_aside) = guideline.complete(&read.values);
    let not_asked: Vec<&str> = guideline
        .inputs
        .iter()
        .zip(&slots)
        .filter(|(_, slot)| matches!(slot, Slot::NotAsked))
        .map(|(input, _)| input.id.as_str())
        .collect();
    read.warnings
        .extend(crate::model::words::ignored_fields(guideline, &set_aside));
    match evaluate_record(&checked, &sources, &read.values) {
        Ok(evaluation) => {
            let shown = Shown::of(guideline, &sources, &evaluation, &read.warnings);
            json!({
                "result": to_json(guideline, &sources, &evaluation, &read.warnings),
                "text": human_shown(guideline, &sources, &shown),
                "shown": shown,
                "not_asked": not_asked,
            })
            .to_string()
        }
        Err(errors) => {
            json!({ "errors": errors, "not_asked": not_asked, "refused": refused_line(guideline) })
                .to_string()
        }
    }
}

/// What `eval` says after a refused record's errors, in the guideline's
/// words: the page's heading of the errors.
fn refused_line(guideline: &crate::model::Guideline) -> &'static str {
    crate::model::words::of(guideline).record.refused
}

/// The engines of `leidraad eval`, in its order: the rule index for a
/// record that settles every input, the reference interpreter when it
/// gives the diagram's answer, otherwise the decision diagram (or, when
/// that does not fit its budgets, the reference interpreter).
fn evaluate_record(
    checked: &CheckedFile,
    sources: &Sources,
    values: &[Option<Value>],
) -> Result<Evaluation, Vec<FieldError>> {
    let guideline = &checked.guideline;
    let Some(lowering) = &checked.lowering else {
        return Err(vec![FieldError::new(
            "",
            crate::model::words::of(guideline)
                .record
                .guideline_has_errors,
        )]);
    };
    let index = RuleIndex::new(&lowering.problem);
    let evaluation = match evaluate_indexed(guideline, lowering, &index, values) {
        Some(evaluation) => evaluation,
        None => match evaluate_settled(guideline, lowering, values) {
            Some(evaluation) => Ok(evaluation),
            None => match GroupedDiagram::compile_smaller(&lowering.problem, &budgets()) {
                Ok(diagram) => evaluate_compiled(guideline, lowering, &diagram, values),
                Err(_) => evaluate(guideline, lowering, values),
            },
        },
    };
    evaluation.map_err(|error| error_messages(guideline, sources, &error, values))
}

/// The flowchart of the main file: `{"mermaid": "...", "charts": [{"svg":
/// "<svg ...>", "boxes": N, "questions": M}]}`. Each chart is the inline
/// SVG that `leidraad doc` draws ([`emit::svg`]: the same boxes, layout,
/// ids and title as the review site's chart of that entry), one chart per
/// independent group of rules, or only the group that decides `entry` when
/// the request names one; `mermaid` is `leidraad compile --emit mermaid
/// [--target ENTRY]` of the same groups. Every label in the SVG is escaped
/// text, never markup.
pub fn flowchart(request: &str) -> String {
    let (files, json) = match read_request(request) {
        Ok(read) => read,
        Err(message) => return error_answer(&message),
    };
    let (_, checked) = match error_free(&files) {
        Ok(checked) => checked,
        Err(message) => return error_answer(&message),
    };
    let guideline = &checked.guideline;
    let Some(lowering) = &checked.lowering else {
        return error_answer("the guideline has errors");
    };
    let target = match json.get("entry").and_then(Json::as_str) {
        None | Some("") => None,
        Some(name) => match guideline.entry_index(name) {
            Some(index) => Some((index, u32::try_from(index).unwrap_or(u32::MAX))),
            None => return error_answer(&format!("`{name}` is not in the catalogue")),
        },
    };
    let grouped = match GroupedDiagram::compile_smaller(&lowering.problem, &budgets()) {
        Ok(grouped) => grouped,
        Err(error) => {
            return error_answer(&format!(
                "the guideline is too large to draw within the playground's budgets: {error}"
            ));
        }
    };
    let groups = grouped.groups();
    // The review site's word, from the words table of the guideline's language.
    let flowchart_word = crate::model::words::of(guideline).doc.flowchart;
    // As `leidraad doc` picks them: the group that names the entry (or the
    // first), with the page's id and title, so that the chart is the one
    // the review site shows.
    let shown: Vec<(&DiagramGroup, String, String)> = match target {
        Some((index, t)) => grouped
            .group_naming(&lowering.problem, t)
            .or_else(|| groups.first())
            .map(|group| {
                let label = guideline
                    .entries
                    .get(index)
                    .map_or("", |entry| entry.label.as_str());
                (
                    group,
                    format!("chart-{index}"),
                    format!("{flowchart_word}: {label}"),
                )
            })
            .into_iter()
            .collect(),
        None => {
            let name = guideline
                .header
                .as_ref()
                .map_or(files.main.as_str(), |h| h.label.as_str());
            groups
                .iter()
                .enumerate()
                .map(|(i, group)| {
                    let title = if groups.len() > 1 {
                        format!("{flowchart_word}: {name} ({}/{})", i + 1, groups.len())
                    } else {
                        format!("{flowchart_word}: {name}")
                    };
                    (group, format!("chart-all-{i}"), title)
                })
                .collect()
        }
    };
    let target = target.map(|(_, t)| t);
    let mut texts = Vec::new();
    let mut charts = Vec::new();
    for (group, id, title) in shown {
        let compiled = Compiled {
            guideline,
            lowering,
            diagram: &group.diagram,
        };
        texts.push(emit::mermaid(&compiled, target));
        let chart = emit::svg(&compiled, target, &id, &title);
        charts.push(json!({
            "svg": chart.markup,
            "boxes": chart.boxes,
            "questions": chart.questions,
        }));
    }
    json!({ "mermaid": texts.join("\n"), "charts": charts }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str, extra: Json) -> String {
        let mut request = json!({ "main": "g.leidraad", "files": { "g.leidraad": text } });
        if let (Some(map), Json::Object(extra)) = (request.as_object_mut(), extra) {
            map.extend(extra);
        }
        request.to_string()
    }

    const GUIDELINE: &str = "guideline g \"G\"\n\ninput fever : yes/no \"Fever\"\ninput age : number 0..120 years \"Age\"\n\nexam rest \"Rest\" in imaging\n\nrule r \"Fever\"\n  when fever and age >= 18 years\n  then order rest\n";

    #[test]
    fn a_syntax_error_is_a_diagnostic_with_its_line() {
        let broken = GUIDELINE.replace("then order", "order");
        let answer: Json = serde_json::from_str(&check(&request(&broken, json!({})))).unwrap();
        let first = &answer["diagnostics"][0];
        assert_eq!(first["severity"], "error");
        assert!(first["line"].as_u64().unwrap() >= 9, "{first}");
        assert!(first["human"].as_str().unwrap().contains("g.leidraad"));
        assert_eq!(answer["summary"]["passed"], false);
    }

    #[test]
    fn eval_gives_the_advice_or_names_what_is_missing() {
        let ok = eval(&request(
            GUIDELINE,
            json!({ "record": { "fever": true, "age": 40 } }),
        ));
        let ok: Json = serde_json::from_str(&ok).unwrap();
        assert_eq!(ok["result"]["recommendations"][0]["target"], "rest");
        // Without fever the age does not matter; with fever it does.
        let none: Json = serde_json::from_str(&eval(&request(
            GUIDELINE,
            json!({ "record": { "fever": false } }),
        )))
        .unwrap();
        assert_eq!(none["result"]["recommendations"], json!([]));
        let missing: Json = serde_json::from_str(&eval(&request(
            GUIDELINE,
            json!({ "record": { "fever": true } }),
        )))
        .unwrap();
        assert_eq!(missing["errors"][0]["field"], "age");
    }

    #[test]
    fn eval_refuses_a_record_in_the_guidelines_language() {
        let dutch = GUIDELINE.replace("guideline g \"G\"\n", "guideline g \"G\"\n  language nl\n");
        let refused = |record: Json| -> Vec<String> {
            let answer: Json =
                serde_json::from_str(&eval(&request(&dutch, json!({ "record": record })))).unwrap();
            answer["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["message"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            refused(json!({ "fever": true })),
            ["het dossier mist `age` (Age), en het advies hangt ervan af"]
        );
        assert_eq!(
            refused(json!({ "fever": true, "age": 130 })),
            ["130 valt buiten het bereik 0 tot en met 120 jaar"]
        );
        assert_eq!(
            refused(json!({ "fevr": true })),
            ["geen input van deze richtlijn (bedoelt u `fever`?)"]
        );
    }

    #[test]
    fn inputs_describe_the_form() {
        let answer: Json = serde_json::from_str(&inputs(&request(GUIDELINE, json!({})))).unwrap();
        assert_eq!(answer["inputs"][0]["type"], "yes_no");
        assert_eq!(answer["inputs"][1]["unit"], "years");
        assert_eq!(answer["inputs"][1]["max"], "120");
        assert_eq!(answer["entries"][0]["id"], "rest");
    }

    #[test]
    fn a_used_file_comes_from_the_request() {
        let missing: Json = serde_json::from_str(&check(&request(
            "guideline g \"G\"\nuse \"v.leidraad\"\n",
            json!({}),
        )))
        .unwrap();
        let text = missing.to_string();
        assert!(
            text.contains("the playground has no file `v.leidraad`"),
            "{text}"
        );
    }

    #[test]
    fn a_bad_request_is_an_error_not_a_panic() {
        for bad in ["", "[]", "{\"main\": \"x\"}", "{\"main\": 1}"] {
            for answer in [check(bad), eval(bad), inputs(bad), flowchart(bad)] {
                let answer: Json = serde_json::from_str(&answer).unwrap();
                assert!(
                    answer["errors"][0]["message"].is_string(),
                    "{bad}: {answer}"
                );
            }
        }
    }
}
