//! The pest parser and the conversion of its pairs into the syntax tree.
//! Pest types never leave this file.

use super::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::logic::problem::{ActionKind, Urgency};
use crate::model::suggest::did_you_mean;
use crate::source::{FileId, Span};
use pest::Parser;
use pest::iterators::{Pair, Pairs};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/leidraad.pest"]
struct LeidraadParser;

/// Words that start a statement.
pub const STATEMENT_KEYWORDS: &[&str] = &[
    "guideline",
    "input",
    "assume",
    "define",
    "exam",
    "measure",
    "specialist",
    "rule",
    "require",
    "case",
];

/// How deeply conditions may nest (parentheses and `not`). Deeper input is
/// rejected before parsing, so that no recursion can exhaust the stack.
pub const MAX_NESTING: usize = 64;

/// One statement's text range and its first word.
struct Chunk<'a> {
    start: usize,
    end: usize,
    keyword: &'a str,
}

fn leading_word(line: &str) -> &str {
    let end = line
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(line.len(), |(i, _)| i);
    line.get(..end).unwrap_or("")
}

/// Cuts the text into statements. A statement starts at a line whose first
/// word is a statement keyword, or at any non-blank line at the left margin
/// that is not a comment.
fn split_statements(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks: Vec<Chunk<'_>> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches([' ', '\t', '\u{FEFF}']);
        let content = trimmed.trim_end();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        // The statement so far ends after this line's last character, so
        // that spans leave out trailing blank lines and comments.
        let content_end = line_start + (line.len() - trimmed.len()) + content.len();
        let indent = line.len() - trimmed.len();
        let word = leading_word(trimmed);
        let starts_statement =
            STATEMENT_KEYWORDS.contains(&word) || indent == 0 || chunks.is_empty();
        if starts_statement {
            let start = line_start + indent;
            chunks.push(Chunk {
                start,
                end: content_end,
                keyword: word,
            });
        } else if let Some(last) = chunks.last_mut() {
            last.end = content_end;
        }
    }
    chunks
}

/// The deepest nesting of parentheses and `not` in a statement, counted
/// without parsing. Strings and comments are skipped.
fn nesting_depth(text: &str) -> (usize, usize) {
    let mut depth: usize = 0;
    let mut not_run: usize = 0;
    let mut worst = (0, 0);
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, c)) = chars.next() {
                    if c == '\\' {
                        chars.next();
                    } else if c == '"' || c == '\n' {
                        break;
                    }
                }
                not_run = 0;
            }
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                not_run = 0;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = index + c.len_utf8();
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        end = i + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                if text.get(index..end) == Some("not") {
                    not_run += 1;
                } else {
                    not_run = 0;
                }
            }
            c if c.is_whitespace() => {}
            _ => not_run = 0,
        }
        if depth + not_run > worst.0 {
            worst = (depth + not_run, index);
        }
    }
    worst
}

/// Parses one file. Returns every statement that parsed and a diagnostic for
/// every statement that did not.
pub fn parse(file: FileId, text: &str) -> (SyntaxFile, Vec<Diagnostic>) {
    let mut items = Vec::new();
    let mut broken = Vec::new();
    let mut diagnostics = Vec::new();
    for chunk in split_statements(text) {
        let Some(chunk_text) = text.get(chunk.start..chunk.end) else {
            continue;
        };
        let broken_statement = || BrokenStatement {
            keyword: chunk.keyword.to_owned(),
            name: statement_name(chunk_text, chunk.keyword),
            span: Span::new(file, chunk.start, chunk.end),
        };
        let (depth, at) = nesting_depth(chunk_text);
        if depth > MAX_NESTING {
            let span = Span::new(file, chunk.start + at, chunk.start + at + 1);
            diagnostics.push(
                Diagnostic::new(
                    Code::TooDeeplyNested,
                    format!("this condition is nested more than {MAX_NESTING} levels deep"),
                )
                .with_primary(span, "too deep here")
                .with_help("split the condition into named `define` statements"),
            );
            broken.push(broken_statement());
            continue;
        }
        let converter = Converter {
            file,
            offset: chunk.start,
        };
        let rule = match chunk.keyword {
            "guideline" => Rule::header_statement,
            "input" => Rule::input_statement,
            "assume" => Rule::assume_statement,
            "define" => Rule::define_statement,
            "exam" | "measure" | "specialist" => Rule::entry_statement,
            "rule" => Rule::rule_statement,
            "require" => Rule::require_statement,
            "case" => Rule::case_statement,
            _ => {
                diagnostics.push(unknown_statement(file, &chunk, chunk_text));
                broken.push(broken_statement());
                continue;
            }
        };
        match LeidraadParser::parse(rule, chunk_text) {
            Ok(pairs) => match converter.statement(pairs) {
                Some(item) => {
                    if let Item::Header(header) = &item {
                        diagnostics.extend(header.repeated.iter().map(repeated_header_field));
                    }
                    items.push(item);
                }
                None => {
                    diagnostics.push(
                        Diagnostic::new(Code::SyntaxError, "this statement could not be read")
                            .with_primary(converter.span_of(0, chunk_text.len()), "here"),
                    );
                    broken.push(broken_statement());
                }
            },
            Err(error) => {
                // Pest lists literal tokens such as `)` or `:` only when it
                // tracks its parse attempts; that costs time, so it is
                // switched on at the first error (and stays on, so that
                // the output does not depend on what ran before).
                let error = if error.parse_attempts().is_some() {
                    error
                } else {
                    pest::set_error_detail(true);
                    LeidraadParser::parse(rule, chunk_text)
                        .err()
                        .unwrap_or(error)
                };
                diagnostics.push(syntax_error(&converter, chunk_text, chunk.keyword, &error));
                broken.push(broken_statement());
            }
        }
    }
    (SyntaxFile { items, broken }, diagnostics)
}

/// The error for a header field given twice.
fn repeated_header_field(field: &RepeatedField) -> Diagnostic {
    let keyword = field.keyword;
    Diagnostic::new(
        Code::RepeatedHeaderField,
        format!("the header gives `{keyword}` twice"),
    )
    .with_primary(field.again, "given again here")
    .with_secondary(field.first, "first given here")
    .with_note(format!(
        "a guideline has one `{keyword}`; the first one is used"
    ))
    .with_help(format!("keep one `{keyword}` line and delete the other"))
}

/// The name a statement declares (`input fever ...` gives `fever`), if its
/// second word is a plain name.
fn statement_name(chunk_text: &str, keyword: &str) -> Option<String> {
    let rest = chunk_text.strip_prefix(keyword)?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let name = leading_word(rest);
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    (starts_well && !RESERVED_WORDS.contains(&name)).then(|| name.to_owned())
}

fn unknown_statement(file: FileId, chunk: &Chunk<'_>, chunk_text: &str) -> Diagnostic {
    let word_len = chunk_text
        .split(|c: char| c.is_whitespace())
        .next()
        .map_or(1, |w| w.len().max(1));
    let span = Span::new(file, chunk.start, chunk.start + word_len);
    let shown = chunk_text.get(..word_len).unwrap_or("").trim();
    let mut diagnostic = Diagnostic::new(
        Code::UnknownStatement,
        format!("`{shown}` does not start a statement"),
    )
    .with_primary(span, "expected a statement here");
    if let Some(suggestion) = did_you_mean(chunk.keyword, STATEMENT_KEYWORDS.iter().copied()) {
        diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
    } else if matches!(
        chunk.keyword,
        "when"
            | "then"
            | "given"
            | "expect"
            | "order"
            | "refer"
            | "avoid"
            | "alternative"
            | "overrides"
            | "asked"
            | "version"
            | "language"
            | "source"
            | "and"
            | "or"
    ) {
        diagnostic = diagnostic.with_help(
            "the lines of a statement after its first line must be indented; indent this line",
        );
    } else {
        diagnostic = diagnostic.with_help(format!(
            "a statement starts with one of: {}",
            STATEMENT_KEYWORDS
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    diagnostic
}

/// Describes a grammar rule in an editor's words.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident | Rule::name_ref => "a name",
        Rule::number => "a number",
        Rule::string | Rule::string_text => "a label in double quotes",
        Rule::unit => "a unit",
        Rule::quantity => "a number",
        Rule::literal => "a value",
        Rule::ident_set => "a list in square brackets, such as `[infection]`",
        Rule::ident_list => "a list of names separated by commas",
        Rule::condition
        | Rule::implies_expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::primary
        | Rule::comparison
        | Rule::membership
        | Rule::has_test => "a condition",
        Rule::compare_op => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::input_type => {
            "a type (`yes/no`, `one of ...`, `any of ...`, `number LOWEST..HIGHEST UNIT`)"
        }
        Rule::yes_no_type => "`yes/no`",
        Rule::one_of_type => "`one of`",
        Rule::any_of_type => "`any of`",
        Rule::number_type => "`number`",
        Rule::default_clause => "`default`",
        Rule::asked_clause => "`asked when`",
        Rule::header_field => "`version`, `language` or `source`",
        Rule::entry_kind => "`exam`, `measure` or `specialist`",
        Rule::overrides_clause => "`overrides`",
        Rule::when_clause => "`when`",
        Rule::then_clause => "`then`",
        Rule::action | Rule::order_action | Rule::refer_action | Rule::avoid_action => {
            "an action (`order`, `refer`, `avoid`)"
        }
        Rule::alternative => "`alternative`",
        Rule::urgency => "an urgency (`same_day`, `urgent`, `routine`)",
        Rule::demand
        | Rule::demand_and
        | Rule::demand_not
        | Rule::demand_atom
        | Rule::some_demand
        | Rule::no_demand
        | Rule::nothing_demand
        | Rule::has_demand => "an expectation such as `order MRI_LWK` or `some refer`",
        Rule::action_kind => "`order`, `refer` or `avoid`",
        Rule::given_clause => "`given`",
        Rule::fact => "a fact such as `age 45 years`",
        Rule::expect_clause => "`expect`",
        Rule::EOI => "the end of the statement",
        Rule::kw_guideline => "`guideline`",
        Rule::kw_version => "`version`",
        Rule::kw_language => "`language`",
        Rule::kw_source => "`source`",
        Rule::kw_input => "`input`",
        Rule::kw_yes => "`yes`",
        Rule::kw_no => "`no`",
        Rule::kw_one => "`one`",
        Rule::kw_any => "`any`",
        Rule::kw_of => "`of`",
        Rule::kw_number => "`number`",
        Rule::kw_default => "`default`",
        Rule::kw_asked => "`asked`",
        Rule::kw_when => "`when`",
        Rule::kw_assume => "`assume`",
        Rule::kw_define => "`define`",
        Rule::kw_exam => "`exam`",
        Rule::kw_measure => "`measure`",
        Rule::kw_specialist => "`specialist`",
        Rule::kw_in => "`in`",
        Rule::kw_rule => "`rule`",
        Rule::kw_overrides => "`overrides`",
        Rule::kw_then => "`then`",
        Rule::kw_order => "`order`",
        Rule::kw_refer => "`refer`",
        Rule::kw_avoid => "`avoid`",
        Rule::kw_instead => "`instead`",
        Rule::kw_alternative => "`alternative`",
        Rule::kw_require => "`require`",
        Rule::kw_some => "`some`",
        Rule::kw_nothing => "`nothing`",
        Rule::kw_case => "`case`",
        Rule::kw_given => "`given`",
        Rule::kw_expect => "`expect`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::kw_has => "`has`",
        Rule::kw_implies => "`implies`",
        Rule::kw_same_day => "`same_day`",
        Rule::kw_urgent => "`urgent`",
        Rule::kw_routine => "`routine`",
        _ => return None,
    })
}

const RESERVED_WORDS: &[&str] = &[
    "guideline",
    "version",
    "language",
    "source",
    "input",
    "yes",
    "no",
    "one",
    "any",
    "of",
    "number",
    "default",
    "asked",
    "when",
    "assume",
    "define",
    "exam",
    "measure",
    "specialist",
    "in",
    "rule",
    "overrides",
    "then",
    "order",
    "refer",
    "avoid",
    "instead",
    "alternative",
    "require",
    "some",
    "nothing",
    "case",
    "given",
    "expect",
    "and",
    "or",
    "not",
    "has",
    "implies",
    "same_day",
    "urgent",
    "routine",
];

/// The token found at a position, for "found ..." messages.
fn found_at(text: &str, position: usize) -> (String, usize) {
    let rest = text.get(position..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return ("the end of the statement".to_owned(), 0);
    };
    if first == '\n' || first == '\r' {
        return ("the end of the line".to_owned(), 0);
    }
    if first.is_ascii_alphanumeric() || first == '_' {
        let word = leading_word(rest);
        let word = if word.is_empty() {
            &rest[..first.len_utf8()]
        } else {
            word
        };
        (format!("`{word}`"), word.len())
    } else if first == '"' {
        (
            "a label".to_owned(),
            rest.find('\n').unwrap_or(rest.len()).min(80),
        )
    } else {
        (format!("`{first}`"), first.len_utf8())
    }
}

/// One thing the parser expected, in an editor's words, with a rank that
/// puts the likeliest fix first.
fn expected_item(text: &str) -> (u8, String) {
    let rank = match text {
        "`)`" | "`:`" | "`=`" | "`,`" | "`..`" | "`]`" | "`/`" => 0,
        "`then`" | "`when`" | "`given`" | "`expect`" | "`instead`" | "`alternative`"
        | "`overrides`" | "`default`" | "`asked`" | "`of`" => 1,
        "the end of the statement" => 5,
        t if t.starts_with("a comparison") => 4,
        t if t.starts_with('`') => 3,
        _ => 2,
    };
    (rank, text.to_owned())
}

/// Describes a token pest tried at the error position (as pest displays
/// it), or `None` for tokens an editor need not hear about (whitespace,
/// comments, single letters).
fn describe_token(token: &str) -> Option<String> {
    let mut chars = token.chars();
    if let (Some(first), Some('.'), Some('.'), Some(_), None) = (
        chars.next(),
        chars.next(),
        chars.next(),
        chars.next(),
        chars.next(),
    ) {
        // A character range such as `0..9` or `a..z`.
        return if first.is_ascii_digit() {
            Some("a number".to_owned())
        } else if first.is_ascii_alphabetic() {
            Some("a name".to_owned())
        } else {
            None
        };
    }
    Some(match token {
        " " | "\t" | "\r" | "\n" | "#" | "\u{FEFF}" | "-" | "\\" | "(" | "_" | "BUILTIN_RULE" => {
            return None;
        }
        "\"" => "a label in double quotes".to_owned(),
        "==" | "!=" | "<" | "<=" | ">" | ">=" => {
            "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)".to_owned()
        }
        other => format!("`{other}`"),
    })
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[String]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The word just before `position`, skipping whitespace.
fn previous_word(text: &str, position: usize) -> &str {
    let before = text.get(..position).unwrap_or("").trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    before.get(start..).unwrap_or("")
}

/// Where a double-quoted label opens on the line of `position` without
/// closing before the line ends.
fn unterminated_label(text: &str, position: usize) -> Option<(usize, usize)> {
    let position = position.min(text.len());
    let line_start = text.get(..position)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(line_start..)?
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = text.get(line_start..line_end)?;
    let mut open: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (open, c) {
            (None, '#') => return None,
            (None, '"') => open = Some(i),
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(_), '"') => open = None,
            _ => {}
        }
    }
    let end = line.trim_end().len();
    open.map(|o| (line_start + o, line_start + end))
}

/// Where the last parenthesis that is still open at `position` was opened.
fn unclosed_parenthesis(text: &str, position: usize) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    let mut in_string = false;
    let mut in_comment = false;
    for (i, c) in text.get(..position)?.char_indices() {
        match c {
            '\n' => in_comment = false,
            _ if in_comment => {}
            '"' => in_string = !in_string,
            _ if in_string => {}
            '#' => in_comment = true,
            '(' => open.push(i),
            ')' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

fn syntax_error(
    converter: &Converter,
    text: &str,
    keyword: &str,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let mut position = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    };

    // A label left open swallows the rest of the line; say that first.
    if let Some((open, end)) = unterminated_label(text, position) {
        return Diagnostic::new(Code::SyntaxError, "this label has no closing double quote")
            .with_primary(
                converter.span_of(open, end.max(open + 1)),
                "the label starts here",
            )
            .with_help(
                "end the label with `\"` on the same line; a label cannot run over several lines",
            );
    }

    let mut expected: Vec<String> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|r| describe(*r).map(str::to_owned))
            .collect(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    if let Some(attempts) = error.parse_attempts() {
        // Only punctuation is taken from the attempts: pest reports words
        // and names there also from inside its look-aheads, which would
        // mislead.
        let tokens: Vec<String> = attempts
            .expected_tokens()
            .iter()
            .map(|t| t.to_string())
            .filter(|t| !t.chars().any(|c| c.is_ascii_alphanumeric()))
            .filter_map(|t| describe_token(&t))
            .collect();
        if !tokens.is_empty() {
            if attempts.max_position > position {
                position = attempts.max_position;
                expected = tokens;
            } else if attempts.max_position == position {
                expected.extend(tokens);
            }
        }
    }
    let mut ranked: Vec<(u8, String)> = expected.iter().map(|e| expected_item(e)).collect();
    ranked.sort();
    ranked.dedup();
    let expected: Vec<String> = ranked.into_iter().map(|(_, e)| e).collect();
    let has = |item: &str| expected.iter().any(|e| e == item);

    // Point at the next token, not at the blanks before it.
    let rest = text.get(position..).unwrap_or("");
    position += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let (found, found_len) = found_at(text, position);
    let word = leading_word(text.get(position..).unwrap_or(""));
    let span = converter.span_of(position, position + found_len);
    let label = match expected.as_slice() {
        [_] | [_, _] => format!("expected {}", or_list(&expected)),
        _ if found_len == 0 => "the statement ends here".to_owned(),
        _ => "this does not fit here".to_owned(),
    };
    let mut message = format!("expected {}, found {found}", or_list(&expected));
    let mut help: Option<String> = None;
    let mut opened: Option<usize> = None;

    let mut label = label;
    if word == "when" && keyword == "rule" && has("`then`") {
        message = "a rule has one `when`, found a second one".to_owned();
        label = "second `when`".to_owned();
        help = Some(
            "join the conditions with `and` (both must hold) or `or` (either may hold) in one `when`"
                .to_owned(),
        );
    } else if matches!(word, "urgent" | "same_day" | "routine") && has("`instead`") {
        // Only `avoid` offers `instead`, so this urgency follows an `avoid`.
        message = format!("an `avoid` has no urgency, found `{word}`");
        label = "remove this".to_owned();
        help = Some(format!(
            "urgency belongs to `order` and `refer`; delete `{word}` after the `avoid`"
        ));
    } else if matches!(word, "order" | "refer" | "avoid") && has("`then`") {
        message = format!("expected `then` before the actions, found `{word}`");
        label = "`then` is missing before this".to_owned();
        help = Some(format!(
            "actions come after `then`: write `then {word} ...` on this line"
        ));
    } else if RESERVED_WORDS.contains(&word) && has("a name") {
        help = Some(format!(
            "`{word}` is a reserved word of the language; choose another name"
        ));
    } else if has("`)`") {
        if let Some(open) = unclosed_parenthesis(text, position) {
            opened = Some(open);
            help = Some(
                "close the parenthesis with `)` where its part of the condition ends".to_owned(),
            );
        }
    } else if text.get(position..).is_some_and(|r| r.starts_with('='))
        && !r_is_double(text, position)
        && expected.iter().any(|e| e.starts_with("a comparison"))
    {
        message = "a comparison for equality is written `==`, found `=`".to_owned();
        label = "write `==` here".to_owned();
        help = Some("to compare, write `==` (two equals signs)".to_owned());
    } else if has("`:`") {
        help = Some(
            "put a colon between the input's name and its type, for example `input fever : yes/no \"Koorts\"`"
                .to_owned(),
        );
    } else if has("`..`") {
        help = Some(
            "write the range as `LOWEST..HIGHEST` and then the unit, for example `number 0..120 years`"
                .to_owned(),
        );
    } else if has("`=`") && keyword == "define" {
        help = Some(
            "write `define NAME \"Label\" = CONDITION`, for example `define alarm \"Alarmsymptoom\" = fever or trauma`"
                .to_owned(),
        );
    } else if has("`,`") && !word.is_empty() && keyword == "case" {
        help = Some(
            "separate the facts with commas, for example `given fever yes, age 60 years`"
                .to_owned(),
        );
    } else if has("`,`") && !word.is_empty() {
        help = Some("separate the names with commas".to_owned());
    } else if has("a condition") {
        let before = previous_word(text, position);
        help = Some(match before {
            "and" | "or" | "not" | "implies" => format!(
                "the condition after `{before}` is missing: finish the condition, or remove `{before}`"
            ),
            "when" => "write the condition after `when`, for example `when fever`".to_owned(),
            _ => "a condition is a yes/no input, a comparison such as `age > 50 years`, or such conditions joined with `and`, `or` and `not`".to_owned(),
        });
    } else if has("a name") && previous_word(text, position) == "of" {
        help = Some(
            "list the values after `of`, separated by commas, for example `one of none, acute, chronic`"
                .to_owned(),
        );
    } else if has("an urgency (`same_day`, `urgent`, `routine`)") && !word.is_empty() {
        help = Some(
            match did_you_mean(word, ["same_day", "urgent", "routine"]) {
                Some(s) => format!(
                    "did you mean `{s}`? The urgencies are `same_day`, `urgent` and `routine`"
                ),
                None => "the urgencies are `same_day`, `urgent` and `routine`".to_owned(),
            },
        );
    } else if has("a label in double quotes") {
        help = Some("write the label between double quotes, for example \"Koorts\"".to_owned());
    } else if has("an expectation such as `order MRI_LWK` or `some refer`") {
        help = Some(
            "after `expect` or `then` comes what must happen, such as `order MRI_LWK urgent`, `no order CT_LWK`, `some refer` or `nothing`"
                .to_owned(),
        );
    }
    let mut diagnostic = Diagnostic::new(Code::SyntaxError, message).with_primary(span, label);
    if let Some(open) = opened {
        diagnostic = diagnostic.with_secondary(
            converter.span_of(open, open + 1),
            "this parenthesis is not closed",
        );
    }
    if let Some(help) = help {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

fn r_is_double(text: &str, position: usize) -> bool {
    text.get(position..).is_some_and(|r| r.starts_with("=="))
}

/// Turns pest pairs into syntax tree nodes, shifting spans by the
/// statement's offset in the file. Every method returns `None` only if the
/// tree does not have the shape the grammar promises.
struct Converter {
    file: FileId,
    offset: usize,
}

impl Converter {
    fn span_of(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.offset + start, self.offset + end)
    }

    /// The span of a pair without the whitespace and comments that pest
    /// includes after its last token.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        self.span_of(s.start(), s.start() + significant_len(s.as_str()))
    }

    fn statement(&self, mut pairs: Pairs<'_, Rule>) -> Option<Item> {
        let statement = pairs.next()?;
        let decl = statement.into_inner().next()?;
        Some(match decl.as_rule() {
            Rule::header => Item::Header(self.header(decl)?),
            Rule::input_decl => Item::Input(self.input(decl)?),
            Rule::assume_decl => {
                let span = self.span(&decl);
                let condition =
                    self.condition(decl.into_inner().find(|p| p.as_rule() == Rule::condition)?)?;
                Item::Assume(AssumeDecl { condition, span })
            }
            Rule::define_decl => Item::Define(self.define(decl)?),
            Rule::entry_decl => Item::Entry(self.entry(decl)?),
            Rule::rule_decl => Item::Rule(self.rule(decl)?),
            Rule::require_decl => Item::Require(self.require(decl)?),
            Rule::case_decl => Item::Case(self.case(decl)?),
            _ => return None,
        })
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: self.span(&pair),
        }
    }

    fn text(&self, pair: Pair<'_, Rule>) -> Text {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        Text {
            text: raw.replace("\\\"", "\"").replace("\\\\", "\\"),
            span,
        }
    }

    fn number(&self, pair: Pair<'_, Rule>) -> NumberLit {
        NumberLit {
            text: pair.as_str().to_owned(),
            span: self.span(&pair),
        }
    }

    fn idents(&self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::ident)
            .map(|p| self.ident(p))
            .collect()
    }

    fn header(&self, pair: Pair<'_, Rule>) -> Option<Header> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
        let id = self.ident(inner.next()?);
        let label = self.text(inner.next()?);
        let mut header = Header {
            id,
            label,
            version: None,
            language: None,
            source: None,
            repeated: Vec::new(),
            span,
        };
        // The first span of each field, to point back at it when repeated.
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        for field in inner {
            let field_span = self.span(&field);
            let mut parts = field.into_inner();
            let keyword = parts.next()?;
            let value = parts.next()?;
            let name = match keyword.as_rule() {
                Rule::kw_version => "version",
                Rule::kw_language => "language",
                Rule::kw_source => "source",
                _ => return None,
            };
            if let Some(&(_, first)) = seen.iter().find(|(seen_name, _)| *seen_name == name) {
                // The first value stays; the repetition is reported.
                header.repeated.push(RepeatedField {
                    keyword: name,
                    first,
                    again: field_span,
                });
                continue;
            }
            seen.push((name, field_span));
            match keyword.as_rule() {
                Rule::kw_version => header.version = Some(self.text(value)),
                Rule::kw_language => header.language = Some(self.ident(value)),
                _ => header.source = Some(self.text(value)),
            }
        }
        Some(header)
    }

    fn input(&self, pair: Pair<'_, Rule>) -> Option<InputDecl> {
        let span = self.span(&pair);
        let mut id = None;
        let mut ty = None;
        let mut ty_span = span;
        let mut defaults = Vec::new();
        let mut label = None;
        let mut asked_when = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => id = Some(self.ident(part)),
                Rule::input_type => {
                    ty_span = self.span(&part);
                    ty = Some(self.input_type(part.into_inner().next()?)?);
                }
                Rule::default_clause => {
                    defaults.push(
                        self.literal(part.into_inner().find(|p| p.as_rule() == Rule::literal)?)?,
                    );
                }
                Rule::string => label = Some(self.text(part)),
                Rule::asked_clause => {
                    asked_when =
                        Some(self.condition(
                            part.into_inner().find(|p| p.as_rule() == Rule::condition)?,
                        )?);
                }
                _ => {}
            }
        }
        Some(InputDecl {
            id: id?,
            ty: ty?,
            ty_span,
            defaults,
            label: label?,
            asked_when,
            span,
        })
    }

    fn input_type(&self, pair: Pair<'_, Rule>) -> Option<InputType> {
        Some(match pair.as_rule() {
            Rule::yes_no_type => InputType::YesNo,
            Rule::one_of_type => InputType::OneOf(
                self.idents(
                    pair.into_inner()
                        .find(|p| p.as_rule() == Rule::ident_list)?,
                ),
            ),
            Rule::any_of_type => InputType::AnyOf(
                self.idents(
                    pair.into_inner()
                        .find(|p| p.as_rule() == Rule::ident_list)?,
                ),
            ),
            Rule::number_type => {
                let mut numbers = pair
                    .clone()
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::number);
                let lo = self.number(numbers.next()?);
                let hi = self.number(numbers.next()?);
                let unit = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::unit)
                    .and_then(|u| u.into_inner().next())
                    .map(|u| self.ident(u));
                InputType::Number { lo, hi, unit }
            }
            _ => return None,
        })
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> Option<Literal> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        Some(match inner.as_rule() {
            Rule::kw_yes => Literal::Yes(span),
            Rule::kw_no => Literal::No(span),
            Rule::quantity => Literal::Quantity(self.quantity(inner)?),
            Rule::ident_set => Literal::Set(self.idents(inner), span),
            Rule::ident => Literal::Name(self.ident(inner)),
            _ => return None,
        })
    }

    fn quantity(&self, pair: Pair<'_, Rule>) -> Option<Quantity> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let number = self.number(parts.next()?);
        let unit = parts
            .next()
            .and_then(|u| u.into_inner().next())
            .map(|u| self.ident(u));
        Some(Quantity { number, unit, span })
    }

    /// Converts a condition. Recursion depth is bounded by [`MAX_NESTING`]
    /// (checked before parsing) times a small constant.
    fn condition(&self, pair: Pair<'_, Rule>) -> Option<Condition> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::condition | Rule::primary => {
                let inner = pair.into_inner().next()?;
                self.condition(inner)
            }
            Rule::implies_expr => {
                let mut parts = pair
                    .into_inner()
                    .filter(|p| p.as_rule() != Rule::kw_implies);
                let left = self.condition(parts.next()?)?;
                match parts.next() {
                    Some(right) => Some(Condition::Implies(
                        Box::new(left),
                        Box::new(self.condition(right)?),
                        span,
                    )),
                    None => Some(left),
                }
            }
            Rule::or_expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::or_expr;
                let mut parts = Vec::new();
                for part in pair.into_inner().filter(|p| !is_keyword(p.as_rule())) {
                    parts.push(self.condition(part)?);
                }
                if parts.len() == 1 {
                    return parts.pop();
                }
                Some(if is_or {
                    Condition::Or(parts, span)
                } else {
                    Condition::And(parts, span)
                })
            }
            Rule::not_expr => {
                let mut parts = pair.into_inner();
                let first = parts.next()?;
                if first.as_rule() == Rule::kw_not {
                    Some(Condition::Not(
                        Box::new(self.condition(parts.next()?)?),
                        span,
                    ))
                } else {
                    self.condition(first)
                }
            }
            Rule::comparison => {
                let mut parts = pair.into_inner();
                let name = self.ident(parts.next()?);
                let op = match parts.next()?.as_str() {
                    "==" => CompareOp::Eq,
                    "!=" => CompareOp::Ne,
                    "<" => CompareOp::Lt,
                    "<=" => CompareOp::Le,
                    ">" => CompareOp::Gt,
                    ">=" => CompareOp::Ge,
                    _ => return None,
                };
                let value = self.literal(parts.next()?)?;
                Some(Condition::Compare {
                    name,
                    op,
                    value,
                    span,
                })
            }
            Rule::membership => {
                let mut parts = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_in);
                let name = self.ident(parts.next()?);
                let values = self.idents(parts.next()?);
                Some(Condition::In { name, values, span })
            }
            Rule::has_test => {
                let mut parts = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_has);
                let name = self.ident(parts.next()?);
                let member = self.ident(parts.next()?);
                Some(Condition::Has { name, member, span })
            }
            Rule::name_ref => Some(Condition::Name(self.ident(pair.into_inner().next()?))),
            _ => None,
        }
    }

    fn define(&self, pair: Pair<'_, Rule>) -> Option<DefineDecl> {
        let span = self.span(&pair);
        let mut id = None;
        let mut label = None;
        let mut condition = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => id = Some(self.ident(part)),
                Rule::string => label = Some(self.text(part)),
                Rule::condition => condition = Some(self.condition(part)?),
                _ => {}
            }
        }
        Some(DefineDecl {
            id: id?,
            label,
            condition: condition?,
            span,
        })
    }

    fn entry(&self, pair: Pair<'_, Rule>) -> Option<EntryDecl> {
        let span = self.span(&pair);
        let mut kind = None;
        let mut id = None;
        let mut label = None;
        let mut groups = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::entry_kind => {
                    kind = Some(match part.into_inner().next()?.as_rule() {
                        Rule::kw_exam => EntryKind::Exam,
                        Rule::kw_measure => EntryKind::Measure,
                        Rule::kw_specialist => EntryKind::Specialist,
                        _ => return None,
                    });
                }
                Rule::ident => id = Some(self.ident(part)),
                Rule::string => label = Some(self.text(part)),
                Rule::ident_list => groups = self.idents(part),
                _ => {}
            }
        }
        Some(EntryDecl {
            kind: kind?,
            id: id?,
            label: label?,
            groups,
            span,
        })
    }

    fn urgency(&self, pair: Pair<'_, Rule>) -> Option<(Urgency, Span)> {
        let span = self.span(&pair);
        let urgency = match pair.into_inner().next()?.as_rule() {
            Rule::kw_same_day => Urgency::SameDay,
            Rule::kw_urgent => Urgency::Urgent,
            Rule::kw_routine => Urgency::Routine,
            _ => return None,
        };
        Some((urgency, span))
    }

    fn action_kind(rule: Rule) -> Option<ActionKind> {
        Some(match rule {
            Rule::kw_order => ActionKind::Order,
            Rule::kw_refer => ActionKind::Refer,
            Rule::kw_avoid => ActionKind::Avoid,
            _ => return None,
        })
    }

    fn action(&self, pair: Pair<'_, Rule>) -> Option<ActionDecl> {
        let action = pair.into_inner().next()?;
        let span = self.span(&action);
        let mut parts = action.into_inner();
        let kind = Self::action_kind(parts.next()?.as_rule())?;
        let target = self.ident(parts.next()?);
        let mut decl = ActionDecl {
            kind,
            target,
            urgency: None,
            alternatives: Vec::new(),
            instead: None,
            span,
        };
        for part in parts {
            match part.as_rule() {
                Rule::urgency => decl.urgency = Some(self.urgency(part)?),
                Rule::ident => decl.instead = Some(self.ident(part)),
                Rule::alternative => {
                    let alt_span = self.span(&part);
                    let mut alt = part.into_inner().filter(|p| !is_keyword(p.as_rule()));
                    let target = self.ident(alt.next()?);
                    let condition = self.condition(alt.next()?)?;
                    decl.alternatives.push(Alternative {
                        target,
                        condition,
                        span: alt_span,
                    });
                }
                _ => {}
            }
        }
        Some(decl)
    }

    fn rule(&self, pair: Pair<'_, Rule>) -> Option<RuleDecl> {
        let span = self.span(&pair);
        let mut id = None;
        let mut label = None;
        let mut overrides = Vec::new();
        let mut when = None;
        let mut actions = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => id = Some(self.ident(part)),
                Rule::string => label = Some(self.text(part)),
                Rule::overrides_clause => {
                    let list = part
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::ident_list)?;
                    overrides.extend(self.idents(list));
                }
                Rule::when_clause => {
                    when =
                        Some(self.condition(
                            part.into_inner().find(|p| p.as_rule() == Rule::condition)?,
                        )?);
                }
                Rule::then_clause => {
                    for action in part.into_inner().filter(|p| p.as_rule() == Rule::action) {
                        actions.push(self.action(action)?);
                    }
                }
                _ => {}
            }
        }
        Some(RuleDecl {
            id: id?,
            label: label?,
            overrides,
            when,
            actions,
            span,
        })
    }

    fn demand(&self, pair: Pair<'_, Rule>) -> Option<Demand> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::demand | Rule::demand_and => {
                let is_or = pair.as_rule() == Rule::demand;
                let mut parts = Vec::new();
                for part in pair.into_inner().filter(|p| !is_keyword(p.as_rule())) {
                    parts.push(self.demand(part)?);
                }
                if parts.len() == 1 {
                    return parts.pop();
                }
                Some(if is_or {
                    Demand::Or(parts, span)
                } else {
                    Demand::And(parts, span)
                })
            }
            Rule::demand_not => {
                let mut parts = pair.into_inner();
                let first = parts.next()?;
                if first.as_rule() == Rule::kw_not {
                    Some(Demand::Not(Box::new(self.demand(parts.next()?)?), span))
                } else {
                    self.demand(first)
                }
            }
            Rule::demand_atom => self.demand(pair.into_inner().next()?),
            Rule::some_demand => {
                let mut kind = None;
                let mut group = None;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::action_kind => {
                            kind = Self::action_kind(part.into_inner().next()?.as_rule())
                        }
                        Rule::ident => group = Some(self.ident(part)),
                        _ => {}
                    }
                }
                Some(Demand::Some {
                    kind: kind?,
                    group,
                    span,
                })
            }
            Rule::no_demand => {
                let mut kind = None;
                let mut group = None;
                let mut target = None;
                let mut saw_in = false;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::action_kind => {
                            kind = Self::action_kind(part.into_inner().next()?.as_rule())
                        }
                        Rule::kw_in => saw_in = true,
                        Rule::ident if saw_in => group = Some(self.ident(part)),
                        Rule::ident => target = Some(self.ident(part)),
                        _ => {}
                    }
                }
                Some(Demand::No {
                    kind: kind?,
                    target,
                    group,
                    span,
                })
            }
            Rule::nothing_demand => Some(Demand::Nothing(span)),
            Rule::has_demand => {
                let mut parts = pair.into_inner();
                let kind = Self::action_kind(parts.next()?.into_inner().next()?.as_rule())?;
                let target = self.ident(parts.next()?);
                let urgency = match parts.next() {
                    Some(u) => Some(self.urgency(u)?),
                    None => None,
                };
                Some(Demand::Has {
                    kind,
                    target,
                    urgency,
                    span,
                })
            }
            _ => None,
        }
    }

    fn require(&self, pair: Pair<'_, Rule>) -> Option<RequireDecl> {
        let span = self.span(&pair);
        let mut label = None;
        let mut when = None;
        let mut then = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => label = Some(self.text(part)),
                Rule::when_clause => {
                    when =
                        Some(self.condition(
                            part.into_inner().find(|p| p.as_rule() == Rule::condition)?,
                        )?);
                }
                Rule::demand => then = Some(self.demand(part)?),
                _ => {}
            }
        }
        Some(RequireDecl {
            label: label?,
            when,
            then: then?,
            span,
        })
    }

    fn case(&self, pair: Pair<'_, Rule>) -> Option<CaseDecl> {
        let span = self.span(&pair);
        let mut label = None;
        let mut facts = Vec::new();
        let mut expects = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => label = Some(self.text(part)),
                Rule::given_clause => {
                    for fact in part.into_inner().filter(|p| p.as_rule() == Rule::fact) {
                        let fact_span = self.span(&fact);
                        let mut parts = fact.into_inner();
                        let name = self.ident(parts.next()?);
                        let value = self.literal(parts.next()?)?;
                        facts.push(Fact {
                            name,
                            value,
                            span: fact_span,
                        });
                    }
                }
                Rule::expect_clause => {
                    let demand = part.into_inner().find(|p| p.as_rule() == Rule::demand)?;
                    expects.push(self.demand(demand)?);
                }
                _ => {}
            }
        }
        Some(CaseDecl {
            label: label?,
            facts,
            expects,
            span,
        })
    }
}

/// The length of `text` without trailing whitespace and comments.
fn significant_len(text: &str) -> usize {
    let ends_blank = text
        .chars()
        .next_back()
        .is_some_and(|c| c.is_whitespace() || c == '\u{FEFF}');
    if !ends_blank && !text.contains('#') {
        return text.len();
    }
    let mut end = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' || c == '\n' {
                in_string = false;
            }
            end = i + c.len_utf8();
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => {
                in_string = true;
                end = i + 1;
            }
            c if c.is_whitespace() || c == '\u{FEFF}' => {}
            c => end = i + c.len_utf8(),
        }
    }
    end
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_guideline
            | Rule::kw_version
            | Rule::kw_language
            | Rule::kw_source
            | Rule::kw_input
            | Rule::kw_yes
            | Rule::kw_no
            | Rule::kw_one
            | Rule::kw_any
            | Rule::kw_of
            | Rule::kw_number
            | Rule::kw_default
            | Rule::kw_asked
            | Rule::kw_when
            | Rule::kw_assume
            | Rule::kw_define
            | Rule::kw_exam
            | Rule::kw_measure
            | Rule::kw_specialist
            | Rule::kw_in
            | Rule::kw_rule
            | Rule::kw_overrides
            | Rule::kw_then
            | Rule::kw_order
            | Rule::kw_refer
            | Rule::kw_avoid
            | Rule::kw_instead
            | Rule::kw_alternative
            | Rule::kw_require
            | Rule::kw_some
            | Rule::kw_nothing
            | Rule::kw_case
            | Rule::kw_given
            | Rule::kw_expect
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::kw_has
            | Rule::kw_implies
            | Rule::kw_same_day
            | Rule::kw_urgent
            | Rule::kw_routine
    )
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]

    use super::*;

    fn parses_as_name(word: &str) -> bool {
        LeidraadParser::parse(Rule::ident, word)
            .is_ok_and(|mut pairs| pairs.next().is_some_and(|pair| pair.as_str() == word))
    }

    #[test]
    fn reserved_words_are_no_names_but_longer_words_are() {
        for word in RESERVED_WORDS {
            assert!(!parses_as_name(word), "`{word}` is reserved");
            assert!(parses_as_name(&format!("{word}x")), "`{word}x` is a name");
            assert!(parses_as_name(&format!("{word}_2")), "`{word}_2` is a name");
        }
        for word in [
            "notable",
            "nothingness",
            "nox",
            "order_x",
            "in_range",
            "oral",
        ] {
            assert!(parses_as_name(word), "`{word}` is a name");
        }
    }

    #[test]
    fn the_grammar_reserves_exactly_the_reserved_words() {
        // `RESERVED_WORDS` (used for messages) and the grammar agree.
        let grammar = include_str!("../../grammar/leidraad.pest");
        for word in RESERVED_WORDS {
            assert!(
                grammar.contains(&format!("kw_{word} "))
                    || grammar.contains(&format!("kw_{word}=")),
                "no `kw_{word}` rule"
            );
            assert!(
                grammar.contains(&format!("\"{word}\" |"))
                    || grammar.contains(&format!("\"{word}\"\n")),
                "`{word}` missing from `keyword`"
            );
        }
    }

    #[test]
    fn a_statement_that_does_not_parse_is_recorded() {
        let (syntax, diagnostics) =
            parse(FileId(0), "guideline g \"G\"\ninput fever yes/no \"K\"\n");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(syntax.broken.len(), 1);
        assert_eq!(syntax.broken[0].keyword, "input");
        assert_eq!(syntax.broken[0].name.as_deref(), Some("fever"));
    }

    #[test]
    fn spans_leave_out_trailing_blanks_and_comments() {
        assert_eq!(significant_len("500   "), 3);
        assert_eq!(significant_len("500 # meant 50\n  "), 3);
        assert_eq!(significant_len("\"a # b\"  "), 7);
        assert_eq!(significant_len("fever"), 5);
    }
}
