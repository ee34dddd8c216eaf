//! The files one guideline is made of: its own and the vocabularies it
//! `use`s, transitively.
//!
//! The library reads no file. [`load_uses`] asks a [`Loader`] (the command
//! line reads the disk; a language server would give the text of its open
//! editors) for the text of every file a `use` names, and records in
//! [`Uses`] what each `use` found. [`assemble`] then puts one guideline
//! together as one syntax tree: its own statements, with the declarations
//! it takes from its vocabularies in the place of each `use`.
//!
//! Paths are relative to the file that uses them and must stay inside the
//! folder of the root guideline: [`normalise`] refuses absolute paths,
//! addresses and a `..` that leaves the folder before the loader is asked,
//! and the loader refuses what only the file system can tell (a link that
//! leads out of the folder).

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Sources, Span};
use crate::syntax::{self, ast};
use std::collections::{HashMap, HashSet};

/// What a [`Loader`] is asked for.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The root guideline being loaded: its folder bounds every path.
    pub root: FileId,
    /// The used file's path relative to the root guideline's folder: parts
    /// separated by `/`, without `.` or `..`, never empty or absolute.
    pub path: &'a str,
}

/// What a [`Loader`] found for a [`Request`].
#[derive(Clone, Debug)]
pub enum Loaded {
    /// The file's bytes, and the name to show for it in messages
    /// (`guidelines/rugpijn.vocabulary.leidraad`). Files of the same name
    /// are loaded once.
    File { name: String, bytes: Vec<u8> },
    /// There is no such file, or it could not be read: why, in plain words.
    Missing(String),
    /// The file may not be read (a link that leads out of the folder, a
    /// folder, a file too large): why, in plain words.
    Refused(String),
}

/// Gives the text of a used file. Implemented by whoever may do I/O.
pub trait Loader {
    fn load(&mut self, request: &Request<'_>) -> Loaded;
}

impl<F: FnMut(&Request<'_>) -> Loaded> Loader for F {
    fn load(&mut self, request: &Request<'_>) -> Loaded {
        self(request)
    }
}

/// What one `use` found.
#[derive(Clone, Debug)]
enum Target {
    File(FileId),
    Refused(String),
    Missing(String),
}

/// What every `use` of a run found, per root guideline (a file used by
/// several roots is loaded once, but each root bounds its own paths).
/// Empty by default: then every `use` is reported as not loaded.
#[derive(Clone, Debug, Default)]
pub struct Uses {
    targets: HashMap<(FileId, Span), Target>,
    /// L006 for used files that are not text, reported with the file.
    not_text: Vec<Diagnostic>,
}

impl Uses {
    /// The files some `use` of `root` found, in no particular order.
    pub fn files_of(&self, root: FileId) -> Vec<FileId> {
        let mut files: Vec<FileId> = self
            .targets
            .iter()
            .filter_map(|((of, _), target)| match target {
                Target::File(file) if *of == root => Some(*file),
                _ => None,
            })
            .collect();
        files.sort();
        files.dedup();
        files
    }
}

/// Loads every file the `roots` use, transitively, into `sources`, asking
/// `loader` for each. Never fails: what cannot be loaded is recorded, and
/// checking reports it at the `use`.
pub fn load_uses(sources: &mut Sources, roots: &[FileId], loader: &mut dyn Loader) -> Uses {
    let mut uses = Uses::default();
    let mut by_name: HashMap<String, FileId> = sources
        .iter()
        .map(|(id, file)| (file.name.clone(), id))
        .collect();
    for &root in roots {
        // Each file's folder, relative to the root's folder.
        let mut folders: HashMap<FileId, String> = HashMap::from([(root, String::new())]);
        let mut by_path: HashMap<String, Target> = HashMap::new();
        let mut queue = vec![root];
        while let Some(file) = queue.pop() {
            let folder = folders.get(&file).cloned().unwrap_or_default();
            let text = sources.get(file).map_or("", |f| f.text.as_str());
            let (syntax, _) = syntax::parse(file, text);
            for item in syntax.items {
                let ast::Item::Use(used) = item else {
                    continue;
                };
                let target = match normalise(&folder, &used.path.text) {
                    Err(reason) => Target::Refused(reason),
                    Ok(path) => match by_path.get(&path) {
                        Some(target) => target.clone(),
                        None => {
                            let target = match loader.load(&Request { root, path: &path }) {
                                Loaded::File { name, bytes } => {
                                    let id = match by_name.get(&name) {
                                        Some(id) => *id,
                                        None => {
                                            let (id, problem) = super::load(sources, &name, bytes);
                                            uses.not_text.extend(problem);
                                            by_name.insert(name, id);
                                            id
                                        }
                                    };
                                    if let std::collections::hash_map::Entry::Vacant(entry) =
                                        folders.entry(id)
                                    {
                                        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
                                        entry.insert(parent.to_owned());
                                        queue.push(id);
                                    }
                                    Target::File(id)
                                }
                                Loaded::Missing(reason) => Target::Missing(reason),
                                Loaded::Refused(reason) => Target::Refused(reason),
                            };
                            by_path.insert(path, target.clone());
                            target
                        }
                    },
                };
                uses.targets.insert((root, used.span), target);
            }
        }
    }
    uses
}

/// A `use` path made relative to the root guideline's folder, from the
/// folder of the file that uses it (relative to the same). Refuses, with
/// the reason, what could name a file outside that folder.
pub fn normalise(folder: &str, path: &str) -> Result<String, String> {
    let first_colon = path.find(':');
    let scheme = first_colon.is_some_and(|at| {
        let head = path.get(..at).unwrap_or("");
        head.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if path.trim().is_empty() {
        return Err("the path is empty".to_owned());
    }
    if path.starts_with('/') || path.starts_with('\\') || (scheme && first_colon == Some(1)) {
        return Err(
            "the path is absolute; a vocabulary is named relative to the file that uses it"
                .to_owned(),
        );
    }
    if scheme || path.contains("://") {
        return Err("the path is an address; a vocabulary is a file in the guideline's folder, never read from elsewhere".to_owned());
    }
    if path.contains('\\') {
        return Err("the path holds `\\`; separate folders with `/`".to_owned());
    }
    if path.ends_with('/') {
        return Err("the path names a folder, not a file".to_owned());
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("the path leaves the folder of the guideline; a vocabulary must be in that folder or below it".to_owned());
                }
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err("the path names a folder, not a file".to_owned());
    }
    Ok(parts.join("/"))
}

/// One file's statements, or a guideline put together from its files.
pub(crate) struct Assembled {
    /// The root's statements with, in place of each `use`, the declarations
    /// taken from the used file; statements that did not parse, of every
    /// file; the root's trivia.
    pub(crate) syntax: ast::SyntaxFile,
    /// Syntax errors of every file, and what is wrong with the uses: paths
    /// refused, files missing, cycles, clashing declarations.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Every file used, transitively, in the order first used.
    pub(crate) used: Vec<FileId>,
    /// Some `use` found no vocabulary: names may be missing for that
    /// reason alone, and are not reported as unknown.
    pub(crate) incomplete: bool,
}

/// The namespace of a declared name: inputs, definitions and scores share
/// one, catalogue entries have their own (as in `model::resolve`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Namespace {
    Names,
    Entries,
}

fn declared(item: &ast::Item) -> Option<(Namespace, &ast::Ident)> {
    match item {
        ast::Item::Input(x) => Some((Namespace::Names, &x.id)),
        ast::Item::Define(x) => Some((Namespace::Names, &x.id)),
        ast::Item::Score(x) => Some((Namespace::Names, &x.id)),
        ast::Item::Entry(x) => Some((Namespace::Entries, &x.id)),
        _ => None,
    }
}

/// A file being walked: its statements and the next one to take.
struct Frame {
    file: FileId,
    items: Vec<ast::Item>,
    next: usize,
    /// The `use` (in the file below on the stack) that entered this one.
    entered_by: Option<Span>,
}

/// Puts together the file `start` as the uses of `root` found them (for a
/// guideline, `start` is `root`; a vocabulary it uses is checked on its
/// own with `start` the vocabulary, its paths still bounded by `root`).
///
/// The declarations of a used file come in the place of its `use`, those
/// of the files it uses in the place of theirs; a file used twice comes
/// once. Of a used file, the guideline takes what it names: the inputs,
/// definitions, scores and catalogue entries its own statements mention
/// (an entry also through a group it is in), what those mention in turn,
/// every assumption that mentions one of them, and every `exclusive` of
/// an entry it takes.
pub(crate) fn assemble(sources: &Sources, uses: &Uses, root: FileId, start: FileId) -> Assembled {
    let text = |file: FileId| sources.get(file).map_or("", |f| f.text.as_str());
    let (syntax, mut diagnostics) = syntax::parse(start, text(start));
    let trivia = syntax.trivia;
    let mut broken = syntax.broken;
    let mut frames = vec![Frame {
        file: start,
        items: syntax.items,
        next: 0,
        entered_by: None,
    }];
    let mut done: HashSet<FileId> = HashSet::new();
    let mut used = Vec::new();
    let mut out: Vec<(FileId, ast::Item)> = Vec::new();
    let mut incomplete = false;
    while let Some(frame) = frames.last_mut() {
        let Some(item) = frame.items.get(frame.next).cloned() else {
            done.insert(frame.file);
            frames.pop();
            continue;
        };
        frame.next += 1;
        let file = frame.file;
        let used_decl = match item {
            ast::Item::Use(used_decl) => used_decl,
            ast::Item::Header(_) if file != start => continue,
            item => {
                out.push((file, item));
                continue;
            }
        };
        let path = &used_decl.path;
        let target = match uses.targets.get(&(root, used_decl.span)) {
            None => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UsedFileMissing,
                        format!("`{}` was not loaded", path.text),
                    )
                    .with_primary(path.span, "not loaded")
                    .with_note(
                        "the program that checks this file did not supply the files it uses",
                    ),
                );
                incomplete = true;
                continue;
            }
            Some(Target::Refused(reason)) => {
                diagnostics.push(
                    Diagnostic::new(Code::UsePathRefused, format!("`{}` may not be used", path.text))
                        .with_primary(path.span, "refused")
                        .with_note(reason.clone())
                        .with_help("put the vocabulary in the guideline's folder (or a folder below it) and name it relative to this file, as in `use \"rugpijn.vocabulary.leidraad\"`"),
                );
                incomplete = true;
                continue;
            }
            Some(Target::Missing(reason)) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UsedFileMissing,
                        format!("`{}` cannot be used", path.text),
                    )
                    .with_primary(path.span, "not found")
                    .with_note(reason.clone())
                    .with_help(
                        "check the file's name; the path is relative to the folder of this file",
                    ),
                );
                incomplete = true;
                continue;
            }
            Some(Target::File(target)) => *target,
        };
        if let Some(at) = frames.iter().position(|f| f.file == target) {
            diagnostics.push(cycle(sources, &frames, at, &used_decl));
            incomplete = true;
            continue;
        }
        if done.contains(&target) {
            continue;
        }
        let (syntax, found) = syntax::parse(target, text(target));
        diagnostics.extend(found);
        diagnostics.extend(
            uses.not_text
                .iter()
                .filter(|d| d.primary_span().is_some_and(|s| s.file == target))
                .cloned(),
        );
        let header = syntax.items.iter().find_map(|item| match item {
            ast::Item::Header(h) => Some(h),
            _ => None,
        });
        if let Some(header) = header.filter(|h| h.kind == ast::HeaderKind::Guideline) {
            diagnostics.push(
                Diagnostic::new(
                    Code::NotAVocabulary,
                    format!("`{}` is a guideline, not a vocabulary", path.text),
                )
                .with_primary(path.span, "used here")
                .with_secondary(header.id.span, "a guideline header")
                .with_note("a guideline uses the declarations of a vocabulary, never another guideline's rules")
                .with_help("move the shared declarations into a file that starts with `vocabulary NAME \"Label\"`, and use that file from both guidelines"),
            );
            done.insert(target);
            incomplete = true;
            continue;
        }
        used.push(target);
        broken.extend(syntax.broken);
        frames.push(Frame {
            file: target,
            items: syntax.items,
            next: 0,
            entered_by: Some(used_decl.path.span),
        });
    }
    let keep = without_repeats(sources, start, &out, &mut diagnostics);
    let included = taken(sources, start, &out, &keep);
    let items = out
        .into_iter()
        .zip(keep.iter().zip(&included))
        .filter(|(_, (keep, included))| **keep && **included)
        .map(|((_, item), _)| item)
        .collect();
    Assembled {
        syntax: ast::SyntaxFile {
            items,
            broken,
            trivia,
        },
        diagnostics,
        used,
        incomplete,
    }
}

/// L132 for a `use` of a file that is already being put together: the
/// `use` that closes the cycle, and the one in the used file that leads
/// back to it.
fn cycle(sources: &Sources, frames: &[Frame], at: usize, used: &ast::UseDecl) -> Diagnostic {
    let chain: Vec<String> = frames
        .iter()
        .skip(at)
        .map(|f| format!("`{}`", sources.name(f.file)))
        .chain(
            frames
                .get(at)
                .map(|f| format!("`{}`", sources.name(f.file))),
        )
        .collect();
    let mut diagnostic = Diagnostic::new(
        Code::UseCycle,
        format!(
            "the files use each other in a cycle: {}",
            cycle_text(&chain)
        ),
    )
    .with_primary(used.path.span, "this use closes the cycle");
    if let Some(back) = frames.get(at + 1).and_then(|f| f.entered_by) {
        diagnostic = diagnostic.with_secondary(back, "the cycle starts with this use");
    }
    diagnostic
        .with_note("files that use each other have no first declaration; each name must be declared in one place")
        .with_help("move what both files need into a third vocabulary that uses neither, or remove one of the `use` lines")
}

/// `a` uses `b`, which uses `a`.
fn cycle_text(chain: &[String]) -> String {
    let mut text = String::new();
    for (position, name) in chain.iter().enumerate() {
        match position {
            0 => {}
            1 => text.push_str(" uses "),
            _ => text.push_str(", which uses "),
        }
        text.push_str(name);
    }
    text
}

/// Which declarations stay: a name declared in two files is declared once.
/// The same declaration in two files (up to layout and comments) is one;
/// where the file being put together repeats its vocabulary's, a warning
/// says to remove the copy (L134). A name declared differently in two
/// files is an error with both places (L133). The first declaration
/// stays. Names declared twice in one file are left to `resolve`.
fn without_repeats(
    sources: &Sources,
    start: FileId,
    out: &[(FileId, ast::Item)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<bool> {
    let mut first: HashMap<(Namespace, &str), usize> = HashMap::new();
    let mut keep = vec![true; out.len()];
    for (index, (file, item)) in out.iter().enumerate() {
        let Some((namespace, ident)) = declared(item) else {
            continue;
        };
        let Some(&earlier) = first.get(&(namespace, ident.name.as_str())) else {
            first.insert((namespace, ident.name.as_str()), index);
            continue;
        };
        let Some((earlier_file, earlier_item)) = out.get(earlier) else {
            continue;
        };
        if earlier_file == file {
            continue;
        }
        let earlier_ident = declared(earlier_item).map_or(ident.span, |(_, i)| i.span);
        let same = syntax::normal_form(sources.slice(item.span()))
            == syntax::normal_form(sources.slice(earlier_item.span()));
        if let Some(flag) = keep.get_mut(index) {
            *flag = false;
        }
        let (here, there) = (sources.name(*file), sources.name(*earlier_file));
        if !same {
            diagnostics.push(
                Diagnostic::new(
                    Code::DeclarationClash,
                    format!("`{}` is declared differently in `{there}` and `{here}`", ident.name),
                )
                .with_primary(ident.span, "declared here")
                .with_secondary(earlier_ident, "and differently here")
                .with_note("a name means one thing in every file a guideline is made of")
                .with_help(format!(
                    "keep one declaration: remove this one to use the one in `{there}`, or give one of them another name"
                )),
            );
        } else if *file == start || *earlier_file == start {
            let (copy, original, original_file) = if *file == start {
                (ident.span, earlier_ident, there)
            } else {
                (earlier_ident, ident.span, here)
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::RepeatedDeclaration,
                    format!("`{}` is declared here and, the same way, in `{original_file}`", ident.name),
                )
                .with_primary(copy, "a copy")
                .with_secondary(original, "the declaration this file uses")
                .with_help("remove the copy: the vocabulary's declaration is used, and one place to change it is safer"),
            );
        }
    }
    keep
}

/// Which statements the file being put together takes: all of its own,
/// and of a used file what it names (see [`assemble`]). Found through the
/// names the statements' text mentions, so that every construct of the
/// language counts without a list of them here; a word that names nothing
/// takes nothing, and one taken too many (a value named like an input)
/// only adds a declaration that no rule reads.
fn taken(
    sources: &Sources,
    start: FileId,
    out: &[(FileId, ast::Item)],
    keep: &[bool],
) -> Vec<bool> {
    let mut taken: Vec<bool> = out.iter().map(|(file, _)| *file == start).collect();
    let kept = |index: usize| keep.get(index).copied().unwrap_or(false);
    // The used files' declarations by the words that take them, and their
    // assumptions by the declared names they mention.
    let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
    let names: HashSet<&str> = out
        .iter()
        .filter_map(|(_, item)| declared(item))
        .filter(|(namespace, _)| *namespace == Namespace::Names)
        .map(|(_, ident)| ident.name.as_str())
        .collect();
    for (index, (file, item)) in out.iter().enumerate() {
        if *file == start || !kept(index) {
            continue;
        }
        let words: Vec<String> = match item {
            ast::Item::Input(x) => vec![x.id.name.clone()],
            ast::Item::Define(x) => vec![x.id.name.clone()],
            ast::Item::Score(x) => vec![x.id.name.clone()],
            ast::Item::Entry(x) => std::iter::once(&x.id)
                .chain(&x.groups)
                .map(|i| i.name.clone())
                .collect(),
            ast::Item::Assume(_) => syntax::names_in(sources.slice(item.span()))
                .into_iter()
                .filter(|w| names.contains(w.as_str()))
                .collect(),
            // Which entries exclude each other goes with the entries.
            ast::Item::Exclusive(x) => x.entries.iter().map(|i| i.name.clone()).collect(),
            // Rules, requirements and cases are no part of a vocabulary
            // (L136 says so where the vocabulary is checked).
            _ => Vec::new(),
        };
        for word in words {
            by_word.entry(word).or_default().push(index);
        }
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut work: Vec<String> = Vec::new();
    let mention = |text: &str, seen: &mut HashSet<String>, work: &mut Vec<String>| {
        for word in syntax::names_in(text) {
            if seen.insert(word.clone()) {
                work.push(word);
            }
        }
    };
    for (index, (file, item)) in out.iter().enumerate() {
        if *file == start && kept(index) {
            mention(sources.slice(item.span()), &mut seen, &mut work);
        }
    }
    while let Some(word) = work.pop() {
        for &index in by_word.get(&word).into_iter().flatten() {
            let Some(flag) = taken.get_mut(index) else {
                continue;
            };
            if *flag {
                continue;
            }
            *flag = true;
            if let Some((_, item)) = out.get(index) {
                mention(sources.slice(item.span()), &mut seen, &mut work);
            }
        }
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        assert_eq!(normalise("", "v.leidraad").as_deref(), Ok("v.leidraad"));
        assert_eq!(
            normalise("", "./a/../v.leidraad").as_deref(),
            Ok("v.leidraad")
        );
        assert_eq!(
            normalise("sub", "../v.leidraad").as_deref(),
            Ok("v.leidraad")
        );
        assert_eq!(
            normalise("sub", "w/v.leidraad").as_deref(),
            Ok("sub/w/v.leidraad")
        );
        for refused in [
            "",
            "../v.leidraad",
            "a/../../v.leidraad",
            "/etc/passwd",
            "\\\\server\\v.leidraad",
            "C:/v.leidraad",
            "https://example.org/v.leidraad",
            "file:v.leidraad",
            "a\\v.leidraad",
            "sub/",
            ".",
        ] {
            assert!(normalise("", refused).is_err(), "{refused:?}");
        }
        assert!(normalise("sub", "../../v.leidraad").is_err());
    }
}
