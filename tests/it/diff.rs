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
    let made = diff(old_file.valid().unwrap(), new_file.valid().unwrap(), &options)
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
    assert!(total <= 2_000_000, "{total} patients is too many to enumerate");
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
            let b = advice(new_valid.guideline, new_valid.lowering, &record, &same, &same);
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
                assert_eq!(made.differs(), differing > 0, "differs() disagrees with the patients");
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
                    format!("{} {}: [{}] -> [{}]", c.entry, c.kind(), words(&c.old), words(&c.new))
                })
                .collect();
            format!("{:?} | {} | {}", g.presence, facts.join(", "), changes.join("; "))
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
    assert_eq!(made.inputs[0].words, ["range 0..120 years became 0..130 years"]);
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
    assert!(descriptions(&made).contains("Smoker: yes"), "{}", descriptions(&made));
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
    let new = BASE.replace("fever", "febrile").replace("xray", "radiograph");
    let made = diff_checked(BASE, &new, &[("fever", "febrile"), ("xray", "radiograph")]);
    assert!(!made.differs(), "{}", descriptions(&made));
    // Undeclared, the rename is a removed and an added input.
    let made = diff_checked(BASE, &new, &[]);
    assert!(made.differs());
}

#[test]
fn only_text_changed_is_no_change() {
    let new = BASE
        .replace("\"Young with fever: x-ray\"", "\"Children with fever get an x-ray\"")
        .replace("rule severe", "# a comment\nrule severe")
        .replace("\"Neurologist\"", "\"Neuroloog\"");
    let made = diff_checked(BASE, &new, &[]);
    assert!(!made.differs(), "{}", descriptions(&made));
    // Rules in another order, an equivalent condition: still the same.
    let new = BASE.replace("age < 18 years and fever", "fever and not (age >= 18 years)");
    let made = diff_checked(BASE, &new, &[]);
    assert!(!made.differs(), "{}", descriptions(&made));
}

#[test]
fn overrides_and_unknown_and_asked_when() {
    let old = format!(
        "{BASE}\nrule no_ct \"Fever: no CT\"\n  overrides severe\n  when fever\n  then avoid ct\n"
    );
    let new = old
        .replace("input fever : yes/no \"Fever\"", "input fever : yes/no or unknown \"Fever\"")
        .replace(
            "input signs : any of rash, cough \"Signs\"",
            "input signs : any of rash, cough \"Signs\"\n    asked when pain == severe",
        );
    let made = diff_checked(&old, &new, &[]);
    assert!(made.differs());
    let made = diff_checked(&old, &old.replace("  overrides severe\n", ""), &[]);
    assert!(descriptions(&made).contains("ct changes: [avoid] -> [order urgent, avoid]"), "{}", descriptions(&made));
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
            if self.d_asked { "    asked when b != p\n" } else { "" },
        );
        for (index, (condition, actions, overrides)) in self.rules.iter().enumerate() {
            text.push_str(&format!("\nrule r{index} \"Rule {index}\"\n"));
            if let Some(o) = overrides {
                text.push_str(&format!("  overrides r{o}\n"));
            }
            text.push_str(&format!("  when {condition}\n  then {}\n", actions.join("\n       ")));
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
