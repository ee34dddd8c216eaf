//! Renderings of a compiled guideline: the decision diagram as JSON (a
//! versioned schema, `docs/diagram.schema.json`), as a flowchart in Graphviz
//! DOT or Mermaid, and the normalised rules as text. Pure: each function
//! returns a string; the CLI writes it.

mod dot;
mod json;
mod mermaid;
mod rules;
mod sql;
mod svg;

pub use dot::dot;
pub use json::{DIAGRAM_SCHEMA_VERSION, json};
pub use mermaid::mermaid;
pub use rules::rules;
pub use sql::{Dialect, Form as SqlForm, SqlError, SqlOptions, advice_legend, sql};
pub use svg::{Layout, MAX_ENGINE_NODES, Svg, chart_layout, layout_for, svg, xml_text};

use crate::logic::diagram::{DecisionDiagram, DiagramRef};
use crate::logic::problem::{Class, Content, Var};
use crate::model::Guideline;
use crate::model::describe::{Describe, Words, words};
use crate::model::lower::Lowering;
use crate::syntax::vocabulary::{kind_word, urgency_word};
use std::collections::BTreeMap;

/// Everything a renderer needs: the guideline for names and labels, its
/// lowering for the meaning of variables and classes, and the diagram.
#[derive(Clone, Copy)]
pub struct Compiled<'a> {
    pub guideline: &'a Guideline,
    pub lowering: &'a Lowering,
    pub diagram: &'a DecisionDiagram,
}

impl Compiled<'_> {
    fn words(&self) -> &'static Words {
        words(self.guideline)
    }

    fn describe(&self) -> Describe<'_> {
        Describe::new(self.guideline, self.lowering)
    }

    /// The question a variable asks, with the editor's label.
    pub(crate) fn var_label(&self, var: Var) -> String {
        self.describe().var_label(var)
    }

    /// The input id and, for `any of`, the member of a variable.
    pub(crate) fn var_names(&self, var: Var) -> (String, Option<String>) {
        self.describe().var_names(var)
    }

    /// A label for the classes `first..=last` of a variable.
    pub(crate) fn classes_label(&self, var: Var, first: Class, last: Class) -> String {
        self.describe().classes_label(var, first, last)
    }

    /// One line per action of a leaf, as an editor writes it.
    pub fn action_text(&self, action: &Content) -> String {
        let target = self
            .guideline
            .entries
            .get(action.target as usize)
            .map_or("?", |e| e.id.as_str());
        let mut text = format!("{} {target}", kind_word(action.kind));
        if let Some(urgency) = action.urgency {
            text.push(' ');
            text.push_str(&urgency_word(urgency));
        }
        if let Some(instead) = action
            .instead
            .and_then(|i| self.guideline.entries.get(i as usize))
        {
            text.push_str(" instead ");
            text.push_str(&instead.id);
        }
        text
    }

    /// One line per action for a flowchart: with the catalogue's label, in
    /// the guideline's language (`bestel: MRI lumbale wervelkolom (dringend)`).
    pub(crate) fn action_label(&self, action: &Content) -> String {
        let label = |target: u32| {
            self.guideline
                .entries
                .get(target as usize)
                .map_or("?", |e| e.label.as_str())
        };
        let words = self.words();
        let mut text = format!("{}: {}", words.kind(action.kind), label(action.target));
        if let Some(urgency) = action.urgency {
            text.push_str(&format!(" ({})", words.urgency(urgency)));
        }
        if let Some(instead) = action.instead {
            text.push_str(&format!(
                ", {}",
                crate::model::words::fill(words.instead_of, &[label(instead)])
            ));
        }
        text
    }

    /// The canonical flowchart box of a diagram reference, or `None` when
    /// every patient there violates an assumption. Answers no patient can
    /// give are left out, a question whose remaining answers all lead to the
    /// same box is skipped (such as "Patroon" for a patient without deficit,
    /// whose `asked when` makes the other answers impossible), leaves are
    /// reduced to the lines shown (only those about `target`, when given),
    /// and equal boxes are stored once.
    fn canonical(
        &self,
        reference: DiagramRef,
        target: Option<u32>,
        canon: &mut Canon,
    ) -> Option<usize> {
        if let Some(done) = canon.memo.get(&reference) {
            return *done;
        }
        let result = match reference {
            DiagramRef::Leaf(leaf) => {
                if self.diagram.leaf_violates(leaf).is_some() {
                    None
                } else {
                    let mut lines: Vec<String> = self
                        .diagram
                        .leaf(leaf)
                        .iter()
                        .filter(|a| target.is_none_or(|t| a.target == t))
                        .map(|a| self.action_label(a))
                        .collect();
                    // Two rules giving the same advice show it once.
                    let mut seen = std::collections::BTreeSet::new();
                    lines.retain(|line| seen.insert(line.clone()));
                    if lines.is_empty() {
                        lines.push(self.words().nothing.to_owned());
                    }
                    Some(canon.intern(CanonBox::Answer(lines)))
                }
            }
            DiagramRef::Node(node) => {
                let var = self.diagram.node_var(node).unwrap_or(0);
                // Children have smaller indices, so this recursion is bounded
                // by the diagram's depth (at most the number of variables).
                let mut edges: Vec<(Class, Class, usize)> = Vec::new();
                for (first, last, child) in self.diagram.node_edges(node) {
                    if let Some(id) = self.canonical(child, target, canon) {
                        edges.push((first, last, id));
                    }
                }
                match edges.first() {
                    None => None,
                    Some(&(_, _, only)) if edges.iter().all(|e| e.2 == only) => Some(only),
                    Some(_) => Some(canon.intern(CanonBox::Question { var, edges })),
                }
            }
        };
        canon.memo.insert(reference, result);
        result
    }

    /// The diagram as a flowchart (see [`Compiled::canonical`]), boxes
    /// numbered depth first from the start, answers in class order, and the
    /// answers of one question that lead to the same box merged into one
    /// arrow. With `target`, the flowchart for that catalogue entry only.
    fn flowchart(&self, target: Option<u32>) -> Flowchart {
        let mut canon = Canon::default();
        let mut chart = Flowchart::default();
        let Some(start) = self.canonical(self.diagram.root(), target, &mut canon) else {
            chart.boxes.push(FlowBox {
                question: false,
                lines: vec![self.words().impossible.to_owned()],
            });
            return chart;
        };
        let mut number: BTreeMap<usize, usize> = BTreeMap::new();
        let mut order: Vec<usize> = Vec::new();
        let mut stack = vec![start];
        while let Some(id) = stack.pop() {
            if number.contains_key(&id) {
                continue;
            }
            number.insert(id, order.len());
            order.push(id);
            if let Some(CanonBox::Question { edges, .. }) = canon.boxes.get(id) {
                stack.extend(edges.iter().rev().map(|e| e.2));
            }
        }
        for &id in &order {
            match canon.boxes.get(id) {
                Some(CanonBox::Answer(lines)) => chart.boxes.push(FlowBox {
                    question: false,
                    lines: lines.clone(),
                }),
                Some(CanonBox::Question { var, edges }) => {
                    chart.boxes.push(FlowBox {
                        question: true,
                        lines: vec![self.var_label(*var)],
                    });
                    let from = number.get(&id).copied().unwrap_or(0);
                    let mut merged: Vec<(usize, Vec<String>)> = Vec::new();
                    for &(first, last, child) in edges {
                        let label = self.classes_label(*var, first, last);
                        match merged.iter_mut().find(|(c, _)| *c == child) {
                            Some((_, labels)) => labels.push(label),
                            None => merged.push((child, vec![label])),
                        }
                    }
                    for (child, labels) in merged {
                        if let Some(&to) = number.get(&child) {
                            chart.arrows.push(Arrow {
                                from,
                                to,
                                label: labels.join(", "),
                            });
                        }
                    }
                }
                None => {}
            }
        }
        chart
    }
}

/// A box of the canonical flowchart.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum CanonBox {
    Question {
        var: Var,
        /// Class ranges and the box each leads to.
        edges: Vec<(Class, Class, usize)>,
    },
    Answer(Vec<String>),
}

/// Hash-consed canonical boxes; see [`Compiled::canonical`].
#[derive(Default)]
struct Canon {
    boxes: Vec<CanonBox>,
    ids: std::collections::HashMap<CanonBox, usize>,
    memo: BTreeMap<DiagramRef, Option<usize>>,
}

impl Canon {
    fn intern(&mut self, flow_box: CanonBox) -> usize {
        if let Some(&id) = self.ids.get(&flow_box) {
            return id;
        }
        let id = self.boxes.len();
        self.boxes.push(flow_box.clone());
        self.ids.insert(flow_box, id);
        id
    }
}

#[derive(Default)]
struct Flowchart {
    /// Box 0 is the start.
    boxes: Vec<FlowBox>,
    arrows: Vec<Arrow>,
}

struct FlowBox {
    question: bool,
    lines: Vec<String>,
}

struct Arrow {
    from: usize,
    to: usize,
    label: String,
}
