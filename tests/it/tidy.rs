//! The architecture test: fails when code breaks a rule that
//! `docs/architecture.md` states (rust-analyzer's `tidy` is the model). It
//! reads the source as text, so it needs no build of what it checks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which top-level modules each module may import (`crate::X` or
/// `leidraad::X`). The layers of `docs/architecture.md`, from the bottom.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("source", &[]),
    ("logic", &[]),
    ("diagnostics", &["source"]),
    ("syntax", &["source", "diagnostics", "logic"]),
    ("model", &["source", "diagnostics", "logic", "syntax"]),
    ("eval", &["source", "logic", "model", "syntax"]),
    (
        "analysis",
        &["source", "diagnostics", "logic", "syntax", "model", "eval"],
    ),
    (
        "emit",
        &["source", "diagnostics", "logic", "syntax", "model", "eval"],
    ),
    (
        "diff",
        &["source", "diagnostics", "logic", "syntax", "model", "eval"],
    ),
    ("format", &["source", "diagnostics", "syntax"]),
    (
        "ide",
        &[
            "source",
            "diagnostics",
            "logic",
            "syntax",
            "model",
            "eval",
            "format",
            "check",
        ],
    ),
    ("lsp", &["source", "diagnostics", "check", "ide"]),
    (
        "check",
        &[
            "source",
            "diagnostics",
            "logic",
            "syntax",
            "model",
            "eval",
            "analysis",
        ],
    ),
    (
        "playground",
        &[
            "source",
            "diagnostics",
            "logic",
            "syntax",
            "model",
            "eval",
            "analysis",
            "emit",
            "diff",
            "format",
            "check",
        ],
    ),
];

const MODULES: &[&str] = &[
    "source",
    "diagnostics",
    "logic",
    "syntax",
    "model",
    "eval",
    "analysis",
    "emit",
    "diff",
    "format",
    "check",
    "ide",
    "lsp",
    "playground",
    "cli",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every library source file with its top-level module (`lib` and `main`
/// for the two roots), and its lines that are code rather than comments.
type Source = (String, String, Vec<(usize, String)>);

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&src).unwrap();
            let first = relative.components().next().unwrap();
            let module = first
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim_start().starts_with("//"))
                .map(|(n, line)| (n + 1, line.to_owned()))
                .collect();
            (format!("src/{}", relative.to_string_lossy()), module, code)
        })
        .collect()
}

/// The top-level modules a line names as `crate::X` or `leidraad::X`.
fn imported(line: &str) -> Vec<&'static str> {
    MODULES
        .iter()
        .copied()
        .filter(|module| {
            ["crate::", "leidraad::"].iter().any(|root| {
                let path = format!("{root}{module}");
                line.match_indices(&path).any(|(at, _)| {
                    let after = line[at + path.len()..].chars().next();
                    !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
        })
        .collect()
}

#[test]
fn imports_follow_the_layers() {
    let allowed: BTreeMap<&str, &[&str]> = MAY_IMPORT.iter().copied().collect();
    let mut broken = Vec::new();
    for (path, module, code) in sources() {
        let Some(may) = allowed.get(module.as_str()) else {
            continue; // `cli`, `lib` and `main` may use everything.
        };
        for (line_number, line) in &code {
            for target in imported(line) {
                if target != module && !may.contains(&target) {
                    broken.push(format!(
                        "{path}:{line_number}: `{module}` imports `{target}`"
                    ));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports that cross a layer (see docs/architecture.md):\n{}",
        broken.join("\n")
    );
}

#[test]
fn only_the_command_line_does_io() {
    const IO: &[&str] = &[
        "std::fs",
        "std::env",
        "std::process",
        "std::io::stdin",
        "std::io::stdout",
        "std::io::stderr",
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "dbg!(",
        // The language server's threads and its standard input and output
        // are the command line's (`src/cli/lsp.rs`).
        "std::thread",
        "Connection::stdio",
        "lsp_server::Connection",
    ];
    let mut broken = Vec::new();
    for (path, module, code) in sources() {
        if module == "cli" || module == "main" {
            continue;
        }
        for (line_number, line) in &code {
            for word in IO.iter().filter(|word| line.contains(*word)) {
                broken.push(format!(
                    "{path}:{line_number}: `{word}` outside the command line"
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The one file that may hold unsafe code: the C ABI of the wasm build.
const UNSAFE_FILE: &str = "src/playground/abi.rs";

/// Whether a line of code says `unsafe` (a block, function or attribute)
/// or names the lint `unsafe_code`, outside a string.
fn says_unsafe(line: &str) -> bool {
    let mut quoted = false;
    let mut word = String::new();
    for c in line.chars().chain([' ']) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !quoted && (word == "unsafe" || word == "unsafe_code") {
            return true;
        }
        word.clear();
        if c == '"' {
            quoted = !quoted;
        }
    }
    false
}

#[test]
fn unsafe_code_stays_in_the_wasm_exports() {
    // Cargo.toml denies `unsafe_code` (it cannot forbid it: the wasm
    // exports need `no_mangle` and raw pointers); this keeps the exception
    // to one file, which says why at its top.
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    assert!(manifest.contains("unsafe_code = \"deny\""));
    let mut broken = Vec::new();
    let mut in_the_exports = 0;
    for (path, _, code) in sources() {
        for (line_number, line) in &code {
            if !says_unsafe(line) {
                continue;
            }
            if path == UNSAFE_FILE {
                in_the_exports += 1;
            } else {
                broken.push(format!("{path}:{line_number}: {}", line.trim()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "unsafe code outside {UNSAFE_FILE}:\n{}",
        broken.join("\n")
    );
    // The scanner sees the exports' own unsafe code, and their exception.
    assert!(in_the_exports > 0);
    let exports =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(UNSAFE_FILE)).unwrap();
    assert!(exports.contains("#![expect(\n    unsafe_code,"));
    assert!(says_unsafe("let x = unsafe { f() };"));
    assert!(says_unsafe("#[unsafe(no_mangle)]"));
    assert!(!says_unsafe("let not_unsafe = 1;"));
    assert!(!says_unsafe("let unsafe_here = 1;"));
    assert!(!says_unsafe("message(\"is unsafe\")"));
}

#[test]
fn protocol_types_stay_in_the_language_server() {
    // `ide` answers in byte offsets and spans; only `lsp` (and the command
    // line that runs it) knows the language server protocol.
    let broken: Vec<String> = sources()
        .into_iter()
        .filter(|(_, module, _)| !["lsp", "cli", "main"].contains(&module.as_str()))
        .flat_map(|(path, _, code)| {
            code.into_iter()
                .filter(|(_, line)| line.contains("lsp_types") || line.contains("lsp_server"))
                .map(move |(n, _)| format!("{path}:{n}"))
        })
        .collect();
    assert!(
        broken.is_empty(),
        "protocol types outside src/lsp/: {broken:?}"
    );
}

#[test]
fn pest_types_never_leave_the_parser() {
    let broken: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _, _)| !path.starts_with("src/syntax/parser/"))
        .flat_map(|(path, _, code)| {
            code.into_iter()
                .filter(|(_, line)| line.contains("pest::") || line.contains("pest_derive"))
                .map(move |(n, _)| format!("{path}:{n}"))
        })
        .collect();
    assert!(
        broken.is_empty(),
        "pest outside src/syntax/parser/: {broken:?}"
    );
}

#[test]
fn the_oracle_and_the_analyser_share_no_code() {
    // The brute-force oracle checks the analyser; if either imported the
    // other, a shared mistake would pass unseen.
    let mut broken = Vec::new();
    for (path, _, code) in sources() {
        let forbidden = if path.starts_with("src/logic/analyse/") {
            "brute"
        } else if path == "src/logic/brute.rs" {
            "analyse"
        } else {
            continue;
        };
        for (line_number, line) in &code {
            let names_it = line.contains(&format!("logic::{forbidden}"))
                || line.contains(&format!("super::{forbidden}"))
                || line.contains(&format!("super::super::{forbidden}"));
            if names_it {
                broken.push(format!("{path}:{line_number}"));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_checker_finds_what_it_forbids() {
    // The scanners above must see an import when there is one.
    assert_eq!(imported("use crate::check::CheckedFile;"), ["check"]);
    assert_eq!(imported("use leidraad::eval::text;"), ["eval"]);
    assert!(imported("use crate::checker;").is_empty());
    assert!(
        sources()
            .iter()
            .any(|(path, module, _)| path == "src/check.rs" && module == "check")
    );
}

#[test]
fn standard_error_is_written_through_one_helper() {
    // `eprintln!` panics when standard error cannot be written (defect 5);
    // the command line writes it through `cli::write_stderr` (`eoutln!`).
    let broken: Vec<String> = sources()
        .into_iter()
        .filter(|(_, module, _)| module == "cli" || module == "main")
        .flat_map(|(path, _, code)| {
            code.into_iter()
                .filter(|(_, line)| line.contains("eprintln!") || line.contains("eprint!("))
                .map(move |(n, _)| format!("{path}:{n}"))
        })
        .collect();
    assert!(broken.is_empty(), "use `eoutln!`/`eout!`: {broken:?}");
}

#[test]
fn the_tests_run_the_binary_one_way() {
    // One runner (`support.rs`) watches for panics, signals and hangs;
    // a test that spawns the binary itself would miss them.
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    rust_files(&tests, &mut files);
    let broken: Vec<String> = files
        .iter()
        .filter(|path| !path.ends_with("support.rs") && !path.ends_with("tidy.rs"))
        .filter(|path| {
            std::fs::read_to_string(path)
                .unwrap()
                .contains("CARGO_BIN_EXE_")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        broken.is_empty(),
        "run the binary through support::leidraad: {broken:?}"
    );
}
