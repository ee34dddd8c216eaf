//! The bundled guidelines: each checks clean and passes its cases; the copy
//! of lage-rugpijn without its settling `overrides` shows every tension of
//! the source as a conflict with an example patient; and the two guidelines
//! checked together show where they disagree. The rendered reports are
//! snapshotted so that a reviewer reads them as an editor would.

use crate::support::{self, Ran};
use serde_json::Value as Json;

const LAGE_RUGPIJN: &str = "guidelines/lage-rugpijn.leidraad";
const NHG: &str = "guidelines/nhg-beeldvorming.leidraad";
const WELLS: &str = "guidelines/wells-dvt.leidraad";
const HEAD_INJURY: &str = "guidelines/nice-head-injury.leidraad";
const CONTRAST: &str = "guidelines/esur-contrast-kidney.leidraad";
const UNSETTLED: &str = "tests/fixtures/guidelines/lage-rugpijn-unsettled.leidraad";

fn leidraad(args: &[&str]) -> Ran {
    let mut command = support::leidraad(args);
    command.env("NO_COLOR", "1");
    support::run(command)
}

fn codes(json: &[u8]) -> Vec<(String, String)> {
    let diagnostics: Json = serde_json::from_slice(json).unwrap();
    diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn bundled_guidelines_check_clean_and_prove_every_requirement() {
    for file in [LAGE_RUGPIJN, NHG, WELLS, HEAD_INJURY, CONTRAST] {
        let output = leidraad(&["check", file, "--deny", "warnings", "--format", "json"]);
        assert_eq!(output.status, 0, "{file}");
        let found = codes(&output.stdout);
        let requirements = std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("require "))
            .count();
        assert!(requirements > 0, "{file} states no requirement");
        let proved = found.iter().filter(|(code, _)| code == "L308").count();
        assert_eq!(proved, requirements, "{file}: {found:?}");
        assert!(
            found.iter().all(|(code, _)| code == "L308"),
            "{file}: {found:?}"
        );
    }
}

#[test]
fn bundled_guidelines_pass_their_cases() {
    let output = leidraad(&["test", LAGE_RUGPIJN, NHG, WELLS, HEAD_INJURY, CONTRAST]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status, 0, "{stdout}");
    assert!(stdout.contains(" 0 failed"), "{stdout}");
}

#[test]
fn unsettled_copy_shows_each_tension_of_the_source() {
    let output = leidraad(&["check", UNSETTLED, "--format", "json"]);
    assert_eq!(output.status, 1);
    let found = codes(&output.stdout);
    let conflicts: Vec<&String> = found
        .iter()
        .filter(|(code, _)| code == "L301")
        .map(|(_, message)| message)
        .collect();
    // The tensions the issue names: CT for myelopathy, early EMG, CT for
    // neurogenic claudication.
    for target in ["`CT_CWK_TWK`", "`EMG`", "`CT_LWK`"] {
        assert!(
            conflicts.iter().any(|m| m.contains(target)),
            "no conflict on {target}: {conflicts:?}"
        );
    }
    // Every finding carries an example patient.
    let diagnostics: Json = serde_json::from_slice(&output.stdout).unwrap();
    for d in diagnostics.as_array().unwrap() {
        if d["code"] == "L301" || d["code"] == "L305" {
            assert!(d["witness"].is_object(), "{d}");
        }
    }
    let human = leidraad(&["check", UNSETTLED]);
    insta::assert_snapshot!(String::from_utf8_lossy(&human.stdout));
}

#[test]
fn the_two_guidelines_disagree_on_imaging_without_serious_pathology() {
    let output = leidraad(&["check", LAGE_RUGPIJN, NHG, "--format", "json"]);
    // Disagreements are warnings: the check passes unless warnings are denied.
    assert_eq!(output.status, 0);
    let found = codes(&output.stdout);
    let disagreements: Vec<&String> = found
        .iter()
        .filter(|(code, _)| code == "L309")
        .map(|(_, message)| message)
        .collect();
    assert!(
        disagreements.iter().any(|m| m.contains("`RX_full_spine`")),
        "{disagreements:?}"
    );
    let denied = leidraad(&["check", LAGE_RUGPIJN, NHG, "--deny", "warnings"]);
    assert_eq!(denied.status, 1);
    let human = leidraad(&["check", LAGE_RUGPIJN, NHG]);
    let text = String::from_utf8_lossy(&human.stdout);
    // The proved requirements are snapshotted with each file; here only
    // the disagreements.
    let disagreements: String = text
        .split("\n\n")
        .filter(|block| block.contains("[L309]"))
        .collect::<Vec<_>>()
        .join("\n\n");
    insta::assert_snapshot!(disagreements);
}
