//! The flowchart in Graphviz DOT: `leidraad compile FILE --emit dot | dot -Tsvg`.

use super::Compiled;

/// Escapes a label for a DOT double-quoted string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// With `target`, only the advice about that catalogue entry is drawn.
pub fn dot(compiled: &Compiled<'_>, target: Option<u32>) -> String {
    let chart = compiled.flowchart(target);
    let title = compiled
        .guideline
        .header
        .as_ref()
        .map_or_else(String::new, |h| h.label.clone());
    let mut out = String::new();
    out.push_str("digraph guideline {\n");
    out.push_str(&format!("  label={};\n  labelloc=t;\n", quote(&title)));
    out.push_str("  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n");
    for (id, flow_box) in chart.boxes.iter().enumerate() {
        let shape = if flow_box.question {
            "shape=diamond"
        } else {
            "shape=box, style=rounded"
        };
        out.push_str(&format!(
            "  n{id} [{shape}, label={}];\n",
            quote(&flow_box.lines.join("\n"))
        ));
    }
    for arrow in &chart.arrows {
        out.push_str(&format!(
            "  n{} -> n{} [label={}];\n",
            arrow.from,
            arrow.to,
            quote(&arrow.label)
        ));
    }
    out.push_str("}\n");
    out
}
