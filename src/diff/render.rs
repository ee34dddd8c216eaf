//! The diff as text for a person (`human`), as a pull-request comment
//! (`markdown`) and as JSON with a versioned schema (`json`,
//! `docs/diff.schema.json`). Pure: each returns a string.

use super::{Advice, Diff, EntryChange, Group, Presence, RuleRef, SCHEMA};
use crate::diagnostics::escape::controls;
use crate::source::Sources;
use serde_json::{Value as Json, json};

/// What the command line calls the two versions (`HEAD~1:g.leidraad`).
#[derive(Clone, Copy, Debug)]
pub struct Names<'a> {
    pub old: &'a str,
    pub new: &'a str,
}

fn place(rule: &RuleRef, sources: &Sources) -> (String, usize, usize) {
    let at = sources.line_column(rule.span.file, rule.span.range().start);
    (sources.name(rule.span.file).to_owned(), at.line, at.column)
}

/// The advice on an entry, `order urgent, refer`, or `nothing`.
pub fn advice_list(advice: &[Advice]) -> String {
    if advice.is_empty() {
        "nothing".to_owned()
    } else {
        advice
            .iter()
            .map(Advice::words)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `refer → nothing`, or for a group one version lacks, the advice alone.
fn change_words(change: &EntryChange, presence: Presence) -> String {
    match presence {
        Presence::Both => format!(
            "{} → {}",
            advice_list(&change.old),
            advice_list(&change.new)
        ),
        Presence::OnlyNew => advice_list(&change.new),
        Presence::OnlyOld => advice_list(&change.old),
    }
}

fn facts_text(facts: &[super::Fact]) -> String {
    facts
        .iter()
        .map(super::Fact::text)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The group in the guideline's words: its facts, and when it is a union
/// of boxes, `one of: (1) ...; (2) ...`.
pub fn description(group: &Group) -> String {
    let mut text = if group.facts.is_empty() && group.alternatives.is_empty() {
        "every patient".to_owned()
    } else {
        facts_text(&group.facts)
    };
    if !group.alternatives.is_empty() {
        let list: Vec<String> = group
            .alternatives
            .iter()
            .enumerate()
            .map(|(i, alt)| {
                let alt = if alt.is_empty() {
                    "any".to_owned()
                } else {
                    facts_text(alt)
                };
                format!("({}) {alt}", i + 1)
            })
            .collect();
        if !text.is_empty() {
            text.push_str(", and ");
        }
        text.push_str("one of: ");
        text.push_str(&list.join("; "));
    }
    text
}

/// `patients of the old version only`, or nothing for `Both`.
pub fn presence_words(presence: Presence) -> &'static str {
    match presence {
        Presence::Both => "",
        Presence::OnlyOld => "patients of the old version only",
        Presence::OnlyNew => "patients of the new version only",
    }
}

fn summary(diff: &Diff) -> String {
    if diff.groups.is_empty() {
        "both versions give every patient the same advice".to_owned()
    } else {
        format!(
            "{} of patients {} different advice",
            if diff.groups.len() == 1 {
                "1 group".to_owned()
            } else {
                format!("{} groups", diff.groups.len())
            },
            if diff.groups.len() == 1 {
                "gets"
            } else {
                "get"
            }
        )
    }
}

/// Human text; `color` adds ANSI colours (a terminal only).
pub fn human(diff: &Diff, sources: &Sources, names: Names<'_>, color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    out.push_str(&paint(
        "1",
        &format!(
            "diff {} → {}: {}",
            controls(names.old),
            controls(names.new),
            summary(diff)
        ),
    ));
    out.push('\n');
    if !diff.inputs.is_empty() {
        out.push_str("\ninputs:\n");
        for input in &diff.inputs {
            out.push_str(&format!(
                "  {} `{}` \"{}\": {}\n",
                input.kind,
                controls(&input.input),
                controls(&input.label),
                controls(&input.words.join("; "))
            ));
            for affects in &input.affects {
                out.push_str(&format!("    {}\n", controls(affects)));
            }
            if !input.groups.is_empty() {
                let list: Vec<String> = input.groups.iter().map(|g| (g + 1).to_string()).collect();
                out.push_str(&format!("    named by group {}\n", list.join(", ")));
            }
        }
    }
    for (index, group) in diff.groups.iter().enumerate() {
        out.push('\n');
        out.push_str(&paint(
            "1",
            &format!("group {}: {}", index + 1, controls(&description(group))),
        ));
        out.push('\n');
        if group.presence != Presence::Both {
            out.push_str(&format!("  {}\n", presence_words(group.presence)));
        }
        for change in &group.changes {
            let text = match group.presence {
                Presence::Both => format!(
                    "{} → {}",
                    paint("31", &advice_list(&change.old)),
                    paint("32", &advice_list(&change.new))
                ),
                _ => change_words(change, group.presence),
            };
            out.push_str(&format!(
                "  {} `{}` \"{}\": {text}\n",
                change.kind(),
                controls(&change.entry),
                controls(&change.label)
            ));
        }
        out.push_str(&format!(
            "  example patient (advice confirmed with both versions): {}\n",
            controls(&example_facts(group))
        ));
        for (side, rules) in [("old", &group.old_rules), ("new", &group.new_rules)] {
            for rule in rules {
                let (file, line, _) = place(rule, sources);
                out.push_str(&format!(
                    "  {side}: `{}` at {}:{line}: {}\n",
                    controls(&rule.rule),
                    controls(&file),
                    controls(&rule.does)
                ));
            }
        }
    }
    out
}

/// The example patient's answers to the questions that define its group
/// (`age 41, fever false`), in the order of the record; the rest of the
/// record, which does not matter for the group, is in the JSON output.
fn example_facts(group: &Group) -> String {
    let named: std::collections::BTreeSet<&str> = group
        .facts
        .iter()
        .chain(group.alternatives.iter().flatten())
        .map(|f| f.input.split('.').next().unwrap_or(&f.input))
        .collect();
    let Some(record) = group.example.as_object() else {
        return serde_json::to_string(&group.example).unwrap_or_default();
    };
    let shown: Vec<String> = record
        .iter()
        .filter(|(field, _)| named.contains(field.as_str()))
        .map(|(field, value)| format!("{field} {value}"))
        .collect();
    if shown.is_empty() {
        return "any patient (the whole record is in --format json)".to_owned();
    }
    format!(
        "{} (other answers do not matter; the whole record is in --format json)",
        shown.join(", ")
    )
}

/// Text made safe inside Markdown and HTML: `&`, `<`, `>` as entities,
/// Markdown's punctuation escaped, control characters as `\u{..}`.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in controls(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '!' | '|' | '~'
            | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Markdown for a pull-request comment: a summary line, the changed
/// inputs, then one collapsible `<details>` section per group.
pub fn markdown(diff: &Diff, sources: &Sources, names: Names<'_>) -> String {
    let e = markdown_escape;
    let mut out = format!(
        "**{}** ({} → {})\n",
        e(&summary(diff)),
        e(names.old),
        e(names.new)
    );
    if !diff.inputs.is_empty() {
        out.push_str("\n| Input | Change | Patients |\n|---|---|---|\n");
        for input in &diff.inputs {
            out.push_str(&format!(
                "| {} ({}) | {} {} | {} |\n",
                e(&input.label),
                e(&input.input),
                e(input.kind),
                e(&input.words.join("; ")),
                e(&input.affects.join("; "))
            ));
        }
    }
    for (index, group) in diff.groups.iter().enumerate() {
        let entries: Vec<String> = match group.presence {
            Presence::Both => group
                .changes
                .iter()
                .map(|c| format!("{} {}", c.entry, c.kind()))
                .collect(),
            other => vec![presence_words(other).to_owned()],
        };
        out.push_str(&format!(
            "\n<details>\n<summary>Group {}: {} ({})</summary>\n\n",
            index + 1,
            e(&description(group)),
            e(&entries.join(", "))
        ));
        if group.presence != Presence::Both {
            out.push_str(&format!("{}.\n\n", e(presence_words(group.presence))));
        }
        if !group.changes.is_empty() {
            out.push_str("| Entry | Old | New |\n|---|---|---|\n");
        }
        for change in &group.changes {
            out.push_str(&format!(
                "| {} ({}) | {} | {} |\n",
                e(&change.label),
                e(&change.entry),
                e(&advice_list(&change.old)),
                e(&advice_list(&change.new))
            ));
        }
        // In a code block, where neither Markdown nor HTML is read; the
        // record's names and values are the guideline's identifiers and
        // numbers, and a fence of four backticks outlasts any in them.
        out.push_str(&format!(
            "\nExample patient:\n\n````json\n{}\n````\n",
            controls(&serde_json::to_string(&group.example).unwrap_or_default())
        ));
        for (side, rules) in [("Old", &group.old_rules), ("New", &group.new_rules)] {
            if rules.is_empty() {
                continue;
            }
            let list: Vec<String> = rules
                .iter()
                .map(|rule| {
                    let (file, line, _) = place(rule, sources);
                    format!(
                        "{} at {}:{line} ({})",
                        e(&rule.rule),
                        e(&file),
                        e(&rule.does)
                    )
                })
                .collect();
            out.push_str(&format!("\n{side}: {}\n", list.join("; ")));
        }
        out.push_str("\n</details>\n");
    }
    out
}

fn facts_json(facts: &[super::Fact]) -> Json {
    Json::Array(
        facts
            .iter()
            .map(|f| json!({"input": f.input, "label": f.label, "values": f.values}))
            .collect(),
    )
}

fn advice_json(advice: &[Advice]) -> Json {
    Json::Array(
        advice
            .iter()
            .map(|a| {
                json!({
                    "kind": crate::syntax::vocabulary::kind_word(a.kind),
                    "urgency": a.urgency.map(|u| crate::syntax::vocabulary::urgency_word(u).into_owned()),
                    "instead": a.instead,
                })
            })
            .collect(),
    )
}

/// One JSON document, `"schema": "leidraad-diff/1"`.
pub fn json(diff: &Diff, sources: &Sources, names: Names<'_>) -> String {
    let rules = |rules: &[RuleRef]| {
        Json::Array(
            rules
                .iter()
                .map(|rule| {
                    let (file, line, column) = place(rule, sources);
                    json!({"rule": rule.rule, "file": file, "line": line, "column": column, "does": rule.does})
                })
                .collect(),
        )
    };
    let document = json!({
        "schema": SCHEMA,
        "old": {"name": names.old, "guideline": diff.old_name},
        "new": {"name": names.new, "guideline": diff.new_name},
        "differs": diff.differs(),
        "summary": summary(diff),
        "inputs": diff.inputs.iter().map(|i| json!({
            "input": i.input,
            "label": i.label,
            "kind": i.kind,
            "changes": i.words,
            "affects": i.affects,
            "groups": i.groups.iter().map(|g| g + 1).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "groups": diff.groups.iter().enumerate().map(|(index, g)| json!({
            "group": index + 1,
            "presence": g.presence,
            "description": description(g),
            "facts": facts_json(&g.facts),
            "alternatives": g.alternatives.iter().map(|a| facts_json(a)).collect::<Vec<_>>(),
            "changes": g.changes.iter().map(|c| json!({
                "entry": c.entry,
                "label": c.label,
                "change": c.kind(),
                "old": advice_json(&c.old),
                "new": advice_json(&c.new),
            })).collect::<Vec<_>>(),
            "example": g.example,
            "rules": {"old": rules(&g.old_rules), "new": rules(&g.new_rules)},
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
