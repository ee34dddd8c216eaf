//! The flowchart in Mermaid, for Markdown pages that render it.

use super::Compiled;
use crate::diagnostics::escape::controls_keep_lines;

/// Mermaid labels are quoted strings in which Mermaid decodes `#name;` and
/// `#123;` entity codes, HTML entities (`&lt;`), and Markdown when the label
/// is in backticks. So `#`, `&` and the backtick become entity codes (`#35;`,
/// `#38;`, `#96;`), as do the quote and angle brackets, line breaks `<br/>`,
/// and control characters are written `\u{1b}` (see
/// [`crate::diagnostics::escape`]): a label shows as written.
fn quote(text: &str) -> String {
    let text = controls_keep_lines(text);
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('"');
    for c in text.chars() {
        match c {
            '#' => escaped.push_str("#35;"),
            '&' => escaped.push_str("#38;"),
            '`' => escaped.push_str("#96;"),
            '"' => escaped.push_str("#quot;"),
            '<' => escaped.push_str("#lt;"),
            '>' => escaped.push_str("#gt;"),
            '\n' => escaped.push_str("<br/>"),
            _ => escaped.push(c),
        }
    }
    escaped.push('"');
    escaped
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

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn labels_cannot_become_markdown_entities_or_html() {
        assert_eq!(quote("plain label"), "\"plain label\"");
        // Backticks made a Markdown string; entities were decoded.
        assert_eq!(quote("`**bold**`"), "\"#96;**bold**#96;\"");
        assert_eq!(quote("&lt;b&gt;"), "\"#38;lt;b#38;gt;\"");
        assert_eq!(quote("#60; #quot;"), "\"#35;60; #35;quot;\"");
        assert_eq!(quote("a \"b\" <c>"), "\"a #quot;b#quot; #lt;c#gt;\"");
        assert_eq!(quote("two\nlines"), "\"two<br/>lines\"");
        assert_eq!(quote("bel\u{7}esc\u{1b}"), "\"bel\\u{7}esc\\u{1b}\"");
    }
}
