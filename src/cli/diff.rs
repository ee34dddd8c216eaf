//! `leidraad diff OLD NEW`: what a change to a guideline does to every
//! patient. OLD and NEW are files, or `REV:PATH` read with `git show`
//! (the vocabularies a guideline `use`s are then read from the same
//! revision).

use super::{DiagnosticFormat, FolderLoader, Status, read_bytes, render_diagnostics};
use leidraad::check::{
    CheckOptions, CheckedFile, Loaded, Loader, Request, check_using, load, load_uses,
};
use leidraad::diagnostics::Diagnostic;
use leidraad::diff::render::{self, Names};
use leidraad::diff::{DiffError, DiffOptions, diff};
use leidraad::source::{FileId, Sources};
use miette::miette;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Each group of patients with its advice, example and rules.
    Human,
    /// A summary line and one collapsible section per group, for a
    /// pull-request comment.
    Markdown,
    /// One JSON document (`"schema": "leidraad-diff/1"`, see docs/diff.md).
    Json,
}

/// Where one version comes from.
pub(super) enum Origin {
    File,
    /// `git show REV:PATH`.
    Git {
        rev: String,
        path: String,
    },
}

pub(super) fn origin(argument: &str) -> Origin {
    if argument == "-" || std::path::Path::new(argument).is_file() {
        return Origin::File;
    }
    match argument.split_once(':') {
        Some((rev, path)) if !rev.is_empty() && !path.is_empty() => Origin::Git {
            rev: rev.to_owned(),
            path: path.to_owned(),
        },
        _ => Origin::File,
    }
}

/// `git show REV:PATH`, as bytes; `Err` with git's own words.
pub(super) fn git_show(rev: &str, path: &str) -> Result<Vec<u8>, String> {
    let output = std::process::Command::new("git")
        .arg("show")
        .arg(format!("{rev}:{path}"))
        .output()
        .map_err(|error| format!("could not run git: {error}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}

/// Reads `use`d files beside a root file from disk, beside a root read from
/// git from the same revision.
#[derive(Default)]
pub(super) struct VersionLoader {
    pub(super) folder: FolderLoader,
    pub(super) git: HashMap<FileId, (String, String)>,
}

impl Loader for VersionLoader {
    fn load(&mut self, request: &Request<'_>) -> Loaded {
        let Some((rev, folder)) = self.git.get(&request.root) else {
            return self.folder.load(request);
        };
        let path = if folder.is_empty() {
            request.path.to_owned()
        } else {
            format!("{folder}/{}", request.path)
        };
        match git_show(rev, &path) {
            Ok(bytes) => Loaded::File {
                name: format!("{rev}:{path}"),
                bytes,
            },
            Err(reason) => Loaded::Missing(format!("`{rev}:{path}` could not be read: {reason}")),
        }
    }
}

pub(super) fn parse_renames(renames: &[String]) -> miette::Result<Vec<(String, String)>> {
    renames
        .iter()
        .map(|r| match r.split_once('=') {
            Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
                Ok((a.trim().to_owned(), b.trim().to_owned()))
            }
            _ => Err(miette!(
                help = "write it as `--rename OLD_NAME=NEW_NAME`",
                "`--rename {r}` does not say which name became which"
            )),
        })
        .collect()
}

pub fn run(
    old: &str,
    new: &str,
    format: DiffFormat,
    renames: &[String],
    options: DiffOptions,
    color: bool,
) -> miette::Result<Status> {
    let options = DiffOptions {
        renames: parse_renames(renames)?,
        ..options
    };
    let (sources, files) = load_versions(old, new, color)?;
    let (Some(old_valid), Some(new_valid)) = (
        files.first().and_then(|f| f.valid()),
        files.get(1).and_then(|f| f.valid()),
    ) else {
        return Err(miette!("a version could not be read"));
    };
    let made = diff(old_valid, new_valid, &options).map_err(|error| match error {
        DiffError::Budget(message) => miette!(
            help = "a diff this large needs a larger budget",
            "{message}"
        ),
        other => miette!("{other}"),
    })?;
    let names = Names { old, new };
    let text = match format {
        DiffFormat::Human => render::human(&made, &sources, names, color),
        DiffFormat::Markdown => render::markdown(&made, &sources, names),
        DiffFormat::Json => render::json(&made, &sources, names),
    };
    out!("{text}");
    Ok(if made.differs() {
        Status::Problems
    } else {
        Status::Clean
    })
}

/// Reads and checks two versions (files, or `REV:PATH` from git) into one
/// `Sources`, each with the vocabularies it uses; `Err` when either has
/// errors, which are printed.
pub(super) fn load_versions(
    old: &str,
    new: &str,
    color: bool,
) -> miette::Result<(Sources, Vec<CheckedFile>)> {
    let mut sources = Sources::new();
    let mut loader = VersionLoader::default();
    let mut ids = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for argument in [old, new] {
        let (bytes, git) = match origin(argument) {
            Origin::File => (read_bytes(argument)?, None),
            Origin::Git { rev, path } => {
                let bytes = git_show(&rev, &path)
                    .map_err(|reason| miette!("could not read `{argument}` from git: {reason}"))?;
                let folder = std::path::Path::new(&path)
                    .parent()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (bytes, Some((rev, folder)))
            }
        };
        let (id, problem) = load(&mut sources, argument, bytes);
        problems.extend(problem);
        match git {
            Some(place) => {
                loader.git.insert(id, place);
            }
            None => loader.folder.add_root(id, argument),
        }
        ids.push(id);
    }
    let uses = load_uses(&mut sources, &ids, &mut loader);
    let front_end = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &ids, &front_end);
    problems.extend(result.diagnostics);
    let errors: Vec<Diagnostic> = problems.into_iter().filter(Diagnostic::is_error).collect();
    let valid = result.files.iter().filter(|f| f.valid().is_some()).count();
    if valid < 2 || !errors.is_empty() {
        eout!(
            "{}",
            render_diagnostics(&errors, &sources, DiagnosticFormat::Human, color)
        );
        return Err(miette!(
            help = "run `leidraad check` on the version with errors and fix them first",
            "a version has errors, so the two are not compared"
        ));
    }
    Ok((sources, result.files))
}
