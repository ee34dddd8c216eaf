//! `leidraad fmt [--check] [--diff] [PATH|-]...`: writes rule files in the
//! one layout of [`leidraad::format`], which changes white space only.
//!
//! A file is rewritten atomically (a temporary file in its folder, then a
//! rename), and only when its layout changes. `--check` writes nothing and
//! lists the files that would change; `--diff` shows the change as a
//! unified diff (and, alone, also writes nothing). `-` reads standard input
//! and writes the formatted text to standard output. A file with syntax
//! errors is left as it is and its errors are reported.
//!
//! Exit status: 0 when every file is (or now is) formatted; 1 when a file
//! has syntax errors, or under `--check`/`--diff` when a file would change;
//! 2 on bad usage or a file that cannot be read or written.

use super::{DiagnosticFormat, Status, count, find_rule_files, read_bytes, render_diagnostics};
use leidraad::check::load;
use leidraad::format::{FormatError, format};
use leidraad::source::Sources;
use miette::{IntoDiagnostic, WrapErr, miette};
use std::path::Path;

pub fn run(paths: &[String], check: bool, diff: bool, color: bool) -> miette::Result<Status> {
    let paths = if paths.is_empty() {
        vec!["-".to_owned()]
    } else {
        find_rule_files(paths)?
    };
    let write = !check && !diff;
    let mut changed = Vec::new();
    let mut broken = 0;
    for path in &paths {
        let bytes = read_bytes(path)?;
        let mut sources = Sources::new();
        let (id, problem) = load(&mut sources, path, bytes);
        if let Some(problem) = problem {
            eoutln!(
                "{}",
                render_diagnostics(&[problem], &sources, DiagnosticFormat::Human, color).trim_end()
            );
            broken += 1;
            continue;
        }
        let Some(text) = sources.get(id).map(|f| f.text.clone()) else {
            continue;
        };
        let formatted = match format(id, &text) {
            Ok(formatted) => formatted,
            Err(FormatError::Syntax(errors)) => {
                eoutln!(
                    "{}",
                    render_diagnostics(&errors, &sources, DiagnosticFormat::Human, color)
                        .trim_end()
                );
                eoutln!("`{path}` has syntax errors and was not formatted");
                broken += 1;
                continue;
            }
            Err(FormatError::Unsafe(why)) => {
                eoutln!("`{path}` was not formatted: {why} (please report this)");
                broken += 1;
                continue;
            }
        };
        if path == "-" {
            if write {
                super::write_stdout(&formatted);
            }
        } else if formatted != text && write {
            write_atomically(Path::new(path), &formatted)?;
        }
        if formatted != text {
            if diff {
                super::write_stdout(&unified_diff(path, &text, &formatted));
            } else if check {
                super::write_stdout(&format!("would reformat {path}\n"));
            }
            changed.push(path.clone());
        }
    }
    if !(paths.len() == 1 && paths.first().is_some_and(|p| p == "-")) {
        let verb = if write {
            "formatted"
        } else {
            "would be formatted"
        };
        eoutln!(
            "{} {verb}, {} already formatted{}",
            count(changed.len(), "file", "files"),
            paths.len() - changed.len() - broken,
            if broken > 0 {
                format!(", {} not formatted (errors above)", broken)
            } else {
                String::new()
            }
        );
    }
    Ok(if broken > 0 || (!write && !changed.is_empty()) {
        Status::Problems
    } else {
        Status::Clean
    })
}

/// Replaces a file's contents so that a crash leaves either the old or the
/// new file: writes a temporary file in the same folder (same file system),
/// with the old file's permissions, then renames it over the old one.
fn write_atomically(path: &Path, text: &str) -> miette::Result<()> {
    use std::io::Write;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    let folder = folder.unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| miette!("`{}` is no file name", path.display()))?;
    let temp = folder.join(format!(".{name}.fmt-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
        .into_diagnostic()
        .wrap_err_with(|| format!("could not write `{}`", path.display()))
}

/// A unified diff of two texts (three lines of context), from the longest
/// common subsequence of their lines. For very large files with many
/// changes, the whole file is one hunk.
#[expect(
    clippy::indexing_slicing,
    reason = "the indices run over the lengths of the vectors they index: head and tail are counted within both, i < n, j < m and the table is (n + 1) x (m + 1)"
)]
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Common head and tail first: a formatter changes few lines.
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    // Edit script: ' ', '-', '+' with the line.
    let mut script: Vec<(char, &str)> = a[..head].iter().map(|l| (' ', *l)).collect();
    if ma.len().saturating_mul(mb.len()) <= 16_000_000 {
        let (n, m) = (ma.len(), mb.len());
        let mut lcs = vec![vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i][j] = if ma[i] == mb[j] {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                script.push((' ', ma[i]));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
                script.push(('-', ma[i]));
                i += 1;
            } else {
                script.push(('+', mb[j]));
                j += 1;
            }
        }
    } else {
        script.extend(ma.iter().map(|l| ('-', *l)));
        script.extend(mb.iter().map(|l| ('+', *l)));
    }
    script.extend(a[a.len() - tail..].iter().map(|l| (' ', *l)));
    if old.ends_with('\n') != new.ends_with('\n') {
        // Only the final line end differs: show the last line as changed.
        if let Some(last) = script.iter().rposition(|(k, _)| *k == ' ') {
            let line = script[last].1;
            script[last] = ('-', line);
            script.insert(last + 1, ('+', line));
        }
    }
    let mut out = format!("--- {path}\n+++ {path} (formatted)\n");
    let context = 3;
    let changes: Vec<usize> = (0..script.len()).filter(|&k| script[k].0 != ' ').collect();
    let mut k = 0;
    while k < changes.len() {
        let start = changes[k].saturating_sub(context);
        let mut end = changes[k];
        while k + 1 < changes.len() && changes[k + 1] <= end + 2 * context + 1 {
            k += 1;
            end = changes[k];
        }
        let end = (end + context + 1).min(script.len());
        let (mut old_start, mut new_start) = (1, 1);
        for (kind, _) in &script[..start] {
            old_start += usize::from(*kind != '+');
            new_start += usize::from(*kind != '-');
        }
        let hunk = &script[start..end];
        let old_len = hunk.iter().filter(|(c, _)| *c != '+').count();
        let new_len = hunk.iter().filter(|(c, _)| *c != '-').count();
        out += &format!("@@ -{old_start},{old_len} +{new_start},{new_len} @@\n");
        for (kind, line) in hunk {
            out += &format!("{kind}{line}\n");
        }
        k += 1;
    }
    out
}
