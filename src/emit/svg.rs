//! The flowchart as inline SVG for the review site (`leidraad doc`): the
//! boxes and arrows of the shared flowchart model, laid out by the layered
//! layout of the `layout-rs` crate, and written here rather than by that
//! crate's own SVG writer, so that every label is escaped in one place
//! ([`xml_text`]) and the chart carries a title for screen readers.

use super::Compiled;
use crate::diagnostics::escape::controls;
use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::{Point, Position};
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use std::fmt::Write as _;

/// A flowchart drawn as SVG.
#[derive(Clone, Debug, PartialEq)]
pub struct Svg {
    /// The `<svg>` element, ready to be put inline in an HTML page.
    pub markup: String,
    /// How many boxes it shows (questions and answers).
    pub boxes: usize,
    /// How many of them are questions.
    pub questions: usize,
}

/// Text made safe for XML and HTML, in element content and in quoted
/// attributes alike: control characters are written `\u{1b}` first (see
/// [`crate::diagnostics::escape`]; XML does not allow most of them), then
/// `&`, `<`, `>`, `"` and `'` become character references. A label is text,
/// never markup.
pub fn xml_text(text: &str) -> String {
    let text = controls(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The widest line of a box or an arrow's label, in characters; longer
/// labels are broken at spaces.
const WRAP: usize = 34;
/// The width of a character and the height of a line, in pixels, at the
/// page's chart font (13px sans-serif): what the layout reserves.
const CHAR_WIDTH: f64 = 7.4;
const LINE_HEIGHT: f64 = 17.0;
const PADDING: f64 = 14.0;

/// The room kept free around a box and around an arrow's label, in
/// pixels (`layout-rs` keeps 60 around every shape, which spreads a wide
/// decision tree over several screens).
const HALO: Point = Point { x: 20.0, y: 20.0 };
const LABEL_HALO: Point = Point { x: 10.0, y: 10.0 };

/// `element` with `halo` instead of the crate's default room around it.
fn with_halo(mut element: Element, halo: Point) -> Element {
    let size = element.pos.size(false);
    element.pos = Position::new(Point::zero(), size, Point::zero(), halo);
    element
}

/// `text` broken into lines of at most [`WRAP`] characters, at spaces
/// (a longer word stays whole).
fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WRAP {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// What the layout asked to be drawn, in its coordinates.
#[derive(Default)]
struct Canvas {
    /// Top-left corner, size, and the kind of box (`question`, `answer`,
    /// `label`: the label of an arrow).
    rects: Vec<(Point, Point, String)>,
    /// Centre, lines, and the kind of box they are in.
    texts: Vec<(Point, String, String)>,
    /// Bézier segments (each point with its control point), and whether
    /// the arrow ends in a head.
    arrows: Vec<(Vec<(Point, Point)>, bool)>,
    min: Option<Point>,
    max: Option<Point>,
}

impl Canvas {
    fn grow(&mut self, point: Point) {
        let (min, max) = match (self.min, self.max) {
            (Some(min), Some(max)) => (
                Point::new(min.x.min(point.x), min.y.min(point.y)),
                Point::new(max.x.max(point.x), max.y.max(point.y)),
            ),
            _ => (point, point),
        };
        self.min = Some(min);
        self.max = Some(max);
    }
}

impl RenderBackend for Canvas {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        self.grow(xy);
        self.grow(xy.add(size));
        self.rects.push((xy, size, properties.unwrap_or_default()));
    }

    fn draw_line(
        &mut self,
        _start: Point,
        _stop: Point,
        _look: &StyleAttr,
        _properties: Option<String>,
    ) {
    }

    fn draw_circle(
        &mut self,
        _xy: Point,
        _size: Point,
        _look: &StyleAttr,
        _properties: Option<String>,
    ) {
    }

    fn draw_text(&mut self, xy: Point, text: &str, _look: &StyleAttr) {
        // A box draws its text right after itself.
        let kind = self.rects.last().map_or_else(String::new, |r| r.2.clone());
        self.texts.push((xy, text.to_owned(), kind));
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        _properties: Option<String>,
        _text: &str,
    ) {
        for (point, control) in path {
            self.grow(*point);
            self.grow(*control);
        }
        self.arrows.push((path.to_vec(), head.1));
    }

    fn create_clip(&mut self, _xy: Point, _size: Point, _rounded_px: usize) -> ClipHandle {
        0
    }
}

/// A coordinate as SVG text: one decimal, so that the output is the same
/// on every machine that computes the same layout.
fn num(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        format!("{rounded}")
    }
}

/// A node to lay out: a box, or the label of an arrow.
struct Node {
    lines: Vec<String>,
    size: Point,
    /// `question`, `answer` or `label`.
    kind: &'static str,
}

/// Position of each node in a topological order (Kahn's), `usize::MAX` for a node on a cycle.
fn topological(count: usize, edges: &[(usize, usize, bool)]) -> Vec<usize> {
    let mut incoming = vec![0usize; count];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &(from, to, _) in edges {
        if let (Some(c), Some(o)) = (incoming.get_mut(to), out.get_mut(from)) {
            *c += 1;
            o.push(to);
        }
    }
    let mut ready: Vec<usize> = (0..count)
        .filter(|&n| incoming.get(n) == Some(&0))
        .rev()
        .collect();
    let mut position = vec![usize::MAX; count];
    let mut next = 0;
    while let Some(node) = ready.pop() {
        if let Some(p) = position.get_mut(node) {
            *p = next;
        }
        next += 1;
        for &to in out.get(node).map_or(&[][..], Vec::as_slice) {
            if let Some(c) = incoming.get_mut(to) {
                *c = c.saturating_sub(1);
                if *c == 0 {
                    ready.push(to);
                }
            }
        }
    }
    position
}

/// The layered layout of `layout-rs`.
fn engine_layout(nodes: &[Node], edges: &[(usize, usize, bool)]) -> Canvas {
    let mut graph = VisualGraph::new(Orientation::TopToBottom);
    let handles: Vec<_> = nodes
        .iter()
        .map(|node| {
            let element = Element::create_with_properties(
                ShapeKind::new_box(&node.lines.join("\n")),
                StyleAttr::simple(),
                Orientation::TopToBottom,
                node.size,
                node.kind,
            );
            let halo = if node.kind == "label" {
                LABEL_HALO
            } else {
                HALO
            };
            graph.add_node(with_halo(element, halo))
        })
        .collect();
    graph.dag.set_validate(false);
    for &(from, to, head) in edges {
        let (Some(&from), Some(&to)) = (handles.get(from), handles.get(to)) else {
            continue;
        };
        let end = if head {
            LineEndKind::Arrow
        } else {
            LineEndKind::None
        };
        let arrow = Arrow::new(
            LineEndKind::None,
            end,
            LineStyleKind::Normal,
            "",
            &StyleAttr::simple(),
            &None,
            &None,
        );
        graph.add_edge(arrow, from, to);
    }
    let mut canvas = Canvas::default();
    graph.do_it(false, false, false, &mut canvas);
    canvas
}

/// A plain layered layout, for a graph `layout-rs` cannot lay out: each
/// node on the row of its longest path from a start, the rows in node
/// order, centred, and straight arrows.
fn plain_layout(nodes: &[Node], edges: &[(usize, usize, bool)]) -> Canvas {
    let mut rank = vec![0usize; nodes.len()];
    let mut incoming = vec![0usize; nodes.len()];
    for &(_, to, _) in edges {
        if let Some(count) = incoming.get_mut(to) {
            *count += 1;
        }
    }
    let mut ready: Vec<usize> = (0..nodes.len())
        .filter(|&n| incoming.get(n) == Some(&0))
        .rev()
        .collect();
    while let Some(node) = ready.pop() {
        let here = rank.get(node).copied().unwrap_or(0);
        for &(_, to, _) in edges.iter().filter(|e| e.0 == node) {
            if let Some(r) = rank.get_mut(to) {
                *r = (*r).max(here + 1);
            }
            if let Some(count) = incoming.get_mut(to) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    ready.push(to);
                }
            }
        }
    }
    let rows = rank.iter().copied().max().map_or(0, |r| r + 1);
    let mut row_nodes: Vec<Vec<usize>> = vec![Vec::new(); rows];
    for (node, &r) in rank.iter().enumerate() {
        if let Some(row) = row_nodes.get_mut(r) {
            row.push(node);
        }
    }
    let gap = Point::new(24.0, 28.0);
    let width_of = |row: &Vec<usize>| -> f64 {
        row.iter()
            .filter_map(|&n| nodes.get(n))
            .map(|n| n.size.x + gap.x)
            .sum::<f64>()
    };
    let widest = row_nodes.iter().map(width_of).fold(0.0, f64::max);
    let mut top_left = vec![Point::zero(); nodes.len()];
    let mut y = 0.0;
    for row in &row_nodes {
        let mut x = (widest - width_of(row)) / 2.0;
        let mut height: f64 = 0.0;
        for &n in row {
            if let (Some(node), Some(place)) = (nodes.get(n), top_left.get_mut(n)) {
                *place = Point::new(x, y);
                x += node.size.x + gap.x;
                height = height.max(node.size.y);
            }
        }
        y += height + gap.y;
    }
    let mut canvas = Canvas::default();
    for &(from, to, head) in edges {
        let (Some(a), Some(b), Some(na), Some(nb)) = (
            top_left.get(from),
            top_left.get(to),
            nodes.get(from),
            nodes.get(to),
        ) else {
            continue;
        };
        let start = Point::new(a.x + na.size.x / 2.0, a.y + na.size.y);
        let end = Point::new(b.x + nb.size.x / 2.0, b.y);
        canvas.draw_arrow(
            &[(start, start), (end, end)],
            false,
            (false, head),
            &StyleAttr::simple(),
            None,
            "",
        );
    }
    for (node, place) in nodes.iter().zip(&top_left) {
        canvas.draw_rect(
            *place,
            node.size,
            &StyleAttr::simple(),
            Some(node.kind.to_owned()),
            None,
        );
        canvas.draw_text(
            place.add(node.size.scale(0.5)),
            &node.lines.join("\n"),
            &StyleAttr::simple(),
        );
    }
    canvas
}

/// The most nodes (boxes and arrow labels) a chart may have for
/// `layout-rs`: its edge-crossing pass counts crossings pair by pair, 50
/// times over, which is cubic in the width of a row (the whole chart of a
/// generated guideline of 24 rules took 42 s natively, a wait no page may
/// make). A larger chart gets the plain layered layout; every chart of one
/// catalogue entry of the bundled guidelines is far below it.
pub const MAX_ENGINE_NODES: usize = 300;

/// Which layout a chart gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// The layered layout of `layout-rs`.
    Engine,
    /// A plain layered layout (each node on the row of its longest path
    /// from a start, straight arrows): the chart is too large for the
    /// engine, or not a graph the engine is known to lay out without a
    /// panic.
    Plain,
}

/// The layout for these nodes and edges, decided before `layout-rs` is
/// called, never by catching a panic (the wasm build aborts on one, and the
/// library does not catch them). `layout-rs` 0.1.3 asserts its invariants
/// with panics; read against its source, none of them can fire for a
/// graph that has
///
/// - at least one node (`DAG::recompute_node_ranks` asserts it, and
///   `num_levels() - 1` would underflow), each a box of finite positive
///   size (the box-separation checks of `placer::verifier` and the
///   arrow-end `normalize_scale_vector` need two boxes of one arrow not to
///   share a centre, which rows of positive height ensure);
/// - edges between existing nodes (`add_edge` asserts), no edge from a node
///   to itself and no edge twice (`DAG::remove_edge` in `split_long_edges`
///   removes one copy and its rank invariant breaks), without text (no
///   labels moved between rows);
/// - no cycle (the ranks then follow the edges, so the "Invalid edge"
///   assertion of `split_long_edges` holds; the Brandes–Köpf alignment is
///   then crossing-free between adjacent rows, so `NodeAttachInfo::add`
///   never finds a node taken and the scheduler, whose blocks are then
///   acyclic, always finds a block to place: it loops forever otherwise).
///
/// The chart is then given to it with its edges in a topological order of their start
/// and turns the DAG's validation off: its cycle checks walk every path,
/// which is exponential in a diagram that shares its subcharts, and never
/// fail on such a graph. The test `tests/it/svg.rs` draws every chart of
/// the bundled guidelines and of generated ones through the engine.
pub fn layout_for(node_sizes: &[(f64, f64)], edges: &[(usize, usize, bool)]) -> Layout {
    let count = node_sizes.len();
    let fits = count > 0
        && count <= MAX_ENGINE_NODES
        && node_sizes
            .iter()
            .all(|&(w, h)| w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0);
    if !fits {
        return Layout::Plain;
    }
    let mut seen = std::collections::BTreeSet::new();
    let simple = edges
        .iter()
        .all(|&(from, to, _)| from < count && to < count && from != to && seen.insert((from, to)));
    let acyclic = topological(count, edges).iter().all(|&p| p != usize::MAX);
    if simple && acyclic {
        Layout::Engine
    } else {
        Layout::Plain
    }
}

/// The chart laid out as [`layout_for`] decides.
fn lay_out(nodes: &[Node], mut edges: Vec<(usize, usize, bool)>) -> Canvas {
    let sizes: Vec<(f64, f64)> = nodes.iter().map(|n| (n.size.x, n.size.y)).collect();
    match layout_for(&sizes, &edges) {
        Layout::Engine => {
            let order = topological(nodes.len(), &edges);
            edges.sort_by_key(|e| order.get(e.0).copied().unwrap_or(usize::MAX));
            engine_layout(nodes, &edges)
        }
        Layout::Plain => plain_layout(nodes, &edges),
    }
}

/// The layout the chart of `target` gets (see [`layout_for`]), for tests
/// and benchmarks.
pub fn chart_layout(compiled: &Compiled<'_>, target: Option<u32>) -> Layout {
    let (nodes, edges) = graph(compiled, target);
    let sizes: Vec<(f64, f64)> = nodes.iter().map(|n| (n.size.x, n.size.y)).collect();
    layout_for(&sizes, &edges)
}

/// The nodes and edges of the chart of `target`.
fn graph(compiled: &Compiled<'_>, target: Option<u32>) -> (Vec<Node>, Vec<(usize, usize, bool)>) {
    graph_of(&compiled.flowchart(target))
}

/// The nodes and edges to lay out for a flowchart.
fn graph_of(chart: &super::Flowchart) -> (Vec<Node>, Vec<(usize, usize, bool)>) {
    // The boxes, then one small node per arrow's label between its two
    // boxes, so that the layout gives the label room; the arrow into a
    // label has no head.
    let mut nodes: Vec<Node> = Vec::with_capacity(chart.boxes.len() + chart.arrows.len());
    for flow_box in &chart.boxes {
        let lines: Vec<String> = flow_box
            .lines
            .iter()
            .flat_map(|line| wrap(&controls(line)))
            .collect();
        let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
        nodes.push(Node {
            size: Point::new(
                width * CHAR_WIDTH + 2.0 * PADDING,
                lines.len() as f64 * LINE_HEIGHT + PADDING,
            ),
            lines,
            kind: if flow_box.question {
                "question"
            } else {
                "answer"
            },
        });
    }
    let mut edges: Vec<(usize, usize, bool)> = Vec::with_capacity(2 * chart.arrows.len());
    for arrow in &chart.arrows {
        if arrow.from >= chart.boxes.len() || arrow.to >= chart.boxes.len() {
            continue;
        }
        let lines = wrap(&controls(&arrow.label));
        let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
        let label = nodes.len();
        nodes.push(Node {
            size: Point::new(
                width * CHAR_WIDTH + PADDING,
                lines.len() as f64 * LINE_HEIGHT + 4.0,
            ),
            lines,
            kind: "label",
        });
        edges.push((arrow.from, label, false));
        edges.push((label, arrow.to, true));
    }
    (nodes, edges)
}

/// The flowchart of the diagram (see `Compiled::flowchart`), with `target`
/// only the advice about that catalogue entry, as an `<svg>` element. `id`
/// makes the ids inside it unique on a page; `title` is its accessible name
/// (`<title>` and `aria-labelledby`), and the description lists the
/// questions it asks, for readers who cannot see it.
pub fn svg(compiled: &Compiled<'_>, target: Option<u32>, id: &str, title: &str) -> Svg {
    let chart = compiled.flowchart(target);
    let (nodes, edges) = graph_of(&chart);
    let canvas = lay_out(&nodes, edges);

    let margin = 8.0;
    let min = canvas.min.unwrap_or(Point::zero());
    let max = canvas.max.unwrap_or(Point::zero());
    let (x0, y0) = (min.x - margin, min.y - margin);
    let (w, h) = (max.x - min.x + 2.0 * margin, max.y - min.y + 2.0 * margin);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let questions: Vec<&str> = chart
        .boxes
        .iter()
        .filter(|b| b.question)
        .filter_map(|b| b.lines.first().map(String::as_str))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let unique: Vec<&str> = questions
        .iter()
        .copied()
        .filter(|q| seen.insert(*q))
        .collect();
    // In the guideline's words, like the rest of the page.
    let words = &crate::model::words::of(compiled.guideline).doc;
    let boxes = chart.boxes.len().to_string();
    let desc = if unique.is_empty() {
        crate::model::words::fill(words.chart_no_question, &[&boxes])
    } else {
        crate::model::words::fill(
            words.chart_questions,
            &[&unique.len().to_string(), &boxes, &unique.join("; ")],
        )
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flowchart\" id=\"{id}\" viewBox=\"{} {} {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-labelledby=\"{title_id} {desc_id}\">",
        num(x0),
        num(y0),
        num(w),
        num(h),
        num(w),
        num(h)
    );
    let _ = writeln!(out, "<title id=\"{title_id}\">{}</title>", xml_text(title));
    let _ = writeln!(out, "<desc id=\"{desc_id}\">{}</desc>", xml_text(&desc));
    let _ = writeln!(
        out,
        "<defs><marker id=\"{id}-head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"head\"/></marker></defs>"
    );
    for (path, head) in &canvas.arrows {
        let mut d = String::new();
        // As `layout-rs` writes it: the first element is the start and its
        // control point, the second a control point and the end, each
        // further one a control point and an end (a smooth continuation).
        if let (Some(first), Some(second)) = (path.first(), path.get(1)) {
            let _ = write!(
                d,
                "M {} {} C {} {}, {} {}, {} {}",
                num(first.0.x),
                num(first.0.y),
                num(first.1.x),
                num(first.1.y),
                num(second.0.x),
                num(second.0.y),
                num(second.1.x),
                num(second.1.y)
            );
            for point in path.iter().skip(2) {
                let _ = write!(
                    d,
                    " S {} {}, {} {}",
                    num(point.0.x),
                    num(point.0.y),
                    num(point.1.x),
                    num(point.1.y)
                );
            }
        }
        let marker = if *head {
            format!(" marker-end=\"url(#{id}-head)\"")
        } else {
            String::new()
        };
        let _ = writeln!(out, "<path class=\"edge\" d=\"{d}\"{marker}/>");
    }
    for (xy, size, class) in &canvas.rects {
        let radius = match class.as_str() {
            "answer" => 10,
            "label" => 4,
            _ => 2,
        };
        let _ = writeln!(
            out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{radius}\"/>",
            num(xy.x),
            num(xy.y),
            num(size.x),
            num(size.y)
        );
    }
    for (xy, text, kind) in &canvas.texts {
        let lines: Vec<&str> = text.lines().collect();
        let count = lines.len().max(1) as f64;
        let top = xy.y - (count - 1.0) * LINE_HEIGHT / 2.0;
        let class = if kind == "label" { "label" } else { "text" };
        let _ = write!(out, "<text class=\"{class}\" text-anchor=\"middle\">");
        for (i, line) in lines.iter().enumerate() {
            let y = top + i as f64 * LINE_HEIGHT;
            let _ = write!(
                out,
                "<tspan x=\"{}\" y=\"{}\" dominant-baseline=\"central\">{}</tspan>",
                num(xy.x),
                num(y),
                xml_text(line)
            );
        }
        let _ = writeln!(out, "</text>");
    }
    out.push_str("</svg>\n");
    Svg {
        markup: out,
        boxes: chart.boxes.len(),
        questions: chart.boxes.iter().filter(|b| b.question).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::{wrap, xml_text};

    #[test]
    fn labels_are_text() {
        assert_eq!(
            xml_text("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert!(!xml_text("esc\u{1b}[2J").chars().any(char::is_control));
    }

    #[test]
    fn the_plain_layout_draws_every_node_and_arrow() {
        use super::{Node, Point, plain_layout};
        let node = |kind| Node {
            lines: vec!["a".to_owned()],
            size: Point::new(40.0, 20.0),
            kind,
        };
        let nodes = vec![
            node("question"),
            node("answer"),
            node("label"),
            node("answer"),
        ];
        let edges = vec![(0, 2, false), (2, 1, true), (0, 3, true)];
        let canvas = plain_layout(&nodes, &edges);
        assert_eq!(canvas.rects.len(), 4);
        assert_eq!(canvas.arrows.len(), 3);
        // Every arrow goes down, from a row to a later one.
        for (path, _) in &canvas.arrows {
            assert!(path[0].0.y < path[1].0.y, "{path:?}");
        }
    }

    #[test]
    fn long_labels_are_broken_at_spaces() {
        let lines = wrap("Uitstraling naar het been onder de knie met neurologische uitval");
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= super::WRAP));
        assert_eq!(wrap(""), vec![String::new()]);
    }
}
