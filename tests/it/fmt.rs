//! `leidraad fmt`'s properties on every bundled guideline, every fixture
//! and generated files: formatting twice changes nothing, only white space
//! changes (the token sequence, comments included, is the same), the
//! formatted file parses to the same tree and checks to the same model (the
//! resolved guideline and its lowering, spans aside) with the same
//! diagnostic codes, and a file with syntax errors is refused.

use leidraad::check::check_file;
use leidraad::format::{FormatError, format, tokens};
use leidraad::logic::generate::SplitMix64;
use leidraad::source::{FileId, Sources};
use leidraad::syntax::parse;
use std::path::Path;

/// Every `.leidraad` file of the repository that is text.
fn every_file() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("guidelines"), root.join("tests/fixtures")];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "leidraad")
                && let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap())
            {
                files.push((path.display().to_string(), text));
            }
        }
    }
    files.sort();
    assert!(files.len() > 100, "found only {} files", files.len());
    files
}

/// The debug form of a tree with every span taken out.
fn without_spans(debug: &str) -> String {
    let mut out = String::new();
    let mut rest = debug;
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}').unwrap();
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The checked model of a text (the resolved guideline and, when it has no
/// errors, its lowering to the logic problem), spans taken out.
fn model(text: &str) -> String {
    let mut sources = Sources::new();
    let id = sources.add("f.leidraad", text.to_owned());
    let (checked, _) = check_file(&sources, id);
    without_spans(&format!("{:?}\n{:?}", checked.guideline, checked.lowering))
}

fn codes(text: &str) -> Vec<String> {
    let mut sources = Sources::new();
    let id = sources.add("f.leidraad", text.to_owned());
    let (_, diagnostics) = check_file(&sources, id);
    let mut codes: Vec<String> = diagnostics
        .iter()
        .map(|d| format!("{:?} {:?}", d.code, d.severity))
        .collect();
    codes.sort();
    codes
}

/// Checks every property on one file; returns whether it was formatted
/// (false: refused for its syntax errors).
fn properties(name: &str, text: &str) -> bool {
    let (tree, diagnostics) = parse(FileId(0), text);
    let has_errors = diagnostics.iter().any(|d| d.is_error()) || !tree.broken.is_empty();
    let formatted = match format(FileId(0), text) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(_)) => {
            assert!(has_errors, "{name}: refused without a syntax error");
            return false;
        }
        Err(FormatError::Unsafe(why)) => panic!("{name}: the formatter refused: {why}"),
    };
    assert!(!has_errors, "{name}: formatted despite syntax errors");
    let again = format(FileId(0), &formatted).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(again, formatted, "{name}: formatting twice changed it");
    let (tree2, diagnostics2) = parse(FileId(0), &formatted);
    assert!(!diagnostics2.iter().any(|d| d.is_error()), "{name}");
    assert_eq!(
        tokens(text, &tree.trivia.comments),
        tokens(&formatted, &tree2.trivia.comments),
        "{name}: tokens changed"
    );
    assert_eq!(
        without_spans(&format!("{:?}", tree.items)),
        without_spans(&format!("{:?}", tree2.items)),
        "{name}: the tree changed"
    );
    assert_eq!(
        codes(text),
        codes(&formatted),
        "{name}: diagnostics changed"
    );
    assert_eq!(
        model(text),
        model(&formatted),
        "{name}: the checked model changed"
    );
    // Only white space changed: the text without it is the same, comments'
    // trailing white space aside.
    let squeeze = |t: &str| -> String {
        t.lines()
            .flat_map(|l| l.trim_end().chars())
            .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}')
            .collect()
    };
    assert_eq!(squeeze(text), squeeze(&formatted), "{name}");
    true
}

#[test]
fn every_fixture_and_guideline() {
    let mut formatted = 0;
    let mut refused = 0;
    for (name, text) in every_file() {
        if properties(&name, &text) {
            formatted += 1;
        } else {
            refused += 1;
        }
    }
    assert!(
        formatted > 50 && refused > 20,
        "{formatted} formatted, {refused} refused"
    );
}

#[test]
fn the_bundled_guidelines_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("guidelines");
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            format(FileId(0), &text).unwrap(),
            text,
            "run `leidraad fmt {}`",
            path.display()
        );
    }
}

/// A random messy layout of a random guideline: spaces inside brackets,
/// before commas, runs of blank lines, trailing white space, comments,
/// indented statement starts, CRLF.
fn messy(rng: &mut SplitMix64) -> String {
    let mut text = String::new();
    if rng.chance(30) {
        text += "\n\n";
    }
    text += "guideline g \"Generated ( , )\"   # header  \n";
    // Value labels, on the first line and on a continuation line, before
    // the input's label on the same line or on the next.
    let b = [
        "input b : one of p , q,yes \"B\"",
        "input b : one of p \"P ( , )\" , q,yes   \"ja\" \"B\"",
        "input b : one of p \"P\",\n   q \"Q \\\" q\" ,yes\n   \"B\"",
    ];
    let d = [
        "input d : any of m1, no \"D\"",
        "input d : any of m1 \"M1\"  , no \"nee\" default [] \"D\"",
    ];
    let inputs = [
        "input a : yes/no \"A\"",
        b[rng.index(b.len())],
        "input c : whole number 0..5 \"C\"",
        d[rng.index(d.len())],
    ];
    for input in inputs {
        let sep = ["\n", "\n\n\n", "  \n", "\r\n", " # note\n"][rng.index(5)];
        let indent = if rng.chance(20) { "  " } else { "" };
        text += &format!("{indent}{input}{sep}");
    }
    text += "exam X \"X\"\nexam Y \"Y\"\n";
    for r in 0..rng.range(2, 6) {
        let atoms = [
            "a",
            "b == p",
            "b in [ q ,yes ]",
            "c >= 2",
            "d has m1",
            "not a",
        ];
        let mut when = atoms[rng.index(atoms.len())].to_owned();
        for _ in 0..rng.below(4) {
            let op = if rng.chance(50) { "and" } else { "or" };
            let next = atoms[rng.index(atoms.len())];
            when = if rng.chance(40) {
                format!("( {when} {op}   {next} )")
            } else if rng.chance(30) {
                format!("{when}\n     {op} {next}")
            } else if rng.chance(30) {
                let long =
                    "a and b == p and c >= 2 and d has m1 or not a and b in [q, yes] or c < 1";
                format!("{when} {op} {long} {op} {next}")
            } else {
                format!("{when} {op} {next}")
            };
        }
        let gap = ["\n", "\n\n", "\n \n\t\n", "\n# between\n\n"][rng.index(4)];
        text += &format!(
            "{gap}rule r{r} \"R{r}\"  \n  when {when}   # why\n  then order X\n       avoid Y\n"
        );
    }
    text
}

#[test]
fn generated_files() {
    let mut rng = SplitMix64::new(10);
    let mut changed = 0;
    let mut broken = 0;
    for i in 0..1000 {
        let text = messy(&mut rng);
        assert!(
            properties(&format!("generated {i}:\n{text}"), &text),
            "{text}"
        );
        let formatted = format(FileId(0), &text).unwrap();
        changed += usize::from(formatted != text);
        broken += usize::from(
            formatted
                .lines()
                .any(|l| l.trim_start().starts_with("or ") && !text.contains(l)),
        );
        let unbreakable = |l: &str| l.contains('#') || !(l.contains(" or ") || l.contains(" and "));
        for line in formatted.lines() {
            assert!(line.chars().count() <= 100 || unbreakable(line), "{line}");
        }
    }
    assert!(broken > 100, "only {broken} files had a line broken");
    // The generator's mess is real: (almost) every file changes, and
    // long conditions are broken.
    assert!(changed > 950, "only {changed} of 1000 changed");
}

mod command {
    use crate::support;
    use std::path::{Path, PathBuf};

    const MESSY: &str = "guideline g \"G\"  \n\n\n\ninput a : one of p ,q \"A\"\nrule r \"R\"\n  when a == p   # c  \n  then order X\nexam X \"X\"\n";
    const TIDY: &str = "guideline g \"G\"\n\ninput a : one of p, q \"A\"\nrule r \"R\"\n  when a == p   # c\n  then order X\nexam X \"X\"\n";
    const BROKEN: &str = "guideline g \"G\"\nrule r \"R\" when then\n";

    /// A fresh folder under the target directory with the three files.
    fn folder(name: &str) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("fmt-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("messy.leidraad"), MESSY).unwrap();
        std::fs::write(dir.join("sub/tidy.leidraad"), TIDY).unwrap();
        dir
    }

    fn fmt(args: &[&str], dir: &Path, stdin: &str) -> support::Ran {
        let mut command = support::leidraad(std::iter::once("fmt").chain(args.iter().copied()));
        command.current_dir(dir);
        support::run_with(command, stdin.as_bytes(), support::LIMIT)
    }

    fn read(dir: &Path, file: &str) -> String {
        std::fs::read_to_string(dir.join(file)).unwrap()
    }

    #[test]
    fn check_lists_what_would_change_and_writes_nothing() {
        let dir = folder("check");
        let ran = fmt(&["--check", "."], &dir, "");
        assert_eq!(ran.status, 1);
        let stdout = String::from_utf8(ran.stdout).unwrap();
        assert_eq!(stdout, "would reformat ./messy.leidraad\n");
        assert_eq!(read(&dir, "messy.leidraad"), MESSY);
        assert_eq!(fmt(&["--check", "sub"], &dir, "").status, 0);
    }

    #[test]
    fn diff_shows_a_unified_diff_and_writes_nothing() {
        let dir = folder("diff");
        let ran = fmt(&["--diff", "messy.leidraad"], &dir, "");
        assert_eq!(ran.status, 1);
        let stdout = String::from_utf8(ran.stdout).unwrap();
        assert!(
            stdout.starts_with(
                "--- messy.leidraad\n+++ messy.leidraad (formatted)\n@@ -1,9 +1,7 @@\n"
            ),
            "{stdout}"
        );
        assert!(
            stdout.contains("\n-input a : one of p ,q \"A\"\n+input a : one of p, q \"A\"\n"),
            "{stdout}"
        );
        assert!(
            stdout.contains("\n-  when a == p   # c  \n+  when a == p   # c\n"),
            "{stdout}"
        );
        assert_eq!(read(&dir, "messy.leidraad"), MESSY);
    }

    #[test]
    fn writes_files_in_place_and_leaves_no_temporary_file() {
        let dir = folder("write");
        let ran = fmt(&["."], &dir, "");
        assert_eq!(ran.status, 0);
        assert_eq!(read(&dir, "messy.leidraad"), TIDY);
        assert_eq!(read(&dir, "sub/tidy.leidraad"), TIDY);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(fmt(&["--check", "."], &dir, "").status, 0);
    }

    #[test]
    fn standard_input_to_standard_output() {
        let dir = folder("stdin");
        let ran = fmt(&["-"], &dir, MESSY);
        assert_eq!(ran.status, 0);
        assert_eq!(String::from_utf8(ran.stdout).unwrap(), TIDY);
        let ran = fmt(&[], &dir, MESSY);
        assert_eq!(String::from_utf8(ran.stdout).unwrap(), TIDY);
    }

    #[test]
    fn syntax_errors_leave_the_file_and_are_reported() {
        let dir = folder("broken");
        std::fs::write(dir.join("broken.leidraad"), BROKEN).unwrap();
        let ran = fmt(&["broken.leidraad", "messy.leidraad"], &dir, "");
        assert_eq!(ran.status, 1);
        let stderr = String::from_utf8(ran.stderr).unwrap();
        assert!(
            stderr.contains("expected a condition, found `then`"),
            "{stderr}"
        );
        assert!(
            stderr.contains("`broken.leidraad` has syntax errors and was not formatted"),
            "{stderr}"
        );
        assert_eq!(read(&dir, "broken.leidraad"), BROKEN);
        // The other file is still formatted.
        assert_eq!(read(&dir, "messy.leidraad"), TIDY);
        let ran = fmt(&["-"], &dir, BROKEN);
        assert_eq!(ran.status, 1);
        assert!(ran.stdout.is_empty());
    }
}
