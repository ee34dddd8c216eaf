//! Synthetic guidelines for the benchmarks, written out both as Leidraad
//! source and as a GoRules JDM decision table with the `collect` hit policy.
//!
//! `leidraad::logic::generate::synthetic_table` builds abstract problems
//! directly: every input is a bare variable of 2 to 8 classes, so it has no
//! number inputs with many thresholds, no `any of` members, and never goes
//! through the language front end. This generator writes real guidelines
//! instead, with mixed input types (numbers cut by a pool of realistic
//! thresholds with `<`, `<=`, `>`, `>=` and half-open ranges, `one of`
//! values and value sets, yes/no answers, `any of` members), rules that
//! overlap freely like the rows of a DMN table, one or two actions per rule,
//! and optionally overrides, an `assume`, an `asked when` and requirements.
//! The benchmarks then check and lower the text exactly as `leidraad check`
//! does, so the problem the analyses see is the one a real file produces.
//!
//! The same decision logic is also written as a JDM graph (input node,
//! one collect decision table, output node) for the side-by-side with
//! zen-engine. Only guidelines without overrides, `assume` and `asked when`
//! can be written that way; [`Synth::jdm`] refuses the others.
//!
//! This file is shared by `benches/*.rs` and `benches/zen-compare`; it uses
//! nothing but `leidraad`'s seeded PRNG and `serde_json`.

#![allow(
    dead_code,
    reason = "shared by several benchmarks and tests, each of which uses only part of it"
)]

use leidraad::logic::generate::SplitMix64;
use serde_json::{Map, Value as Json, json};

/// The type of one input.
#[derive(Clone, Debug)]
pub enum SType {
    YesNo,
    OneOf(Vec<String>),
    AnyOf(Vec<String>),
    /// `number 0..hi UNIT`; `thresholds` are the cut points rules draw from.
    Number {
        hi: i64,
        unit: Option<&'static str>,
        thresholds: Vec<i64>,
    },
}

#[derive(Clone, Debug)]
pub struct SInput {
    pub id: String,
    pub ty: SType,
    /// `asked when` as Leidraad text (the synthetic analysis variant only).
    pub asked_when: Option<String>,
}

/// A comparison with a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// The test one rule puts on one input: one cell of a decision table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    Any,
    Bool(bool),
    /// A `one of` input is one of these values (indices, sorted); `negated`
    /// writes a single value as `!=`.
    Choice {
        values: Vec<usize>,
        negated: bool,
    },
    Compare(Op, i64),
    /// `lo <= x < hi`.
    Between(i64, i64),
    /// An `any of` input has (or, `negated`, lacks) this member.
    Has {
        member: usize,
        negated: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Order,
    Refer,
    Avoid,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SAction {
    pub kind: Kind,
    pub target: usize,
    pub urgency: Option<&'static str>,
    pub instead: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct SRule {
    pub id: String,
    /// One test per input, in input order.
    pub tests: Vec<Test>,
    pub actions: Vec<SAction>,
    pub overrides: Vec<usize>,
}

/// A catalogue entry; `refer` targets are specialists.
#[derive(Clone, Debug)]
pub struct STarget {
    pub id: String,
    pub specialist: bool,
}

#[derive(Clone, Debug)]
pub struct Synth {
    pub name: String,
    pub inputs: Vec<SInput>,
    pub targets: Vec<STarget>,
    pub rules: Vec<SRule>,
    /// `assume` conditions as Leidraad text.
    pub assumptions: Vec<String>,
    /// `(when, then)` of each `require`, as Leidraad text.
    pub requirements: Vec<(String, String)>,
}

/// What [`generate`] makes.
#[derive(Clone, Debug)]
pub struct Params {
    pub seed: u64,
    pub rules: usize,
    pub inputs: usize,
    /// Percentage of rules that override an earlier rule, with an action
    /// that clashes with it.
    pub overrides_percent: u32,
    /// Add an `assume`, an `asked when` and three requirements.
    pub extras: bool,
}

impl Params {
    /// A DMN-like table: no overrides, no assumptions; what zen-engine can
    /// express as a collect table.
    pub fn plain(seed: u64, rules: usize, inputs: usize) -> Params {
        Params {
            seed,
            rules,
            inputs,
            overrides_percent: 0,
            extras: false,
        }
    }

    /// A guideline-like table: 3 % overrides, an `assume`, an `asked when`
    /// and three requirements.
    pub fn guideline(seed: u64, rules: usize, inputs: usize) -> Params {
        Params {
            seed,
            rules,
            inputs,
            overrides_percent: 3,
            extras: true,
        }
    }
}

/// Input types in the order they are handed out: a third numbers, the rest
/// `one of`, yes/no and `any of`.
const TYPE_CYCLE: [u8; 10] = [0, 1, 2, 0, 3, 1, 2, 0, 1, 3];

fn urgency(rng: &mut SplitMix64) -> &'static str {
    match rng.below(3) {
        0 => "same_day",
        1 => "urgent",
        _ => "routine",
    }
}

fn distinct_sorted(rng: &mut SplitMix64, count: usize, hi: i64) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    let mut guard = 0;
    while out.len() < count && guard < count * 50 {
        guard += 1;
        let value = rng.range(1, (hi - 1) as u64) as i64;
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out.sort_unstable();
    out
}

fn make_input(rng: &mut SplitMix64, index: usize) -> SInput {
    let id = format!("x{index}");
    let ty = match TYPE_CYCLE[index % TYPE_CYCLE.len()] {
        0 => {
            // Age in years, a duration in weeks, a lab value: ranges and
            // threshold pools of realistic size.
            let (hi, unit, pool) = match index % 3 {
                0 => (120, Some("years"), 24),
                1 => (520, Some("weeks"), 30),
                _ => (1000, None, 40),
            };
            SType::Number {
                hi,
                unit,
                thresholds: distinct_sorted(rng, pool, hi),
            }
        }
        1 => {
            let count = rng.range(3, 8) as usize;
            SType::OneOf((0..count).map(|v| format!("v{v}")).collect())
        }
        2 => SType::YesNo,
        _ => {
            let count = rng.range(3, 5) as usize;
            SType::AnyOf((0..count).map(|m| format!("m{m}")).collect())
        }
    };
    SInput {
        id,
        ty,
        asked_when: None,
    }
}

fn make_test(rng: &mut SplitMix64, ty: &SType) -> Test {
    if rng.chance(40) {
        return Test::Any;
    }
    match ty {
        SType::YesNo => Test::Bool(rng.chance(60)),
        SType::OneOf(values) => {
            let n = values.len();
            let roll = rng.below(100);
            if roll < 50 {
                Test::Choice {
                    values: vec![rng.index(n)],
                    negated: false,
                }
            } else if roll < 85 {
                let mut chosen: Vec<usize> = Vec::new();
                let want = rng.range(2, 3) as usize;
                while chosen.len() < want.min(n - 1) {
                    let v = rng.index(n);
                    if !chosen.contains(&v) {
                        chosen.push(v);
                    }
                }
                chosen.sort_unstable();
                Test::Choice {
                    values: chosen,
                    negated: false,
                }
            } else {
                let skip = rng.index(n);
                Test::Choice {
                    values: (0..n).filter(|&v| v != skip).collect(),
                    negated: true,
                }
            }
        }
        SType::AnyOf(members) => Test::Has {
            member: rng.index(members.len()),
            negated: rng.chance(30),
        },
        SType::Number { thresholds, .. } => {
            let pick = |rng: &mut SplitMix64| thresholds[rng.index(thresholds.len())];
            let roll = rng.below(100);
            if roll < 60 {
                let op = match roll % 6 {
                    0 | 1 => Op::Lt,
                    2 | 3 => Op::Ge,
                    4 => Op::Le,
                    _ => Op::Gt,
                };
                Test::Compare(op, pick(rng))
            } else {
                let a = pick(rng);
                let mut b = pick(rng);
                if a == b {
                    b = thresholds.iter().copied().find(|&t| t > a).unwrap_or(a + 1);
                }
                Test::Between(a.min(b), a.max(b))
            }
        }
    }
}

fn make_action(rng: &mut SplitMix64, targets: &[STarget], exams: usize) -> SAction {
    let specialists = targets.len() - exams;
    let roll = rng.below(100);
    let kind = if roll < 70 {
        Kind::Order
    } else if roll < 85 && specialists > 0 {
        Kind::Refer
    } else {
        Kind::Avoid
    };
    let target = match kind {
        Kind::Refer => exams + rng.index(specialists),
        _ => rng.index(exams),
    };
    SAction {
        kind,
        target,
        urgency: (kind != Kind::Avoid && rng.chance(40)).then(|| urgency(rng)),
        instead: (kind == Kind::Avoid && rng.chance(30)).then(|| rng.index(exams)),
    }
}

/// A seeded synthetic guideline; see the module documentation.
pub fn generate(params: &Params) -> Synth {
    let mut rng = SplitMix64::new(params.seed ^ 0x0005_EED0_0BE4_C400);
    let mut inputs: Vec<SInput> = (0..params.inputs)
        .map(|i| make_input(&mut rng, i))
        .collect();
    let target_count = (params.rules / 10).max(8);
    let exams = target_count - (target_count / 5).max(1);
    let targets: Vec<STarget> = (0..target_count)
        .map(|t| STarget {
            id: if t < exams {
                format!("E{t}")
            } else {
                format!("S{t}")
            },
            specialist: t >= exams,
        })
        .collect();
    let mut rules: Vec<SRule> = Vec::with_capacity(params.rules);
    for index in 0..params.rules {
        let tests: Vec<Test> = inputs.iter().map(|i| make_test(&mut rng, &i.ty)).collect();
        let count = if rng.chance(70) { 1 } else { 2 };
        let mut actions: Vec<SAction> = (0..count)
            .map(|_| make_action(&mut rng, &targets, exams))
            .collect();
        let mut overrides = Vec::new();
        if index > 0 && rng.chance(params.overrides_percent) {
            let victim = rng.index(index);
            if let Some(first) = rules[victim].actions.first() {
                // An exception that drops the victim's first action.
                let clash = match first.kind {
                    Kind::Avoid => SAction {
                        kind: Kind::Order,
                        target: first.target,
                        urgency: None,
                        instead: None,
                    },
                    _ if targets[first.target].specialist => SAction {
                        kind: Kind::Refer,
                        target: first.target,
                        urgency: Some(match first.urgency {
                            Some("same_day") => "routine",
                            _ => "same_day",
                        }),
                        instead: None,
                    },
                    _ => SAction {
                        kind: Kind::Avoid,
                        target: first.target,
                        urgency: None,
                        instead: None,
                    },
                };
                actions.push(clash);
                overrides.push(victim);
            }
        }
        rules.push(SRule {
            id: format!("r{index}"),
            tests,
            actions,
            overrides,
        });
    }
    let mut assumptions = Vec::new();
    let mut requirements = Vec::new();
    if params.extras {
        let find = |pred: &dyn Fn(&SType) -> bool| inputs.iter().position(|i| pred(&i.ty));
        let yes_no = find(&|t| matches!(t, SType::YesNo));
        let one_of = find(&|t| matches!(t, SType::OneOf(_)));
        let number = find(&|t| matches!(t, SType::Number { .. }));
        let any_of = find(&|t| matches!(t, SType::AnyOf(_)));
        if let (Some(a), Some(y)) = (any_of, yes_no) {
            // Like `deficit_pattern asked when neuro_deficit != none`.
            inputs[a].asked_when = Some(inputs[y].id.clone());
        }
        if let (Some(o), Some(n)) = (one_of, number) {
            if let SType::Number { thresholds, .. } = &inputs[n].ty {
                let t = thresholds[thresholds.len() / 2];
                assumptions.push(format!(
                    "{} == v0 implies {} >= {t}",
                    inputs[o].id, inputs[n].id
                ));
            }
        }
        let always = if let Some(y) = yes_no {
            inputs[y].id.clone()
        } else {
            String::new()
        };
        if !always.is_empty() {
            requirements.push((always, "some order or some refer or some avoid".to_owned()));
        }
        if let Some(o) = one_of {
            requirements.push((
                format!("{} == v0", inputs[o].id),
                format!("no order {}", targets[0].id),
            ));
        }
        requirements.push((
            String::new(),
            format!(
                "not (order {} urgent and avoid {})",
                targets[1].id, targets[1].id
            ),
        ));
    }
    Synth {
        name: format!("synth_{}x{}", params.rules, params.inputs),
        inputs,
        targets,
        rules,
        assumptions,
        requirements,
    }
}

fn number_text(value: i64) -> String {
    value.to_string()
}

impl Synth {
    /// The Leidraad text of one test, or `None` for "any".
    fn test_text(&self, input: &SInput, test: &Test) -> Option<String> {
        let id = &input.id;
        Some(match (test, &input.ty) {
            (Test::Any, _) => return None,
            (Test::Bool(true), _) => id.clone(),
            (Test::Bool(false), _) => format!("not {id}"),
            (Test::Choice { values, negated }, SType::OneOf(names)) => {
                let all: Vec<usize> = (0..names.len()).collect();
                if *negated {
                    let missing = all.iter().find(|v| !values.contains(v)).copied()?;
                    format!("{id} != {}", names[missing])
                } else if values.len() == 1 {
                    format!("{id} == {}", names[values[0]])
                } else {
                    let list: Vec<&str> = values.iter().map(|&v| names[v].as_str()).collect();
                    format!("{id} in [{}]", list.join(", "))
                }
            }
            (Test::Compare(op, value), _) => format!("{id} {} {}", op.text(), number_text(*value)),
            (Test::Between(lo, hi), _) => {
                format!(
                    "{id} >= {} and {id} < {}",
                    number_text(*lo),
                    number_text(*hi)
                )
            }
            (Test::Has { member, negated }, SType::AnyOf(names)) => {
                if *negated {
                    format!("not ({id} has {})", names[*member])
                } else {
                    format!("{id} has {}", names[*member])
                }
            }
            _ => return None,
        })
    }

    fn action_text(&self, action: &SAction) -> String {
        let kind = match action.kind {
            Kind::Order => "order",
            Kind::Refer => "refer",
            Kind::Avoid => "avoid",
        };
        let mut out = format!("{kind} {}", self.targets[action.target].id);
        if let Some(u) = action.urgency {
            out.push(' ');
            out.push_str(u);
        }
        if let Some(i) = action.instead {
            out.push_str(" instead ");
            out.push_str(&self.targets[i].id);
        }
        out
    }

    /// The actions of one rule in the compact form both sides of the
    /// side-by-side report: `order E3 urgent; avoid E5 instead E7`.
    pub fn actions_key(&self, rule: usize) -> String {
        self.rules[rule]
            .actions
            .iter()
            .map(|a| self.action_text(a))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The guideline as Leidraad source.
    pub fn leidraad(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "guideline {} \"Synthetic\"\n  version \"1\"\n\n",
            self.name
        ));
        for input in &self.inputs {
            let ty = match &input.ty {
                SType::YesNo => "yes/no".to_owned(),
                SType::OneOf(values) => format!("one of {}", values.join(", ")),
                SType::AnyOf(members) => format!("any of {}", members.join(", ")),
                SType::Number { hi, unit, .. } => match unit {
                    Some(u) => format!("number 0..{hi} {u}"),
                    None => format!("number 0..{hi}"),
                },
            };
            out.push_str(&format!(
                "input {} : {ty} \"{}\"\n",
                input.id,
                input.id.to_uppercase()
            ));
            if let Some(asked) = &input.asked_when {
                out.push_str(&format!("    asked when {asked}\n"));
            }
        }
        out.push('\n');
        for assumption in &self.assumptions {
            out.push_str(&format!("assume {assumption}\n"));
        }
        for target in &self.targets {
            let kind = if target.specialist {
                "specialist"
            } else {
                "exam"
            };
            out.push_str(&format!("{kind} {} \"{}\"\n", target.id, target.id));
        }
        out.push('\n');
        for rule in &self.rules {
            out.push_str(&format!(
                "rule {} \"{}\"\n",
                rule.id,
                rule.id.to_uppercase()
            ));
            if !rule.overrides.is_empty() {
                let names: Vec<&str> = rule
                    .overrides
                    .iter()
                    .map(|&r| self.rules[r].id.as_str())
                    .collect();
                out.push_str(&format!("  overrides {}\n", names.join(", ")));
            }
            let tests: Vec<String> = self
                .inputs
                .iter()
                .zip(&rule.tests)
                .filter_map(|(input, test)| self.test_text(input, test))
                .collect();
            if !tests.is_empty() {
                out.push_str(&format!("  when {}\n", tests.join(" and ")));
            }
            for (index, action) in rule.actions.iter().enumerate() {
                let lead = if index == 0 { "  then " } else { "       " };
                out.push_str(&format!("{lead}{}\n", self.action_text(action)));
            }
        }
        for (index, (when, then)) in self.requirements.iter().enumerate() {
            out.push_str(&format!("\nrequire \"Q{index}\"\n"));
            if !when.is_empty() {
                out.push_str(&format!("  when {when}\n"));
            }
            out.push_str(&format!("  then {then}\n"));
        }
        out
    }

    /// The zen-engine unary test of one cell ("" for any).
    fn zen_cell(&self, input: &SInput, test: &Test) -> String {
        match (test, &input.ty) {
            (Test::Any, _) => String::new(),
            (Test::Bool(b), _) => b.to_string(),
            (Test::Choice { values, .. }, SType::OneOf(names)) => values
                .iter()
                .map(|&v| format!("'{}'", names[v]))
                .collect::<Vec<_>>()
                .join(", "),
            (Test::Compare(op, value), _) => format!("{} {value}", op.text()),
            (Test::Between(lo, hi), _) => format!("[{lo}..{hi})"),
            (Test::Has { member, negated }, SType::AnyOf(names)) => {
                if *negated {
                    format!("not contains($, '{}')", names[*member])
                } else {
                    format!("contains($, '{}')", names[*member])
                }
            }
            _ => String::new(),
        }
    }

    /// The guideline as a JDM graph: request → collect table → response.
    /// Each row outputs `rule` (the rule id) and `actions`
    /// ([`Synth::actions_key`]). `None` when the guideline uses something a
    /// decision table cannot say (overrides, `assume`, `asked when`).
    pub fn jdm(&self) -> Option<Json> {
        if self.rules.iter().any(|r| !r.overrides.is_empty())
            || !self.assumptions.is_empty()
            || self.inputs.iter().any(|i| i.asked_when.is_some())
        {
            return None;
        }
        let inputs: Vec<Json> = self
            .inputs
            .iter()
            .enumerate()
            .map(|(c, input)| json!({"id": format!("c{c}"), "name": input.id, "field": input.id}))
            .collect();
        let outputs = json!([
            {"id": "o_rule", "name": "rule", "field": "rule"},
            {"id": "o_actions", "name": "actions", "field": "actions"}
        ]);
        let rows: Vec<Json> = self
            .rules
            .iter()
            .enumerate()
            .map(|(r, rule)| {
                let mut row = Map::new();
                row.insert("_id".into(), Json::String(rule.id.clone()));
                for (c, (input, test)) in self.inputs.iter().zip(&rule.tests).enumerate() {
                    row.insert(format!("c{c}"), Json::String(self.zen_cell(input, test)));
                }
                row.insert("o_rule".into(), Json::String(format!("'{}'", rule.id)));
                row.insert(
                    "o_actions".into(),
                    Json::String(format!("'{}'", self.actions_key(r))),
                );
                Json::Object(row)
            })
            .collect();
        Some(json!({
            "nodes": [
                {"id": "request", "name": "request", "type": "inputNode",
                 "position": {"x": 0, "y": 0}},
                {"id": "table", "name": "table", "type": "decisionTableNode",
                 "position": {"x": 200, "y": 0},
                 "content": {"hitPolicy": "collect", "inputs": inputs, "outputs": outputs,
                             "rules": rows, "passThrough": false, "inputField": null,
                             "outputPath": null, "executionMode": "single"}},
                {"id": "response", "name": "response", "type": "outputNode",
                 "position": {"x": 400, "y": 0}}
            ],
            "edges": [
                {"id": "e1", "sourceId": "request", "targetId": "table", "type": "edge"},
                {"id": "e2", "sourceId": "table", "targetId": "response", "type": "edge"}
            ]
        }))
    }

    /// A complete random patient record (JSON, as `leidraad eval` reads it).
    /// Numbers hit a threshold exactly a third of the time, so that the
    /// closed and open ends of ranges are exercised.
    pub fn random_record(&self, rng: &mut SplitMix64) -> Json {
        let mut record = Map::new();
        for input in &self.inputs {
            let value = match &input.ty {
                SType::YesNo => Json::Bool(rng.chance(50)),
                SType::OneOf(values) => Json::String(values[rng.index(values.len())].clone()),
                SType::AnyOf(members) => Json::Array(
                    members
                        .iter()
                        .filter(|_| rng.chance(35))
                        .map(|m| Json::String(m.clone()))
                        .collect(),
                ),
                SType::Number { hi, thresholds, .. } => {
                    let v = if rng.chance(33) {
                        thresholds[rng.index(thresholds.len())]
                    } else {
                        rng.range(0, *hi as u64) as i64
                    };
                    json!(v)
                }
            };
            record.insert(input.id.clone(), value);
        }
        Json::Object(record)
    }
}

/// A 15-rule table shaped like `guidelines/lage-rugpijn.leidraad`: the
/// inputs and catalogue of the data dictionary, rules after seed 000, all
/// expressible as rows of a collect table (no `or`, no overrides, no
/// alternatives, no `asked when`). It keeps two real tensions of the source
/// (CT-LWK ordered and avoided; EMG ordered and avoided) as unsettled
/// clashes, which evaluation does not mind.
pub fn lage_rugpijn_like() -> Synth {
    let yes_no = |id: &str| SInput {
        id: id.to_owned(),
        ty: SType::YesNo,
        asked_when: None,
    };
    let one_of = |id: &str, values: &[&str]| SInput {
        id: id.to_owned(),
        ty: SType::OneOf(values.iter().map(|v| (*v).to_owned()).collect()),
        asked_when: None,
    };
    let inputs = vec![
        SInput {
            id: "age".into(),
            ty: SType::Number {
                hi: 120,
                unit: Some("years"),
                thresholds: vec![18, 45, 50],
            },
            asked_when: None,
        },
        SInput {
            id: "complaint_duration".into(),
            ty: SType::Number {
                hi: 1040,
                unit: Some("weeks"),
                thresholds: vec![3, 6, 12],
            },
            asked_when: None,
        },
        one_of("neuro_deficit", &["none", "acute", "subacute", "chronic"]),
        one_of("deficit_pattern", &["peripheral", "central"]),
        yes_no("night_pain"),
        yes_no("fever"),
        yes_no("weight_loss"),
        yes_no("oncologic_history"),
        yes_no("severe_pain"),
        one_of("trauma", &["none", "minor", "major"]),
        yes_no("bechterew"),
        SInput {
            id: "suspected".into(),
            ty: SType::AnyOf(
                [
                    "myelopathy",
                    "infection",
                    "malignancy",
                    "neurogenic_claudication",
                ]
                .iter()
                .map(|m| (*m).to_owned())
                .collect(),
            ),
            asked_when: None,
        },
        yes_no("hip_or_shoulder_complaints"),
        yes_no("mri_possible"),
        yes_no("saddle_anesthesia"),
        yes_no("micturition_disorder"),
    ];
    let names = [
        "MRI_LWK",
        "CT_LWK",
        "MRI_CWK_TWK",
        "CT_full_spine",
        "RX_full_spine",
        "RX_LWK",
        "SPECT_CT",
        "targeted_ultrasound",
        "lab_infection_panel",
        "EMG",
        "SEP_MEP",
        "immobilisation",
        "spine_surgeon",
        "back_specialist",
    ];
    let targets: Vec<STarget> = names
        .iter()
        .map(|n| STarget {
            id: (*n).to_owned(),
            specialist: n.ends_with("surgeon") || n.ends_with("specialist"),
        })
        .collect();
    let t = |name: &str| names.iter().position(|n| *n == name).unwrap_or(0);
    let input = |name: &str| inputs.iter().position(|i| i.id == name).unwrap_or(0);
    let act = |kind: Kind, target: &str, urgency: Option<&'static str>| SAction {
        kind,
        target: t(target),
        urgency,
        instead: None,
    };
    let specs: Vec<Spec> = vec![
        (
            "acute_deficit",
            vec![("neuro_deficit", choice(&[1]))],
            vec![
                act(Kind::Order, "MRI_LWK", Some("urgent")),
                act(Kind::Refer, "spine_surgeon", Some("same_day")),
            ],
        ),
        (
            "acute_deficit_no_mri",
            vec![
                ("neuro_deficit", choice(&[1])),
                ("mri_possible", Test::Bool(false)),
            ],
            vec![act(Kind::Order, "CT_LWK", Some("urgent"))],
        ),
        (
            "myelopathy",
            vec![("suspected", has(0))],
            vec![act(Kind::Order, "MRI_CWK_TWK", Some("urgent"))],
        ),
        (
            "infection",
            vec![("suspected", has(1))],
            vec![
                act(Kind::Order, "MRI_LWK", None),
                act(Kind::Order, "lab_infection_panel", None),
            ],
        ),
        (
            "malignancy",
            vec![("suspected", has(2))],
            vec![
                act(Kind::Order, "MRI_LWK", None),
                act(Kind::Order, "SPECT_CT", None),
            ],
        ),
        (
            "bechterew_trauma",
            vec![("bechterew", Test::Bool(true)), ("trauma", choice(&[1, 2]))],
            vec![
                act(Kind::Order, "CT_full_spine", Some("same_day")),
                act(Kind::Order, "immobilisation", None),
                act(Kind::Refer, "spine_surgeon", Some("same_day")),
            ],
        ),
        (
            "cauda_equina",
            vec![("saddle_anesthesia", Test::Bool(true))],
            vec![act(Kind::Refer, "spine_surgeon", Some("same_day"))],
        ),
        (
            "subacute_deficit",
            vec![("neuro_deficit", choice(&[2, 3]))],
            vec![
                act(Kind::Order, "MRI_LWK", None),
                act(Kind::Refer, "back_specialist", None),
            ],
        ),
        (
            "subacute_peripheral",
            vec![
                ("neuro_deficit", choice(&[2, 3])),
                ("deficit_pattern", choice(&[0])),
            ],
            vec![act(Kind::Order, "EMG", None)],
        ),
        (
            "subacute_central",
            vec![
                ("neuro_deficit", choice(&[2, 3])),
                ("deficit_pattern", choice(&[1])),
            ],
            vec![act(Kind::Order, "SEP_MEP", None)],
        ),
        (
            "no_deficit_chronic",
            vec![
                ("neuro_deficit", choice(&[0])),
                ("complaint_duration", Test::Compare(Op::Ge, 6)),
            ],
            vec![act(Kind::Order, "RX_full_spine", None)],
        ),
        (
            "spect_older",
            vec![
                ("neuro_deficit", choice(&[0])),
                ("complaint_duration", Test::Compare(Op::Ge, 6)),
                ("age", Test::Compare(Op::Ge, 45)),
            ],
            vec![act(Kind::Order, "SPECT_CT", None)],
        ),
        (
            "hip_shoulder",
            vec![("hip_or_shoulder_complaints", Test::Bool(true))],
            vec![act(Kind::Order, "targeted_ultrasound", None)],
        ),
        (
            "no_ct_claudication",
            vec![("suspected", has(3))],
            vec![SAction {
                kind: Kind::Avoid,
                target: t("CT_LWK"),
                urgency: None,
                instead: Some(t("MRI_LWK")),
            }],
        ),
        (
            "no_emg_early",
            vec![("complaint_duration", Test::Compare(Op::Lt, 3))],
            vec![act(Kind::Avoid, "EMG", None)],
        ),
    ];
    let rules = specs
        .into_iter()
        .map(|(id, tests, actions)| {
            let mut row = vec![Test::Any; inputs.len()];
            for (name, test) in tests {
                row[input(name)] = test;
            }
            SRule {
                id: id.to_owned(),
                tests: row,
                actions,
                overrides: Vec::new(),
            }
        })
        .collect();
    Synth {
        name: "lage_rugpijn_tabel".to_owned(),
        inputs,
        targets,
        rules,
        assumptions: Vec::new(),
        requirements: Vec::new(),
    }
}

/// One rule of [`lage_rugpijn_like`]: id, tests as (input, test), actions.
type Spec = (&'static str, Vec<(&'static str, Test)>, Vec<SAction>);

fn choice(values: &[usize]) -> Test {
    Test::Choice {
        values: values.to_vec(),
        negated: false,
    }
}

fn has(member: usize) -> Test {
    Test::Has {
        member,
        negated: false,
    }
}
