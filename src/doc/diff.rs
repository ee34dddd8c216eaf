//! The page of a change (`leidraad doc NEW --diff OLD`): the groups of
//! patients whose advice differs between the two versions, from
//! [`crate::diff::diff`], with each group's example patient.

use super::html::esc;
use super::{DocOptions, Links, words_of};
use crate::check::{self, CheckOptions, CheckedFile, Uses};
use crate::diff::{Advice, Diff, EntryChange, Presence, diff};
use crate::model::words::{Words, fill};
use crate::source::{FileId, Sources};
use std::fmt::Write as _;

/// The advice on one entry in the guideline's words: `bestel (dringend)`,
/// `vermijd, in plaats daarvan: MRI`; `niets` for none.
fn advice_list(advice: &[Advice], words: &Words, label: &dyn Fn(&str) -> String) -> String {
    if advice.is_empty() {
        return words.doc.nothing.to_owned();
    }
    advice
        .iter()
        .map(|a| {
            let mut text = words.kind(a.kind).to_owned();
            if let Some(urgency) = a.urgency {
                text.push_str(&format!(" ({})", words.urgency(urgency)));
            }
            if let Some(instead) = &a.instead {
                text.push_str(&format!(", {}", fill(words.instead_of, &[&label(instead)])));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// How the advice on an entry changes, in the guideline's words.
fn change_kind(change: &EntryChange, words: &Words) -> &'static str {
    match (change.old.is_empty(), change.new.is_empty()) {
        (true, _) => words.doc.appears,
        (_, true) => words.doc.disappears,
        _ => words.doc.changes,
    }
}

/// The page of the change from `old` to `new` (the first file of the site).
pub(crate) fn page(
    sources: &Sources,
    uses: &Uses,
    old: FileId,
    new: Option<&CheckedFile>,
    links: &Links,
    options: &DocOptions,
) -> String {
    let words = words_of(new);
    let w = &words.doc;
    let front_end = CheckOptions {
        analyses: false,
        ..options.check.clone()
    };
    let old_checked = check::check_using(sources, uses, &[old], &front_end);
    let old_valid = old_checked.files.first().and_then(CheckedFile::valid);
    let new_valid = new.and_then(CheckedFile::valid);
    let old_name = sources.name(old);
    let new_name = new.map_or("?", |n| sources.name(n.file));
    let title = format!("{}: {old_name} → {new_name}", w.the_change);
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header><p class=\"crumb\"><a href=\"index.html\">{}</a></p><h1>{}</h1></header>\n<main>",
        w.all_guidelines,
        esc(&title)
    );
    let made = match (old_valid, new_valid) {
        (Some(old), Some(new)) => diff(old, new, &options.diff).map_err(|e| e.to_string()),
        _ => Err(w.not_compared.to_owned()),
    };
    match made {
        Err(message) => {
            let _ = writeln!(body, "<p class=\"status bad\">{}</p>", esc(&message));
        }
        Ok(made) => body.push_str(&groups(&made, sources, new, links, words)),
    }
    body.push_str("</main>\n");
    super::html::page(words.code, &title, &body)
}

fn groups(
    made: &Diff,
    sources: &Sources,
    new: Option<&CheckedFile>,
    links: &Links,
    words: &'static Words,
) -> String {
    let w = &words.doc;
    // An entry of the new version by its label; the name where it has none.
    let label = |id: &str| {
        new.and_then(|n| {
            n.guideline
                .entries
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.label.clone())
        })
        .unwrap_or_else(|| id.to_owned())
    };
    let mut out = String::new();
    if !made.differs() {
        let _ = writeln!(
            out,
            "<p class=\"status ok\" data-groups=\"0\">{}</p>",
            w.same_advice
        );
    } else {
        let _ = writeln!(
            out,
            "<p class=\"status bad\" data-groups=\"{}\">{}</p>",
            made.groups.len(),
            esc(&fill(w.groups_differ, &[&made.groups.len().to_string()]))
        );
    }
    if !made.inputs.is_empty() {
        let _ = writeln!(
            out,
            "<h2>{}</h2>\n<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            w.changed_inputs, w.input, w.change, w.patients_affected
        );
        for input in &made.inputs {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{} <code>{}</code></th><td>{}: {}</td><td>{}</td></tr>",
                esc(&input.label),
                esc(&input.input),
                esc(input.kind),
                esc(&input.words.join("; ")),
                esc(&input.affects.join("; "))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    for (index, group) in made.groups.iter().enumerate() {
        let number = index + 1;
        let facts: Vec<String> = group.facts.iter().map(|f| f.text()).collect();
        let description = if facts.is_empty() && !group.alternatives.is_empty() {
            w.patients_below.to_owned()
        } else if facts.is_empty() {
            w.every_patient.to_owned()
        } else {
            facts.join(", ")
        };
        let _ = writeln!(
            out,
            "<section class=\"group\" id=\"group-{number}\" aria-labelledby=\"group-{number}-h\">\n<h2 id=\"group-{number}-h\">{} {number}: {}</h2>",
            w.group,
            esc(&description)
        );
        if !group.alternatives.is_empty() {
            let _ = writeln!(
                out,
                "<p>{}</p><ul>",
                if facts.is_empty() {
                    w.patients_with_one_of
                } else {
                    w.and_one_of
                }
            );
            for alternative in &group.alternatives {
                let text: Vec<String> = alternative.iter().map(|f| f.text()).collect();
                let _ = writeln!(out, "<li>{}</li>", esc(&text.join(", ")));
            }
            out.push_str("</ul>\n");
        }
        match group.presence {
            Presence::Both => {}
            Presence::OnlyOld => {
                let _ = writeln!(out, "<p>{}</p>", w.only_old);
            }
            Presence::OnlyNew => {
                let _ = writeln!(out, "<p>{}</p>", w.only_new);
            }
        }
        if group.changes.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", w.no_advice_from_version);
        } else {
            let _ = writeln!(
                out,
                "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                w.entry, w.change, w.old_advice, w.new_advice
            );
            for change in &group.changes {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">{} <code>{}</code></th><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&change.label),
                    esc(&change.entry),
                    esc(change_kind(change, words)),
                    esc(&advice_list(&change.old, words, &label)),
                    esc(&advice_list(&change.new, words, &label))
                );
            }
            out.push_str("</tbody></table>\n");
        }
        let mut rules = String::new();
        for (side, list) in [(w.old, &group.old_rules), (w.new, &group.new_rules)] {
            for rule in list {
                let line = sources
                    .line_column(rule.span.file, rule.span.start as usize)
                    .line;
                let place = match (new, links.page_of(rule.span.file)) {
                    (Some(n), Some(page)) if n.file == rule.span.file => {
                        format!(
                            "<a href=\"{}#L{line}\">{}:{line}</a>",
                            esc(page),
                            esc(sources.name(rule.span.file))
                        )
                    }
                    _ => format!("{}:{line}", esc(sources.name(rule.span.file))),
                };
                let _ = writeln!(
                    rules,
                    "<li>{side}: <code>{}</code> ({place}): {}</li>",
                    esc(&rule.rule),
                    esc(&rule.says)
                );
            }
        }
        if !rules.is_empty() {
            let _ = writeln!(out, "<p>{}</p><ul>{rules}</ul>", w.rules_behind);
        }
        let record = serde_json::to_string_pretty(&group.example).unwrap_or_default();
        let _ = writeln!(
            out,
            "<details><summary>{}</summary><pre class=\"witness\">{}</pre></details>\n</section>",
            w.example_confirmed,
            super::page::esc_keep_lines(&record)
        );
    }
    out
}
