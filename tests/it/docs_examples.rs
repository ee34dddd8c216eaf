//! The shell examples of `README.md` and `docs/*.md` run as written, so the
//! documentation cannot drift from the binary silently.
//!
//! Every `leidraad ...` command in a ```` ```sh ```` block runs from the
//! package root and must not fail to run (exit status 0 or 1; 2 is a usage
//! error, such as a renamed option). When the block is followed by a
//! ```` ```text ```` block, that block is the command's standard output,
//! line for line; a line `...` stands for any number of lines, so a page may
//! quote the start of a long output. Lines that run another program
//! (`cargo`) are left to CI itself. The examples may pipe `echo '...'` into
//! `leidraad`; any other shell syntax fails the test, so that an example is
//! never skipped without notice.

use crate::support;

/// One command of a shell block, and what the page says it prints.
struct Example {
    page: String,
    line: usize,
    args: Vec<String>,
    stdin: Option<String>,
    shown: Option<Vec<String>>,
}

/// The pages whose shell examples are run.
fn pages() -> Vec<std::path::PathBuf> {
    let mut pages = vec![support::root().join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(support::root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// A fenced block of a page.
struct Block {
    language: String,
    /// The 1-based line of the body's first line.
    first_line: usize,
    body: Vec<String>,
    /// Only blank lines separate it from the block before.
    follows_directly: bool,
}

fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut at = 0;
    let mut after_block = false;
    while at < lines.len() {
        let Some(language) = lines[at].strip_prefix("```") else {
            after_block &= lines[at].trim().is_empty();
            at += 1;
            continue;
        };
        let start = at + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].starts_with("```") {
            end += 1;
        }
        found.push(Block {
            language: language.trim().to_owned(),
            first_line: start + 1,
            body: lines[start..end].iter().map(|l| (*l).to_owned()).collect(),
            follows_directly: after_block,
        });
        after_block = true;
        at = end + 1;
    }
    found
}

/// Splits a shell command into words and `|`: single and double quotes,
/// and a backslash before a newline, as the shell reads them. Any other
/// shell syntax is refused with its character.
fn words(command: &str) -> Result<Vec<String>, char> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    w.push(q);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        '$' | '`' => return Err(q),
                        _ => w.push(q),
                    }
                }
            }
            '\\' if chars.peek() == Some(&'\n') => {
                chars.next();
            }
            '|' => {
                words.extend(word.take());
                words.push("|".to_owned());
            }
            c if c.is_whitespace() => words.extend(word.take()),
            '<' | '>' | ';' | '&' | '$' | '`' | '(' | ')' | '*' | '?' | '\\' => return Err(c),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

/// The commands of a shell block, one per line, continuation lines (a
/// final backslash, or an open quote) joined; `# ...` comments dropped.
fn commands(body: &[String], first_line: usize) -> Vec<(usize, String)> {
    let mut commands = Vec::new();
    let mut current = String::new();
    let mut start = first_line;
    for (offset, line) in body.iter().enumerate() {
        if current.is_empty() {
            start = first_line + offset;
        }
        current.push_str(line);
        current.push('\n');
        let open_quote = current.matches('\'').count() % 2 == 1;
        if line.ends_with('\\') || open_quote {
            continue;
        }
        let text = strip_comment(&current);
        if !text.trim().is_empty() {
            commands.push((start, text));
        }
        current.clear();
    }
    commands
}

/// A command without its trailing `# comment` (a `#` outside quotes that
/// starts a word).
fn strip_comment(command: &str) -> String {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (at, c) in command.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return command[..at].to_owned(),
            None => {}
        }
        previous = c;
    }
    command.to_owned()
}

/// The leidraad examples of every page; other programs' lines are left out.
fn examples() -> Vec<Example> {
    let mut examples = Vec::new();
    for path in pages() {
        let page = path
            .strip_prefix(support::root())
            .unwrap()
            .display()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let blocks = blocks(&text);
        for (index, block) in blocks.iter().enumerate() {
            if block.language != "sh" {
                continue;
            }
            let shown = blocks
                .get(index + 1)
                .filter(|next| next.language == "text" && next.follows_directly)
                .map(|next| next.body.clone());
            let commands = commands(&block.body, block.first_line);
            let count = commands.len();
            for (number, (line, command)) in commands.into_iter().enumerate() {
                let runs_leidraad = command
                    .split_whitespace()
                    .any(|w| w == "leidraad" || w.ends_with("/leidraad"));
                let words = match words(&command) {
                    Ok(words) => words,
                    Err(_) if !runs_leidraad => continue,
                    Err(c) => {
                        panic!("{page}:{line}: the docs test does not read `{c}` in `{command}`")
                    }
                };
                let pipeline: Vec<&[String]> = words.split(|w| w == "|").collect();
                let Some(last) = pipeline.last() else {
                    continue;
                };
                let program = last.iter().find(|w| !w.contains('='));
                let is_leidraad =
                    program.is_some_and(|p| p == "leidraad" || p.ends_with("/leidraad"));
                if !is_leidraad {
                    continue;
                }
                assert!(
                    !last.first().is_some_and(|w| w.contains('=')),
                    "{page}:{line}: give `leidraad` no environment in an example"
                );
                let stdin = match pipeline.as_slice() {
                    [_] => None,
                    [echo, _] if echo.first().is_some_and(|w| w == "echo") => {
                        Some(format!("{}\n", echo[1..].join(" ")))
                    }
                    _ => panic!("{page}:{line}: only `echo ... | leidraad ...` may pipe"),
                };
                examples.push(Example {
                    page: page.clone(),
                    line,
                    args: last[1..].to_vec(),
                    stdin,
                    // The output block shows what the block's last command prints.
                    shown: if number + 1 == count {
                        shown.clone()
                    } else {
                        None
                    },
                });
            }
        }
    }
    examples
}

/// Whether `actual` is `shown`, where a `...` line of `shown` matches any
/// number of lines.
fn matches(shown: &[String], actual: &[&str]) -> bool {
    let fits = |part: &[String], start: usize| {
        start + part.len() <= actual.len() && part.iter().zip(&actual[start..]).all(|(s, a)| s == a)
    };
    let parts: Vec<&[String]> = shown.split(|l| l.trim() == "...").collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        let whole = parts.first().copied().unwrap_or_default();
        return whole.len() == actual.len() && fits(whole, 0);
    };
    if !fits(first, 0) {
        return false;
    }
    let mut at = first.len();
    for part in middle {
        match (at..=actual.len()).find(|&start| fits(part, start)) {
            Some(start) => at = start + part.len(),
            None => return false,
        }
    }
    actual.len() >= at + last.len() && fits(last, actual.len() - last.len())
}

#[test]
fn shell_examples_in_the_docs_run_as_shown() {
    let examples = examples();
    // The pages hold examples with and without output; an empty list means
    // the reader above broke, not that the docs are right.
    assert!(examples.len() >= 10, "{} examples found", examples.len());
    assert!(examples.iter().filter(|e| e.shown.is_some()).count() >= 2);
    let mut problems = Vec::new();
    // `audit` runs DuckDB through python3 (docs/sql.md); without it the
    // audit examples are skipped, except under CI, which installs it.
    let duckdb = std::process::Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        duckdb || std::env::var_os("CI").is_none(),
        "python3 cannot import `duckdb`: `pip install duckdb` (.ci/run does)"
    );
    for example in &examples {
        if example.args.first().is_some_and(|a| a == "audit") && !duckdb {
            eprintln!(
                "SKIPPED {}:{}: python3 cannot import `duckdb`",
                example.page, example.line
            );
            continue;
        }
        let mut command = support::leidraad(&example.args);
        command.env("NO_COLOR", "1");
        let stdin = example.stdin.as_deref().unwrap_or("");
        let ran = support::run_with(command, stdin.as_bytes(), support::LIMIT);
        let place = format!("{}:{}: `{}`", example.page, example.line, ran.what);
        if !matches!(ran.status, 0 | 1) {
            problems.push(format!(
                "{place} ended with status {}:\n{}",
                ran.status,
                support::clip(&ran.stderr_lossy())
            ));
            continue;
        }
        if let Some(shown) = &example.shown {
            let stdout = ran.stdout_lossy();
            let actual: Vec<&str> = stdout.lines().collect();
            if !matches(shown, &actual) {
                problems.push(format!(
                    "{place} prints something else than the page shows.\n--- shown\n{}\n--- printed\n{}",
                    shown.join("\n"),
                    support::clip(&stdout)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn wildcard_lines_match_any_run_of_lines() {
    let shown = |lines: &[&str]| lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>();
    assert!(matches(&shown(&["a", "b"]), &["a", "b"]));
    assert!(!matches(&shown(&["a", "b"]), &["a", "b", "c"]));
    assert!(!matches(&shown(&["a", "c"]), &["a", "b"]));
    assert!(matches(&shown(&["a", "  ..."]), &["a", "b", "c"]));
    assert!(!matches(&shown(&["b", "..."]), &["a", "b", "c"]));
    assert!(matches(&shown(&["...", "c"]), &["a", "b", "c"]));
    assert!(matches(&shown(&["a", "...", "c"]), &["a", "c"]));
    assert!(matches(
        &shown(&["a", "...", "c", "...", "e"]),
        &["a", "b", "c", "d", "e"]
    ));
    assert!(!matches(
        &shown(&["a", "...", "d", "...", "e"]),
        &["a", "b", "c", "e"]
    ));
}

#[test]
fn shell_words_are_read_as_the_shell_reads_them() {
    assert_eq!(
        words("echo '{\"a\": 1,\n  \"b\"}' \\\n  | leidraad eval f --facts -").unwrap(),
        [
            "echo",
            "{\"a\": 1,\n  \"b\"}",
            "|",
            "leidraad",
            "eval",
            "f",
            "--facts",
            "-"
        ]
    );
    assert_eq!(
        words("leidraad check \"a b\"").unwrap(),
        ["leidraad", "check", "a b"]
    );
    assert_eq!(words("leidraad check f > out"), Err('>'));
    assert_eq!(
        strip_comment("leidraad check f   # no problems"),
        "leidraad check f   "
    );
}
