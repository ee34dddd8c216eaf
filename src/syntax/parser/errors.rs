//! Pest's errors in an editor's words: what was expected, what was found,
//! and help for the usual slips.

use super::*;

pub(super) fn unknown_statement(file: FileId, chunk: &Chunk<'_>, chunk_text: &str) -> Diagnostic {
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
pub(super) fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident | Rule::name_ref => "a name",
        Rule::number => "a number",
        Rule::string | Rule::string_text => "a label in double quotes",
        Rule::unit => "a unit",
        Rule::quantity => "a number",
        Rule::literal => "a value",
        Rule::ident_set => "a list in square brackets, such as `[infection]`",
        Rule::ident_list => "a list of names separated by commas",
        // Values may be called `yes` or `no`, but a name is what to write.
        Rule::value_list => "a name",
        Rule::condition
        | Rule::implies_expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::primary
        | Rule::comparison
        | Rule::membership
        | Rule::unknown_test
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
        Rule::urgency => "an urgency (`same_day`, `urgent`, `routine`, `within ...`)",
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
        Rule::kw_whole => "`whole`",
        Rule::kw_unknown => "`unknown`",
        Rule::kw_is => "`is`",
        _ => return None,
    })
}
/// The token found at a position, for "found ..." messages.
pub(super) fn found_at(text: &str, position: usize) -> (String, usize) {
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
            rest.find(['\n', '\r']).unwrap_or(rest.len()).min(80),
        )
    } else if first.is_control() {
        // Never echo a control character to a terminal.
        (format!("`{}`", first.escape_unicode()), first.len_utf8())
    } else {
        (format!("`{first}`"), first.len_utf8())
    }
}

/// One thing the parser expected, in an editor's words, with a rank that
/// puts the likeliest fix first.
pub(super) fn expected_item(text: &str) -> (u8, String) {
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
pub(super) fn describe_token(token: &str) -> Option<String> {
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
pub(super) fn or_list(items: &[String]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The word just before `position`, skipping whitespace.
pub(super) fn previous_word(text: &str, position: usize) -> &str {
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
pub(super) fn unterminated_label(text: &str, position: usize) -> Option<(usize, usize)> {
    let position = position.min(text.len());
    let line_start = text
        .get(..position)?
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(line_start..)?
        .find(['\n', '\r'])
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
pub(super) fn unclosed_parenthesis(text: &str, position: usize) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    let mut in_string = false;
    let mut in_comment = false;
    for (i, c) in text.get(..position)?.char_indices() {
        match c {
            '\n' | '\r' => in_comment = false,
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

pub(super) fn syntax_error(
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
    } else if word == "or"
        && keyword == "rule"
        && text
            .get(position + 2..)
            .is_some_and(|rest| rest.trim_start().starts_with("sooner"))
    {
        message =
            "an action gives one urgency; `or sooner` belongs to requirements and cases".to_owned();
        label = "remove `or sooner`".to_owned();
        help = Some(
            "write the deadline the source gives, for example `order CT_head within 1 hour`; a requirement can then ask for `within 1 hour or sooner`"
                .to_owned(),
        );
    } else if matches!(word, "urgent" | "same_day" | "routine" | "within") && has("`instead`") {
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
    } else if has("an urgency (`same_day`, `urgent`, `routine`, `within ...`)") && !word.is_empty()
    {
        help = Some(
            match did_you_mean(word, ["same_day", "urgent", "routine", "within"]) {
                Some(s) => format!(
                    "did you mean `{s}`? The urgencies are `same_day`, `urgent`, `routine` and time frames such as `within 1 hour`"
                ),
                None => "the urgencies are `same_day`, `urgent`, `routine` and time frames such as `within 1 hour`".to_owned(),
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

pub(super) fn r_is_double(text: &str, position: usize) -> bool {
    text.get(position..).is_some_and(|r| r.starts_with("=="))
}
