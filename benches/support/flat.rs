//! A PROTOTYPE, not the shipped evaluator: the compiled diagram re-laid
//! out for evaluation speed, to measure a proposal for `logic::diagram`
//! (see docs/performance.md, "Evaluation").
//!
//! It is built from the diagram's documented JSON form, so it needs no
//! access to the diagram's internals, and it must give the same leaf as
//! `DecisionDiagram::eval_complete` for every record (the benchmark checks
//! that before it measures). Two changes against the shipped layout:
//! 1. every inner node has a dense child table with one entry per class of
//!    its variable, so a step is two dependent loads (node, child) with no
//!    search over runs and no data-dependent loop;
//! 2. [`Flat::eval_lanes`] walks `LANES` records in lockstep, so that the
//!    loads of different records overlap instead of waiting on each other.

#![allow(dead_code)]

use leidraad::logic::diagram::DecisionDiagram;
use leidraad::logic::problem::Class;
use serde_json::Value as Json;

const LEAF: u32 = 1 << 31;

/// How many records [`Flat::eval_lanes`] walks at once.
pub const LANES: usize = 8;

pub struct Flat {
    root: u32,
    /// Per inner node: its variable and the start of its child table.
    nodes: Vec<(u32, u32)>,
    /// Child references: a node index, or `LEAF` plus a leaf index.
    children: Vec<u32>,
}

fn reference(value: &Json) -> u32 {
    if let Some(node) = value.get("node") {
        node.as_u64().unwrap() as u32
    } else {
        value["leaf"].as_u64().unwrap() as u32 | LEAF
    }
}

impl Flat {
    pub fn new(diagram: &DecisionDiagram) -> Flat {
        let file = serde_json::to_value(diagram).unwrap();
        let sizes: Vec<u32> = file["var_sizes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_u64().unwrap() as u32)
            .collect();
        let mut nodes = Vec::new();
        let mut children = Vec::new();
        for node in file["nodes"].as_array().unwrap() {
            let var = node["var"].as_u64().unwrap() as u32;
            let base = children.len() as u32;
            let edges = node["edges"].as_array().unwrap();
            for class in 0..sizes[var as usize] {
                let edge = edges
                    .iter()
                    .rev()
                    .find(|e| e["from"].as_u64().unwrap() as u32 <= class)
                    .unwrap();
                children.push(reference(&edge["to"]));
            }
            nodes.push((var, base));
        }
        Flat {
            root: reference(&file["root"]),
            nodes,
            children,
        }
    }

    /// The leaf index for one complete record.
    #[inline]
    pub fn eval(&self, record: &[Class]) -> u32 {
        let mut current = self.root;
        while current & LEAF == 0 {
            let (var, base) = self.nodes[current as usize];
            current = self.children[(base + record[var as usize]) as usize];
        }
        current & !LEAF
    }

    /// Leaf indices of `LANES` records at once (`records` holds exactly
    /// `LANES` records of `width` classes each).
    #[inline]
    pub fn eval_lanes(&self, records: &[Class], width: usize, out: &mut [u32; LANES]) {
        let mut current = [self.root; LANES];
        loop {
            let mut moved = false;
            for (lane, cur) in current.iter_mut().enumerate() {
                if *cur & LEAF == 0 {
                    let (var, base) = self.nodes[*cur as usize];
                    let class = records[lane * width + var as usize];
                    *cur = self.children[(base + class) as usize];
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
        for (slot, cur) in out.iter_mut().zip(current) {
            *slot = cur & !LEAF;
        }
    }
}
