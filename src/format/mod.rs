//! `leidraad fmt`: one layout for a rule file, changing white space only.
//!
//! The formatter reads the syntax tree's statement spans and the trivia side
//! table ([`crate::syntax::ast::Trivia`]: every comment, by position) and
//! rewrites the file line by line:
//!
//! - a statement's first line starts at the left margin;
//! - `overrides`, `when` and `then` of a rule (`when`/`then` of a `require`,
//!   `given`/`expect` of a `case`) each start a line two spaces in;
//! - one action per line, under the first; an `alternative` two deeper;
//! - any other continuation line keeps its indentation relative to the
//!   line that leads it (it moves as far as its clause moved);
//! - runs of inputs and of catalogue entries are aligned in columns
//!   (inputs by their `:` and labels, entries by their labels);
//! - one space between tokens, none after `(` and `[` or before `)`, `]`
//!   and `,`; the space before a trailing comment is kept;
//! - a line wider than [`WIDTH`] characters (without a trailing comment)
//!   is broken before `or`/`and` outside labels, at the outermost bracket
//!   depth the line has, the operator leading the next line, two spaces
//!   deeper;
//! - no white space at the end of a line (comments included);
//! - a group of blank lines becomes one blank line; none at the start or the
//!   end of the file, and the file ends with one line end (LF).
//!
//! Labels (`"..."`) and comments are never touched inside.
//!
//! A file with syntax errors is refused: [`FormatError::Syntax`] carries the
//! parser's diagnostics. Before returning, the formatter parses its result
//! again and compares the token sequences, comments included: if anything but
//! white space would change, it refuses with [`FormatError::Unsafe`] and the
//! file stays as it is.

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span, lines_inclusive};
use crate::syntax::{ast::SyntaxFile, parse};

/// Why a file was not formatted.
#[derive(Clone, Debug)]
pub enum FormatError {
    /// The file does not parse: its errors, as `check` reports them.
    Syntax(Vec<Diagnostic>),
    /// The layout would have changed more than white space (a bug in the
    /// formatter; the file is left as it is). Says what differed.
    Unsafe(String),
}

/// Formats one file's text. Returns the formatted text (equal to `text`
/// when it is already formatted), or why it was left as it is.
pub fn format(file: FileId, text: &str) -> Result<String, FormatError> {
    let (tree, diagnostics) = parse(file, text);
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() || !tree.broken.is_empty() {
        return Err(FormatError::Syntax(errors));
    }
    let formatted = layout(text, &tree);
    let (again, diagnostics) = parse(file, &formatted);
    if diagnostics.iter().any(Diagnostic::is_error) || !again.broken.is_empty() {
        return Err(FormatError::Unsafe(
            "the formatted text does not parse".to_owned(),
        ));
    }
    let before = tokens(text, &tree.trivia.comments);
    let after = tokens(&formatted, &again.trivia.comments);
    if before != after {
        let at = before
            .iter()
            .zip(&after)
            .position(|(a, b)| a != b)
            .unwrap_or(before.len().min(after.len()));
        return Err(FormatError::Unsafe(format!(
            "token {} would change from {:?} to {:?}",
            at + 1,
            before.get(at).copied().unwrap_or("(end)"),
            after.get(at).copied().unwrap_or("(end)"),
        )));
    }
    if again.items.len() != tree.items.len() {
        return Err(FormatError::Unsafe(
            "the number of statements would change".to_owned(),
        ));
    }
    Ok(formatted)
}

/// The rewritten text (see the module's documentation).
fn layout(text: &str, tree: &SyntaxFile) -> String {
    let comments: Vec<(usize, usize)> = tree
        .trivia
        .comments
        .iter()
        .map(|c| (c.start as usize, c.end as usize))
        .collect();
    let statements: Vec<Statement> = tree
        .items
        .iter()
        .map(|item| {
            let span = item.span();
            let mut statement =
                Statement::new(text, span.start as usize, span.end as usize, &comments);
            if let crate::syntax::ast::Item::Input(input) = item {
                // The value labels on the first line come before the
                // input's own label there.
                let first_line_end = text
                    .get(span.start as usize..)
                    .and_then(|rest| rest.find(['\n', '\r']))
                    .map_or(span.end as usize, |at| span.start as usize + at);
                statement.value_labels = input
                    .value_labels
                    .iter()
                    .filter(|(_, label)| (label.span.start as usize) < first_line_end)
                    .count();
            }
            statement
        })
        .collect();
    let mut lines: Vec<Line> = Vec::new();
    let mut blank_pending = false;
    let mut offset = 0;
    // The statement the current line belongs to, and the shift of the
    // indentation of its continuation lines (the last head's new column
    // minus its old one).
    let mut current: Option<usize> = None;
    let mut shift: i64 = 0;
    for raw in lines_inclusive(text) {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let line_end = line_start + line.len();
        let indent_len = line.len() - line.trim_start_matches(is_space).len();
        if indent_len == line.len() {
            blank_pending = !lines.is_empty();
            continue;
        }
        if blank_pending {
            lines.push(Line::blank());
            blank_pending = false;
        }
        let body_start = line_start + indent_len;
        let is_comment = comments.iter().any(|(start, _)| *start == body_start);
        let at = statements
            .iter()
            .position(|s| (s.start..=s.end).contains(&body_start));
        let Some(index) = at else {
            // An own-line comment between statements: kept where it is.
            let mut written = line.get(..indent_len).unwrap_or("").to_owned();
            respace(text, body_start, line_end, &comments, &mut written);
            lines.push(Line::other(written));
            current = None;
            continue;
        };
        let Some(statement) = statements.get(index) else {
            continue;
        };
        if current != Some(index) {
            current = Some(index);
            shift = -(columns(line.get(..indent_len).unwrap_or("")) as i64);
        }
        if is_comment {
            // An own-line comment inside a statement: kept where it is.
            let mut written = line.get(..indent_len).unwrap_or("").to_owned();
            respace(text, body_start, line_end, &comments, &mut written);
            lines.push(Line::other(written));
            continue;
        }
        // The line, cut before every clause keyword and action that does not
        // start it.
        let mut cuts: Vec<usize> = vec![body_start];
        cuts.extend(
            statement
                .breaks
                .iter()
                .map(|b| b.0)
                .filter(|&b| b > body_start && b < line_end),
        );
        cuts.push(line_end);
        for pair in cuts.windows(2) {
            let [from, to] = *pair else { continue };
            let column = columns(text.get(line_start..from).unwrap_or("")) as i64;
            let role = statement.role_at(from);
            let indent = match role {
                Role::Head => 0,
                Role::Fixed(indent) => indent,
                Role::Continuation => (column + shift).max(2) as usize,
            };
            if !matches!(role, Role::Continuation) {
                shift = indent as i64 - column;
            }
            let mut written = " ".repeat(indent);
            respace(text, from, to, &comments, &mut written);
            let written = written.trim_end_matches(is_space).to_owned();
            let commented = comments.iter().any(|(start, _)| (from..to).contains(start));
            // A long line is broken before the alignment, which never makes
            // a line wider than the width: so a second run finds the same
            // lines.
            let mut broken = String::new();
            if commented {
                broken = written;
            } else {
                break_long(&written, &mut broken);
            }
            for piece in broken.lines() {
                lines.push(Line {
                    text: piece.to_owned(),
                    statement: Some(index),
                    blank: false,
                });
            }
        }
    }
    align_runs(&mut lines, &statements);
    let mut out = String::with_capacity(text.len() + 1);
    for line in &lines {
        out.push_str(&line.text);
        out.push('\n');
    }
    out
}

/// One line of the output, before long lines are broken.
struct Line {
    text: String,
    /// The statement it belongs to (none for a comment between statements
    /// and for a blank line).
    statement: Option<usize>,
    blank: bool,
}

impl Line {
    fn blank() -> Self {
        Self {
            text: String::new(),
            statement: None,
            blank: true,
        }
    }

    fn other(text: String) -> Self {
        Self {
            text,
            statement: None,
            blank: false,
        }
    }
}

/// Where a piece of a statement's line goes.
#[derive(Clone, Copy)]
enum Role {
    /// The statement's first line: the left margin.
    Head,
    /// A clause (`when`, `then`, `overrides`, `given`, `expect`), an action
    /// after the first or an `alternative`: this column.
    Fixed(usize),
    /// Any other line: its indentation moved as far as the line that
    /// leads it (the head or the last clause) moved.
    Continuation,
}

/// The indentation of a clause keyword (`when`, `then`, ...).
const CLAUSE_INDENT: usize = 2;
/// The column of an action: under the first one, after `then `.
const ACTION_INDENT: usize = CLAUSE_INDENT + "then ".len();
/// The column of an `alternative`: two deeper than its action.
const ALTERNATIVE_INDENT: usize = ACTION_INDENT + 2;

/// What the layout needs to know of one statement.
struct Statement {
    start: usize,
    end: usize,
    /// Its first word: `input`, `rule`, ...
    keyword: String,
    /// Where a line must start, and with what indentation: before each
    /// clause keyword, each action after the first and each
    /// `alternative`.
    breaks: Vec<(usize, usize)>,
    /// Offsets where a line that starts there gets a fixed column even if
    /// the formatter need not cut there (`alternative`).
    fixed: Vec<(usize, usize)>,
    /// For an input: the column of its `:` on its first line, counted from
    /// the statement's start.
    colon: Option<usize>,
    /// For an input: how many value labels (`acute "acuut"`) its first
    /// line holds before the input's own label.
    value_labels: usize,
}

impl Statement {
    fn new(text: &str, start: usize, end: usize, comments: &[(usize, usize)]) -> Self {
        let words = words(text, start, end, comments);
        let keyword = words.first().map_or("", |w| w.1).to_owned();
        let mut breaks = Vec::new();
        let mut fixed = Vec::new();
        let then = words.iter().position(|w| w.1 == "then");
        match keyword.as_str() {
            "rule" => {
                let before_then = then.unwrap_or(words.len());
                for (i, &(at, word)) in words.iter().enumerate() {
                    let clause = i < before_then && matches!(word, "when" | "overrides");
                    if clause || Some(i) == then {
                        breaks.push((at, CLAUSE_INDENT));
                    } else if then.is_some_and(|t| i > t)
                        && matches!(word, "order" | "refer" | "avoid")
                    {
                        // The first action follows `then` on its line; a
                        // line that starts with it still gets its column.
                        if then.is_some_and(|t| i == t + 1) {
                            fixed.push((at, ACTION_INDENT));
                        } else {
                            breaks.push((at, ACTION_INDENT));
                        }
                    } else if word == "alternative" {
                        fixed.push((at, ALTERNATIVE_INDENT));
                    }
                }
            }
            "require" => {
                for (i, &(at, word)) in words.iter().enumerate() {
                    let before_then = then.is_none_or(|t| i < t);
                    if (before_then && word == "when") || Some(i) == then {
                        breaks.push((at, CLAUSE_INDENT));
                    }
                }
            }
            "case" => {
                for &(at, word) in &words {
                    if matches!(word, "given" | "expect") {
                        breaks.push((at, CLAUSE_INDENT));
                    }
                }
            }
            _ => {}
        }
        let colon = (keyword == "input")
            .then(|| {
                let first = text.get(start..end)?.lines().next()?;
                let at = first.find(':')?;
                Some(columns(first.get(..at)?))
            })
            .flatten();
        Self {
            start,
            end,
            keyword,
            breaks,
            fixed,
            colon,
            value_labels: 0,
        }
    }

    /// The role of the piece of a line that starts at `at`.
    fn role_at(&self, at: usize) -> Role {
        if at == self.start {
            return Role::Head;
        }
        self.breaks
            .iter()
            .chain(&self.fixed)
            .find(|b| b.0 == at)
            .map_or(Role::Continuation, |b| Role::Fixed(b.1))
    }

    /// The group of declarations whose runs are aligned.
    fn group(&self) -> Option<Group> {
        match self.keyword.as_str() {
            "input" => Some(Group::Input),
            "exam" | "measure" | "specialist" => Some(Group::Entry),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Input,
    Entry,
}

/// The words of `text[start..end]` (runs of letters, digits and `_`)
/// outside labels and comments, with their offsets.
fn words<'a>(
    text: &'a str,
    start: usize,
    end: usize,
    comments: &[(usize, usize)],
) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let Some(body) = text.get(start..end) else {
        return out;
    };
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = start + i;
        if let Some(&(_, comment_end)) = comments.iter().find(|(s, _)| *s == at) {
            while chars.next_if(|(j, _)| start + *j < comment_end).is_some() {}
            continue;
        }
        if c == '"' {
            while let Some((_, d)) = chars.next() {
                if d == '\\' {
                    chars.next();
                } else if d == '"' || d == '\n' || d == '\r' {
                    break;
                }
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let mut word_end = i + c.len_utf8();
            while let Some((j, d)) = chars.next_if(|(_, d)| d.is_alphanumeric() || *d == '_') {
                word_end = j + d.len_utf8();
            }
            out.push((at, body.get(i..word_end).unwrap_or("")));
        }
    }
    out
}

/// The width of a line's start in columns (characters).
fn columns(text: &str) -> usize {
    text.chars().count()
}

/// Aligns the columns of each run of input declarations, and of each run of
/// catalogue entries: statements of one kind with nothing but own-line
/// comments between them (a blank line or another statement ends a run).
/// Inputs line up their `:` and, when the label is on the first line,
/// their labels; entries line up their labels and what follows them
/// (`in imaging`). A line that the alignment
/// would make wider than [`WIDTH`] keeps single spaces. The continuation
/// lines of an input that start right of its `:` (a label aligned under the
/// type) move as far as the `:` moved; a hanging indentation stays.
fn align_runs(lines: &mut [Line], statements: &[Statement]) {
    let group_of = |line: &Line| -> Option<Group> {
        statements.get(line.statement?).and_then(Statement::group)
    };
    let mut i = 0;
    while i < lines.len() {
        let Some(group) = lines.get(i).and_then(&group_of) else {
            i += 1;
            continue;
        };
        // The run: member heads (the first line of each statement), with
        // continuation lines and comments between them.
        let mut heads = vec![i];
        let mut end = i + 1;
        while let Some(line) = lines.get(end) {
            let last = heads
                .last()
                .and_then(|&h| lines.get(h))
                .and_then(|l| l.statement);
            let continues = line.statement.is_some() && line.statement == last;
            let comment = line.statement.is_none() && !line.blank;
            if continues || comment {
                end += 1;
            } else if group_of(line) == Some(group) {
                heads.push(end);
                end += 1;
            } else {
                break;
            }
        }
        // Comments after the last member are no part of the run.
        align(lines, &heads, group, statements);
        i = end;
    }
}

/// Aligns one run (see [`align_runs`]): `heads` are the indexes of its
/// members' first lines.
fn align(lines: &mut [Line], heads: &[usize], group: Group, statements: &[Statement]) {
    let parts: Vec<Option<(String, String, String)>> = heads
        .iter()
        .map(|&h| {
            let line = lines.get(h)?;
            let skip = line
                .statement
                .and_then(|i| statements.get(i))
                .map_or(0, |s| s.value_labels);
            columns_of(&line.text, group, skip)
        })
        .collect();
    let wa = parts
        .iter()
        .flatten()
        .map(|p| columns(&p.0))
        .max()
        .unwrap_or(0);
    // The middle column is aligned over as many members as fit within the
    // width: those with the narrowest middle parts.
    let mut middles: Vec<usize> = parts
        .iter()
        .flatten()
        .filter(|p| !p.2.is_empty())
        .map(|p| columns(&p.1))
        .collect();
    middles.sort_unstable();
    let fits_at = |wb: usize| {
        parts.iter().flatten().all(|p| {
            p.2.is_empty() || columns(&p.1) > wb || wa + 1 + wb + 1 + columns(&p.2) <= WIDTH
        })
    };
    let wb = middles
        .iter()
        .rev()
        .copied()
        .find(|&wb| fits_at(wb))
        .unwrap_or(0);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w - columns(s).min(w)));
    let join = |parts: &[&str]| {
        parts
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (&head, part) in heads.iter().zip(parts) {
        let Some(line) = lines.get_mut(head) else {
            continue;
        };
        let index = line.statement;
        if let Some((a, b, c)) = part
            && heads.len() >= 2
        {
            let full = if c.is_empty() || columns(&b) > wb {
                join(&[&pad(&a, wa), &b, &c])
            } else {
                join(&[&pad(&a, wa), &pad(&b, wb), &c])
            };
            let names = join(&[&pad(&a, wa), &b, &c]);
            if let Some(text) = [full, names].into_iter().find(|t| columns(t) <= WIDTH) {
                line.text = text;
            }
        }
        // Move the continuation lines as far as the `:` moved.
        let Some(statement) = index.and_then(|i| statements.get(i)) else {
            continue;
        };
        let (Some(old), Some(new)) = (
            statement.colon,
            line.text
                .find(':')
                .map(|at| columns(line.text.get(..at).unwrap_or(""))),
        ) else {
            continue;
        };
        let delta = new as i64 - old as i64;
        if delta == 0 {
            continue;
        }
        for follower in lines.iter_mut().skip(head + 1) {
            if follower.statement != index {
                if follower.statement.is_some() || follower.blank {
                    break;
                }
                continue;
            }
            let body = follower.text.trim_start_matches(' ');
            let indent = columns(&follower.text) - columns(body);
            if indent <= old {
                // Not under the type: a hanging indentation stays.
                continue;
            }
            let moved = (indent as i64 + delta).max(2) as usize;
            follower.text = format!("{}{body}", " ".repeat(moved));
        }
    }
}

/// The columns of one declaration's line (single-spaced): for an input the
/// name (`input age`), the type (`: number 0..120 years`) and the label
/// with the rest; for an entry the name (`exam CT_head`), the label and the
/// rest (`in imaging`, codes). `skip` labels of an input's line are its
/// values' labels, part of the type.
fn columns_of(line: &str, group: Group, skip: usize) -> Option<(String, String, String)> {
    // The label starts at the first `"` after the type's value labels.
    // Without a label on the line, the rest (a trailing comment too) stays
    // as it is.
    let mut before = false;
    let mut opening = crate::syntax::label_marks(line).filter_map(|(i, _, inside)| {
        let opens = inside && !before;
        before = inside;
        opens.then_some(i)
    });
    let Some(label) = opening.nth(skip) else {
        let colon = line.find(':')?;
        let (name, ty) = line.split_at(colon);
        return (group == Group::Input)
            .then(|| (name.trim_end().to_owned(), ty.to_owned(), String::new()));
    };
    let (head, rest) = line.split_at(label);
    let head = head.trim_end();
    match group {
        Group::Input => {
            let colon = head.find(':')?;
            let (name, ty) = head.split_at(colon);
            Some((name.trim_end().to_owned(), ty.to_owned(), rest.to_owned()))
        }
        Group::Entry => {
            // The label to its closing quote, then the rest (`in ...`, codes).
            let mut end = rest.len();
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    end = i + 1;
                    break;
                }
            }
            let (label, after) = rest.split_at(end);
            Some((
                head.to_owned(),
                label.to_owned(),
                after.trim_start().to_owned(),
            ))
        }
    }
}

/// The widest line, in characters, before a condition is broken.
pub const WIDTH: usize = 100;

/// Writes one line (without a comment), broken before `or` and `and`
/// outside brackets and labels while it is wider than [`WIDTH`]: each
/// break as late as keeps the line within the width, at an `or` where one
/// fits (or at the first place, if none does), the operator leading the next line, indented two spaces
/// more than the line.
fn break_long(line: &str, out: &mut String) {
    let mut line = line.to_owned();
    loop {
        if line.chars().count() <= WIDTH {
            break;
        }
        let indent: String = line.chars().take_while(|c| is_space(*c)).collect();
        let points = break_points(&line, indent.len());
        let fit = |at: &&usize| {
            line.get(..**at)
                .is_some_and(|h| h.trim_end().chars().count() <= WIDTH)
        };
        let is_or = |at: &&usize| line.get(**at..).is_some_and(|r| r.starts_with("or "));
        // The last `or` that fits, else the last `and` that fits.
        let fits =
            (points.iter().rev().filter(is_or).find(fit)).or_else(|| points.iter().rev().find(fit));
        let Some(&at) = fits.or(points.first()) else {
            break;
        };
        let (Some(head), Some(tail)) = (line.get(..at), line.get(at..)) else {
            break;
        };
        out.push_str(head.trim_end());
        out.push('\n');
        line = format!("{indent}  {tail}");
    }
    out.push_str(&line);
    out.push('\n');
}

/// Where a line may be broken: the byte offsets of every `or` and `and`
/// after its first word, with a space on both sides, outside labels and at
/// the outermost bracket depth any of them has on this line.
fn break_points(line: &str, from: usize) -> Vec<usize> {
    let mut points = Vec::new();
    let mut depth = 0i64;
    let mut previous = ' ';
    for (i, c, in_label) in crate::syntax::label_marks(line) {
        if in_label {
            previous = c;
            continue;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        if previous == ' ' && i > from {
            let rest = line.get(i..).unwrap_or("");
            // `or unknown` and `or sooner` are one word each, no operator.
            let word_after_or = rest.get(3..).unwrap_or("").trim_start();
            let fixed = ["unknown", "sooner"].iter().any(|w| {
                word_after_or.starts_with(w)
                    && !word_after_or
                        .get(w.len()..)
                        .and_then(|r| r.chars().next())
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            if (rest.starts_with("or ") && !fixed) || rest.starts_with("and ") {
                points.push((i, depth));
            }
        }
        previous = c;
    }
    let outermost = points.iter().map(|(_, d)| *d).min();
    points
        .into_iter()
        .filter(|(_, d)| Some(*d) == outermost)
        .map(|(i, _)| i)
        .collect()
}

/// White space as the grammar skips it within a line (line ends aside).
fn is_space(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{FEFF}'
}

/// Writes `text[from..to]` (one line from its first token, without its line
/// end) with the spacing rules applied.
fn respace(text: &str, from: usize, to: usize, comments: &[(usize, usize)], out: &mut String) {
    let Some(line) = text.get(from..to) else {
        return;
    };
    let mut pending_space: Option<&str> = None;
    let mut chars = line.char_indices().peekable();
    let mut last: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        let at = from + i;
        if let Some(&(_, end)) = comments.iter().find(|(start, _)| *start == at) {
            // A comment runs to the end of the line.
            if let Some(space) = pending_space.take() {
                out.push_str(space);
            }
            let comment = text.get(at..end.min(to)).unwrap_or("");
            out.push_str(comment.trim_end_matches(is_space));
            return;
        }
        if is_space(c) {
            let mut end = i + c.len_utf8();
            while let Some((j, d)) = chars.next_if(|(_, d)| is_space(*d)) {
                end = j + d.len_utf8();
            }
            pending_space = line.get(i..end);
            continue;
        }
        if pending_space.take().is_some() {
            let drop = matches!(last, Some('(' | '[')) || matches!(c, ')' | ']' | ',');
            if !drop {
                out.push(' ');
            }
        } else if last == Some(',') {
            out.push(' ');
        }
        if c == '"' {
            // A label: copied as it is, to its closing quote.
            out.push('"');
            while let Some((_, d)) = chars.next() {
                out.push(d);
                if d == '\\' {
                    if let Some((_, e)) = chars.next() {
                        out.push(e);
                    }
                } else if d == '"' {
                    break;
                }
            }
            last = Some('"');
            continue;
        }
        out.push(c);
        last = Some(c);
    }
}

/// The tokens of a text, comments included (without white space at their
/// end): labels with their quotes, `(`, `)`, `[`, `]` and `,` on their own,
/// and every other run of characters without white space. Two texts with the
/// same tokens differ only in white space that separates no two words.
pub fn tokens<'a>(text: &'a str, comments: &[Span]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut comments = comments.iter().map(|c| (c.start as usize, c.end as usize));
    let mut next_comment = comments.next();
    let mut word: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    let flush = |word: &mut Option<usize>, end: usize, out: &mut Vec<&'a str>| {
        if let Some(start) = word.take() {
            out.push(text.get(start..end).unwrap_or(""));
        }
    };
    while let Some((i, c)) = chars.next() {
        if let Some((start, end)) = next_comment
            && start == i
        {
            flush(&mut word, i, &mut out);
            out.push(
                text.get(start..end)
                    .unwrap_or("")
                    .trim_end_matches(is_space),
            );
            while chars.next_if(|(j, _)| *j < end).is_some() {}
            next_comment = comments.next();
            continue;
        }
        match c {
            c if c.is_whitespace() || c == '\u{FEFF}' => flush(&mut word, i, &mut out),
            '(' | ')' | '[' | ']' | ',' => {
                flush(&mut word, i, &mut out);
                out.push(text.get(i..i + 1).unwrap_or(""));
            }
            '"' => {
                flush(&mut word, i, &mut out);
                let mut end = text.len();
                while let Some((j, d)) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == '"' || d == '\n' || d == '\r' {
                        end = j + d.len_utf8();
                        break;
                    }
                }
                out.push(text.get(i..end).unwrap_or(""));
            }
            _ => {
                if word.is_none() {
                    word = Some(i);
                }
            }
        }
    }
    flush(&mut word, text.len(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        match format(FileId(0), text) {
            Ok(t) => t,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn spacing_blank_lines_and_margins() {
        let text = "\n\n  guideline g \"G\"   \n\n\n\ninput  a : yes/no \"A\"  # why  \n  define d = ( a )\n\nrule r \"R\"\n  when d\n  then order x\ndefine e = k in [ y ,z ]\n\n\n";
        let want = "guideline g \"G\"\n\ninput a : yes/no \"A\"  # why\ndefine d = (a)\n\nrule r \"R\"\n  when d\n  then order x\ndefine e = k in [y, z]\n";
        assert_eq!(fmt(text), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn labels_and_comments_are_untouched_inside() {
        let text = "guideline g \"G ( x ,y )  \"\n# a ( b ,c )   \ninput a : yes/no \"A\\\" ( ,\" # \" ( ,\n";
        let out = fmt(text);
        assert!(out.contains("\"G ( x ,y )  \""), "{out}");
        assert!(out.contains("# a ( b ,c )\n"), "{out}");
        assert!(out.contains("\"A\\\" ( ,\" # \" ( ,\n"), "{out}");
    }

    #[test]
    fn syntax_errors_are_refused() {
        let text = "guideline g \"G\"\nrule r \"R\" when then\n";
        assert!(matches!(
            format(FileId(0), text),
            Err(FormatError::Syntax(e)) if !e.is_empty()
        ));
    }

    #[test]
    fn long_conditions_break_before_the_operator() {
        let long = "define d \"D or E\" = alpha_one and beta_two or (gamma_three or delta_four) and k in [p, q] or epsilon_five and zeta_six or eta\n";
        let out = fmt(&format!("guideline g \"G\"\n{long}"));
        assert_eq!(
            out,
            "guideline g \"G\"\ndefine d \"D or E\" = alpha_one and beta_two or (gamma_three or delta_four) and k in [p, q]\n  or epsilon_five and zeta_six or eta\n"
        );
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn clauses_and_actions_get_their_own_aligned_lines() {
        let text = "guideline g \"G\"\nrule r \"R\" overrides q when a or b then order X urgent refer n same_day  # why\n    avoid Y instead X\nrule q \"Q\"\n    when a\n      or b\n    then order X\n           alternative Y when a\n               or b\nrequire \"R\" when a then order X or refer n\ncase \"C\" given a yes expect order X expect no refer\n";
        let want = "guideline g \"G\"\nrule r \"R\"\n  overrides q\n  when a or b\n  then order X urgent\n       refer n same_day  # why\n       avoid Y instead X\nrule q \"Q\"\n  when a\n    or b\n  then order X\n         alternative Y when a\n             or b\nrequire \"R\"\n  when a\n  then order X or refer n\ncase \"C\"\n  given a yes\n  expect order X\n  expect no refer\n";
        assert_eq!(fmt(text), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn runs_of_declarations_are_aligned() {
        let text = "guideline g \"G\"\ninput a : yes/no \"A\"\n# between\ninput long_name : one of p, q \"B\" # why\ninput c : yes/no\n                 \"C\"\n  asked when a\n\ninput alone   : yes/no \"D\"\nexam X \"X\" in imaging\nspecialist neuro \"Neurologist\" in n\nmeasure Y \"Y\"\n";
        let want = "guideline g \"G\"\ninput a         : yes/no      \"A\"\n# between\ninput long_name : one of p, q \"B\" # why\ninput c         : yes/no\n                         \"C\"\n  asked when a\n\ninput alone : yes/no \"D\"\nexam X           \"X\"           in imaging\nspecialist neuro \"Neurologist\" in n\nmeasure Y        \"Y\"\n";
        assert_eq!(fmt(text), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn alignment_gives_way_to_the_width() {
        let label = "L".repeat(80);
        let text = format!("guideline g \"G\"\nexam a \"A\"\nexam much_longer_name \"{label}\"\n");
        let out = fmt(&text);
        assert!(out.contains("\nexam a                \"A\"\n"), "{out}");
        assert!(
            out.contains(&format!("\nexam much_longer_name \"{label}\"\n")),
            "{out}"
        );
        let wide = format!("guideline g \"G\"\nexam a \"{label}\"\nexam much_longer_name \"X\"\n");
        let out = fmt(&wide);
        assert!(out.contains(&format!("\nexam a \"{label}\"\n")), "{out}");
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn line_ends_become_lf() {
        assert_eq!(
            fmt("guideline g \"G\"\r\ninput a : yes/no \"A\"\rdefine d = a\r\n"),
            "guideline g \"G\"\ninput a : yes/no \"A\"\ndefine d = a\n"
        );
    }
}
