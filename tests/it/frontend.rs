//! The front end the tools stand on (formatter, language server, review
//! page): line ends, positions, replacing a file's text, trivia, and the
//! index from declarations to uses. The lead folds this file into
//! `tests/it/`.

use leidraad::check::{check_file, check_file_using};
use leidraad::diagnostics::{Code, Diagnostic, Severity};
use leidraad::source::{FileId, Sources};
use std::path::Path;

const BUNDLED: &[&str] = &[
    "guidelines/lage-rugpijn.leidraad",
    "guidelines/nhg-beeldvorming.leidraad",
    "guidelines/wells-dvt.leidraad",
    "guidelines/nice-head-injury.leidraad",
    "guidelines/esur-contrast-kidney.leidraad",
    "tests/fixtures/guidelines/lage-rugpijn-unsettled.leidraad",
];

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// Each diagnostic as code, line and column of its first label, message.
fn located(sources: &Sources, file: FileId, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let at = d.labels.first().map_or((0, 0), |l| {
                let p = sources.line_column(file, l.span.start as usize);
                (p.line, p.column)
            });
            format!("{} {}:{} {}", d.code.as_str(), at.0, at.1, d.message)
        })
        .collect()
}

fn check_text(text: &str) -> (Sources, FileId, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let file = sources.add("input.leidraad", text);
    let (_, diagnostics) = check_file(&sources, file);
    (sources, file, diagnostics)
}

/// A bundled guideline's text (perhaps changed) checked with the
/// vocabularies it uses, read from its folder.
fn check_bundled(path: &str, text: &str) -> (Sources, FileId, Vec<Diagnostic>) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join(Path::new(path).parent().unwrap());
    let (sources, file, uses) = crate::support::load_with_uses(path, text, &folder);
    let (_, diagnostics) = check_file_using(&sources, &uses, file);
    (sources, file, diagnostics)
}

// Defect 7: a lone CR made the whole file one statement ("the file holds no
// guideline", at line 1).
#[test]
fn lone_cr_and_crlf_end_lines_like_lf() {
    let cr = read("tests/fixtures/frontend/cr-line-ends.leidraad");
    assert!(
        cr.contains('\r') && !cr.contains('\n'),
        "the fixture keeps lone CRs"
    );
    let (sources, file, diagnostics) = check_text(&cr);
    assert!(
        diagnostics.iter().all(|d| d.severity != Severity::Error),
        "{:?}",
        located(&sources, file, &diagnostics)
    );
    let (lf_sources, lf_file, lf) = check_text(&cr.replace('\r', "\n"));
    assert_eq!(
        located(&sources, file, &diagnostics),
        located(&lf_sources, lf_file, &lf)
    );
    // The bundled guidelines give the same diagnostics at the same lines and
    // columns whatever their line ends.
    for path in BUNDLED {
        let text = read(path);
        let (s, f, want) = check_bundled(path, &text);
        assert!(want.iter().all(|d| !d.is_error()), "{path}: {want:?}");
        let want = located(&s, f, &want);
        for line_end in ["\r", "\r\n"] {
            let (s, f, got) = check_bundled(path, &text.replace('\n', line_end));
            assert_eq!(located(&s, f, &got), want, "{path} with {line_end:?}");
        }
    }
}

#[test]
fn replacing_a_file_rechecks_it_and_leaves_the_others() {
    let (mut sources, good, uses) = crate::support::load_with_uses(
        "a.leidraad",
        &read(BUNDLED[0]),
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("guidelines"),
    );
    let other = sources.add("b.leidraad", read(BUNDLED[1]));
    let (_, before) = check_file_using(&sources, &uses, good);
    assert!(before.iter().all(|d| d.severity != Severity::Error));
    // A change after the `use` line: the uses found stay what they were.
    let broken = read(BUNDLED[0]).replacen("\ndefine ", "\ndefnie ", 1);
    assert!(sources.replace(good, broken.clone()));
    let (_, after) = check_file_using(&sources, &uses, good);
    assert!(after.iter().any(|d| d.code == Code::UnknownStatement));
    assert_eq!(sources.get(good).unwrap().text, broken);
    assert_eq!(sources.get(other).unwrap().text, read(BUNDLED[1]));
    assert_eq!(sources.name(good), "a.leidraad");
}

mod references {
    use super::*;
    use leidraad::model::index::{Symbol, UseKind};
    use leidraad::model::{Guideline, Type};

    fn guideline(sources: &Sources, uses: &leidraad::check::Uses, file: FileId) -> Guideline {
        check_file_using(sources, uses, file).0.guideline
    }

    /// Every declared symbol with its name.
    fn symbols(g: &Guideline) -> Vec<(Symbol, String)> {
        let mut all: Vec<(Symbol, String)> = Vec::new();
        all.extend(
            g.inputs
                .iter()
                .enumerate()
                .map(|(i, x)| (Symbol::Input(i), x.id.clone())),
        );
        all.extend(
            g.definitions
                .iter()
                .enumerate()
                .map(|(i, x)| (Symbol::Definition(i), x.id.clone())),
        );
        all.extend(
            g.entries
                .iter()
                .enumerate()
                .map(|(i, x)| (Symbol::Entry(i), x.id.clone())),
        );
        all.extend(
            g.rules
                .iter()
                .enumerate()
                .map(|(i, x)| (Symbol::Rule(i), x.id.clone())),
        );
        for (i, input) in g.inputs.iter().enumerate() {
            if let Type::OneOf(values) | Type::AnyOf(values) = &input.ty {
                all.extend(
                    (0u32..)
                        .zip(values)
                        .map(|(v, name)| (Symbol::Value(i, v), name.clone())),
                );
            }
        }
        all.extend(
            g.index
                .groups()
                .iter()
                .enumerate()
                .map(|(i, x)| (Symbol::Group(i), x.clone())),
        );
        all
    }

    #[test]
    fn every_use_in_the_bundled_guidelines_is_the_name_and_leads_back() {
        for path in BUNDLED {
            let folder =
                Path::new(env!("CARGO_MANIFEST_DIR")).join(Path::new(path).parent().unwrap());
            let (sources, file, used) = crate::support::load_with_uses(path, &read(path), &folder);
            let g = guideline(&sources, &used, file);
            let mut uses = 0;
            for (symbol, name) in symbols(&g) {
                let declaration = g.index.declaration(symbol).unwrap();
                assert_eq!(sources.slice(declaration), name, "{path}");
                for found in g.index.uses_of(symbol) {
                    uses += 1;
                    // The span is the name itself, not the test around it.
                    assert_eq!(sources.slice(found.span), name, "{path}");
                    for offset in [found.span.start, found.span.end] {
                        assert_eq!(
                            g.index.definition_at(found.span.file, offset as usize),
                            Some(declaration),
                            "{path}: `{name}`"
                        );
                    }
                    assert_eq!(g.index.declaration_of_use(found.span), Some(declaration));
                }
                // A declaration may be in the vocabulary the guideline uses.
                let from_declaration = g
                    .index
                    .references_at(declaration.file, declaration.start as usize);
                assert_eq!(
                    from_declaration.len(),
                    g.index.uses_of(symbol).count(),
                    "{path}: `{name}`"
                );
                assert_eq!(
                    g.index.uses_of_declaration(declaration).len(),
                    from_declaration.len()
                );
                // The bundled guidelines check without "never used" (of
                // their own declarations: an exam the vocabulary adds
                // through a group the guideline names need not be used).
                if declaration.file == file
                    && matches!(
                        symbol,
                        Symbol::Input(_) | Symbol::Definition(_) | Symbol::Entry(_)
                    )
                {
                    assert!(g.index.is_used(symbol), "{path}: `{name}` is used");
                }
            }
            assert!(uses > 50, "{path}: only {uses} uses");
            // Every rule's `overrides` is indexed, one use per rule named.
            let overrides: usize = g.rules.iter().map(|r| r.overrides.len()).sum();
            let indexed = g
                .index
                .uses()
                .iter()
                .filter(|u| u.kind == UseKind::Override);
            assert_eq!(indexed.count(), overrides, "{path}");
        }
    }

    const SMALL: &str = "guideline g \"G\"
input fever : yes/no \"Fever\"
input pain : one of mild, severe \"Pain\"
input age : number 0..120 years \"Age\"
define sick = fever and (pain == severe)
exam MRI \"MRI\" in imaging
exam CT \"CT\" in imaging
rule r1 \"R1\" when sick then order MRI
rule r2 \"R2\" overrides r1 when fever then order CT alternative MRI when age > 60
require \"R\" when fever then some order in imaging
case \"c\" given fever yes, pain mild, age 70 expect order CT
";

    /// The byte offset of the `nth` (0-based) whole-word `word` in `SMALL`.
    fn at(word: &str, nth: usize) -> usize {
        let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
        SMALL
            .match_indices(word)
            .filter(|(i, _)| {
                let before = SMALL[..*i].chars().next_back();
                let after = SMALL[i + word.len()..].chars().next();
                !before.is_some_and(is_name) && !after.is_some_and(is_name)
            })
            .nth(nth)
            .unwrap()
            .0
    }

    #[test]
    fn go_to_definition_and_find_references_on_a_small_file() {
        let mut sources = Sources::new();
        let file = sources.add("small.leidraad", SMALL);
        let (checked, diagnostics) = check_file(&sources, file);
        assert!(
            diagnostics.iter().all(|d| d.severity == Severity::Note),
            "{diagnostics:?}"
        );
        let index = &checked.guideline.index;
        let span_at = |offset: usize, len: usize| (offset, offset + len);
        let spans = |found: Vec<leidraad::source::Span>| -> Vec<(usize, usize)> {
            found
                .iter()
                .map(|s| (s.start as usize, s.end as usize))
                .collect()
        };
        // `fever`: declared once, used in `define`, r2, the requirement and
        // as a case fact.
        let fever = index.definition_at(file, at("fever", 3) + 2).unwrap();
        assert_eq!(fever.range(), at("fever", 0)..at("fever", 0) + 5);
        assert_eq!(
            spans(index.references_at(file, at("fever", 0))),
            (1..=4)
                .map(|n| span_at(at("fever", n), 5))
                .collect::<Vec<_>>()
        );
        let kinds: Vec<UseKind> = index.uses_of(Symbol::Input(0)).map(|u| u.kind).collect();
        assert_eq!(
            kinds,
            [
                UseKind::Condition,
                UseKind::Condition,
                UseKind::Condition,
                UseKind::CaseFact
            ]
        );
        // Inside a comparison the use is `pain`, not `pain == severe`, and
        // inside parentheses too.
        assert_eq!(
            spans(index.references_at(file, at("pain", 0))),
            [span_at(at("pain", 1), 4), span_at(at("pain", 2), 4)]
        );
        // A definition, an override, targets and a group.
        assert_eq!(
            index
                .definition_at(file, at("sick", 1))
                .unwrap()
                .range()
                .start,
            at("sick", 0)
        );
        assert_eq!(
            index
                .definition_at(file, at("r1", 1))
                .unwrap()
                .range()
                .start,
            at("r1", 0)
        );
        assert_eq!(
            spans(index.references_at(file, at("MRI", 0))),
            [span_at(at("MRI", 2), 3), span_at(at("MRI", 3), 3)]
        );
        assert_eq!(
            spans(index.references_at(file, at("imaging", 1))),
            [span_at(at("imaging", 2), 7)]
        );
        assert_eq!(
            index
                .definition_at(file, at("imaging", 2))
                .unwrap()
                .range()
                .start,
            at("imaging", 0)
        );
        // Rename sees both `in imaging` of the catalogue and its use.
        let imaging = index.symbol_at(file, at("imaging", 1)).unwrap();
        assert_eq!(
            spans(index.occurrences(imaging)),
            (0..3)
                .map(|n| span_at(at("imaging", n), 7))
                .collect::<Vec<_>>()
        );
        assert_eq!(index.declarations_of(imaging).len(), 2);
        let fever = index.symbol_at(file, at("fever", 0)).unwrap();
        assert_eq!(
            spans(index.occurrences(fever)),
            (0..5)
                .map(|n| span_at(at("fever", n), 5))
                .collect::<Vec<_>>()
        );
        // Values: declared in the input's type, used in tests and facts.
        assert_eq!(
            index
                .definition_at(file, at("severe", 1))
                .unwrap()
                .range()
                .start,
            at("severe", 0)
        );
        assert_eq!(
            spans(index.references_at(file, at("mild", 0))),
            [span_at(at("mild", 1), 4)]
        );
        // Not on a name: nothing.
        assert_eq!(index.symbol_at(file, at("guideline", 0)), None);
        assert_eq!(index.symbol_at(file, SMALL.find("==").unwrap() + 1), None);
    }

    #[test]
    fn never_used_reads_the_index() {
        // An input named only by a case is never used (cases test the
        // guideline), and the warning agrees with the index.
        let text = SMALL.replace(
            "define sick = fever and (pain == severe)",
            "define sick = fever",
        );
        let mut sources = Sources::new();
        let file = sources.add("small.leidraad", text);
        let (checked, diagnostics) = check_file(&sources, file);
        let unused: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.code == Code::UnusedInput)
            .collect();
        assert_eq!(unused.len(), 1, "{diagnostics:?}");
        assert!(unused[0].message.contains("`pain`"));
        let index = &checked.guideline.index;
        assert!(!index.is_used(Symbol::Input(1)));
        assert_eq!(index.uses_of(Symbol::Input(1)).count(), 1);
        assert!(index.is_used(Symbol::Input(0)));
    }
}

mod trivia {
    use super::*;
    use leidraad::source::Span;
    use leidraad::syntax::parse;

    /// Every `.leidraad` file of the repository that is text: the bundled
    /// guidelines and every fixture.
    fn every_file() -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("guidelines"), root.join("tests/fixtures")];
        let mut files = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "leidraad") {
                    if let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap()) {
                        files.push((path.display().to_string(), text));
                    }
                }
            }
        }
        files.sort();
        assert!(files.len() > 100, "found only {} files", files.len());
        files
    }

    fn significant(c: char) -> bool {
        !c.is_whitespace() && c != '\u{FEFF}'
    }

    // Architecture invariant: the statements' spans and the comments cover
    // every byte that is not whitespace, so the token stream (comments
    // included) can be rebuilt from the tree and the trivia.
    #[test]
    fn tree_spans_and_trivia_rebuild_every_file_but_its_whitespace() {
        let mut comments_seen = 0;
        for (path, text) in every_file() {
            let (syntax, _) = parse(FileId(0), &text);
            let mut pieces: Vec<Span> = syntax
                .items
                .iter()
                .map(|i| i.span())
                .chain(syntax.broken.iter().map(|b| b.span))
                .chain(syntax.trivia.comments.iter().copied())
                .collect();
            pieces.sort();
            let mut covered = vec![false; text.len()];
            for piece in &pieces {
                covered[piece.range()].iter_mut().for_each(|c| *c = true);
            }
            for (i, c) in text.char_indices() {
                assert!(
                    !significant(c) || covered[i],
                    "{path}: `{c}` at byte {i} is in no statement and no comment"
                );
            }
            // Comments are what the grammar skips: blank them out and the
            // tree is the same, spans and all.
            let mut blanked = text.clone().into_bytes();
            for comment in &syntax.trivia.comments {
                assert!(text[comment.range()].starts_with('#'), "{path}");
                assert!(!text[comment.range()].contains(['\n', '\r']), "{path}");
                blanked[comment.range()].iter_mut().for_each(|b| *b = b' ');
            }
            let blanked = String::from_utf8(blanked).unwrap();
            let (again, _) = parse(FileId(0), &blanked);
            assert_eq!(again.items, syntax.items, "{path}");
            assert_eq!(again.broken.len(), syntax.broken.len(), "{path}");
            assert!(again.trivia.comments.is_empty(), "{path}");
            // No label holds a comment.
            for item in &syntax.items {
                for label in item.labels() {
                    assert_eq!(syntax.trivia.comments_in(label.span).count(), 0, "{path}");
                }
            }
            comments_seen += syntax.trivia.comments.len();
        }
        assert!(comments_seen > 100, "only {comments_seen} comments");
    }

    #[test]
    fn blank_line_groups_are_the_runs_of_blank_lines() {
        for (path, text) in every_file() {
            let (syntax, _) = parse(FileId(0), &text);
            let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
            let mut lines: Vec<&str> = normalised.split('\n').collect();
            if lines.last() == Some(&"") {
                lines.pop();
            }
            let blank = |l: &&str| l.trim_matches([' ', '\t']).is_empty();
            let expected_runs = lines
                .iter()
                .enumerate()
                .filter(|(i, l)| blank(l) && (*i == 0 || !blank(&lines[i - 1])))
                .count();
            assert_eq!(syntax.trivia.blank_lines.len(), expected_runs, "{path}");
            let blank_count: usize = syntax
                .trivia
                .blank_lines
                .iter()
                .map(|s| {
                    let run = &text[s.range()];
                    assert!(run.chars().all(char::is_whitespace), "{path}");
                    leidraad::source::lines_inclusive(run).count()
                })
                .sum();
            assert_eq!(
                blank_count,
                lines.iter().filter(|l| blank(l)).count(),
                "{path}"
            );
        }
        let (syntax, _) = parse(FileId(0), "a\n\n \n# c\n\t\r\nb\n\n");
        let runs: Vec<_> = syntax
            .trivia
            .blank_lines
            .iter()
            .map(|s| s.range())
            .collect();
        assert_eq!(runs, [2..5, 9..12, 14..15]);
        let comments: Vec<(usize, usize)> = syntax
            .trivia
            .comments
            .iter()
            .map(|s| (s.start as usize, s.end as usize))
            .collect();
        assert_eq!(comments, [(5, 8)]);
    }
}
