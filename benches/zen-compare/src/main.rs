//! Leidraad against GoRules zen-engine 2.1.6 on the same decision logic.
//!
//! Each table of `benches/support/synth.rs` is written twice: as a Leidraad
//! guideline (checked and lowered by the real front end, then compiled to
//! the decision diagram) and as a JDM graph with one `collect` decision
//! table (loaded and precompiled by zen-engine: expression bytecode and
//! its table index). Both get the same random patient records. First every
//! record is evaluated by both and the answers compared (which rules fire,
//! with which actions, in which order); any difference stops the run. Then
//! throughput is measured, single-threaded:
//!
//! - `zen`: `Decision::evaluate` on a prebuilt `Variable` per record (the
//!   record already parsed, as zen-engine's own benchmark does);
//! - `leidraad diagram`: `DecisionDiagram::eval_complete` on the record's
//!   class assignment (the record already read and classified);
//! - `leidraad from values`: from the typed values of the record (after
//!   JSON parsing): defaults and `asked when`, number classification, then
//!   the diagram; the fairest match for what zen does per record;
//! - `leidraad reference`: the rule-by-rule reference interpreter;
//! - `bitset index (prototype)`: `benches/support/index.rs`, a per-input
//!   bitset index over box-shaped rules, NOT part of Leidraad: it measures a
//!   proposal for tables whose diagram is too large to build.
//!
//! Usage: `cargo run --release [-- --max-states N] [--records N]
//! [--seconds S] [--only NAME]`. `--max-states` is the diagram's state
//! budget (library default 4,000,000); a table that does not compile within
//! it is measured without the diagram columns. See docs/performance.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a measuring program: a failure may stop it with its message"
)]

#[path = "../../support/index.rs"]
mod index;
#[path = "../../support/load.rs"]
mod load;
#[path = "../../support/synth.rs"]
mod synth;

use std::hint::black_box;
use std::time::{Duration, Instant};

use leidraad::check::CheckedFile;
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram};
use leidraad::logic::generate::SplitMix64;
use leidraad::logic::problem::{Class, ResolvedAction};
use leidraad::model::Value;
use leidraad::model::record::read_record;
use serde_json::Value as Json;
use zen_engine::Decision;
use zen_engine::model::GraphContent;
use zen_expression::Variable;

struct Args {
    max_states: usize,
    records: usize,
    seconds: f64,
    only: Option<String>,
}

fn args() -> Args {
    let mut out = Args {
        max_states: CompileOptions::default().max_states,
        records: 2000,
        seconds: 2.0,
        only: None,
    };
    let list: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < list.len() {
        let value = list.get(i + 1).cloned().unwrap_or_default();
        match list[i].as_str() {
            "--max-states" => out.max_states = value.parse().expect("--max-states N"),
            "--records" => out.records = value.parse().expect("--records N"),
            "--seconds" => out.seconds = value.parse().expect("--seconds S"),
            "--only" => out.only = Some(value),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    out
}

/// Records per second: the median of five runs, each at least `seconds / 5`
/// long, of `eval` over all records.
fn throughput(records: usize, seconds: f64, mut eval: impl FnMut(usize) -> usize) -> f64 {
    let mut sink = 0usize;
    // Warm-up.
    for i in 0..records {
        sink = sink.wrapping_add(eval(i));
    }
    let mut rates = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut done = 0usize;
        while start.elapsed() < Duration::from_secs_f64(seconds / 5.0) {
            for i in 0..records {
                sink = sink.wrapping_add(eval(i));
            }
            done += records;
        }
        rates.push(done as f64 / start.elapsed().as_secs_f64());
    }
    black_box(sink);
    rates.sort_by(f64::total_cmp);
    rates[2]
}

/// `(rule id, actions)` of each rule with surviving actions, in rule order,
/// in the form of [`synth::Synth::actions_key`].
fn leidraad_answer(checked: &CheckedFile, actions: &[ResolvedAction]) -> Vec<(String, String)> {
    let guideline = &checked.guideline;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for action in actions {
        let rule = guideline.rules[action.rule].id.clone();
        let kind = match action.kind {
            leidraad::logic::problem::ActionKind::Order => "order",
            leidraad::logic::problem::ActionKind::Refer => "refer",
            leidraad::logic::problem::ActionKind::Avoid => "avoid",
        };
        let mut text = format!("{kind} {}", guideline.entries[action.target as usize].id);
        if let Some(urgency) = action.urgency {
            let name = serde_json::to_value(urgency).unwrap();
            text.push(' ');
            text.push_str(name.as_str().unwrap());
        }
        if let Some(instead) = action.instead {
            text.push_str(" instead ");
            text.push_str(&guideline.entries[instead as usize].id);
        }
        match out.last_mut() {
            Some((last, list)) if *last == rule => list.push(text),
            _ => out.push((rule, vec![text])),
        }
    }
    out.into_iter().map(|(r, l)| (r, l.join("; "))).collect()
}

fn zen_answer(result: &Variable) -> Vec<(String, String)> {
    let json = serde_json::to_value(result).unwrap();
    json.as_array()
        .expect("a collect table returns a list")
        .iter()
        .map(|row| {
            (
                row["rule"].as_str().unwrap().to_owned(),
                row["actions"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn run(name: &str, table: &synth::Synth, args: &Args, runtime: &tokio::runtime::Runtime) {
    println!(
        "== {name}: {} rules over {} inputs",
        table.rules.len(),
        table.inputs.len()
    );

    // Leidraad: front end, then the diagram.
    let checked = load::front_end(name, &table.leidraad());
    let problem = checked.lowering.as_ref().unwrap().problem.clone();
    let start = Instant::now();
    let diagram = DecisionDiagram::compile(
        &problem,
        &CompileOptions {
            max_states: args.max_states,
            ..CompileOptions::default()
        },
    );
    let compile_time = start.elapsed();
    match &diagram {
        Ok(d) => println!(
            "leidraad: diagram of {} nodes, {} leaves, compiled in {compile_time:.2?}",
            d.node_count(),
            d.leaf_count()
        ),
        Err(e) => println!("leidraad: no diagram ({e}) after {compile_time:.2?}"),
    }
    let diagram = diagram.ok();

    // zen-engine: the JDM graph, precompiled.
    let jdm = table.jdm().expect("the table is a plain collect table");
    let start = Instant::now();
    let content: GraphContent = serde_json::from_value(jdm).unwrap();
    let mut decision = Decision::from(content);
    decision.compile();
    println!(
        "zen-engine: loaded and precompiled in {:.2?}",
        start.elapsed()
    );

    // The same records for both.
    let mut rng = SplitMix64::new(0x2E4_C0DE);
    let records: Vec<Json> = (0..args.records)
        .map(|_| table.random_record(&mut rng))
        .collect();
    let variables: Vec<Variable> = records.iter().map(|r| Variable::from(r.clone())).collect();
    let assignments: Vec<Vec<Class>> = records
        .iter()
        .map(|r| load::classes(&checked, r).expect("the record reads"))
        .collect();
    let values: Vec<Vec<Option<Value>>> = records
        .iter()
        .map(|r| read_record(&checked.guideline, r).unwrap().values)
        .collect();
    let lowering = checked.lowering.as_ref().unwrap();

    let box_index = index::BoxIndex::new(&problem);
    let action_counts: Vec<usize> = problem.rules.iter().map(|r| r.actions.len()).collect();

    // Equivalence on every record.
    let mut fired = 0usize;
    for (i, record) in records.iter().enumerate() {
        let zen = zen_answer(
            &runtime
                .block_on(decision.evaluate(variables[i].clone()))
                .unwrap()
                .result,
        );
        let reference = problem
            .outcome_complete(&assignments[i])
            .expect("no assumptions");
        let ours = leidraad_answer(&checked, &reference.actions);
        if let Some(ix) = &box_index {
            assert_eq!(
                ix.fired_rules(&assignments[i]),
                reference.fired,
                "index vs reference"
            );
        }
        if let Some(d) = &diagram {
            let leaf = d.eval_complete(&assignments[i]).unwrap();
            assert_eq!(
                d.leaf(leaf),
                reference.actions.as_slice(),
                "diagram vs reference"
            );
        }
        assert_eq!(
            ours, zen,
            "leidraad and zen-engine disagree on record {i}: {record}"
        );
        fired += zen.len();
    }
    println!(
        "equivalence: {} records, same rules and actions from both (on average {:.1} rules fire)",
        records.len(),
        fired as f64 / records.len() as f64
    );

    // Throughput.
    let n = records.len();
    let zen_rate = throughput(n, args.seconds, |i| {
        let response = runtime
            .block_on(decision.evaluate(variables[i].clone()))
            .unwrap();
        usize::from(response.result.is_array())
    });
    println!("zen-engine            {zen_rate:>14.0} records/s");
    let reference_rate = throughput(n, args.seconds, |i| {
        problem
            .outcome_complete(black_box(&assignments[i]))
            .unwrap()
            .actions
            .len()
    });
    println!(
        "leidraad reference    {reference_rate:>14.0} records/s  ({:.1}x zen)",
        reference_rate / zen_rate
    );
    if let Some(ix) = &box_index {
        let mut bits = vec![0u64; ix.words()];
        let index_rate = throughput(n, args.seconds, |i| {
            ix.fired(black_box(&assignments[i]), &mut bits);
            // Walk the fired rules and their actions, as building the
            // answer would.
            let mut actions = 0;
            for (w, &word) in bits.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    actions += action_counts[w * 64 + word.trailing_zeros() as usize];
                    word &= word - 1;
                }
            }
            actions
        });
        println!(
            "bitset index (proto.) {index_rate:>14.0} records/s  ({:.1}x zen)",
            index_rate / zen_rate
        );
    }
    if let Some(d) = &diagram {
        let from_values = throughput(n, args.seconds, |i| {
            let (slots, _) = checked.guideline.complete(black_box(&values[i]));
            let assignment: Vec<Class> = lowering
                .assignment(&slots)
                .into_iter()
                .map(|c| c.unwrap_or(0))
                .collect();
            d.eval_complete(&assignment).unwrap().index()
        });
        println!(
            "leidraad from values  {from_values:>14.0} records/s  ({:.1}x zen)",
            from_values / zen_rate
        );
        let diagram_rate = throughput(n, args.seconds, |i| {
            d.eval_complete(black_box(&assignments[i])).unwrap().index()
        });
        println!(
            "leidraad diagram      {diagram_rate:>14.0} records/s  ({:.1}x zen)",
            diagram_rate / zen_rate
        );
    }
}

fn main() {
    let args = args();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let tables = [
        ("lage-rugpijn-table-15", synth::lage_rugpijn_like()),
        (
            "plain-1500x5",
            synth::generate(&synth::Params::plain(1, 1_500, 5)),
        ),
    ];
    for (name, table) in &tables {
        if args
            .only
            .as_ref()
            .is_some_and(|only| !name.contains(only.as_str()))
        {
            continue;
        }
        run(name, table, &args, &runtime);
    }
}
