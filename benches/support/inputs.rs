//! The inputs of the analysis and compile benchmarks. Shared by
//! `benches/analyse.rs` and `benches/compile.rs`.

use leidraad::logic::generate::synthetic_table;
use leidraad::logic::problem::Problem;

use super::{load, synth};

/// Every benchmark input: a name and how to build its lowered problem.
/// `LEIDRAAD_BENCH_INPUTS=plain/1500,lage` keeps only the inputs whose name
/// contains one of the comma-separated parts.
pub type Build = Box<dyn Fn() -> Problem>;

pub fn inputs() -> Vec<(String, Build)> {
    let mut out: Vec<(String, Build)> = Vec::new();
    let real = std::fs::read_to_string(load::lage_rugpijn_path()).ok();
    let name = if real.is_some() {
        "lage-rugpijn"
    } else {
        "lage-rugpijn-stand-in"
    };
    out.push((
        name.to_owned(),
        Box::new(move || {
            let text = real
                .clone()
                .unwrap_or_else(|| synth::lage_rugpijn_like().leidraad());
            load::front_end("lage-rugpijn", &text)
                .lowering
                .unwrap()
                .problem
        }),
    ));
    for (rules, inputs) in [(1_500, 5), (10_000, 10)] {
        for kind in ["plain", "guideline"] {
            out.push((
                format!("{kind}/{rules}x{inputs}"),
                Box::new(move || {
                    let params = if kind == "plain" {
                        synth::Params::plain(1, rules, inputs)
                    } else {
                        synth::Params::guideline(1, rules, inputs)
                    };
                    let text = synth::generate(&params).leidraad();
                    load::front_end(kind, &text).lowering.unwrap().problem
                }),
            ));
        }
        out.push((
            format!("synthetic_table/{rules}x{inputs}"),
            Box::new(move || synthetic_table(1, rules, inputs)),
        ));
    }
    if let Ok(only) = std::env::var("LEIDRAAD_BENCH_INPUTS") {
        out.retain(|(name, _)| only.split(',').any(|part| name.contains(part.trim())));
    }
    out
}
