//! Syntax tree to model: binds names, checks types, units and ranges, and
//! reports everything it finds. It never fails: what cannot be resolved
//! becomes [`Cond::Invalid`] or is left out, with a diagnostic.
//!
//! Three passes over one [`Resolver`], a file each: [`declare`] names every
//! statement (so bodies may refer forward), [`bodies`] resolves rules,
//! requirements and cases (conditions in [`cond`], literals and units in
//! [`values`]), and [`whole`] checks the guideline as a whole (definition
//! cycles, `asked when` on its own input, names never used).

use super::index::{Symbol, UseKind};
use super::number::Rational;
use super::units::{ConversionError, Suggestion, Unit, UnknownUnit};
use super::*;
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::MAX_NESTING;
use crate::syntax::ast;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What a name in a condition refers to.
#[derive(Clone, Copy)]
enum Named {
    Input(InputId),
    Definition(DefinitionId),
    Score(ScoreId),
}

struct Resolver {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    guideline: Guideline,
    names: HashMap<String, (Named, Span)>,
    entries: HashMap<String, EntryId>,
    rules: HashMap<String, RuleIndex>,
    groups: BTreeSet<String>,
    /// Second declarations of a name: reported once as duplicates, never
    /// also as unused.
    duplicates: HashSet<Symbol>,
    /// Inputs whose declared type could not be read: uses of them are not
    /// reported again.
    broken_inputs: Vec<bool>,
    /// Names declared by statements that did not parse (inputs and
    /// definitions, catalogue entries, rules): not reported as unknown.
    broken_names: HashSet<String>,
    broken_entries: HashSet<String>,
    broken_rules: HashSet<String>,
    /// Some statement did not parse, so "never used" cannot be told.
    incomplete: bool,
    /// The file is a vocabulary: declarations only, made for guidelines
    /// to `use`, so none is "never used".
    vocabulary: bool,
    /// The statement being resolved: a fix that declares a missing name
    /// goes before it when no statement of that kind comes earlier.
    statement: Option<Span>,
    /// The last input and the last catalogue entry statement of the file
    /// itself (else its last declaration, `use` or header): a fix that
    /// declares a missing name goes after it.
    last_input: Option<Span>,
    last_entry: Option<Span>,
}

/// Whether a statement declares names or says what the file is (the
/// header, `use`): a declaration that a fix adds goes after such a
/// statement when there is none of its own kind.
fn is_declaration(item: &ast::Item) -> bool {
    matches!(
        item,
        ast::Item::Header(_)
            | ast::Item::Use(_)
            | ast::Item::Input(_)
            | ast::Item::Define(_)
            | ast::Item::Score(_)
            | ast::Item::Entry(_)
    )
}

/// The span of the last statement of `file` that `kind` accepts.
fn last_of(
    syntax: &ast::SyntaxFile,
    file: FileId,
    kind: impl Fn(&ast::Item) -> bool,
) -> Option<Span> {
    syntax
        .items
        .iter()
        .filter(|item| kind(item) && item.span().file == file)
        .map(ast::Item::span)
        .next_back()
}

impl Resolver {
    /// Where a fix inserts a declaration, and the text around it: after
    /// the last such declaration (`after`), else before the statement
    /// being resolved.
    pub(super) fn declaration_fix(
        &self,
        after: Option<Span>,
        declaration: &str,
    ) -> Option<(Span, String)> {
        match (after, self.statement) {
            (Some(last), _) => Some((
                Span::new(last.file, last.end as usize, last.end as usize),
                format!("\n{declaration}"),
            )),
            (None, Some(statement)) => Some((
                Span::new(
                    statement.file,
                    statement.start as usize,
                    statement.start as usize,
                ),
                format!("{declaration}\n\n"),
            )),
            (None, None) => None,
        }
    }
}

/// Resolves one parsed file.
pub fn resolve(file: FileId, syntax: &ast::SyntaxFile) -> (Guideline, Vec<Diagnostic>) {
    let mut resolver = Resolver {
        file,
        diagnostics: Vec::new(),
        guideline: Guideline {
            file,
            header: None,
            inputs: Vec::new(),
            definitions: Vec::new(),
            scores: Vec::new(),
            entries: Vec::new(),
            assumptions: Vec::new(),
            rules: Vec::new(),
            requirements: Vec::new(),
            cases: Vec::new(),
            exclusive: Vec::new(),
            index: Default::default(),
            advice_language: None,
        },
        names: HashMap::new(),
        entries: HashMap::new(),
        rules: HashMap::new(),
        groups: BTreeSet::new(),
        duplicates: HashSet::new(),
        broken_inputs: Vec::new(),
        broken_names: HashSet::new(),
        broken_entries: HashSet::new(),
        broken_rules: HashSet::new(),
        incomplete: !syntax.broken.is_empty(),
        vocabulary: syntax.items.iter().any(
            |item| matches!(item, ast::Item::Header(h) if h.kind == ast::HeaderKind::Vocabulary),
        ),
        statement: None,
        last_input: last_of(syntax, file, |item| matches!(item, ast::Item::Input(_)))
            .or_else(|| last_of(syntax, file, is_declaration)),
        last_entry: last_of(syntax, file, |item| matches!(item, ast::Item::Entry(_)))
            .or_else(|| last_of(syntax, file, is_declaration)),
    };
    for broken in &syntax.broken {
        let Some(name) = &broken.name else {
            continue;
        };
        let set = match broken.keyword.as_str() {
            "input" | "define" | "score" => &mut resolver.broken_names,
            "exam" | "measure" | "specialist" => &mut resolver.broken_entries,
            "rule" => &mut resolver.broken_rules,
            _ => continue,
        };
        set.insert(name.name.clone());
    }
    resolver.declare(syntax);
    resolver.check_shared_codes();
    resolver.resolve_bodies(syntax);
    resolver.check_definition_cycles();
    resolver.check_scores();
    resolver.check_asked_when();
    resolver.report_unused();
    (resolver.guideline, resolver.diagnostics)
}

impl Resolver {
    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn duplicate(&mut self, what: &str, ident: &ast::Ident, first: Span) {
        self.error(
            Diagnostic::new(
                Code::DuplicateName,
                format!("{what} `{}` is declared twice", ident.name),
            )
            .with_primary(ident.span, "declared again here")
            .with_secondary(first, "first declared here")
            .with_help("give one of them another name, or remove the second"),
        );
    }
}

mod bodies;
mod codes;
mod cond;
mod declare;
mod scores;
mod values;
mod whole;
