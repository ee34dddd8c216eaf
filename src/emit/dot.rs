//! The flowchart in Graphviz DOT: `leidraad compile FILE --emit dot | dot -Tsvg`.

use super::Compiled;
use crate::diagnostics::escape::controls_keep_lines;

/// Escapes a label for a DOT double-quoted string. Control characters are
/// written `\u{1b}` first (see [`crate::diagnostics::escape`]): Graphviz
/// copies them into SVG, where XML does not allow them.
fn quote(text: &str) -> String {
    let text = controls_keep_lines(text);
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

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn labels_keep_no_control_characters() {
        assert_eq!(quote("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
        assert_eq!(quote("two\nlines"), r#""two\nlines""#);
        // The escape's backslash is itself escaped, so Graphviz shows it.
        assert_eq!(
            quote("esc\u{1b}[2J bel\u{7}"),
            r#""esc\\u{1b}[2J bel\\u{7}""#
        );
        assert!(!quote("cr\rform\u{c}").chars().any(char::is_control));
    }
}
