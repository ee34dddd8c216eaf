//! The words of the language, kept in one place: the keywords, and the
//! words in which actions, urgencies and comparisons are written. Every
//! renderer (diagnostics, flowcharts, evaluation results) takes its words
//! from here, so that the language reads the same everywhere.

use std::borrow::Cow;

use crate::logic::problem::{ActionKind, Urgency};
use crate::syntax::ast::CompareOp;

/// Words that start a statement.
pub const STATEMENT_KEYWORDS: &[&str] = &[
    "guideline",
    "vocabulary",
    "use",
    "input",
    "assume",
    "define",
    "score",
    "exam",
    "measure",
    "specialist",
    "rule",
    "require",
    "case",
    "exclusive",
];

/// Words that are never names: every keyword of the grammar.
pub const RESERVED_WORDS: &[&str] = &[
    "guideline",
    "vocabulary",
    "use",
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
    "whole",
    "unknown",
    "is",
    "score",
    "at",
    "least",
    "code",
    "within",
    "exclusive",
];

/// The word that writes an action kind: `order`, `refer`, `avoid`.
pub fn kind_word(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Order => "order",
        ActionKind::Refer => "refer",
        ActionKind::Avoid => "avoid",
    }
}

/// The words that write an urgency: `same_day`, `urgent`, `routine`, or a
/// time frame such as `within 8 hours` ([`duration_words`]).
pub fn urgency_word(urgency: Urgency) -> Cow<'static, str> {
    match urgency {
        Urgency::SameDay => Cow::Borrowed("same_day"),
        Urgency::Urgent => Cow::Borrowed("urgent"),
        Urgency::Routine => Cow::Borrowed("routine"),
        Urgency::Within { seconds } => Cow::Owned(format!("within {}", duration_words(seconds))),
    }
}

/// A duration of `seconds` in words, in one unit that measures it in whole
/// numbers: years or months when it is a whole number of them (a month is
/// a twelfth of a 365.25-day year), otherwise seconds when it is not whole
/// minutes, minutes when it is not whole hours, hours up to 72 hours (as
/// clinicians write 24, 48 and 72 hours) or when it is not whole days,
/// weeks when it is whole weeks, and days otherwise: `1 hour`, `90
/// minutes`, `24 hours`, `4 days`, `2 weeks`, `3 months`. Equal durations
/// are always written the same way, whatever unit the editor used.
pub fn duration_words(seconds: u64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = DAY * 365 + DAY / 4;
    const MONTH: u64 = YEAR / 12;
    let (count, unit) = if seconds > 0 && seconds % YEAR == 0 {
        (seconds / YEAR, "year")
    } else if seconds > 0 && seconds % MONTH == 0 {
        (seconds / MONTH, "month")
    } else if seconds % MINUTE != 0 {
        (seconds, "second")
    } else if seconds % HOUR != 0 {
        (seconds / MINUTE, "minute")
    } else if seconds <= 72 * HOUR || seconds % DAY != 0 {
        (seconds / HOUR, "hour")
    } else if seconds % (7 * DAY) == 0 {
        (seconds / (7 * DAY), "week")
    } else {
        (seconds / DAY, "day")
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

/// The operator that writes a comparison: `==`, `!=`, `<`, `<=`, `>`, `>=`.
pub fn operator_word(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "==",
        CompareOp::Ne => "!=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
    }
}

/// The comparison that holds exactly when `op` does not, for a value that is
/// present: `==` and `!=`, `<` and `>=`, `>` and `<=`.
pub fn opposite(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Eq => CompareOp::Ne,
        CompareOp::Ne => CompareOp::Eq,
        CompareOp::Lt => CompareOp::Ge,
        CompareOp::Le => CompareOp::Gt,
        CompareOp::Gt => CompareOp::Le,
        CompareOp::Ge => CompareOp::Lt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const GRAMMAR: &str = include_str!("../../grammar/leidraad.pest");

    /// The words between the parentheses of the grammar's `keyword` rule.
    fn keyword_rule_words() -> BTreeSet<String> {
        let start = GRAMMAR.find("\nkeyword = @{").unwrap_or(0);
        let body = GRAMMAR.get(start..).unwrap_or("");
        let end = body.find("~ !ident_char").unwrap_or(body.len());
        body.get(..end)
            .unwrap_or("")
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    /// The `X` of every `kw_X` rule the grammar defines.
    fn kw_rules() -> BTreeSet<String> {
        GRAMMAR
            .lines()
            .filter_map(|line| line.strip_prefix("kw_"))
            .filter_map(|rest| rest.split([' ', '=']).next())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_reserved_words_are_exactly_the_grammars_keywords() {
        let reserved: BTreeSet<String> = RESERVED_WORDS.iter().map(|w| (*w).to_owned()).collect();
        assert_eq!(
            reserved.len(),
            RESERVED_WORDS.len(),
            "a reserved word is listed twice"
        );
        assert_eq!(
            keyword_rule_words(),
            reserved,
            "the grammar's `keyword` rule"
        );
        assert_eq!(kw_rules(), reserved, "the grammar's `kw_*` rules");
    }

    /// The body of the grammar rule `name`, between its braces.
    fn rule_body(name: &str) -> &'static str {
        let line = GRAMMAR
            .lines()
            .find(|line| line.split_whitespace().next() == Some(name))
            .unwrap_or("");
        let start = line.find('{').map_or(0, |at| at + 1);
        let end = line.rfind('}').unwrap_or(line.len());
        line.get(start..end).unwrap_or("")
    }

    /// The keywords a rule can start with, following a leading rule name.
    fn first_words(name: &str) -> BTreeSet<String> {
        let body = rule_body(name);
        let head = body.split('~').next().unwrap_or("");
        head.split('|')
            .map(|part| part.trim().trim_matches(['(', ')']).trim())
            .flat_map(|part| match part.strip_prefix("kw_") {
                Some(word) => BTreeSet::from([word.to_owned()]),
                None => first_words(part),
            })
            .collect()
    }

    fn alternatives(name: &str) -> BTreeSet<String> {
        rule_body(name)
            .split('|')
            .map(|part| {
                part.trim()
                    .trim_start_matches("kw_")
                    .trim_matches('"')
                    .to_owned()
            })
            .collect()
    }

    fn set(words: impl IntoIterator<Item = &'static str>) -> BTreeSet<String> {
        words.into_iter().map(str::to_owned).collect()
    }

    #[test]
    fn statement_keywords_are_exactly_the_first_words_of_statements() {
        let statements = [
            "header",
            "use_decl",
            "input_decl",
            "assume_decl",
            "define_decl",
            "score_decl",
            "entry_decl",
            "rule_decl",
            "require_decl",
            "case_decl",
            "exclusive_decl",
        ];
        let first: BTreeSet<String> = statements.iter().flat_map(|s| first_words(s)).collect();
        assert_eq!(set(STATEMENT_KEYWORDS.iter().copied()), first);
    }

    #[test]
    fn the_written_words_are_the_grammars() {
        use ActionKind::*;
        use CompareOp::*;
        use Urgency::*;
        assert_eq!(
            set([Order, Refer, Avoid].map(kind_word)),
            alternatives("action_kind")
        );
        let mut urgencies: BTreeSet<String> = [SameDay, Urgent, Routine]
            .map(|u| urgency_word(u).into_owned())
            .into_iter()
            .collect();
        urgencies.insert("time_frame".to_owned());
        assert_eq!(urgencies, alternatives("urgency"));
        assert_eq!(
            first_words("time_frame"),
            set(["within"]),
            "a time frame starts with `within`"
        );
        assert!(urgency_word(Within { seconds: 3600 }).starts_with("within "));
        assert_eq!(
            set([Eq, Ne, Lt, Le, Gt, Ge].map(operator_word)),
            alternatives("compare_op")
        );
    }

    #[test]
    fn durations_are_written_in_one_whole_unit() {
        let cases = [
            (1, "1 second"),
            (90, "90 seconds"),
            (60, "1 minute"),
            (30 * 60, "30 minutes"),
            (90 * 60, "90 minutes"),
            (3600, "1 hour"),
            (8 * 3600, "8 hours"),
            (24 * 3600, "24 hours"),
            (72 * 3600, "72 hours"),
            (96 * 3600, "4 days"),
            (7 * 24 * 3600, "1 week"),
            (14 * 24 * 3600, "2 weeks"),
            (10 * 24 * 3600, "10 days"),
            (2_629_800, "1 month"),
            (3 * 2_629_800, "3 months"),
            (12 * 2_629_800, "1 year"),
            (31_557_600 * 2, "2 years"),
        ];
        for (seconds, words) in cases {
            assert_eq!(duration_words(seconds), words, "{seconds} seconds");
        }
    }

    #[test]
    fn opposites_pair_up() {
        use CompareOp::*;
        for op in [Eq, Ne, Lt, Le, Gt, Ge] {
            assert_eq!(opposite(opposite(op)), op);
            assert_ne!(opposite(op), op);
        }
    }
}
