//! The decision diagram as JSON, in the schema `docs/diagram.schema.json`.
//!
//! The document names everything (inputs, values, catalogue entries, rules)
//! so that another program can evaluate a patient without knowing Leidraad:
//! in every diagram of `diagrams` (one per independent group of rules), walk
//! from `root`: at a node, find the edge whose class range holds the
//! patient's class for the node's variable; at a leaf, read the actions. The
//! patient's advice is the leaves' actions, diagram after diagram.

use super::Compiled;
use crate::logic::diagram::{DiagramRef, GroupedDiagram, LeafId};

use crate::logic::problem::{RuleId, Urgency, Var};
use crate::model::Type;
use crate::model::codes::codings_json;
use crate::syntax::vocabulary::{kind_word, urgency_word};
use serde_json::{Map, Value as Json, json};

/// Bumped whenever the document's shape changes incompatibly.
/// Version 2: one diagram per independent group of rules (`diagrams`), and
/// leaves that hold the advice without the rule that gave it.
pub const DIAGRAM_SCHEMA_VERSION: u32 = 2;

fn reference(r: DiagramRef) -> Json {
    match r {
        DiagramRef::Node(node) => json!({ "node": node }),
        DiagramRef::Leaf(leaf) => json!({ "leaf": leaf.index() }),
    }
}

/// The document for a guideline compiled to `grouped`; `compiled` gives the
/// names and labels (its diagram is not read).
pub fn json(compiled: &Compiled<'_>, grouped: &GroupedDiagram) -> String {
    let guideline = compiled.guideline;
    let lowering = compiled.lowering;
    let mut header = Map::new();
    if let Some(h) = &guideline.header {
        header.insert("id".to_owned(), json!(h.id));
        header.insert("label".to_owned(), json!(h.label));
        if let Some(version) = &h.version {
            header.insert("version".to_owned(), json!(version));
        }
        if let Some(language) = &h.language {
            header.insert("language".to_owned(), json!(language));
        }
    }
    let variables: Vec<Json> = (0..lowering.var_origin.len())
        .map(|index| {
            let var: Var = crate::logic::problem::index_u32(index);
            let (input, member) = compiled.var_names(var);
            let size = lowering.problem.var_sizes.get(index).copied().unwrap_or(0);
            let origin = lowering.var_origin.get(index).copied();
            let declared = origin.and_then(|(input, _)| guideline.inputs.get(input));
            // The codes of a `one of` value, by class; of an `any of`
            // member, for its variable.
            let value_codes = |value: usize| {
                declared
                    .filter(|d| matches!(d.ty, Type::OneOf(_)))
                    .and_then(|d| d.value_codes.get(value))
                    .filter(|codes| !codes.is_empty())
            };
            let classes: Vec<Json> = (0..size)
                .map(|class| {
                    let mut item = Map::new();
                    item.insert("class".to_owned(), json!(class));
                    item.insert(
                        "label".to_owned(),
                        json!(compiled.classes_label(var, class, class)),
                    );
                    // The value's name, as a record gives it (the label
                    // may be the guideline's words for it).
                    if let Some(name) = declared
                        .filter(|d| matches!(d.ty, Type::OneOf(_)))
                        .and_then(|d| d.value_names().get(class as usize))
                    {
                        item.insert("value".to_owned(), json!(name));
                    }
                    if let Some(codes) = value_codes(class as usize) {
                        item.insert("codes".to_owned(), codings_json(codes));
                    }
                    Json::Object(item)
                })
                .collect();
            let mut item = Map::new();
            item.insert("index".to_owned(), json!(index));
            item.insert("input".to_owned(), json!(input));
            if let Some(member) = member {
                item.insert("member".to_owned(), json!(member));
            }
            if let Some(declared) = declared {
                if !declared.codes.is_empty() {
                    item.insert("codes".to_owned(), codings_json(&declared.codes));
                }
                let member_codes = origin
                    .and_then(|(_, member)| member)
                    .and_then(|m| declared.value_codes.get(m as usize))
                    .filter(|codes| !codes.is_empty());
                if let Some(codes) = member_codes {
                    item.insert("member_codes".to_owned(), codings_json(codes));
                }
                if let Type::Number {
                    unit: Some(unit), ..
                } = &declared.ty
                {
                    item.insert("ucum".to_owned(), json!(unit.ucum()));
                }
            }
            item.insert("label".to_owned(), json!(compiled.var_label(var)));
            item.insert("classes".to_owned(), Json::Array(classes));
            Json::Object(item)
        })
        .collect();
    let entries: Vec<Json> = guideline
        .entries
        .iter()
        .map(|e| {
            let mut item = json!({ "id": e.id, "label": e.label, "kind": e.kind.as_str(), "groups": e.groups });
            if let (Some(map), false) = (item.as_object_mut(), e.codes.is_empty()) {
                map.insert("codes".to_owned(), codings_json(&e.codes));
            }
            item
        })
        .collect();
    let rules: Vec<Json> = guideline
        .rules
        .iter()
        .map(|r| json!({ "id": r.id, "label": r.label }))
        .collect();
    let diagrams: Vec<Json> = grouped
        .groups()
        .iter()
        .map(|group| {
            let compiled = Compiled {
                diagram: &group.diagram,
                ..*compiled
            };
            group_json(&compiled, &group.rules, &group.assumptions)
        })
        .collect();
    let document = json!({
        "schema": "leidraad-decision-diagram",
        "schema_version": DIAGRAM_SCHEMA_VERSION,
        "guideline": Json::Object(header),
        "variables": variables,
        "entries": entries,
        "rules": rules,
        "diagrams": diagrams,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// One group's diagram: its rules, order, root, nodes and leaves (a leaf
/// that violates an assumption names it among all the guideline's). Leaves
/// hold the advice only (kind, target, urgency, `instead`): which rule gave
/// it is the explanation's business, not the diagram's.
fn group_json(compiled: &Compiled<'_>, rules: &[RuleId], assumptions: &[usize]) -> Json {
    let guideline = compiled.guideline;
    let diagram = compiled.diagram;
    let nodes: Vec<Json> = (0..diagram.node_count())
        .map(|node| {
            let var = diagram.node_var(node).unwrap_or(0);
            let edges: Vec<Json> = diagram
                .node_edges(node)
                .into_iter()
                .map(|(first, last, to)| {
                    json!({
                        "classes": [first, last],
                        "label": compiled.classes_label(var, first, last),
                        "to": reference(to),
                    })
                })
                .collect();
            json!({ "id": node, "variable": var, "edges": edges })
        })
        .collect();
    let leaves: Vec<Json> = (0..diagram.leaf_count())
        .map(|index| {
            let leaf = LeafId::new(index);
            if let Some(assumption) = diagram.leaf_violates(leaf) {
                // The index among the whole guideline's assumptions.
                let assumption = assumptions.get(assumption).copied().unwrap_or(assumption);
                return json!({ "id": index, "violates_assumption": assumption });
            }
            let actions: Vec<Json> = diagram
                .leaf(leaf)
                .iter()
                .map(|action| {
                    let entry = |t: u32| guideline.entries.get(t as usize).map(|e| e.id.clone());
                    let mut item = Map::new();
                    item.insert("kind".to_owned(), json!(kind_word(action.kind)));
                    item.insert("target".to_owned(), json!(entry(action.target)));
                    if let Some(urgency) = action.urgency {
                        item.insert("urgency".to_owned(), json!(urgency_word(urgency)));
                        if let Urgency::Within { seconds } = urgency {
                            item.insert("deadline_seconds".to_owned(), json!(seconds));
                        }
                    }
                    if let Some(instead) = action.instead {
                        item.insert("instead".to_owned(), json!(entry(instead)));
                    }
                    Json::Object(item)
                })
                .collect();
            json!({ "id": index, "actions": actions })
        })
        .collect();
    let rules: Vec<Json> = rules
        .iter()
        .filter_map(|&rule| guideline.rules.get(rule).map(|r| json!(r.id)))
        .collect();
    json!({
        "rules": rules,
        "order": diagram.order(),
        "root": reference(diagram.root()),
        "nodes": nodes,
        "leaves": leaves,
    })
}
