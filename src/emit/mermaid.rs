//! The flowchart in Mermaid, for Markdown pages that render it.

use super::Compiled;

/// Mermaid labels are quoted strings; quotes become `#quot;` and line breaks
/// `<br/>`, as Mermaid documents.
fn quote(text: &str) -> String {
    let escaped = text
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('\n', "<br/>");
    format!("\"{escaped}\"")
}

/// With `target`, only the advice about that catalogue entry is drawn.
pub fn mermaid(compiled: &Compiled<'_>, target: Option<u32>) -> String {
    let chart = compiled.flowchart(target);
    let mut out = String::from("flowchart TD\n");
    for (id, flow_box) in chart.boxes.iter().enumerate() {
        let label = quote(&flow_box.lines.join("\n"));
        if flow_box.question {
            out.push_str(&format!("  n{id}{{{label}}}\n"));
        } else {
            out.push_str(&format!("  n{id}({label})\n"));
        }
    }
    for arrow in &chart.arrows {
        out.push_str(&format!(
            "  n{} -->|{}| n{}\n",
            arrow.from,
            quote(&arrow.label),
            arrow.to
        ));
    }
    out
}
