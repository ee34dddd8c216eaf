//! The page of a change (`leidraad doc NEW --diff OLD`): the groups of
//! patients whose advice differs between the two versions, from
//! [`crate::diff::diff`], with each group's example patient.

use super::html::{esc, say};
use super::{DocOptions, Links, dutch_of};
use crate::check::{self, CheckOptions, CheckedFile, Uses};
use crate::diff::{Advice, Diff, Presence, diff};
use crate::source::{FileId, Sources};
use std::fmt::Write as _;

fn advice_list(advice: &[Advice], dutch: bool) -> String {
    if advice.is_empty() {
        say(dutch, "nothing", "niets").to_owned()
    } else {
        advice
            .iter()
            .map(Advice::words)
            .collect::<Vec<_>>()
            .join("; ")
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
    let dutch = dutch_of(new);
    let front_end = CheckOptions {
        analyses: false,
        ..options.check.clone()
    };
    let old_checked = check::check_using(sources, uses, &[old], &front_end);
    let old_valid = old_checked.files.first().and_then(CheckedFile::valid);
    let new_valid = new.and_then(CheckedFile::valid);
    let old_name = sources.name(old);
    let new_name = new.map_or("?", |n| sources.name(n.file));
    let title = format!(
        "{}: {old_name} → {new_name}",
        say(dutch, "The change", "De wijziging")
    );
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header><p class=\"crumb\"><a href=\"index.html\">{}</a></p><h1>{}</h1></header>\n<main>",
        say(dutch, "All guidelines", "Alle richtlijnen"),
        esc(&title)
    );
    let made = match (old_valid, new_valid) {
        (Some(old), Some(new)) => diff(old, new, &options.diff).map_err(|e| e.to_string()),
        _ => Err(say(
            dutch,
            "a version has errors, so the two are not compared; run `leidraad check` on it",
            "een versie heeft fouten, dus worden ze niet vergeleken; draai `leidraad check` erop",
        )
        .to_owned()),
    };
    match made {
        Err(message) => {
            let _ = writeln!(body, "<p class=\"status bad\">{}</p>", esc(&message));
        }
        Ok(made) => body.push_str(&groups(&made, sources, new, links, dutch)),
    }
    body.push_str("</main>\n");
    super::html::page(if dutch { "nl" } else { "en" }, &title, &body)
}

fn groups(
    made: &Diff,
    sources: &Sources,
    new: Option<&CheckedFile>,
    links: &Links,
    dutch: bool,
) -> String {
    let mut out = String::new();
    if !made.differs() {
        let _ = writeln!(
            out,
            "<p class=\"status ok\" data-groups=\"0\">{}</p>",
            say(
                dutch,
                "Every patient gets the same advice from both versions.",
                "Elke patiënt krijgt van beide versies hetzelfde advies."
            )
        );
    } else {
        let _ = writeln!(
            out,
            "<p class=\"status bad\" data-groups=\"{}\">{} {}</p>",
            made.groups.len(),
            made.groups.len(),
            say(
                dutch,
                "groups of patients get different advice.",
                "groepen patiënten krijgen een ander advies."
            )
        );
    }
    if !made.inputs.is_empty() {
        let _ = writeln!(
            out,
            "<h2>{}</h2>\n<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            say(dutch, "Changed inputs", "Gewijzigde inputs"),
            say(dutch, "Input", "Input"),
            say(dutch, "Change", "Wijziging"),
            say(dutch, "Patients it affects", "Patiënten die het raakt")
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
            say(dutch, "the patients below", "de patiënten hieronder").to_owned()
        } else if facts.is_empty() {
            say(dutch, "every patient", "elke patiënt").to_owned()
        } else {
            facts.join(", ")
        };
        let _ = writeln!(
            out,
            "<section class=\"group\" id=\"group-{number}\" aria-labelledby=\"group-{number}-h\">\n<h2 id=\"group-{number}-h\">{} {number}: {}</h2>",
            say(dutch, "Group", "Groep"),
            esc(&description)
        );
        if !group.alternatives.is_empty() {
            let _ = writeln!(
                out,
                "<p>{}</p><ul>",
                if facts.is_empty() {
                    say(dutch, "Patients with one of:", "Patiënten met een van:")
                } else {
                    say(dutch, "and one of:", "en een van:")
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
                let _ = writeln!(
                    out,
                    "<p>{}</p>",
                    say(
                        dutch,
                        "Only the old version has these patients.",
                        "Alleen de oude versie kent deze patiënten."
                    )
                );
            }
            Presence::OnlyNew => {
                let _ = writeln!(
                    out,
                    "<p>{}</p>",
                    say(
                        dutch,
                        "Only the new version has these patients.",
                        "Alleen de nieuwe versie kent deze patiënten."
                    )
                );
            }
        }
        if group.changes.is_empty() {
            let _ = writeln!(
                out,
                "<p>{}</p>",
                say(
                    dutch,
                    "They get no advice from that version.",
                    "Die versie geeft hun geen advies."
                )
            );
        } else {
            let _ = writeln!(
                out,
                "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                say(dutch, "Entry", "Item"),
                say(dutch, "Change", "Wijziging"),
                say(dutch, "Old advice", "Oud advies"),
                say(dutch, "New advice", "Nieuw advies")
            );
            for change in &group.changes {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">{} <code>{}</code></th><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&change.label),
                    esc(&change.entry),
                    esc(change.kind()),
                    esc(&advice_list(&change.old, dutch)),
                    esc(&advice_list(&change.new, dutch))
                );
            }
            out.push_str("</tbody></table>\n");
        }
        let mut rules = String::new();
        for (side, list) in [
            (say(dutch, "old", "oud"), &group.old_rules),
            (say(dutch, "new", "nieuw"), &group.new_rules),
        ] {
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
                    esc(&rule.does)
                );
            }
        }
        if !rules.is_empty() {
            let _ = writeln!(
                out,
                "<p>{}</p><ul>{rules}</ul>",
                say(dutch, "The rules behind it:", "De regels erachter:")
            );
        }
        let record = serde_json::to_string_pretty(&group.example).unwrap_or_default();
        let _ = writeln!(
            out,
            "<details><summary>{}</summary><pre class=\"witness\">{}</pre></details>\n</section>",
            say(
                dutch,
                "Example patient, confirmed with both versions (JSON)",
                "Voorbeeldpatiënt, bevestigd met beide versies (JSON)"
            ),
            super::page::esc_keep_lines(&record)
        );
    }
    out
}
