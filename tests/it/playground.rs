//! `leidraad::playground`, what the browser page calls through wasm, gives
//! what the command line gives for the same files: the check document,
//! the evaluation of records and the flowcharts (`doc`'s SVG, `compile`'s Mermaid) of every bundled
//! guideline. (The page itself is tested in headless Chromium by
//! `playground/test/`, docs/playground.md.)

use super::support::{leidraad, root, run_with};
use leidraad::playground;
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// Every bundled file, by name, and the names of the guidelines.
fn bundled() -> (BTreeMap<String, String>, Vec<String>) {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("guidelines")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "leidraad") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
    let guidelines = files
        .keys()
        .filter(|name| !name.ends_with(".vocabulary.leidraad"))
        .cloned()
        .collect();
    (files, guidelines)
}

fn request(files: &BTreeMap<String, String>, main: &str, extra: Json) -> String {
    let mut request = json!({ "main": main, "files": files });
    if let (Some(map), Json::Object(extra)) = (request.as_object_mut(), extra) {
        map.extend(extra);
    }
    request.to_string()
}

/// A copy of `guidelines/` in a fresh temporary folder, where the command
/// line names files as the playground does (and an edited guideline
/// disturbs no other test); removed when dropped.
struct Folder(std::path::PathBuf);

impl Folder {
    fn new(files: &BTreeMap<String, String>, test: &str) -> Folder {
        let path =
            std::env::temp_dir().join(format!("leidraad-playground-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        for (name, text) in files {
            std::fs::write(path.join(name), text).unwrap();
        }
        Folder(path)
    }

    /// `leidraad ARGS` in the folder: its standard output.
    fn cli(&self, args: &[&str], stdin: &str) -> String {
        let mut command = leidraad(args);
        command.current_dir(&self.0);
        let ran = run_with(command, stdin.as_bytes(), super::support::LIMIT);
        assert!(ran.status <= 1, "{}: {}", ran.what, ran.stderr_lossy());
        ran.stdout_lossy()
    }
}

impl Folder {
    /// The page `leidraad doc` writes for `main`.
    fn doc_page(&self, main: &str) -> String {
        let site = self.0.join("site");
        self.cli(&["doc", main, "-o", site.to_str().unwrap()], "");
        let page = site.join(main.replace(".leidraad", ".html"));
        std::fs::read_to_string(&page).unwrap()
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn check_gives_the_check_document_of_the_command_line() {
    let (files, guidelines) = bundled();
    let folder = Folder::new(&files, "check");
    for main in &guidelines {
        // As bundled, and with a rule that uses an undeclared input.
        let broken = format!(
            "{}\nrule typed \"Typed\"\n  when no_such_input\n  then order no_such_entry\n",
            files[main]
        );
        for text in [&files[main], &broken] {
            let mut edited = files.clone();
            edited.insert(main.clone(), text.clone());
            std::fs::write(folder.0.join(main), text).unwrap();
            let mut answer: Json =
                serde_json::from_str(&playground::check(&request(&edited, main, json!({}))))
                    .unwrap();
            for diagnostic in answer["diagnostics"].as_array_mut().unwrap() {
                let code = format!("[{}]", diagnostic["code"].as_str().unwrap());
                let human = diagnostic.as_object_mut().unwrap().remove("human").unwrap();
                assert!(human.as_str().unwrap().contains(&code), "{human}");
            }
            let expected: Json =
                serde_json::from_str(&folder.cli(&["check", "--format", "json", main], ""))
                    .unwrap();
            assert_eq!(answer, expected, "{main}");
            if text == &broken {
                assert!(answer["summary"]["errors"].as_u64().unwrap() > 0);
            }
        }
        std::fs::write(folder.0.join(main), &files[main]).unwrap();
    }
}

/// Records for a guideline, from the inputs the playground gives for its
/// form: every input answered with its first value (or lowest number),
/// with its last (or highest), and with every other input left out.
fn records(inputs: &Json) -> Vec<Json> {
    let value = |input: &Json, last: bool| -> Json {
        let pick = |values: &Json| {
            let values = values.as_array().unwrap();
            if last {
                values.last().cloned().unwrap()
            } else {
                values.first().cloned().unwrap()
            }
        };
        match input["type"].as_str().unwrap() {
            "yes_no" => json!(last),
            "one_of" => pick(&input["values"]),
            "any_of" => json!([pick(&input["values"])]),
            _ => {
                let bound = if last { &input["max"] } else { &input["min"] };
                let text = bound.as_str().unwrap();
                serde_json::from_str(text).unwrap_or_else(|_| json!(text))
            }
        }
    };
    let inputs = inputs["inputs"].as_array().unwrap();
    let mut records = vec![json!({})];
    for last in [false, true] {
        let all: serde_json::Map<String, Json> = inputs
            .iter()
            .map(|i| (i["id"].as_str().unwrap().to_owned(), value(i, last)))
            .collect();
        let every_other: serde_json::Map<String, Json> = all
            .iter()
            .enumerate()
            .filter(|(n, _)| n % 2 == 0)
            .map(|(_, (k, v))| (k.clone(), v.clone()))
            .collect();
        records.push(Json::Object(all));
        records.push(Json::Object(every_other));
    }
    records
}

#[test]
fn eval_gives_what_the_command_line_gives() {
    let (files, guidelines) = bundled();
    let folder = Folder::new(&files, "eval");
    let mut advised = 0;
    for main in &guidelines {
        let inputs: Json =
            serde_json::from_str(&playground::inputs(&request(&files, main, json!({})))).unwrap();
        assert!(!inputs["inputs"].as_array().unwrap().is_empty(), "{main}");
        for record in records(&inputs) {
            let answer: Json = serde_json::from_str(&playground::eval(&request(
                &files,
                main,
                json!({ "record": record }),
            )))
            .unwrap();
            let expected: Json = serde_json::from_str(&folder.cli(
                &["eval", main, "--facts", "-", "--format", "json"],
                &record.to_string(),
            ))
            .unwrap();
            match answer.get("result") {
                Some(result) => {
                    assert_eq!(result, &expected, "{main}: {record}");
                    let human = folder.cli(&["eval", main, "--facts", "-"], &record.to_string());
                    assert_eq!(answer["text"].as_str().unwrap(), human, "{main}: {record}");
                    advised += result["recommendations"].as_array().unwrap().len();
                }
                None => assert_eq!(answer["errors"], expected["errors"], "{main}: {record}"),
            }
        }
    }
    assert!(advised > 0, "some record gets advice");
}

#[test]
fn the_flowchart_is_the_chart_of_doc_and_the_mermaid_of_compile() {
    let (files, guidelines) = bundled();
    let folder = Folder::new(&files, "flowchart");
    for main in &guidelines {
        let inputs: Json =
            serde_json::from_str(&playground::inputs(&request(&files, main, json!({})))).unwrap();
        let first = inputs["entries"][0]["id"].as_str().unwrap().to_owned();
        for entry in [None, Some(first.as_str())] {
            let answer: Json = serde_json::from_str(&playground::flowchart(&request(
                &files,
                main,
                json!({ "entry": entry }),
            )))
            .unwrap();
            let mut args = vec!["compile", main.as_str(), "--emit", "mermaid"];
            if let Some(entry) = entry {
                args.extend(["--target", entry]);
            }
            assert_eq!(
                answer["mermaid"].as_str().unwrap(),
                folder.cli(&args, ""),
                "{main} {entry:?}"
            );
            // The charts are the review site's: well-formed SVG, and for
            // an entry the very chart `leidraad doc` puts on its page.
            let charts = answer["charts"].as_array().unwrap();
            assert!(!charts.is_empty(), "{main} {entry:?}");
            for chart in charts {
                let markup = chart["svg"].as_str().unwrap();
                super::svg::assert_well_formed(markup);
                assert!(chart["boxes"].as_u64().unwrap() > 0);
            }
            if entry.is_some() {
                let page = folder.doc_page(main);
                assert_eq!(charts.len(), 1, "{main}");
                assert!(
                    page.contains(charts[0]["svg"].as_str().unwrap()),
                    "{main} {entry:?}: the chart is not the one `leidraad doc` draws"
                );
            }
        }
    }
}
