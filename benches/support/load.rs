//! Guideline text to a lowered problem, and patient records to class
//! assignments, through the same front end as `leidraad check` and `eval`.
//! Shared by `benches/*.rs` and `benches/zen-compare`.

#![allow(
    dead_code,
    reason = "shared by several benchmarks and tests, each of which uses only part of it"
)]

use std::path::PathBuf;

use leidraad::check::{CheckedFile, Loaded, Request, Uses, check_file_using, load_uses};
use leidraad::logic::generate::SplitMix64;
use leidraad::logic::problem::Class;
use leidraad::model::Type;
use leidraad::model::record::read_record;
use leidraad::source::{FileId, Sources};
use serde_json::{Map, Value as Json};

/// The folder of the bundled guidelines, where their vocabulary is.
pub fn guidelines_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guidelines")
}

/// Adds a guideline's text to new sources, with the vocabularies it uses
/// read from `folder`, as `leidraad` reads them.
pub fn with_uses(name: &str, text: &str, folder: &std::path::Path) -> (Sources, FileId, Uses) {
    let mut sources = Sources::new();
    let file = sources.add(name, text);
    let mut loader = |request: &Request<'_>| match std::fs::read(folder.join(request.path)) {
        Ok(bytes) => Loaded::File {
            name: request.path.to_owned(),
            bytes,
        },
        Err(error) => Loaded::Missing(error.to_string()),
    };
    let uses = load_uses(&mut sources, &[file], &mut loader);
    (sources, file, uses)
}

/// Parses, resolves and lowers a guideline (no analyses); a `use` in it is
/// read from the folder of the bundled guidelines. Panics with the
/// diagnostics when the text has errors: a benchmark must not silently run
/// on a half-built guideline.
pub fn front_end(name: &str, text: &str) -> CheckedFile {
    let (sources, file, uses) = with_uses(name, text, &guidelines_dir());
    let (checked, diagnostics) = check_file_using(&sources, &uses, file);
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{d:?}"))
        .collect();
    assert!(
        checked.lowering.is_some() && errors.is_empty(),
        "{name} has errors:\n{}",
        errors.join("\n")
    );
    checked
}

/// The bundled guideline, when it exists.
pub fn lage_rugpijn_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guidelines/lage-rugpijn.leidraad")
}

/// The class assignment of a complete JSON record, read as `leidraad eval`
/// reads it (defaults, `asked when`, unit conversion). `None` when the record
/// cannot be read or leaves a variable unknown.
pub fn classes(checked: &CheckedFile, record: &Json) -> Option<Vec<Class>> {
    let lowering = checked.lowering.as_ref()?;
    let read = read_record(&checked.guideline, record).ok()?;
    let (slots, _) = checked.guideline.complete(&read.values);
    lowering.assignment(&slots).into_iter().collect()
}

/// A random complete record for any guideline: every input gets a value of
/// its type; numbers are drawn uniformly over the value classes the
/// guideline's thresholds make (a value inside the class), so every range
/// a rule tests is hit.
pub fn random_record(checked: &CheckedFile, rng: &mut SplitMix64) -> Json {
    let mut record = Map::new();
    let lowering = checked.lowering.as_ref();
    for (index, input) in checked.guideline.inputs.iter().enumerate() {
        let value = match &input.ty {
            Type::YesNo => Json::Bool(rng.chance(50)),
            Type::OneOf(values) => Json::String(values[rng.index(values.len())].clone()),
            Type::AnyOf(members) => Json::Array(
                members
                    .iter()
                    .filter(|_| rng.chance(35))
                    .map(|m| Json::String(m.clone()))
                    .collect(),
            ),
            Type::Number { .. } => {
                let numbers = lowering
                    .and_then(|l| l.inputs.get(index))
                    .and_then(|i| i.numbers.as_ref())
                    .expect("a number input has value classes");
                let class = rng.below(u64::from(numbers.class_count())) as u32;
                let value = numbers.witness(class).expect("every class has a value");
                serde_json::to_value(value).expect("a number serializes")
            }
        };
        record.insert(input.id.clone(), value);
    }
    Json::Object(record)
}
