//! The output formats CI reads (`check --format short|json|sarif|gitlab|github`,
//! `test --format json|junit|github`), the gates (`--deny`, `--allow`),
//! folders, and the commands of `docs/ci.md` on a git repository made here.
//! Snapshots are few and of the small fixtures in `tests/fixtures/formats/`.

use crate::support::{self, Ran, fixtures, root};
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::Path;

fn run_in(dir: &Path, args: &[&str]) -> Ran {
    let mut command = support::leidraad(args);
    command.current_dir(dir).env("NO_COLOR", "1");
    support::run(command)
}

fn formats(args: &[&str]) -> Ran {
    run_in(&fixtures("formats"), args)
}

const BOTH: [&str; 2] = ["findings.leidraad", "errors.leidraad"];

fn check(format: &str) -> Ran {
    let mut args = vec!["check"];
    args.extend(BOTH);
    args.extend(["--format", format]);
    formats(&args)
}

fn json(ran: &Ran) -> Json {
    serde_json::from_slice(&ran.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}):\n{}", ran.what, ran.stdout_lossy()))
}

#[test]
fn each_check_format_has_its_snapshot_and_the_same_status() {
    for format in ["human", "short", "json", "sarif", "gitlab", "github"] {
        let ran = check(format);
        assert_eq!(ran.status, 1, "{}: {}", ran.what, ran.stderr_lossy());
        let mut shown = ran.stdout_lossy();
        if !ran.stderr.is_empty() {
            shown.push_str("── stderr\n");
            shown.push_str(&ran.stderr_lossy());
        }
        insta::assert_snapshot!(format!("check_{format}"), shown);
    }
}

#[test]
fn short_is_one_line_per_finding_with_file_line_column_and_code() {
    let ran = formats(&[
        "check",
        "findings.leidraad",
        "--format",
        "short",
        "--verbose",
    ]);
    let pattern =
        regex::Regex::new(r"^[^:]+:[0-9]+:[0-9]+: L[0-9]{3} (error|warning|note): .+$").unwrap();
    let lines: Vec<String> = ran.stdout_lossy().lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    for line in &lines {
        assert!(pattern.is_match(line), "{line}");
    }
}

#[test]
fn json_has_a_version_and_a_summary_that_counts_the_diagnostics() {
    let value = json(&check("json"));
    assert_eq!(value["schema"], "leidraad-check");
    assert_eq!(value["schema_version"], 1);
    let summary = &value["summary"];
    let diagnostics = value["diagnostics"].as_array().unwrap();
    let of = |severity: &str| {
        diagnostics
            .iter()
            .filter(|d| d["severity"] == severity)
            .count()
    };
    assert_eq!(summary["errors"], of("error"));
    assert_eq!(summary["warnings"], of("warning"));
    assert_eq!(summary["notes"], of("note"));
    assert_eq!(summary["requirements_proved"], 1);
    assert_eq!(summary["cases_passed"], 1);
    assert_eq!(summary["cases_failed"], 1);
    assert_eq!(summary["passed"], false);
    assert_eq!(summary["files"], serde_json::json!(BOTH));
}

#[test]
fn github_annotates_errors_and_warnings_only() {
    let ran = check("github");
    let text = ran.stdout_lossy();
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{text}"
    );
    assert!(text.contains("title=L401 case-failed"), "{text}");
    assert!(!text.contains("L308"), "{text}");
}

// --- SARIF --------------------------------------------------------------

/// A validator for the part of JSON Schema (draft 4) that the SARIF schema
/// uses; a keyword it does not know fails the test rather than pass
/// unchecked.
pub(crate) struct Schema {
    root: Json,
}

impl Schema {
    fn resolve<'a>(&'a self, reference: &str) -> &'a Json {
        let path = reference.strip_prefix('#').unwrap();
        self.root
            .pointer(path)
            .unwrap_or_else(|| panic!("no {reference}"))
    }

    fn validate(&self, schema: &Json, value: &Json, at: &str, errors: &mut Vec<String>) {
        let Some(schema) = schema.as_object() else {
            panic!("schema at {at} is not an object");
        };
        for (keyword, rule) in schema {
            match keyword.as_str() {
                "$schema" | "id" | "title" | "description" | "default" | "definitions" => {}
                "$ref" => self.validate(self.resolve(rule.as_str().unwrap()), value, at, errors),
                "type" => {
                    let types: Vec<&str> = match rule {
                        Json::String(t) => vec![t.as_str()],
                        Json::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                        _ => panic!("type at {at}"),
                    };
                    let fits = types.iter().any(|t| match *t {
                        "object" => value.is_object(),
                        "array" => value.is_array(),
                        "string" => value.is_string(),
                        "boolean" => value.is_boolean(),
                        "integer" => value.is_i64() || value.is_u64(),
                        "number" => value.is_number(),
                        "null" => value.is_null(),
                        other => panic!("type {other}"),
                    });
                    if !fits {
                        errors.push(format!("{at}: not of type {types:?}: {value}"));
                    }
                }
                "properties" => {
                    if let Some(object) = value.as_object() {
                        for (name, sub) in rule.as_object().unwrap() {
                            if let Some(v) = object.get(name) {
                                self.validate(sub, v, &format!("{at}/{name}"), errors);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Some(object) = value.as_object() {
                        let known = schema.get("properties").and_then(Json::as_object);
                        for (name, v) in object {
                            if known.is_some_and(|k| k.contains_key(name)) {
                                continue;
                            }
                            match rule {
                                Json::Bool(false) => {
                                    errors.push(format!("{at}: property `{name}` is not allowed"))
                                }
                                Json::Bool(true) => {}
                                sub => self.validate(sub, v, &format!("{at}/{name}"), errors),
                            }
                        }
                    }
                }
                "required" => {
                    if let Some(object) = value.as_object() {
                        for name in rule.as_array().unwrap() {
                            if !object.contains_key(name.as_str().unwrap()) {
                                errors.push(format!("{at}: `{name}` is required"));
                            }
                        }
                    }
                }
                "enum" => {
                    if !rule.as_array().unwrap().contains(value) {
                        errors.push(format!("{at}: {value} is not one of {rule}"));
                    }
                }
                "items" => {
                    if let Some(items) = value.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            self.validate(rule, item, &format!("{at}/{i}"), errors);
                        }
                    }
                }
                "minItems" => {
                    if value
                        .as_array()
                        .is_some_and(|a| (a.len() as u64) < rule.as_u64().unwrap())
                    {
                        errors.push(format!("{at}: fewer than {rule} items"));
                    }
                }
                "uniqueItems" => {
                    if let (Some(items), true) = (value.as_array(), rule.as_bool().unwrap()) {
                        let distinct: BTreeSet<String> =
                            items.iter().map(Json::to_string).collect();
                        if distinct.len() != items.len() {
                            errors.push(format!("{at}: items are not unique"));
                        }
                    }
                }
                "minimum" => {
                    if value.as_f64().is_some_and(|v| v < rule.as_f64().unwrap()) {
                        errors.push(format!("{at}: {value} is below {rule}"));
                    }
                }
                "maximum" => {
                    if value.as_f64().is_some_and(|v| v > rule.as_f64().unwrap()) {
                        errors.push(format!("{at}: {value} is above {rule}"));
                    }
                }
                "pattern" => {
                    let pattern = regex::Regex::new(rule.as_str().unwrap()).unwrap();
                    if value.as_str().is_some_and(|s| !pattern.is_match(s)) {
                        errors.push(format!("{at}: {value} does not match {rule}"));
                    }
                }
                "format" => {
                    let Some(text) = value.as_str() else { continue };
                    // An absolute URI starts with a scheme: a letter, then
                    // letters, digits, `+`, `.` or `-`, then `:`.
                    let scheme = text.split_once(':').is_some_and(|(scheme, _)| {
                        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                            && scheme
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                    });
                    match rule.as_str().unwrap() {
                        "uri" if !scheme => {
                            errors.push(format!("{at}: {text} is not an absolute URI"));
                        }
                        "uri-reference" if text.contains([' ', '\\']) => {
                            errors.push(format!("{at}: {text} is not a URI reference"));
                        }
                        "uri" | "uri-reference" | "date-time" => {}
                        other => panic!("format {other}"),
                    }
                }
                "allOf" => {
                    for sub in rule.as_array().unwrap() {
                        self.validate(sub, value, at, errors);
                    }
                }
                "anyOf" | "oneOf" => {
                    let fitting = rule
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|sub| {
                            let mut inner = Vec::new();
                            self.validate(sub, value, at, &mut inner);
                            inner.is_empty()
                        })
                        .count();
                    let fine = if keyword == "anyOf" {
                        fitting >= 1
                    } else {
                        fitting == 1
                    };
                    if !fine {
                        errors.push(format!("{at}: {fitting} of the `{keyword}` schemas fit"));
                    }
                }
                other => panic!("the schema uses `{other}`, which this validator does not know"),
            }
        }
    }

    pub(crate) fn errors(&self, value: &Json) -> Vec<String> {
        let mut errors = Vec::new();
        self.validate(&self.root, value, "", &mut errors);
        errors
    }
}

pub(crate) fn schema(path: &str) -> Schema {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    Schema {
        root: serde_json::from_str(&text).unwrap(),
    }
}

fn sarif_schema() -> Schema {
    schema("tests/schemas/sarif-2.1.0.json")
}

#[test]
fn check_and_test_json_follow_their_published_schema() {
    let schema = schema("docs/check.schema.json");
    let check = json(&check("json"));
    assert_eq!(schema.errors(&check), Vec::<String>::new());
    let test = json(&test_run("json"));
    assert_eq!(schema.errors(&test), Vec::<String>::new());
    let mut bad = check.clone();
    bad["summary"]["surprise"] = Json::from(true);
    bad["diagnostics"][0]["severity"] = Json::from("fatal");
    assert!(!schema.errors(&bad).is_empty());
    let mut bad = test;
    bad["cases"][0]["status"] = Json::from("skipped");
    assert!(!schema.errors(&bad).is_empty());
}

#[test]
fn the_validator_refuses_what_the_schema_forbids() {
    let schema = sarif_schema();
    let good = json(&check("sarif"));
    assert_eq!(schema.errors(&good), Vec::<String>::new());
    let mut bad = good.clone();
    bad["version"] = Json::from("2.0.0");
    bad["runs"][0]["results"][0]["level"] = Json::from("fatal");
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Json::from(0);
    bad["runs"][0]["tool"]["driver"]["surprise"] = Json::from(1);
    let errors = schema.errors(&bad);
    for part in ["/version", "/level", "/startLine", "`surprise`"] {
        assert!(
            errors.iter().any(|e| e.contains(part)),
            "{part} not refused: {errors:?}"
        );
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema = sarif_schema();
    let bundled = root().join("guidelines");
    for (dir, args) in [
        (
            fixtures("formats"),
            vec!["check", "findings.leidraad", "errors.leidraad"],
        ),
        // Disagreements, with related locations and example patients.
        (
            bundled.clone(),
            vec![
                "check",
                "lage-rugpijn.leidraad",
                "nhg-beeldvorming.leidraad",
                "--compare",
            ],
        ),
        (bundled, vec!["check", "."]),
    ] {
        let mut args = args.clone();
        args.extend(["--format", "sarif"]);
        let ran = run_in(&dir, &args);
        let log = json(&ran);
        let errors = schema.errors(&log);
        assert!(errors.is_empty(), "{}: {errors:#?}", ran.what);
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "utf16CodeUnits");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), leidraad::diagnostics::Code::ALL.len());
        for result in run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            assert!(
                rules[index]["help"]["markdown"]
                    .as_str()
                    .unwrap()
                    .contains("## What")
            );
            assert!(result["partialFingerprints"]["leidraad/v1"].is_string());
        }
    }
}

#[test]
fn sarif_columns_count_utf16_code_units() {
    let log = json(&check("sarif"));
    let unused = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["ruleId"] == "L201" && r["message"]["text"].as_str().unwrap().contains("𝑤_loss")
        })
        .unwrap()
        .clone();
    let region = &unused["locations"][0]["physicalLocation"]["region"];
    // `𝑤_loss` is 6 characters and 7 UTF-16 code units, after `input `.
    assert_eq!(region["startColumn"], 7);
    assert_eq!(region["endColumn"], 7 + 7);
    let chars = json(&formats(&[
        "check",
        "findings.leidraad",
        "--format",
        "json",
    ]));
    let unused = chars["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "L201")
        .unwrap()
        .clone();
    assert_eq!(unused["end_column"], 7 + 6);
}

// --- fingerprints -----------------------------------------------------------

fn gitlab_fingerprints(dir: &Path, file: &str) -> Vec<(String, String)> {
    let report = json(&run_in(dir, &["check", file, "--format", "gitlab"]));
    report
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().to_owned(),
                i["fingerprint"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_are_unique_and_survive_lines_added_above() {
    let dir = std::env::temp_dir().join(format!("leidraad-fingerprints-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Two equal findings (two unused inputs declared alike would differ by
    // name; two identical cases that fail are equal).
    let text = std::fs::read_to_string(fixtures("formats").join("findings.leidraad")).unwrap()
        + "\ncase \"Koorts: CT verwacht\"\n  given fever yes\n  expect order CT_LWK\n";
    std::fs::write(dir.join("g.leidraad"), &text).unwrap();
    let before = gitlab_fingerprints(&dir, "g.leidraad");
    let distinct: BTreeSet<&String> = before.iter().map(|(_, f)| f).collect();
    assert_eq!(distinct.len(), before.len(), "{before:?}");
    assert!(
        before
            .iter()
            .filter(|(name, _)| name == "case-failed")
            .count()
            >= 2,
        "{before:?}"
    );
    let moved = text.replacen(
        "guideline formats_demo",
        "# a new comment\n\nguideline formats_demo",
        1,
    );
    std::fs::write(dir.join("g.leidraad"), moved).unwrap();
    let after = gitlab_fingerprints(&dir, "g.leidraad");
    assert_eq!(before, after);
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- test --format ------------------------------------------------------------

fn test_run(format: &str) -> Ran {
    let mut args = vec!["test"];
    args.extend(BOTH);
    args.extend(["--format", format]);
    formats(&args)
}

#[test]
fn each_test_format_has_its_snapshot() {
    for format in ["json", "junit", "github"] {
        let ran = test_run(format);
        assert_eq!(ran.status, 1, "{}", ran.what);
        insta::assert_snapshot!(format!("test_{format}"), ran.stdout_lossy());
    }
    let value = json(&test_run("json"));
    assert_eq!(value["schema"], "leidraad-test");
    let statuses: Vec<&str> = value["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["passed", "failed", "not_run"]);
}

/// An element of a parsed XML document.
#[derive(Debug)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attribute(&self, name: &str) -> &str {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| panic!("no {name} on {}", self.name), |(_, v)| v.as_str())
    }
}

/// A small parser for the XML that JUnit reports use: a declaration,
/// elements, attributes in double quotes, text and the five entities and
/// numeric references. Anything else, or a tag that does not close, fails.
fn parse_xml(text: &str) -> Element {
    fn unescape(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('&') {
            out.push_str(&rest[..at]);
            let end = rest[at..].find(';').expect("an entity ends with `;`") + at;
            let entity = &rest[at + 1..end];
            out.push(match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let number = entity.strip_prefix('#').expect("a known entity");
                    char::from_u32(number.parse().unwrap()).unwrap()
                }
            });
            rest = &rest[end + 1..];
        }
        assert!(!rest.contains('<'), "a raw `<` in text");
        out.push_str(rest);
        out
    }
    fn element(rest: &mut &str) -> Element {
        *rest = rest.trim_start();
        assert!(rest.starts_with('<'), "an element: {rest:.40}");
        let close = rest.find('>').unwrap();
        let tag = &rest[1..close];
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = tag[..name_end].to_owned();
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_'),
            "{name}"
        );
        let mut attributes = Vec::new();
        let mut attrs = tag[name_end..].trim();
        while !attrs.is_empty() {
            let eq = attrs.find("=\"").expect("name=\"value\"");
            let key = attrs[..eq].trim().to_owned();
            let value_end = attrs[eq + 2..].find('"').unwrap() + eq + 2;
            attributes.push((key, unescape(&attrs[eq + 2..value_end])));
            attrs = attrs[value_end + 1..].trim_start();
        }
        *rest = &rest[close + 1..];
        let mut node = Element {
            name,
            attributes,
            children: Vec::new(),
            text: String::new(),
        };
        if empty {
            return node;
        }
        loop {
            let next = rest.find('<').expect("a closing tag");
            node.text.push_str(&unescape(&rest[..next]));
            *rest = &rest[next..];
            if let Some(after) = rest.strip_prefix("</") {
                let end = after.find('>').unwrap();
                assert_eq!(&after[..end], node.name, "tags nest");
                *rest = &after[end + 1..];
                return node;
            }
            node.children.push(element(rest));
        }
    }
    let mut rest = text
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .expect("an XML declaration");
    let root = element(&mut rest);
    assert!(rest.trim().is_empty(), "text after the root: {rest}");
    root
}

#[test]
fn junit_parses_with_one_test_case_per_vignette() {
    let ran = test_run("junit");
    let root = parse_xml(&ran.stdout_lossy());
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attribute("tests"), "3");
    assert_eq!(root.attribute("failures"), "1");
    assert_eq!(root.attribute("errors"), "1");
    let suites: Vec<&str> = root.children.iter().map(|s| s.attribute("name")).collect();
    assert_eq!(suites, BOTH);
    let findings = &root.children[0];
    assert_eq!(findings.name, "testsuite");
    let cases: Vec<(&str, Vec<&str>)> = findings
        .children
        .iter()
        .map(|c| {
            assert_eq!(c.name, "testcase");
            (
                c.attribute("name"),
                c.children.iter().map(|f| f.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("Koorts: MRI", vec![]),
            ("Koorts: CT verwacht", vec!["failure"])
        ]
    );
    let failure = &findings.children[1].children[0];
    assert_eq!(failure.attribute("type"), "L401");
    assert!(
        failure.text.contains("nothing is recommended") || failure.text.contains("recommended:"),
        "{}",
        failure.text
    );
    let not_run = &root.children[1].children[0];
    assert_eq!(not_run.children[0].name, "error");
    let text = &not_run.children[0].text;
    assert!(text.contains("L101 unknown name `fevr`"), "{text}");
    // Markup in a label is escaped, and parses back.
    use leidraad::diagnostics::render::{CaseReport, CaseStatus, junit};
    let mut sources = leidraad::source::Sources::new();
    let file = sources.add("a&b.leidraad", "case \"x\"\n");
    let label = "<b> & \"c\" 'd'";
    let report = CaseReport {
        file,
        label: label.to_owned(),
        span: leidraad::source::Span::new(file, 0, 4),
        status: CaseStatus::Passed,
        diagnostics: Vec::new(),
    };
    let escaped = parse_xml(&junit(&[report], &[], &sources));
    assert_eq!(escaped.children[0].attribute("name"), "a&b.leidraad");
    assert_eq!(escaped.children[0].children[0].attribute("name"), label);
}

// --- gates ------------------------------------------------------------------

fn diagnostics_dir() -> std::path::PathBuf {
    fixtures("diagnostics")
}

#[test]
fn what_was_not_proved_fails_unless_allowed() {
    let dir = diagnostics_dir();
    let budget = |extra: &[&str]| {
        let mut args = vec!["check", "L306-budget-exhausted.leidraad", "--budget", "1"];
        args.extend(extra);
        run_in(&dir, &args).status
    };
    assert_eq!(budget(&[]), 1);
    assert_eq!(budget(&["--allow", "incomplete"]), 0);
    assert_eq!(budget(&["--allow", "L306", "--allow", "L307"]), 0);
    // The more specific wins: the code over the group, whatever the order.
    assert_eq!(budget(&["--deny", "L306", "--allow", "incomplete"]), 1);
    assert_eq!(budget(&["--allow", "incomplete", "--deny", "warnings"]), 0);
    // Not verified because the analyses were switched off: allowed, unless denied.
    let off = |extra: &[&str]| {
        let mut args = vec!["check", "L307-analyses-off.leidraad", "--no-analyses"];
        args.extend(extra);
        run_in(&dir, &args).status
    };
    assert_eq!(off(&[]), 0);
    assert_eq!(off(&["--deny", "incomplete"]), 1);
    // Bad flags are usage errors.
    let bad = run_in(
        &dir,
        &[
            "check",
            "L306-budget-exhausted.leidraad",
            "--deny",
            "warning",
        ],
    );
    assert_eq!(bad.status, 2);
    let said = bad.stderr_lossy();
    assert!(
        said.contains("did you mean") && said.contains("`warnings`?"),
        "{said}"
    );
    let bad = run_in(
        &dir,
        &["check", "L306-budget-exhausted.leidraad", "--allow", "L301"],
    );
    assert_eq!(bad.status, 2);
}

#[test]
fn check_runs_the_cases_and_fails_on_one() {
    let ran = run_in(&fixtures("cli"), &["check", "failing-case.leidraad"]);
    assert_eq!(ran.status, 1);
    assert!(
        ran.stdout_lossy().contains("error[L401]"),
        "{}",
        ran.stdout_lossy()
    );
    assert!(
        ran.stderr_lossy().contains("cases: 1 passed, 1 failed"),
        "{}",
        ran.stderr_lossy()
    );
}

#[test]
fn proved_requirements_are_counted_unless_verbose() {
    let bundled = root().join("guidelines");
    let quiet = run_in(&bundled, &["check", "lage-rugpijn.leidraad"]);
    assert_eq!(quiet.status, 0);
    let out = quiet.stdout_lossy();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("15 requirements proved"), "{out}");
    let verbose = run_in(&bundled, &["check", "lage-rugpijn.leidraad", "--verbose"]);
    assert_eq!(verbose.stdout_lossy().matches("note[L308]").count(), 15);
}

// --- folders ----------------------------------------------------------------

#[test]
fn a_folder_is_every_rule_file_below_it_in_name_order() {
    let dir = std::env::temp_dir().join(format!("leidraad-folder-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("b/deeper")).unwrap();
    std::fs::create_dir_all(dir.join(".hidden")).unwrap();
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let guideline = std::fs::read_to_string(fixtures("cli").join("clean.leidraad")).unwrap();
    for path in [
        "z.leidraad",
        "a.leidraad",
        "b/deeper/c.leidraad",
        ".hidden/h.leidraad",
        "b/notes.txt",
    ] {
        std::fs::write(dir.join(path), &guideline).unwrap();
    }
    let ran = run_in(&dir, &["check", ".", "--format", "json"]);
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    assert_eq!(
        json(&ran)["summary"]["files"],
        serde_json::json!(["./a.leidraad", "./b/deeper/c.leidraad", "./z.leidraad"])
    );
    let empty = run_in(&dir, &["check", "empty"]);
    assert_eq!(empty.status, 2);
    assert!(
        empty.stderr_lossy().contains("holds no rule files"),
        "{}",
        empty.stderr_lossy()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- the commands of docs/ci.md -------------------------------------------------

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=CI",
            "-c",
            "user.email=ci@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn the_ci_commands_run_on_a_repository_with_two_commits() {
    let docs = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let dir = std::env::temp_dir().join(format!("leidraad-ci-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("guidelines")).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    let bundled = root().join("guidelines");
    for file in [
        "lage-rugpijn.leidraad",
        "rugpijn.vocabulary.leidraad",
        "wells-dvt.leidraad",
    ] {
        std::fs::copy(bundled.join(file), dir.join("guidelines").join(file)).unwrap();
    }
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "guidelines"]);
    // The change under review: a misspelled entry, and a case that no longer holds.
    let path = dir.join("guidelines/wells-dvt.leidraad");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replacen("then order ", "then order X", 1);
    assert_ne!(changed, text);
    std::fs::write(&path, changed).unwrap();
    git(&dir, &["commit", "-q", "-am", "change"]);

    let commands: [(&str, &[&str]); 5] = [
        (
            "leidraad check guidelines --format github",
            &["check", "guidelines", "--format", "github"],
        ),
        (
            "leidraad check guidelines --format sarif",
            &["check", "guidelines", "--format", "sarif"],
        ),
        (
            "leidraad check guidelines --format gitlab",
            &["check", "guidelines", "--format", "gitlab"],
        ),
        (
            "leidraad check guidelines --format short",
            &["check", "guidelines", "--format", "short"],
        ),
        (
            "leidraad test guidelines --format junit",
            &["test", "guidelines", "--format", "junit"],
        ),
    ];
    for (line, args) in commands {
        assert!(docs.contains(line), "docs/ci.md no longer runs `{line}`");
        let ran = run_in(&dir, args);
        assert_eq!(ran.status, 1, "{line}: {}", ran.stderr_lossy());
        let out = ran.stdout_lossy();
        match args[3] {
            "github" => assert!(
                out.lines()
                    .any(|l| l.starts_with("::error file=guidelines/wells-dvt.leidraad,line=")),
                "{out}"
            ),
            "sarif" => {
                let log: Json = serde_json::from_str(&out).unwrap();
                assert_eq!(sarif_schema().errors(&log), Vec::<String>::new());
                let uris: BTreeSet<&str> = log["runs"][0]["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|r| {
                        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
                    })
                    .collect();
                assert!(uris.contains("guidelines/wells-dvt.leidraad"), "{uris:?}");
                assert!(
                    uris.iter().all(|u| u.starts_with("guidelines/")),
                    "{uris:?}"
                );
            }
            "gitlab" => {
                let report: Json = serde_json::from_str(&out).unwrap();
                let issues = report.as_array().unwrap();
                assert!(issues.iter().any(|i| i["severity"] == "major"
                    && i["location"]["path"] == "guidelines/wells-dvt.leidraad"));
                let fingerprints: BTreeSet<&str> = issues
                    .iter()
                    .map(|i| i["fingerprint"].as_str().unwrap())
                    .collect();
                assert_eq!(fingerprints.len(), issues.len());
            }
            "short" => assert!(out.contains("guidelines/wells-dvt.leidraad:"), "{out}"),
            "junit" => {
                let root = parse_xml(&out);
                assert_ne!(root.attribute("errors"), "0");
            }
            other => panic!("{other}"),
        }
    }
    // The diff step, on a change of the age limit of "jong" (45 → 40): the
    // old version read from git (its vocabulary too), the new from the
    // work tree, as the pull-request job runs it.
    assert!(
        docs.contains(r#"leidraad diff "origin/$BASE:$f" "$f" --format markdown"#),
        "docs/ci.md no longer runs the diff step"
    );
    let rugpijn = dir.join("guidelines/lage-rugpijn.leidraad");
    let text = std::fs::read_to_string(&rugpijn).unwrap();
    let changed = text.replacen("age < 45 years", "age < 40 years", 1);
    assert_ne!(changed, text);
    std::fs::write(&rugpijn, changed).unwrap();
    git(&dir, &["commit", "-q", "-am", "jong"]);
    let old = "HEAD~1:guidelines/lage-rugpijn.leidraad";
    let new = "guidelines/lage-rugpijn.leidraad";
    let diff = run_in(&dir, &["diff", old, new, "--format", "markdown"]);
    assert_eq!(diff.status, 1, "{}", diff.stderr_lossy());
    let comment = diff.stdout_lossy();
    assert!(comment.contains("<details>"), "{comment}");
    let same = run_in(
        &dir,
        &["diff", "HEAD:guidelines/lage-rugpijn.leidraad", new],
    );
    assert_eq!(same.status, 0, "{}", same.stdout_lossy());
    // The version before the changes passes.
    git(&dir, &["checkout", "-q", "HEAD~2"]);
    let before = run_in(&dir, &["check", "guidelines", "--format", "github"]);
    assert_eq!(before.status, 0, "{}", before.stdout_lossy());
    std::fs::remove_dir_all(&dir).unwrap();
}
