//! Every diagnostic case, as data: one small rule file per case under
//! `tests/fixtures/diagnostics/`, named after the code it shows
//! (`L101-unknown-input.leidraad`). For each fixture the `leidraad` binary
//! runs as a user would run it, and two snapshots are kept:
//!
//! - `human@FIXTURE`: the fixture's text with line numbers, the command, its
//!   exit status and the rendered output without colour, so that a reviewer
//!   reads input and message side by side;
//! - `json@FIXTURE`: the `--format json` output (not for `leidraad test`,
//!   which has no JSON output).
//!
//! A fixture shows its case: the code in its file name must be among the
//! diagnostics it produces. Every code in the registry has a fixture.
//!
//! Fixtures may carry directives in comment lines:
//! `# fixture-args: --budget 1` adds options to the command, and
//! `# fixture-with: companions/x.leidraad` checks another file together with
//! the fixture. Codes L4xx (cases) run `leidraad test`; the others run
//! `leidraad check`.
//!
//! Accept changed snapshots with
//! `INSTA_UPDATE=always cargo test --release --test it diagnostics::` and review
//! the diff.

use crate::support;
use leidraad::diagnostics::Code;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use support::Ran;

/// Codes whose fixtures exist but which `leidraad check` does not emit yet.
/// Each entry must be removed as soon as its code is emitted: the test
/// fails for a listed code that shows up, so this list cannot go stale.
const NOT_YET_EMITTED: &[&str] = &[];

fn fixtures_dir() -> PathBuf {
    support::fixtures("diagnostics")
}

/// The code a fixture shows, from its file name: `L101-...` gives `L101`.
fn fixture_code(path: &Path) -> String {
    let name = path.file_name().unwrap().to_str().unwrap();
    let code = name.split('-').next().unwrap();
    assert!(
        Code::lookup(code).is_some(),
        "fixture `{name}` must start with a registered code, such as `L101-`"
    );
    code.to_owned()
}

/// Reads `# fixture-NAME: VALUE` directives.
fn directives(source: &str, name: &str) -> Vec<String> {
    let prefix = format!("# fixture-{name}:");
    source
        .lines()
        .filter_map(|line| line.trim().strip_prefix(prefix.as_str()))
        .flat_map(|rest| rest.split_whitespace().map(str::to_owned))
        .collect()
}

/// The fixture's text with line numbers; bytes that are not UTF-8 text and
/// control characters are shown escaped, so the snapshot stays text.
fn numbered(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let shown: String = line
            .chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect();
        writeln!(out, "{:>3} │ {shown}", index + 1).unwrap();
    }
    out
}

struct Run {
    command: String,
    output: Ran,
}

fn run(dir: &Path, args: &[String]) -> Run {
    let mut command = support::leidraad(args);
    command.current_dir(dir);
    let output = support::run(command);
    assert!(
        matches!(output.status, 0..=2),
        "`{}` ended with {}:\n{}",
        output.what,
        output.status,
        output.stderr_lossy()
    );
    Run {
        command: format!("leidraad {}", args.join(" ")),
        output,
    }
}

fn status_text(output: &Ran) -> String {
    output.status.to_string()
}

#[test]
fn every_fixture_shows_its_case() {
    let mut problems: Vec<String> = Vec::new();
    insta::glob!("../fixtures/diagnostics", "*.leidraad", |path| {
        let dir = fixtures_dir();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let code = fixture_code(path);
        let bytes = std::fs::read(path).unwrap();
        let source = String::from_utf8_lossy(&bytes).into_owned();
        let mut files = vec![name.clone()];
        files.extend(directives(&source, "with"));
        let extra = directives(&source, "args");
        let is_case = code.starts_with("L4");

        let mut args: Vec<String> = vec![if is_case { "test" } else { "check" }.to_owned()];
        args.extend(files.iter().cloned());
        args.extend(extra.iter().cloned());
        args.extend(["--color".to_owned(), "never".to_owned()]);
        let human = run(&dir, &args);

        let mut shown = String::new();
        for file in &files {
            writeln!(shown, "── {file}").unwrap();
            shown.push_str(&numbered(&std::fs::read(dir.join(file)).unwrap()));
            shown.push('\n');
        }
        writeln!(
            shown,
            "── $ {}   (exit status {})",
            human.command,
            status_text(&human.output)
        )
        .unwrap();
        shown.push_str(&String::from_utf8_lossy(&human.output.stdout));
        let stderr = String::from_utf8_lossy(&human.output.stderr);
        if !stderr.is_empty() {
            writeln!(shown, "── stderr").unwrap();
            shown.push_str(&stderr);
        }
        insta::assert_snapshot!("human", shown);

        let emitted: BTreeSet<String> = if is_case {
            // `leidraad test` prints human output only: `error[L401]: ...`.
            let stdout = String::from_utf8_lossy(&human.output.stdout);
            Code::ALL
                .iter()
                .map(|c| c.as_str())
                .filter(|c| stdout.contains(&format!("[{c}]")))
                .map(str::to_owned)
                .collect()
        } else {
            let mut json_args: Vec<String> = vec!["check".to_owned()];
            json_args.extend(files.iter().cloned());
            json_args.extend(extra.iter().cloned());
            json_args.extend(["--format".to_owned(), "json".to_owned()]);
            let json = run(&dir, &json_args);
            assert_eq!(
                json.output.status, human.output.status,
                "the exit status does not depend on the format"
            );
            let value: serde_json::Value = serde_json::from_slice(&json.output.stdout)
                .unwrap_or_else(|e| {
                    panic!(
                        "`{}` did not print JSON ({e}):\n{}",
                        json.command,
                        String::from_utf8_lossy(&json.output.stdout)
                    )
                });
            // The diagnostics; the summary is snapshotted in tests/it/formats.rs.
            let value = &value["diagnostics"];
            let items = value.as_array().expect("a JSON array of diagnostics");
            insta::assert_snapshot!("json", serde_json::to_string_pretty(value).unwrap());
            items
                .iter()
                .map(|d| {
                    d["code"]
                        .as_str()
                        .expect("every diagnostic has a code")
                        .to_owned()
                })
                .collect()
        };

        if NOT_YET_EMITTED.contains(&code.as_str()) {
            if emitted.contains(&code) {
                problems.push(format!(
                    "{code} is emitted now: remove it from NOT_YET_EMITTED in tests/diagnostics.rs"
                ));
            }
        } else if !emitted.contains(&code) {
            problems.push(format!(
                "fixture `{name}` does not show {code}; it produced {emitted:?}"
            ));
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_code_has_a_fixture() {
    let mut covered = BTreeSet::new();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "leidraad") {
            covered.insert(fixture_code(&path));
        }
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "these codes have no fixture under tests/fixtures/diagnostics/: {missing:?}"
    );
    for code in NOT_YET_EMITTED {
        assert!(
            Code::lookup(code).is_some(),
            "NOT_YET_EMITTED lists `{code}`, which is not a registered code"
        );
    }
}

#[test]
fn every_fixture_says_what_it_shows() {
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "leidraad") {
            continue;
        }
        let code = fixture_code(&path);
        let bytes = std::fs::read(&path).unwrap();
        let first = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
        let first = String::from_utf8_lossy(first);
        assert!(
            first.starts_with(&format!("# {code}: ")),
            "{}: the first line must be a comment `# {code}: what this fixture shows`",
            path.display()
        );
    }
}
