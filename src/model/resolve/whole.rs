//! Pass 3: whole-guideline checks: definition cycles and depth, `asked
//! when` that uses its own input, names that are never used.

use super::*;

impl Resolver {
    /// Finds cycles among definitions and chains deeper than
    /// [`MAX_NESTING`]; offenders become `Invalid` so that later stages
    /// never recurse forever.
    pub(super) fn check_definition_cycles(&mut self) {
        let count = self.guideline.definitions.len();
        let edges: Vec<Vec<(DefinitionId, Span)>> = self
            .guideline
            .definitions
            .iter()
            .map(|d| {
                let mut out = Vec::new();
                collect_definition_refs(&d.condition, &mut out);
                out
            })
            .collect();
        // Iterative depth-first search with colours: 0 new, 1 on stack, 2 done.
        let mut colour = vec![0u8; count];
        let mut depth = vec![0usize; count];
        let mut broken = vec![false; count];
        let mut reported: BTreeSet<Vec<DefinitionId>> = BTreeSet::new();
        for start in 0..count {
            if colour.get(start) != Some(&0) {
                continue;
            }
            let mut stack: Vec<(DefinitionId, usize)> = vec![(start, 0)];
            if let Some(c) = colour.get_mut(start) {
                *c = 1;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let Some(&(child, _)) = edges.get(node).and_then(|e| e.get(*next)) else {
                    // All children done: this node's depth is one more than
                    // its deepest child.
                    let own = edges.get(node).map_or(0, |e| {
                        e.iter()
                            .map(|(c, _)| depth.get(*c).copied().unwrap_or(0) + 1)
                            .max()
                            .unwrap_or(0)
                    });
                    if let Some(d) = depth.get_mut(node) {
                        *d = own;
                    }
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                    stack.pop();
                    continue;
                };
                *next += 1;
                match colour.get(child).copied() {
                    Some(0) => {
                        if let Some(c) = colour.get_mut(child) {
                            *c = 1;
                        }
                        stack.push((child, 0));
                    }
                    Some(1) => {
                        // A cycle: the stack from `child` to the top.
                        let position = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        let cycle: Vec<DefinitionId> =
                            stack.iter().skip(position).map(|(n, _)| *n).collect();
                        for member in &cycle {
                            if let Some(b) = broken.get_mut(*member) {
                                *b = true;
                            }
                        }
                        let mut key = cycle.clone();
                        key.sort_unstable();
                        if reported.insert(key) {
                            self.report_cycle(&cycle, &edges);
                        }
                    }
                    _ => {}
                }
            }
        }
        for (index, definition) in self.guideline.definitions.iter_mut().enumerate() {
            let too_deep = depth.get(index).is_some_and(|d| *d > MAX_NESTING);
            if broken.get(index).copied().unwrap_or(false) || too_deep {
                definition.condition = Cond::Invalid;
            }
        }
        for (index, d) in depth.iter().enumerate() {
            if *d > MAX_NESTING && !broken.get(index).copied().unwrap_or(false) {
                if let Some(definition) = self.guideline.definitions.get(index) {
                    let diagnostic = Diagnostic::new(
                        Code::TooDeeplyNested,
                        format!(
                            "`{}` is built from a chain of more than {MAX_NESTING} definitions",
                            definition.id
                        ),
                    )
                    .with_primary(definition.span, "chain starts here")
                    .with_help("make the chain of definitions shorter");
                    self.diagnostics.push(diagnostic);
                }
                break;
            }
        }
    }

    fn report_cycle(&mut self, cycle: &[DefinitionId], edges: &[Vec<(DefinitionId, Span)>]) {
        let names: Vec<String> = cycle
            .iter()
            .filter_map(|d| {
                self.guideline
                    .definitions
                    .get(*d)
                    .map(|x| format!("`{}`", x.id))
            })
            .collect();
        let first = names.first().cloned().unwrap_or_default();
        let Some(&head) = cycle.first() else {
            return;
        };
        let Some(head_span) = self.guideline.definitions.get(head).map(|d| d.span) else {
            return;
        };
        let mut diagnostic = Diagnostic::new(
            Code::DefinitionCycle,
            if cycle.len() == 1 {
                format!("the definition {first} uses itself")
            } else {
                format!(
                    "the definitions {} use each other in a circle",
                    names.join(", ")
                )
            },
        )
        .with_primary(head_span, "this definition");
        for (position, member) in cycle.iter().enumerate() {
            let next = cycle
                .get(position + 1)
                .or(cycle.first())
                .copied()
                .unwrap_or(*member);
            if let Some((_, span)) = edges
                .get(*member)
                .and_then(|e| e.iter().find(|(c, _)| *c == next))
            {
                let next_name = self
                    .guideline
                    .definitions
                    .get(next)
                    .map_or("", |d| d.id.as_str());
                diagnostic = diagnostic.with_secondary(*span, format!("uses `{next_name}`"));
            }
        }
        let path: Vec<String> = names
            .iter()
            .cloned()
            .chain(std::iter::once(first))
            .collect();
        diagnostic = diagnostic
            .with_note(format!("the circle: {}", path.join(" → ")))
            .with_help("a definition must be built from inputs and other definitions without coming back to itself");
        self.diagnostics.push(diagnostic);
    }

    /// `asked when` must not use the input itself, directly or through
    /// definitions.
    pub(super) fn check_asked_when(&mut self) {
        let mut problems = Vec::new();
        for (index, input) in self.guideline.inputs.iter().enumerate() {
            let Some(condition) = &input.asked_when else {
                continue;
            };
            let mut visited = vec![false; self.guideline.definitions.len()];
            if let Some(path) = self_use(&self.guideline, condition, index, &mut visited) {
                problems.push((input.id.clone(), input.span, path));
            }
        }
        for (name, span, path) in problems {
            let mut steps = path.into_iter();
            let Some(first) = steps.next() else {
                continue;
            };
            let mut diagnostic = Diagnostic::new(
                Code::AskedWhenSelf,
                format!("the `asked when` of `{name}` uses `{name}` itself"),
            );
            diagnostic = match &first.through {
                None => diagnostic.with_primary(first.span, format!("uses `{name}`")),
                Some(definition) => {
                    diagnostic.with_primary(first.span, format!("`{definition}` uses `{name}`"))
                }
            };
            for step in steps {
                let text = match &step.through {
                    None => format!("uses `{name}`"),
                    Some(definition) => format!("uses `{definition}`"),
                };
                diagnostic = diagnostic.with_secondary(step.span, text);
            }
            self.error(
                diagnostic
                    .with_secondary(span, "the input whose `asked when` this is")
                    .with_note(format!(
                        "whether `{name}` is asked must be known before its answer is"
                    ))
                    .with_help(format!(
                        "make the `asked when` of `{name}` depend on other inputs only"
                    )),
            );
        }
    }

    pub(super) fn report_unused(&mut self) {
        if self.incomplete || self.vocabulary {
            // A statement that did not parse may use any name, and a
            // vocabulary's declarations are there for guidelines to use.
            return;
        }
        // Names used only by unused definitions still count as used; that is
        // what an editor expects ("is this name mentioned anywhere?").
        let unused = |symbol: Symbol| {
            !self.guideline.index.is_used(symbol) && !self.duplicates.contains(&symbol)
        };
        // What a guideline takes from a vocabulary it uses is the
        // vocabulary's to declare: never reported unused here.
        let own = |span: Span| span.file == self.file;
        for (index, input) in self.guideline.inputs.iter().enumerate() {
            if unused(Symbol::Input(index)) && own(input.span) {
                self.diagnostics.push(
                    Diagnostic::new(Code::UnusedInput, format!("the input `{}` is never used", input.id))
                        .with_primary(input.span, "declared here")
                        .with_help("use it in a rule, definition or requirement, or remove it; if it is recorded for information only, say so in a comment"),
                );
            }
        }
        for (index, definition) in self.guideline.definitions.iter().enumerate() {
            if unused(Symbol::Definition(index)) && own(definition.span) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnusedDefinition,
                        format!("the definition `{}` is never used", definition.id),
                    )
                    .with_primary(definition.span, "defined here")
                    .with_help("use it in a condition, or remove it"),
                );
            }
        }
        for (index, entry) in self.guideline.entries.iter().enumerate() {
            if unused(Symbol::Entry(index)) && own(entry.span) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnusedEntry,
                        format!(
                            "the {} `{}` is never recommended",
                            entry.kind.as_str(),
                            entry.id
                        ),
                    )
                    .with_primary(entry.span, "declared here")
                    .with_help("name it in a rule, or remove it from the catalogue"),
                );
            }
        }
    }
}

/// One step on the way from an `asked when` to a use of its own input: the
/// span of the use, or of a definition that leads to it.
struct SelfUse {
    span: Span,
    /// The definition named at `span`, if the use goes through one.
    through: Option<String>,
}

/// Where `condition` uses `input`, directly or through definitions: the
/// path of spans from `condition` to the use. Definitions are visited once
/// (cycles were reported and broken before).
fn self_use(
    guideline: &Guideline,
    condition: &Cond,
    input: InputId,
    visited: &mut Vec<bool>,
) -> Option<Vec<SelfUse>> {
    match condition {
        Cond::True | Cond::Invalid => None,
        Cond::BoolIs(i, _, span)
        | Cond::ChoiceIn(i, _, span)
        | Cond::Has(i, _, span)
        | Cond::Compare(i, _, _, span)
        | Cond::IsUnknown(i, span) => (*i == input).then(|| {
            vec![SelfUse {
                span: *span,
                through: None,
            }]
        }),
        Cond::Linear(i, _, sum, span) => {
            (*i == input || sum.terms.iter().any(|(term, _)| *term == input)).then(|| {
                vec![SelfUse {
                    span: *span,
                    through: None,
                }]
            })
        }
        Cond::Define(d, span) => {
            let seen = visited.get_mut(*d)?;
            if *seen {
                return None;
            }
            *seen = true;
            let definition = guideline.definitions.get(*d)?;
            let mut rest = self_use(guideline, &definition.condition, input, visited)?;
            rest.insert(
                0,
                SelfUse {
                    span: *span,
                    through: Some(definition.id.clone()),
                },
            );
            Some(rest)
        }
        // A score's criteria: `asked when` may not compare a score that
        // reads the input.
        Cond::Score(id, _, _, span) => {
            let score = guideline.scores.get(*id)?;
            score.terms.iter().find_map(|term| match term {
                ScoreTerm::Points { when, .. } => {
                    let mut rest = self_use(guideline, when, input, visited)?;
                    rest.insert(
                        0,
                        SelfUse {
                            span: *span,
                            through: Some(score.id.clone()),
                        },
                    );
                    Some(rest)
                }
                ScoreTerm::Input {
                    input: added, span, ..
                } => (*added == input).then(|| {
                    vec![SelfUse {
                        span: *span,
                        through: Some(score.id.clone()),
                    }]
                }),
            })
        }
        Cond::Not(inner) => self_use(guideline, inner, input, visited),
        Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts, _) => parts
            .iter()
            .find_map(|part| self_use(guideline, part, input, visited)),
    }
}

fn collect_definition_refs(condition: &Cond, out: &mut Vec<(DefinitionId, Span)>) {
    match condition {
        Cond::Define(d, span) => out.push((*d, *span)),
        Cond::Not(inner) => collect_definition_refs(inner, out),
        Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts, _) => {
            for part in parts {
                collect_definition_refs(part, out);
            }
        }
        _ => {}
    }
}
