//! `leidraad doc FILE|DIR... -o DIR [--diff OLD]`: writes the review site
//! that `leidraad::doc::site` builds.

use super::diff::{Origin, VersionLoader, git_show, origin};
use super::{Status, count, find_rule_files, read_bytes};
use leidraad::check::{load, load_uses};
use leidraad::doc::{DocInput, DocOptions, site};
use leidraad::source::Sources;
use miette::{IntoDiagnostic, WrapErr, miette};

pub fn run(
    paths: &[String],
    out: &str,
    old: Option<&str>,
    options: &DocOptions,
) -> miette::Result<Status> {
    let files = find_rule_files(paths)?;
    if old.is_some() && files.len() != 1 {
        return Err(miette!(
            help = "give the new version as the one FILE: `leidraad doc NEW.leidraad --diff OLD.leidraad -o DIR`",
            "`--diff` compares one guideline with its old version, but {} were given",
            count(files.len(), "file", "files")
        ));
    }
    // The new files and the old version are read together, each with the
    // files it uses from its own folder (or revision).
    let mut sources = Sources::new();
    let mut loader = VersionLoader::default();
    let (mut ids, mut problems, mut roots) = (Vec::new(), Vec::new(), Vec::new());
    let mut old_id = None;
    for (path, is_old) in files
        .iter()
        .map(|f| (f.as_str(), false))
        .chain(old.map(|o| (o, true)))
    {
        // The old version may be `REV:PATH`, read with `git show` as
        // `leidraad diff` reads it, with its vocabularies from that revision.
        let (bytes, git) = match origin(path) {
            Origin::Git { rev, path: inside } if is_old => {
                let bytes = git_show(&rev, &inside)
                    .map_err(|reason| miette!("could not read `{path}` from git: {reason}"))?;
                let folder = std::path::Path::new(&inside)
                    .parent()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (bytes, Some((rev, folder)))
            }
            _ => (read_bytes(path)?, None),
        };
        let (id, problem) = load(&mut sources, path, bytes);
        problems.extend(problem);
        match git {
            Some(place) => {
                loader.git.insert(id, place);
            }
            None => loader.folder.add_root(id, path),
        }
        roots.push(id);
        if is_old {
            old_id = Some(id);
        } else {
            ids.push(id);
        }
    }
    let uses = load_uses(&mut sources, &roots, &mut loader);
    let input = DocInput {
        sources: &sources,
        uses: &uses,
        files: &ids,
        problems: &problems,
        old: old_id,
    };
    // The layout engine stops with a panic on some graphs; the library
    // catches it and lays that chart out another way, so its message is not
    // for the user. Every other panic is reported as usual.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_layout = info
            .location()
            .is_some_and(|l| l.file().contains("layout-rs"));
        if !in_layout {
            report(info);
        }
    }));
    let written = site(input, options);
    let folder = std::path::Path::new(out);
    std::fs::create_dir_all(folder)
        .into_diagnostic()
        .wrap_err_with(|| format!("could not make the folder `{out}`"))?;
    for (name, bytes) in &written {
        let path = folder.join(name);
        std::fs::write(&path, bytes)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not write `{}`", path.display()))?;
    }
    eoutln!("wrote {} to {out}", count(written.len(), "page", "pages"));
    Ok(Status::Clean)
}
