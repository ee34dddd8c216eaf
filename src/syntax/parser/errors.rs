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
            | "code"
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
        Rule::literal | Rule::linear | Rule::linear_term | Rule::product => "a value",
        Rule::ident_set => "a list in square brackets, such as `[infection]`",
        Rule::ident_list => "a list of names separated by commas",
        // Values may be called `yes` or `no`, but a name is what to write.
        Rule::value_list => "a name",
        Rule::code_clause | Rule::kw_code => "`code`",
        Rule::value_codes => "a value's codes in parentheses, such as `(snomed 128053003)`",
        Rule::value_label => "a value's label, such as `\"acuut\"`",
        Rule::coding | Rule::code_system => "a code system (`snomed`, `loinc`, `icd10`)",
        Rule::code_value => "a code, such as `22298006`",
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
        // Optional after every number type's unit: offering it in each
        // "expected ..." would only distract.
        Rule::molar_mass | Rule::molar_word => return None,
        Rule::mass_word => "`mass`",
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
    if is_name_char(first) {
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
        .find(|(_, c)| !is_name_char(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    before.get(start..).unwrap_or("")
}

/// The start and end (before its line break) of the line holding `position`.
fn line_around(text: &str, position: usize) -> Option<(usize, usize)> {
    let start = text
        .get(..position)?
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let end = text
        .get(start..)?
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i);
    Some((start, end))
}

/// Where a double-quoted label opens on the line of `position` without
/// closing before the line ends.
pub(super) fn unterminated_label(text: &str, position: usize) -> Option<(usize, usize)> {
    let position = position.min(text.len());
    let (line_start, line_end) = line_around(text, position)?;
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

/// The help for a lone `"` glued to the word before it.
const HALF_LABEL_HELP: &str = "a label is written between two double quotes, as in \"Koorts\": \
     if this `\"` ends the label, add the opening `\"` where the label begins";

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

    // A `"` inside a label ends it early: what follows it does not fit.
    if let Some(early) = label_closed_early(text, position) {
        let mut diagnostic = Diagnostic::new(
            Code::SyntaxError,
            "a double quote inside a label must be written `\\\"`",
        )
        .with_primary(
            converter.span_of(early.quote, early.quote + 1),
            "this `\"` ends the label here",
        )
        .with_secondary(
            converter.span_of(early.open, early.open + 1),
            "the label starts here",
        );
        diagnostic = diagnostic.with_help(match early.fixed {
            Some(fixed) => format!("write `\\\"` for each double quote inside the label: {fixed}"),
            None => "write `\\\"` for each double quote inside the label".to_owned(),
        });
        return diagnostic;
    }

    // A label left open swallows the rest of the line; say that first.
    if let Some((open, end)) = unterminated_label(text, position) {
        let after_word = text
            .get(..open)
            .and_then(|before| before.chars().next_back())
            .is_some_and(is_name_char);
        if after_word {
            // `guideline demo Demo"`: the quote may close a label that was
            // never opened.
            return Diagnostic::new(Code::SyntaxError, "this `\"` has no partner on its line")
                .with_primary(
                    converter.span_of(open, open + 1),
                    "a label starts or ends here",
                )
                .with_help(HALF_LABEL_HELP);
        }
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
    let rest = text.get(position..).unwrap_or("");
    let comparison_expected = expected.iter().any(|e| e.starts_with("a comparison"));
    let joiner_expected = has("`and`") || has("`or`");
    let mut span = span;
    if let Some((written, meant, words)) = [
        ("=>", ">=", "greater than or equal to"),
        ("=<", "<=", "less than or equal to"),
    ]
    .into_iter()
    .find(|(written, _, _)| rest.starts_with(written))
    .filter(|_| comparison_expected)
    {
        span = converter.span_of(position, position + 2);
        message = format!("`{written}` is not a comparison; write `{meant}`");
        label = format!("write `{meant}` here");
        help = Some(format!(
            "\"{words}\" is written `{meant}`, with `{}` first",
            meant.get(..1).unwrap_or(meant)
        ));
    } else if let Some((written, meant, reading)) = [
        ("&&", "and", "both sides must hold"),
        ("&", "and", "both sides must hold"),
        ("||", "or", "either side may hold"),
        ("|", "or", "either side may hold"),
    ]
    .into_iter()
    .find(|(written, _, _)| rest.starts_with(written))
    .filter(|_| joiner_expected)
    {
        span = converter.span_of(position, position + written.len());
        message = format!("conditions are joined with the word `{meant}`, found `{written}`");
        label = format!("write `{meant}` here");
        help = Some(format!(
            "write `{meant}` instead of `{written}` ({reading})"
        ));
    } else if word == "if" && has("`when`") {
        message = "a condition starts with `when`, found `if`".to_owned();
        label = "write `when` here".to_owned();
        help = Some("write `when` instead of `if`, for example `when fever`".to_owned());
    } else if let Some((start, end)) = decimal_comma(text, position) {
        let written = text.get(start..end).unwrap_or("");
        let meant = written.replace(',', ".");
        span = converter.span_of(start, end);
        message =
            format!("a decimal number is written with a point: write `{meant}`, found `{written}`");
        label = format!("write `{meant}`");
        help = Some(format!(
            "write decimals with a point, as in `{meant}`; a comma separates the items of a list"
        ));
    } else if rest.starts_with('=') && !r_is_double(text, position) && comparison_expected {
        message = "a comparison for equality is written `==`, found `=`".to_owned();
        label = "write `==` here".to_owned();
        help = Some("to compare, write `==` (two equals signs)".to_owned());
    } else if word == "when" && keyword == "rule" && has("`then`") {
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

/// A label that a `"` inside it closed before its end, found from the
/// token right after that quote (where the parser stopped).
pub(super) struct EarlyClose {
    /// The label's opening quote.
    open: usize,
    /// The quote that closed it early.
    quote: usize,
    /// The label as it should be written, with every inner quote escaped,
    /// when the line's quotes tell where it ends.
    fixed: Option<String>,
}

/// Whether the parser stopped right after a `"` that closed a label, at a
/// word or quote glued to it (`"Zo "genoemd" iets"` stops at `genoemd`).
pub(super) fn label_closed_early(text: &str, position: usize) -> Option<EarlyClose> {
    let position = position.min(text.len());
    let quote = position.checked_sub(1)?;
    if text.get(quote..position) != Some("\"") {
        return None;
    }
    let next = text.get(position..)?.chars().next()?;
    if next.is_whitespace() || next == '#' {
        return None;
    }
    let (line_start, line_end) = line_around(text, position)?;
    let line = text.get(line_start..line_end)?;
    // Find the label that the quote at `quote` closed.
    let mut open: Option<usize> = None;
    let mut escaped = false;
    let mut closed_by = None;
    for (i, c) in line.char_indices() {
        let at = line_start + i;
        match (open, c) {
            (None, '#') => return None,
            (None, '"') => open = Some(at),
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(start), '"') => {
                if at == quote {
                    closed_by = Some(start);
                    break;
                }
                open = None;
            }
            _ => {}
        }
    }
    let open = closed_by?;
    // The label's real end: the last quote on the line, if the quotes
    // after the label's start are even in number (every inner quote has
    // its partner) and nothing but spaces follows it.
    let tail = text.get(open..line_end)?.trim_end();
    let quotes = tail.matches('"').count();
    let fixed = (quotes % 2 == 0 && tail.ends_with('"') && !tail.contains('\\')).then(|| {
        let inner = tail.get(1..tail.len() - 1).unwrap_or("");
        format!("\"{}\"", inner.replace('"', "\\\""))
    });
    Some(EarlyClose { open, quote, fixed })
}

/// A number written with a decimal comma (`10,5`) around the position where
/// the parser stopped: at the comma, or right after it. The byte range of
/// the whole number.
pub(super) fn decimal_comma(text: &str, position: usize) -> Option<(usize, usize)> {
    let comma = if text.get(position..)?.starts_with(',') {
        position
    } else {
        position
            .checked_sub(1)
            .filter(|&c| text.get(c..position) == Some(","))?
    };
    let before = text.get(..comma)?;
    let after = text.get(comma + 1..)?;
    if !before.ends_with(|c: char| c.is_ascii_digit())
        || !after.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let start = before
        .rfind(|c: char| !(c.is_ascii_digit() || c == '-'))
        .map_or(0, |i| i + 1);
    // `10,5` but not `x10,5`: the number must stand on its own.
    if before
        .get(..start)
        .and_then(|b| b.chars().next_back())
        .is_some_and(is_name_char)
    {
        return None;
    }
    let end = comma
        + 1
        + after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
    Some((start, end))
}

pub(super) fn r_is_double(text: &str, position: usize) -> bool {
    text.get(position..).is_some_and(|r| r.starts_with("=="))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of the syntax errors of `text`.
    fn errors(text: &str) -> Vec<String> {
        let (_, diagnostics) = parse(FileId(0), text);
        diagnostics.into_iter().map(|d| d.message).collect()
    }

    const HEAD: &str =
        "guideline g \"G\"\ninput a : yes/no \"A\"\ninput n : number 0..9 \"N\"\nexam X \"X\"\n";

    #[test]
    fn the_usual_slips_get_their_own_message() {
        let slip = |statement: &str| errors(&format!("{HEAD}{statement}\n"));
        assert_eq!(
            slip("rule r \"R\" when n =< 5 then order X"),
            ["`=<` is not a comparison; write `<=`"]
        );
        assert_eq!(
            slip("case \"c\" expect order X && no avoid"),
            ["conditions are joined with the word `and`, found `&&`"]
        );
        assert_eq!(
            slip("rule r \"R\" when a | n > 2 then order X"),
            ["conditions are joined with the word `or`, found `|`"]
        );
        assert_eq!(
            slip("case \"c\" given n 2,5 expect order X"),
            ["a decimal number is written with a point: write `2.5`, found `2,5`"]
        );
        assert_eq!(
            slip("rule r \"Zo \"heet\" het\" when a then order X"),
            ["a double quote inside a label must be written `\\\"`"]
        );
        // Not every `|`, `,` or `"` is one of them.
        assert_eq!(slip("input b : yes|no \"B\""), ["expected `/`, found `|`"]);
        assert!(!slip("rule r \"R\" when n > 2,a then order X")[0].contains("decimal"));
        assert!(!slip("rule r \"R\" \"S\" when a then order X")[0].contains("inside a label"));
    }
}
