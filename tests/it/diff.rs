//! `leidraad diff`: the diff of two versions against brute force. For pairs
//! of versions (one hand-written pair per kind of change, and random
//! pairs), every patient of the merged inputs is evaluated as a record
//! with each version on its own (reading the record, the reference
//! evaluator), and:
//!
//! - every patient whose advice differs (or who is a patient of one
//!   version only) lies in a group the diff reports;
//! - no group holds a patient whose advice is the same in both versions.
//!
//! Then snapshots of each output format and the command's exit statuses,
//! with a two-commit git repository for `REV:PATH`. Run the random pairs
//! longer with `LEIDRAAD_DIFF_CASES=<pairs>` (default 150).

use crate::support;
use leidraad::check::check_file;
use leidraad::diff::{Diff, DiffOptions, diff};
use leidraad::logic::generate::SplitMix64;
use leidraad::model::record::read_record;
use leidraad::model::{Guideline, Slot};
use leidraad::source::Sources;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// A guideline's advice for a record under the merged names, or `None`
/// when the record is not one of its patients.
fn advice(
    guideline: &Guideline,
    lowering: &leidraad::model::lower::Lowering,
    record: &Json,
    field: &dyn Fn(&str) -> String,
    entry: &dyn Fn(&str) -> String,
) -> Option<BTreeSet<String>> {
    let mut own = serde_json::Map::new();
    let fields = record.as_object().unwrap();
    for input in &guideline.inputs {
        if let Some(value) = fields.get(&field(&input.id)) {
            own.insert(input.id.clone(), value.clone());
        }
    }
    let read = read_record(guideline, &Json::Object(own.clone())).ok()?;
    // A field the merged record leaves out ("not asked" there) that this
    // version would fill with its default is another patient of this
    // version, not this one.
    let (slots, _) = guideline.complete(&read.values);
    for (input, slot) in guideline.inputs.iter().zip(&slots) {
        if !own.contains_key(&input.id) && matches!(slot, Slot::Known(_)) {
            return None;
        }
    }
    let evaluation = leidraad::eval::evaluate(guideline, lowering, &read.values).ok()?;
    Some(
        evaluation
            .recommendations
            .iter()
            .map(|r| {
                format!(
                    "{:?} {} {:?} {:?}",
                    r.kind,
                    entry(&r.target),
                    r.urgency,
                    r.instead.as_deref().map(entry)
                )
            })
            .collect(),
    )
}

fn checked(sources: &Sources, file: leidraad::source::FileId) -> leidraad::check::CheckedFile {
    let (checked, diagnostics) = check_file(sources, file);
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked
}

/// The diff of two versions, checked against every patient.
fn diff_checked(old: &str, new: &str, renames: &[(&str, &str)]) -> Diff {
    let mut sources = Sources::new();
    let a = sources.add("old.leidraad", old);
    let b = sources.add("new.leidraad", new);
    let (old_file, new_file) = (checked(&sources, a), checked(&sources, b));
    let options = DiffOptions {
        renames: renames
            .iter()
            .map(|(x, y)| ((*x).to_owned(), (*y).to_owned()))
            .collect(),
        ..DiffOptions::default()
    };
    let made = diff(
        old_file.valid().unwrap(),
        new_file.valid().unwrap(),
        &options,
    )
    .unwrap_or_else(|e| panic!("{e}\n--- old\n{old}\n--- new\n{new}"));
    brute_force(&made, &old_file, &new_file, renames, old, new);
    made
}

fn brute_force(
    made: &Diff,
    old_file: &leidraad::check::CheckedFile,
    new_file: &leidraad::check::CheckedFile,
    renames: &[(&str, &str)],
    old: &str,
    new: &str,
) {
    let sizes = made.space().var_sizes().to_vec();
    let total: u64 = sizes.iter().map(|&s| u64::from(s)).product();
    assert!(
        total <= 2_000_000,
        "{total} patients is too many to enumerate"
    );
    let old_field = |merged: &str| {
        renames
            .iter()
            .find(|(_, n)| *n == merged)
            .map_or(merged.to_owned(), |(o, _)| (*o).to_owned())
    };
    // Merged field name for an old input: its new name.
    let to_merged = |name: &str| {
        renames
            .iter()
            .find(|(o, _)| *o == name)
            .map_or(name.to_owned(), |(_, n)| (*n).to_owned())
    };
    let same = |name: &str| name.to_owned();
    let old_valid = old_file.valid().unwrap();
    let new_valid = new_file.valid().unwrap();
    let mut assignment = vec![0u32; sizes.len()];
    let mut differing = 0;
    loop {
        if made.space().is_value(&assignment) {
            let record = made.space().record(&assignment);
            // The old version reads its fields under its own names.
            let mut old_record = serde_json::Map::new();
            for (key, value) in record.as_object().unwrap() {
                old_record.insert(old_field(key), value.clone());
            }
            let a = advice(
                old_valid.guideline,
                old_valid.lowering,
                &Json::Object(old_record),
                &same,
                &to_merged,
            );
            let b = advice(
                new_valid.guideline,
                new_valid.lowering,
                &record,
                &same,
                &same,
            );
            let groups = made.groups_of(&assignment);
            if a != b {
                differing += 1;
                assert!(
                    !groups.is_empty(),
                    "{record} gets {a:?} from the old version and {b:?} from the new, but lies in no group\n--- old\n{old}\n--- new\n{new}"
                );
            } else if a.is_some() {
                assert!(
                    groups.is_empty(),
                    "{record} gets {a:?} from both versions, but lies in group {groups:?}\n--- old\n{old}\n--- new\n{new}"
                );
            }
        }
        // Next assignment.
        let mut var = 0;
        loop {
            let Some(cell) = assignment.get_mut(var) else {
                assert_eq!(
                    made.differs(),
                    differing > 0,
                    "differs() disagrees with the patients"
                );
                return;
            };
            *cell += 1;
            if *cell < sizes[var] {
                break;
            }
            *cell = 0;
            var += 1;
        }
    }
}

const BASE: &str = r#"guideline t "Test"
  version "1"

input age : number 0..120 years "Age"
input fever : yes/no "Fever"
input pain : one of mild, severe "Pain"
input signs : any of rash, cough "Signs"

exam xray "X-ray"
exam ct "CT"
specialist neuro "Neurologist"

rule young "Young with fever: x-ray"
  when age < 18 years and fever
  then order xray

rule severe "Severe pain: CT"
  when pain == severe
  then order ct urgent

rule rash "Rash: neurologist"
  when signs has rash
  then refer neuro within 8 hours
"#;

fn changed(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replace(from, to)
}

fn descriptions(made: &Diff) -> String {
    made.groups
        .iter()
        .map(|g| {
            let facts: Vec<String> = g.facts.iter().map(|f| f.text()).collect();
            let changes: Vec<String> = g
                .changes
                .iter()
                .map(|c| {
                    let words = |a: &[leidraad::diff::Advice]| {
                        a.iter().map(|x| x.words()).collect::<Vec<_>>().join(", ")
                    };
                    format!(
                        "{} {}: [{}] -> [{}]",
                        c.entry,
                        c.kind(),
                        words(&c.old),
                        words(&c.new)
                    )
                })
                .collect();
            format!(
                "{:?} | {} | {}",
                g.presence,
                facts.join(", "),
                changes.join("; ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn age_limit_18_to_16() {
    let made = diff_checked(BASE, &changed("age < 18 years", "age < 16 years"), &[]);
    assert_eq!(
        descriptions(&made),
        "Both | Age 16 to under 18 years, Fever: yes | xray disappears: [order] -> []"
    );
    let group = &made.groups[0];
    let age = group.example["age"].as_i64().unwrap();
    assert!((16..18).contains(&age), "{}", group.example);
    assert_eq!(group.old_rules.len(), 1);
    assert_eq!(group.old_rules[0].rule, "young");
    assert!(group.new_rules.is_empty());
}

#[test]
fn an_action_changed() {
    let made = diff_checked(BASE, &changed("then order xray", "then avoid xray"), &[]);
    assert_eq!(
        descriptions(&made),
        "Both | Age < 18 years, Fever: yes | xray changes: [order] -> [avoid]"
    );
}

#[test]
fn urgency_changed() {
    let made = diff_checked(BASE, &changed("order ct urgent", "order ct routine"), &[]);
    assert_eq!(
        descriptions(&made),
        "Both | Pain: severe | ct changes: [order urgent] -> [order routine]"
    );
}

#[test]
fn time_frame_changed() {
    let made = diff_checked(BASE, &changed("within 8 hours", "within 1 hour"), &[]);
    assert_eq!(
        descriptions(&made),
        "Both | Signs: rash: yes | neuro changes: [refer within 8 hours] -> [refer within 1 hour]"
    );
}

#[test]
fn a_value_added() {
    let made = diff_checked(
        BASE,
        &changed("one of mild, severe", "one of mild, moderate, severe"),
        &[],
    );
    assert_eq!(descriptions(&made), "OnlyNew | Pain: moderate | ");
    assert_eq!(made.inputs.len(), 1);
    assert_eq!(made.inputs[0].words, ["moderate added"]);
    assert_eq!(
        made.inputs[0].affects,
        ["patients with Pain: moderate exist only in the new version"]
    );
}

#[test]
fn a_range_widened() {
    let made = diff_checked(BASE, &changed("0..120 years", "0..130 years"), &[]);
    assert_eq!(descriptions(&made), "OnlyNew | Age > 120 years | ");
    assert_eq!(
        made.inputs[0].words,
        ["range 0..120 years became 0..130 years"]
    );
    let age = made.groups[0].example["age"].as_f64().unwrap();
    assert!(age > 120.0 && age < 130.0, "{age}");
}

#[test]
fn an_input_added() {
    let new = format!(
        "{}\ninput smoker : yes/no \"Smoker\"\n\nrule smoking \"Smoker: CT\"\n  when smoker and fever\n  then order ct routine\n",
        BASE
    );
    let made = diff_checked(BASE, &new, &[]);
    assert!(!made.groups.is_empty());
    assert!(
        descriptions(&made).contains("Smoker: yes"),
        "{}",
        descriptions(&made)
    );
    assert_eq!(made.inputs[0].kind, "added");
    assert!(!made.inputs[0].groups.is_empty());
}

#[test]
fn an_input_removed() {
    let new = changed(
        "input signs : any of rash, cough \"Signs\"\n",
        "",
    )
    .replace(
        "rule rash \"Rash: neurologist\"\n  when signs has rash\n  then refer neuro within 8 hours\n",
        "",
    );
    let made = diff_checked(BASE, &new, &[]);
    assert_eq!(
        descriptions(&made),
        "Both | Signs: rash: yes | neuro disappears: [refer within 8 hours] -> []"
    );
    assert_eq!(made.inputs[0].kind, "removed");
}

#[test]
fn a_rename_declared_is_no_change() {
    let new = BASE
        .replace("fever", "febrile")
        .replace("xray", "radiograph");
    let made = diff_checked(BASE, &new, &[("fever", "febrile"), ("xray", "radiograph")]);
    assert!(!made.differs(), "{}", descriptions(&made));
    // Undeclared, the rename is a removed and an added input.
    let made = diff_checked(BASE, &new, &[]);
    assert!(made.differs());
}

#[test]
fn only_text_changed_is_no_change() {
    let new = BASE
        .replace(
            "\"Young with fever: x-ray\"",
            "\"Children with fever get an x-ray\"",
        )
        .replace("rule severe", "# a comment\nrule severe")
        .replace("\"Neurologist\"", "\"Neuroloog\"");
    let made = diff_checked(BASE, &new, &[]);
    assert!(!made.differs(), "{}", descriptions(&made));
    // Rules in another order, an equivalent condition: still the same.
    let new = BASE.replace(
        "age < 18 years and fever",
        "fever and not (age >= 18 years)",
    );
    let made = diff_checked(BASE, &new, &[]);
    assert!(!made.differs(), "{}", descriptions(&made));
}

#[test]
fn overrides_and_unknown_and_asked_when() {
    let old = format!(
        "{BASE}\nrule no_ct \"Fever: no CT\"\n  overrides severe\n  when fever\n  then avoid ct\n"
    );
    let new = old
        .replace(
            "input fever : yes/no \"Fever\"",
            "input fever : yes/no or unknown \"Fever\"",
        )
        .replace(
            "input signs : any of rash, cough \"Signs\"",
            "input signs : any of rash, cough \"Signs\"\n    asked when pain == severe",
        );
    let made = diff_checked(&old, &new, &[]);
    assert!(made.differs());
    let made = diff_checked(&old, &old.replace("  overrides severe\n", ""), &[]);
    assert!(
        descriptions(&made).contains("ct changes: [avoid] -> [order urgent, avoid]"),
        "{}",
        descriptions(&made)
    );
}

// ---------------------------------------------------------------------------
// Random pairs.

const ATOMS: &[&str] = &[
    "a",
    "not a",
    "b == p",
    "b in [q, r]",
    "b != r",
    "c < 3",
    "c >= 3",
    "c > 5.5",
    "c <= 7",
    "d has m1",
    "not (d has m2)",
];

const ACTIONS: &[&str] = &[
    "order x",
    "order x urgent",
    "avoid x",
    "refer s routine",
    "refer s within 2 hours",
    "order y",
    "avoid y instead x",
    "order y within 1 day",
];

struct Random {
    c_hi: u32,
    b_values: &'static str,
    a_unknown: bool,
    d_asked: bool,
    rules: Vec<(String, Vec<String>, Option<usize>)>,
}

impl Random {
    fn new(rng: &mut SplitMix64) -> Random {
        let count = 2 + rng.index(4);
        let mut rules = Vec::new();
        for index in 0..count {
            let mut condition = ATOMS[rng.index(ATOMS.len())].to_owned();
            if rng.chance(60) {
                let joint = if rng.chance(70) { "and" } else { "or" };
                condition = format!("{condition} {joint} {}", ATOMS[rng.index(ATOMS.len())]);
            }
            let mut actions = vec![ACTIONS[rng.index(ACTIONS.len())].to_owned()];
            if rng.chance(30) {
                actions.push(ACTIONS[rng.index(ACTIONS.len())].to_owned());
            }
            let overrides = (index > 0 && rng.chance(30)).then(|| rng.index(index));
            rules.push((condition, actions, overrides));
        }
        Random {
            c_hi: 10,
            b_values: "p, q, r",
            a_unknown: false,
            d_asked: false,
            rules,
        }
    }

    fn mutate(&self, rng: &mut SplitMix64) -> Random {
        let mut out = Random {
            c_hi: self.c_hi,
            b_values: self.b_values,
            a_unknown: self.a_unknown,
            d_asked: self.d_asked,
            rules: self.rules.clone(),
        };
        for _ in 0..1 + rng.index(2) {
            let at = rng.index(out.rules.len());
            match rng.below(8) {
                0 => out.rules[at].0 = ATOMS[rng.index(ATOMS.len())].to_owned(),
                1 => out.rules[at].1[0] = ACTIONS[rng.index(ACTIONS.len())].to_owned(),
                2 => out.c_hi = 12,
                3 => out.b_values = "p, q, r, t",
                4 => out.a_unknown = true,
                5 => out.d_asked = true,
                6 => out.rules.push((
                    ATOMS[rng.index(ATOMS.len())].to_owned(),
                    vec![ACTIONS[rng.index(ACTIONS.len())].to_owned()],
                    None,
                )),
                _ => out.rules[at].2 = None,
            }
        }
        out
    }

    fn text(&self) -> String {
        let mut text = format!(
            "guideline r \"Random\"\n\ninput a : yes/no{} \"A\"\ninput b : one of {} \"B\"\ninput c : number 0..{} \"C\"\ninput d : any of m1, m2 \"D\"\n{}\nexam x \"X\"\nexam y \"Y\"\nspecialist s \"S\"\n",
            if self.a_unknown { " or unknown" } else { "" },
            self.b_values,
            self.c_hi,
            if self.d_asked {
                "    asked when b != p\n"
            } else {
                ""
            },
        );
        for (index, (condition, actions, overrides)) in self.rules.iter().enumerate() {
            text.push_str(&format!("\nrule r{index} \"Rule {index}\"\n"));
            if let Some(o) = overrides {
                text.push_str(&format!("  overrides r{o}\n"));
            }
            text.push_str(&format!(
                "  when {condition}\n  then {}\n",
                actions.join("\n       ")
            ));
        }
        text
    }
}

fn without_errors(text: &str) -> bool {
    let mut sources = Sources::new();
    let file = sources.add("g.leidraad", text);
    let (_, diagnostics) = check_file(&sources, file);
    !diagnostics.iter().any(|d| d.is_error())
}

#[test]
fn random_pairs_agree_with_brute_force() {
    let pairs = support::cases("LEIDRAAD_DIFF_CASES", 150);
    let mut rng = SplitMix64::new(0xd1ff);
    let mut done = 0;
    let mut differing = 0;
    while done < pairs {
        let old = Random::new(&mut rng);
        let new = old.mutate(&mut rng);
        let (old, new) = (old.text(), new.text());
        if !without_errors(&old) || !without_errors(&new) {
            continue;
        }
        let made = diff_checked(&old, &new, &[]);
        differing += usize::from(made.differs());
        done += 1;
    }
    // The mutations change something most of the time.
    assert!(differing * 3 > done as usize, "{differing} of {done}");
}

// ---------------------------------------------------------------------------
// The command: formats, exit statuses, git revisions.

fn run(args: &[&str]) -> support::Ran {
    support::run(support::leidraad(args))
}

const OLD: &str = "tests/fixtures/diff/old.leidraad";
const NEW: &str = "tests/fixtures/diff/new.leidraad";

fn shown(ran: &support::Ran) -> String {
    format!(
        "status: {}\n--- stdout\n{}--- stderr\n{}",
        ran.status,
        ran.stdout_lossy(),
        ran.stderr_lossy()
    )
}

#[test]
fn human_output() {
    let ran = run(&["diff", OLD, NEW, "--color", "never"]);
    assert_eq!(ran.status, 1);
    insta::assert_snapshot!(shown(&ran));
}

#[test]
fn human_output_in_colour() {
    let ran = run(&["diff", OLD, NEW, "--color", "always"]);
    assert!(ran.stdout_lossy().contains("\u{1b}[1m"));
    let ran = run(&["diff", OLD, NEW]);
    assert!(
        !ran.stdout_lossy().contains('\u{1b}'),
        "no colour without a terminal"
    );
}

#[test]
fn markdown_output() {
    let ran = run(&["diff", OLD, NEW, "--format", "markdown"]);
    assert_eq!(ran.status, 1);
    let text = ran.stdout_lossy();
    // The label's HTML and Markdown are escaped.
    assert!(text.contains("Fever &lt;b&gt;\\|\\*"), "{text}");
    assert!(!text.contains("<b>"));
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
    insta::assert_snapshot!(shown(&ran));
}

/// Checks a JSON value against the parts of JSON Schema that
/// docs/diff.schema.json uses: type, const, enum, required, properties,
/// additionalProperties false, items, minimum and local `$ref`s.
fn validate(schema: &Json, root: &Json, value: &Json, at: &str) {
    if let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
        let name = reference.strip_prefix("#/$defs/").unwrap();
        return validate(&root["$defs"][name], root, value, at);
    }
    if let Some(expected) = schema.get("const") {
        assert_eq!(value, expected, "{at}");
    }
    if let Some(options) = schema.get("enum").and_then(Json::as_array) {
        assert!(
            options.contains(value),
            "{at}: {value} is not one of {options:?}"
        );
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Json::String(t) => vec![t.as_str()],
            Json::Array(list) => list.iter().map(|t| t.as_str().unwrap()).collect(),
            _ => panic!("{at}: type"),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            other => panic!("{at}: type {other}"),
        });
        assert!(ok, "{at}: {value} is not {types:?}");
    }
    if let Some(minimum) = schema.get("minimum").and_then(Json::as_i64) {
        assert!(value.as_i64().unwrap() >= minimum, "{at}");
    }
    if let (Some(object), Some(properties)) = (value.as_object(), schema.get("properties")) {
        for required in schema
            .get("required")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            assert!(
                object.contains_key(required.as_str().unwrap()),
                "{at}: {required} missing"
            );
        }
        for (key, field) in object {
            match properties.get(key) {
                Some(sub) => validate(sub, root, field, &format!("{at}.{key}")),
                None => assert!(
                    schema.get("additionalProperties") != Some(&Json::Bool(false)),
                    "{at}: {key} is not in the schema"
                ),
            }
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (index, item) in list.iter().enumerate() {
            validate(items, root, item, &format!("{at}[{index}]"));
        }
    }
}

#[test]
fn json_output_follows_its_schema() {
    let schema: Json = serde_json::from_str(
        &std::fs::read_to_string(support::root().join("docs/diff.schema.json")).unwrap(),
    )
    .unwrap();
    let ran = run(&["diff", OLD, NEW, "--format", "json"]);
    assert_eq!(ran.status, 1);
    let value: Json = serde_json::from_slice(&ran.stdout).unwrap();
    validate(&schema, &schema, &value, "$");
    assert_eq!(value["schema"], "leidraad-diff/1");
    let same = run(&["diff", OLD, OLD, "--format", "json"]);
    assert_eq!(same.status, 0);
    let value: Json = serde_json::from_slice(&same.stdout).unwrap();
    validate(&schema, &schema, &value, "$");
    assert_eq!(value["differs"], false);
    insta::assert_snapshot!(shown(&ran));
}

#[test]
fn exit_statuses() {
    // The same advice for every patient, even with the text changed.
    assert_eq!(run(&["diff", OLD, OLD]).status, 0);
    assert_eq!(run(&["diff", OLD, NEW]).status, 1);
    // A broken version: its diagnostics, status 2.
    let broken = run(&["diff", OLD, "tests/fixtures/cli/errors.leidraad"]);
    assert_eq!(broken.status, 2, "{}", shown(&broken));
    assert!(broken.stderr_lossy().contains("L1"), "{}", shown(&broken));
    assert_eq!(
        run(&["diff", OLD, "tests/fixtures/diff/missing.leidraad"]).status,
        2
    );
    let rename = run(&["diff", OLD, NEW, "--rename", "fever"]);
    assert_eq!(rename.status, 2);
    assert!(
        rename.stderr_lossy().contains("OLD_NAME=NEW_NAME"),
        "{}",
        shown(&rename)
    );
    let unknown = run(&["diff", OLD, NEW, "--rename", "fevr=fever"]);
    assert_eq!(unknown.status, 2);
    assert!(
        unknown.stderr_lossy().contains("`fevr`"),
        "{}",
        shown(&unknown)
    );
    // A budget that runs out ends with a message, status 2.
    let budget = run(&["diff", OLD, NEW, "--max-boxes", "1"]);
    assert_eq!(budget.status, 2);
    assert!(
        budget.stderr_lossy().contains("--max-boxes"),
        "{}",
        shown(&budget)
    );
}

#[test]
fn bundled_guideline_against_a_changed_copy() {
    let dir = std::env::temp_dir().join(format!("leidraad-diff-bundled-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let guidelines = support::root().join("guidelines");
    std::fs::copy(
        guidelines.join("rugpijn.vocabulary.leidraad"),
        dir.join("rugpijn.vocabulary.leidraad"),
    )
    .unwrap();
    let text = std::fs::read_to_string(guidelines.join("lage-rugpijn.leidraad")).unwrap();
    std::fs::write(
        dir.join("new.leidraad"),
        text.replace("age < 45 years", "age < 40 years"),
    )
    .unwrap();
    let old = guidelines.join("lage-rugpijn.leidraad");
    let new = dir.join("new.leidraad");
    let ran = support::run(support::leidraad([
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]));
    assert_eq!(ran.status, 1, "{}", shown(&ran));
    let value: Json = serde_json::from_slice(&ran.stdout).unwrap();
    for group in value["groups"].as_array().unwrap() {
        assert!(
            group["description"]
                .as_str()
                .unwrap()
                .starts_with("Leeftijd 40 tot 45 jaar"),
            "{group}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn a_revision_from_git_with_its_vocabulary() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("git is not installed; skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("leidraad-diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("g")).unwrap();
    let vocabulary = |hi: u32| {
        format!(
            "vocabulary v \"V\"\n\ninput age : number 0..{hi} years \"Age\"\ninput fever : yes/no \"Fever\"\n\nexam xray \"X-ray\"\n"
        )
    };
    let guideline = |limit: u32| {
        format!(
            "guideline t \"T\"\n\nuse \"v.leidraad\"\n\nrule young \"Young with fever\"\n  when age < {limit} years and fever\n  then order xray\n"
        )
    };
    git(&dir, &["init", "-q"]);
    std::fs::write(dir.join("g/v.leidraad"), vocabulary(120)).unwrap();
    std::fs::write(dir.join("g/g.leidraad"), guideline(18)).unwrap();
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    std::fs::write(dir.join("g/v.leidraad"), vocabulary(130)).unwrap();
    git(&dir, &["commit", "-q", "-am", "second: a wider range"]);
    // The work file: the age limit moved too.
    std::fs::write(dir.join("g/g.leidraad"), guideline(16)).unwrap();
    let mut command = support::leidraad(["diff", "HEAD~1:g/g.leidraad", "g/g.leidraad"]);
    command.current_dir(&dir);
    let ran = support::run(command);
    assert_eq!(ran.status, 1, "{}", shown(&ran));
    let text = ran.stdout_lossy();
    assert!(text.contains("Age > 120 years"), "{text}");
    assert!(
        text.contains("Age 16 to under 18 years, Fever: yes"),
        "{text}"
    );
    assert!(text.contains("HEAD~1:g/g.leidraad:"), "{text}");
    // Both from git: the second commit against the first.
    let mut command = support::leidraad(["diff", "HEAD~1:g/g.leidraad", "HEAD:g/g.leidraad"]);
    command.current_dir(&dir);
    let ran = support::run(command);
    assert_eq!(ran.status, 1, "{}", shown(&ran));
    assert!(
        !ran.stdout_lossy().contains("16 to under 18"),
        "{}",
        shown(&ran)
    );
    // A revision that does not exist: status 2.
    let mut command = support::leidraad(["diff", "nope:g/g.leidraad", "g/g.leidraad"]);
    command.current_dir(&dir);
    assert_eq!(support::run(command).status, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
