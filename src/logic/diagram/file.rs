//! The serialized form of a diagram (serde), and reading it back with every
//! reference checked.

use super::*;

/// A child reference in the serialized form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum FileRef {
    Node(u32),
    Leaf(u32),
}

/// The classes from `from` up to the next edge's `from` go to `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileEdge {
    pub(super) from: Class,
    pub(super) to: FileRef,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileNode {
    pub(super) var: Var,
    pub(super) edges: Vec<FileEdge>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum FileLeaf {
    Actions(Vec<Content>),
    Impossible(u32),
}

/// The stable serialized form: nodes (children before parents), leaves, the
/// root, the variable order and the class counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DiagramFile {
    pub(super) schema_version: u32,
    pub(super) var_sizes: Vec<u32>,
    pub(super) order: Vec<Var>,
    pub(super) root: FileRef,
    pub(super) nodes: Vec<FileNode>,
    pub(super) leaves: Vec<FileLeaf>,
}

pub(super) fn file_ref(reference: u32) -> FileRef {
    if reference & LEAF_BIT == 0 {
        FileRef::Node(reference)
    } else {
        FileRef::Leaf(reference & !LEAF_BIT)
    }
}

impl From<DecisionDiagram> for DiagramFile {
    fn from(diagram: DecisionDiagram) -> Self {
        let nodes = diagram
            .nodes
            .iter()
            .map(|node| {
                let first = node.first as usize;
                let range = first..first + node.len as usize;
                let starts = diagram.run_start.get(range.clone()).unwrap_or(&[]);
                let children = diagram.run_child.get(range).unwrap_or(&[]);
                FileNode {
                    var: node.var,
                    edges: starts
                        .iter()
                        .zip(children)
                        .map(|(&from, &to)| FileEdge {
                            from,
                            to: file_ref(to),
                        })
                        .collect(),
                }
            })
            .collect();
        let leaves = (0..diagram.leaves.len())
            .map(|index| {
                let impossible = diagram
                    .leaves
                    .get(index)
                    .map_or(POSSIBLE, |rec| rec.impossible);
                if impossible == POSSIBLE {
                    let id = LeafId::new(index);
                    FileLeaf::Actions(diagram.leaf(id).to_vec())
                } else {
                    FileLeaf::Impossible(impossible)
                }
            })
            .collect();
        DiagramFile {
            schema_version: SCHEMA_VERSION,
            var_sizes: diagram.var_sizes,
            order: diagram.order,
            root: file_ref(diagram.root),
            nodes,
            leaves,
        }
    }
}

impl TryFrom<DiagramFile> for DecisionDiagram {
    type Error = String;

    /// Checks everything evaluation relies on: references in range, children
    /// before parents, variables tested in order, edges starting at class 0
    /// and increasing within the variable's classes.
    fn try_from(file: DiagramFile) -> Result<Self, String> {
        if file.schema_version != SCHEMA_VERSION {
            return Err(format!(
                "unsupported schema_version {} (expected {SCHEMA_VERSION})",
                file.schema_version
            ));
        }
        let var_count = file.var_sizes.len();
        let mut position = vec![usize::MAX; var_count];
        for (index, &var) in file.order.iter().enumerate() {
            match position.get_mut(var as usize) {
                Some(slot) if *slot == usize::MAX => *slot = index,
                _ => return Err(format!("order: variable {var} is unknown or repeated")),
            }
        }
        if file.order.len() != var_count {
            return Err("order: not every variable is listed".to_owned());
        }
        if file.nodes.len() >= (LEAF_BIT >> 1) as usize || file.leaves.len() >= LEAF_BIT as usize {
            return Err("too many nodes or leaves".to_owned());
        }
        let leaf_count = file.leaves.len();
        let pack = |r: FileRef, before: usize| -> Result<(u32, Option<u32>), String> {
            match r {
                FileRef::Node(index) if (index as usize) < before => Ok((index, Some(index))),
                FileRef::Leaf(index) if (index as usize) < leaf_count => {
                    Ok((LEAF_BIT | index, None))
                }
                other => Err(format!("reference {other:?} out of range")),
            }
        };
        let mut nodes = Vec::with_capacity(file.nodes.len());
        let mut run_start = Vec::new();
        let mut run_child = Vec::new();
        for (index, node) in file.nodes.iter().enumerate() {
            let size = file
                .var_sizes
                .get(node.var as usize)
                .copied()
                .ok_or_else(|| format!("node {index}: unknown variable {}", node.var))?;
            let own_position = position
                .get(node.var as usize)
                .copied()
                .ok_or_else(|| format!("node {index}: unknown variable {}", node.var))?;
            let first = u32::try_from(run_start.len()).map_err(|_| "too many edges".to_owned())?;
            let mut previous: Option<Class> = None;
            for edge in &node.edges {
                let ordered = match previous {
                    None => edge.from == 0,
                    Some(previous) => edge.from > previous,
                };
                if !ordered || edge.from >= size {
                    return Err(format!(
                        "node {index}: edges must start at 0 and increase within the classes"
                    ));
                }
                previous = Some(edge.from);
                let (packed, child) = pack(edge.to, index)?;
                if let Some(child) = child {
                    let child_var = file.nodes.get(child as usize).map_or(0, |n| n.var);
                    let child_position = position.get(child_var as usize).copied().unwrap_or(0);
                    if child_position <= own_position {
                        return Err(format!(
                            "node {index}: child {child} does not follow the order"
                        ));
                    }
                }
                run_start.push(edge.from);
                run_child.push(packed);
            }
            if node.edges.is_empty() {
                return Err(format!("node {index}: no edges"));
            }
            nodes.push(NodeRec {
                var: node.var,
                size,
                first,
                len: u32::try_from(node.edges.len()).map_err(|_| "too many edges".to_owned())?,
            });
        }
        let (root, _) = pack(file.root, file.nodes.len())?;
        let mut leaves = Vec::with_capacity(leaf_count);
        let mut leaf_actions = Vec::new();
        for leaf in file.leaves {
            let first =
                u32::try_from(leaf_actions.len()).map_err(|_| "too many actions".to_owned())?;
            leaves.push(match leaf {
                FileLeaf::Actions(actions) => {
                    let len =
                        u32::try_from(actions.len()).map_err(|_| "too many actions".to_owned())?;
                    leaf_actions.extend(actions);
                    LeafRec {
                        first,
                        len,
                        impossible: POSSIBLE,
                    }
                }
                FileLeaf::Impossible(index) if index != POSSIBLE => LeafRec {
                    first,
                    len: 0,
                    impossible: index,
                },
                FileLeaf::Impossible(_) => return Err("assumption index out of range".to_owned()),
            });
        }
        Ok(DecisionDiagram {
            var_sizes: file.var_sizes,
            order: file.order,
            root,
            nodes,
            run_start,
            run_child,
            dense: Vec::new(),
            steps: Vec::new(),
            all_dense: false,
            leaves,
            leaf_actions,
        }
        .with_dense_children())
    }
}
