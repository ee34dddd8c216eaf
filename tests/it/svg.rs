//! The SVG flowcharts of `leidraad doc` and the playground
//! (`src/emit/svg.rs`): every chart of every bundled guideline (each
//! catalogue entry's, as the review site draws it, and each group's whole
//! chart, as the playground draws it without an entry) and of many
//! generated guidelines is drawn natively, through `layout-rs` where
//! `layout_for` lets it, and is well-formed SVG. The library never catches
//! a panic: one here fails the test.

use crate::eval_agrees::synth;
use crate::support;
use leidraad::check::{CheckOptions, check_using};
use leidraad::emit::{Compiled, Layout, chart_layout, layout_for, svg};
use leidraad::logic::diagram::{CompileOptions, GroupedDiagram};

/// Fails unless `markup` is one well-formed `<svg>` element: tags nest and
/// close, attributes are quoted, text holds no raw `<` and every `&` starts
/// a character reference, and no coordinate is `NaN` or infinite.
pub fn assert_well_formed(markup: &str) {
    let trimmed = markup.trim_end();
    assert!(
        trimmed.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{markup}"
    );
    assert!(trimmed.ends_with("</svg>"), "{markup}");
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = markup;
    let mut roots = 0;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open], markup);
        let close = rest[open..].find('>').expect("an unclosed tag") + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop(),
                Some(name),
                "</{name}> closes the wrong element in {markup}"
            );
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split(' ').next().unwrap();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "<{tag}>"
        );
        // Attributes: name="value", the value without `<` or a raw `"`.
        let mut attributes = tag[name.len()..].trim();
        while !attributes.is_empty() {
            let (key, after) = attributes
                .split_once("=\"")
                .unwrap_or_else(|| panic!("attribute in <{tag}>"));
            assert!(
                key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "<{tag}>"
            );
            let end = after.find('"').unwrap();
            let value = &after[..end];
            assert!(!value.contains('<'), "<{tag}>");
            check_text(value, markup);
            if ["x", "y", "width", "height", "rx", "viewBox", "d"].contains(&key) {
                for token in value.split([' ', ',']).filter(|t| !t.is_empty()) {
                    let command =
                        token.len() == 1 && token.chars().all(|c| c.is_ascii_alphabetic());
                    assert!(
                        command || token.parse::<f64>().is_ok_and(f64::is_finite),
                        "`{token}` in {key}=\"{value}\" of <{name}>"
                    );
                }
            }
            attributes = after[end + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name);
        }
    }
    check_text(rest, markup);
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1, "one root element");
}

fn check_text(text: &str, markup: &str) {
    assert!(
        !text.contains('>') || text.trim().is_empty(),
        "raw `>` in text of {markup}"
    );
    for (at, _) in text.match_indices('&') {
        let entity = &text[at..];
        let end = entity.find(';').expect("an unterminated reference");
        let name = &entity[1..end];
        assert!(
            ["amp", "lt", "gt", "quot", "#39"].contains(&name),
            "&{name}; in {markup}"
        );
    }
}

/// Draws every chart of `text`; returns how many were drawn and how many
/// of them by `layout-rs`.
fn draw_all(name: &str, text: &str, folder: &std::path::Path) -> (usize, usize) {
    let (sources, file, uses) = support::load_with_uses(name, text, folder);
    let options = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &[file], &options);
    assert_eq!(result.error_count(), 0, "{name} has errors");
    let checked = &result.files[0];
    let guideline = &checked.guideline;
    let lowering = checked.lowering.as_ref().unwrap();
    let grouped =
        GroupedDiagram::compile_smaller(&lowering.problem, &CompileOptions::default()).unwrap();
    let (mut drawn, mut engine) = (0, 0);
    let mut draw = |compiled: &Compiled<'_>, target: Option<u32>| {
        let chart = svg(compiled, target, "c", "A <chart> & \"its\" title");
        assert_well_formed(&chart.markup);
        assert!(chart.boxes > 0, "{name} {target:?}");
        drawn += 1;
        if chart_layout(compiled, target) == Layout::Engine {
            engine += 1;
        }
    };
    for group in grouped.groups() {
        let compiled = Compiled {
            guideline,
            lowering,
            diagram: &group.diagram,
        };
        draw(&compiled, None);
    }
    let first = grouped.groups().first().unwrap();
    for target in 0..guideline.entries.len() as u32 {
        let group = grouped
            .group_naming(&lowering.problem, target)
            .unwrap_or(first);
        let compiled = Compiled {
            guideline,
            lowering,
            diagram: &group.diagram,
        };
        draw(&compiled, Some(target));
    }
    (drawn, engine)
}

#[test]
fn every_chart_of_the_bundled_guidelines_is_well_formed_svg() {
    let folder = support::root().join("guidelines");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".leidraad") && !n.ends_with(".vocabulary.leidraad"))
        .collect();
    names.sort();
    assert!(names.len() >= 5);
    for name in &names {
        let text = std::fs::read_to_string(folder.join(name)).unwrap();
        let (drawn, engine) = draw_all(&format!("guidelines/{name}"), &text, &folder);
        // Every entry's chart is the engine's: the review site's charts are
        // laid out by `layout-rs`, not by the fallback.
        assert!(
            engine + 3 >= drawn,
            "{name}: only {engine} of {drawn} charts by layout-rs"
        );
    }
}

#[test]
fn every_chart_of_generated_guidelines_is_well_formed_svg() {
    let (mut drawn, mut engine) = (0, 0);
    for seed in 0..48u64 {
        let rules = 3 + (seed as usize * 5) % 14;
        let inputs = 2 + (seed as usize) % 5;
        let params = if seed % 2 == 0 {
            synth::Params::plain(seed, rules, inputs)
        } else {
            synth::Params::guideline(seed, rules, inputs)
        };
        let text = synth::generate(&params).leidraad();
        let (d, e) = draw_all(
            &format!("generated-{seed}.leidraad"),
            &text,
            support::root(),
        );
        drawn += d;
        engine += e;
    }
    // Most charts go through `layout-rs`, so its preconditions are tested.
    assert!(
        engine * 2 > drawn,
        "only {engine} of {drawn} charts by layout-rs"
    );
}

#[test]
fn graphs_layout_rs_cannot_take_get_the_plain_layout() {
    let boxes = [(40.0, 20.0); 3];
    assert_eq!(
        layout_for(&boxes, &[(0, 1, true), (1, 2, true)]),
        Layout::Engine
    );
    // Empty, a self-loop, an edge twice, a cycle, a bad node, a zero box.
    assert_eq!(layout_for(&[], &[]), Layout::Plain);
    assert_eq!(layout_for(&boxes, &[(1, 1, true)]), Layout::Plain);
    assert_eq!(
        layout_for(&boxes, &[(0, 1, true), (0, 1, false)]),
        Layout::Plain
    );
    assert_eq!(
        layout_for(&boxes, &[(0, 1, true), (1, 2, true), (2, 0, true)]),
        Layout::Plain
    );
    assert_eq!(layout_for(&boxes, &[(0, 3, true)]), Layout::Plain);
    assert_eq!(
        layout_for(&[(40.0, 20.0), (0.0, 20.0)], &[(0, 1, true)]),
        Layout::Plain
    );
    assert_eq!(layout_for(&[(f64::NAN, 20.0)], &[]), Layout::Plain);
    let many = vec![(40.0, 20.0); leidraad::emit::MAX_ENGINE_NODES + 1];
    assert_eq!(layout_for(&many, &[]), Layout::Plain);
}

#[test]
fn the_well_formedness_check_can_fail() {
    for bad in [
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>a < b</text></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>a & b</text></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect x=\"NaN\"/></svg>",
    ] {
        assert!(
            std::panic::catch_unwind(|| assert_well_formed(bad)).is_err(),
            "{bad}"
        );
    }
    assert_well_formed("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>a &amp; b</text></svg>");
}
