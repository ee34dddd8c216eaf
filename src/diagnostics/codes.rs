//! The registry of diagnostic codes. A code never changes meaning once
//! published; retired codes are not reused.
//!
//! Each code's explanation (What / Why / Example) lives in
//! `src/diagnostics/explanations/CODE.md`; `leidraad explain CODE` prints it
//! and `docs/diagnostics.md` is generated from it.

use super::Severity;
use serde::{Serialize, Serializer};

/// Static facts about one code.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    /// A kebab-case name that `explain` also accepts.
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub explanation: &'static str,
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $name:literal, $severity:ident, $summary:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            /// Every code, in code order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $( Code::$variant => &CodeInfo {
                        code: $code,
                        name: $name,
                        severity: Severity::$severity,
                        summary: $summary,
                        explanation: include_str!(concat!("explanations/", $code, ".md")),
                    }, )*
                }
            }
        }
    };
}

codes! {
    SyntaxError = "L001", "syntax-error", Error, "the text does not follow the grammar";
    UnknownStatement = "L002", "unknown-statement", Error, "a line starts with a word that begins no statement";
    MissingHeader = "L003", "missing-header", Error, "the file has no `guideline` header";
    MisplacedHeader = "L004", "misplaced-header", Error, "the `guideline` header is repeated or not first";
    TooDeeplyNested = "L005", "too-deeply-nested", Error, "a condition is nested too deeply";
    NotText = "L006", "not-text", Error, "the file is not UTF-8 text";
    RepeatedHeaderField = "L007", "repeated-header-field", Error, "a header field is given twice";
    ControlCharacter = "L008", "control-character", Error, "a label contains a control character";
    UnknownName = "L101", "unknown-name", Error, "a name is not declared";
    DuplicateName = "L102", "duplicate-name", Error, "a name is declared twice";
    UnknownValue = "L103", "unknown-value", Error, "a value is not one of the input's values";
    TypeMismatch = "L104", "type-mismatch", Error, "a name is used in a way its type does not allow";
    UnitMismatch = "L105", "unit-mismatch", Error, "a number's unit does not fit the input";
    UnknownUnit = "L106", "unknown-unit", Error, "a unit is not known";
    OutOfRange = "L107", "out-of-range", Error, "a number lies outside the input's range";
    DefinitionCycle = "L108", "definition-cycle", Error, "definitions refer to each other in a circle";
    OverrideMissing = "L109", "override-missing", Error, "`overrides` names a rule that does not exist";
    OverrideSelf = "L110", "override-self", Error, "a rule overrides itself";
    AskedWhenSelf = "L111", "asked-when-self", Error, "an `asked when` condition uses the input itself";
    CaseFactMismatch = "L112", "case-fact-mismatch", Error, "a case gives a fact that does not fit the inputs";
    InvalidInput = "L113", "invalid-input", Error, "an input declaration cannot be satisfied";
    WrongActionKind = "L114", "wrong-action-kind", Error, "an action does not fit its target";
    UnknownGroup = "L115", "unknown-group", Error, "a group is not used by any catalogue entry";
    InvalidTimeFrame = "L116", "invalid-time-frame", Error, "a time frame is not a duration of at least one second";
    ExclusiveTooFew = "L117", "exclusive-too-few", Error, "an `exclusive` statement names fewer than two different entries";
    EmptyValueLabel = "L118", "empty-value-label", Error, "a value's label is empty";
    DuplicateValueLabel = "L119", "duplicate-value-label", Error, "two values of one input are shown by the same text";
    InvalidScore = "L120", "invalid-score", Error, "a score cannot be added up as written";
    ScoreTooLarge = "L121", "score-too-large", Error, "a score test is too large to decide exactly";
    UsePathRefused = "L130", "use-path-refused", Error, "a `use` path is absolute, a URL, or leaves the guideline's folder";
    UsedFileMissing = "L131", "used-file-missing", Error, "a used file cannot be found or read";
    UseCycle = "L132", "use-cycle", Error, "files use each other in a cycle";
    DeclarationClash = "L133", "declaration-clash", Error, "a name is declared differently in two files";
    RepeatedDeclaration = "L134", "repeated-declaration", Warning, "a declaration repeats one a used vocabulary makes";
    NotAVocabulary = "L135", "not-a-vocabulary", Error, "a used file is not a vocabulary";
    NotInVocabulary = "L136", "not-in-vocabulary", Error, "a vocabulary holds a rule, requirement or case";
    UnknownCodeSystem = "L140", "unknown-code-system", Error, "a code names a code system Leidraad does not know";
    InvalidSnomedCode = "L141", "invalid-snomed-code", Error, "a SNOMED CT code is malformed or fails its check digit";
    InvalidLoincCode = "L142", "invalid-loinc-code", Error, "a LOINC code is malformed or fails its check digit";
    InvalidIcd10Code = "L143", "invalid-icd10-code", Error, "an ICD-10 code does not have the shape of one";
    DuplicateCode = "L144", "duplicate-code", Error, "one thing has two codes of the same system";
    SharedCode = "L145", "shared-code", Warning, "two values of one input, or two entries, have the same code";
    UnusedInput = "L201", "unused-input", Warning, "an input is never used";
    UnusedDefinition = "L202", "unused-definition", Warning, "a definition is never used";
    UnusedEntry = "L203", "unused-entry", Warning, "a catalogue entry is never recommended";
    Conflict = "L301", "conflict", Error, "a patient gets two clashing actions";
    UnreachableRule = "L302", "unreachable-rule", Error, "no patient fires the rule";
    ShadowedRule = "L303", "shadowed-rule", Warning, "every action of the rule is always overruled";
    RedundantRule = "L304", "redundant-rule", Warning, "another rule always does what this rule does";
    RequirementFailed = "L305", "requirement-failed", Error, "a requirement does not hold for some patient";
    AnalysisIncomplete = "L306", "analysis-incomplete", Warning, "an analysis ran out of its budget";
    RequirementNotVerified = "L307", "requirement-not-verified", Note, "a requirement was not verified";
    RequirementProved = "L308", "requirement-proved", Note, "a requirement holds for every possible patient";
    GuidelinesDisagree = "L309", "guidelines-disagree", Warning, "two guidelines recommend clashing actions for one patient";
    CaseFailed = "L401", "case-failed", Error, "a case's expectation does not hold";
    CaseNotEvaluated = "L402", "case-not-evaluated", Error, "a case could not be evaluated";
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.info().code
    }

    /// Finds a code by its code (`L101`, any case) or its name
    /// (`unknown-name`).
    pub fn lookup(text: &str) -> Option<Code> {
        let text = text.trim();
        Code::ALL.iter().copied().find(|c| {
            let info = c.info();
            info.code.eq_ignore_ascii_case(text) || info.name.eq_ignore_ascii_case(text)
        })
    }
}

impl Code {
    /// Whether a finding of this code fails `leidraad check` when no
    /// `--deny` or `--allow` says otherwise: every error, and what was not
    /// proved (the [`Group`] `incomplete`: L306 and L307).
    pub fn fails_by_default(self) -> bool {
        self.info().severity == Severity::Error
            || matches!(
                self,
                Code::AnalysisIncomplete | Code::RequirementNotVerified
            )
    }

    /// The groups this code belongs to, in [`GROUPS`] order.
    pub fn groups(self) -> impl Iterator<Item = &'static Group> {
        GROUPS.iter().filter(move |group| group.contains(self))
    }
}

/// A named set of codes that `--deny` and `--allow` take besides single
/// codes.
#[derive(Debug)]
pub struct Group {
    pub name: &'static str,
    pub summary: &'static str,
    members: fn(Code) -> bool,
}

impl Group {
    pub fn contains(&self, code: Code) -> bool {
        (self.members)(code)
    }

    /// The codes of the group, in code order.
    pub fn codes(&self) -> impl Iterator<Item = Code> + '_ {
        Code::ALL
            .iter()
            .copied()
            .filter(|&code| self.contains(code))
    }

    /// Finds a group by its name (any case).
    pub fn lookup(text: &str) -> Option<&'static Group> {
        let text = text.trim();
        GROUPS.iter().find(|g| g.name.eq_ignore_ascii_case(text))
    }
}

/// The groups of codes, each with what it is for. A group's members follow
/// from the registry (a new warning joins `warnings` by itself).
pub const GROUPS: &[Group] = &[
    Group {
        name: "warnings",
        summary: "every code whose severity is warning",
        members: |code| code.info().severity == Severity::Warning,
    },
    Group {
        name: "incomplete",
        summary: "what was not proved: an analysis that stopped on its budget (L306), a requirement not verified (L307); denied unless allowed",
        members: |code| {
            matches!(
                code,
                Code::AnalysisIncomplete | Code::RequirementNotVerified
            )
        },
    },
    Group {
        name: "unused",
        summary: "inputs, definitions and catalogue entries that are never used (L201-L203)",
        members: |code| {
            matches!(
                code,
                Code::UnusedInput | Code::UnusedDefinition | Code::UnusedEntry
            )
        },
    },
];

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The text of `docs/diagnostics.md`: the message style guide and every
/// code's explanation. A test keeps the file in step with the registry.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Diagnostics\n\n\
         <!-- Generated from src/diagnostics/explanations by `LEIDRAAD_BLESS=1 cargo test --release --test it docs_sync::`; do not edit by hand. -->\n\n\
         Every problem the checker reports has a stable code. `leidraad explain CODE`\n\
         prints the explanation below; `leidraad explain all` lists the codes.\n\n\
         ## Message style\n\n\
         - Messages are lowercase sentences without a full stop, and say what is wrong\n  in the editor's words.\n\
         - What the editor wrote appears in backticks: `neuro_deficit`, `3 kg`.\n\
         - No names of the tool's internals appear in messages.\n\
         - Advice goes in `help`, with a \"did you mean\" suggestion where a close name exists.\n\
         - Every label points at the exact place: the name, value or unit at fault.\n\
         - Findings about patients carry an example patient that the evaluator confirmed.\n\n\
         ## Exit status of `leidraad check`\n\n\
         | status | meaning |\n|---|---|\n\
         | 0 | nothing that fails: no errors, no failed case, nothing left unproved (warnings and notes allowed unless denied) |\n\
         | 1 | findings that fail: errors, failed cases, and what `--deny` (or the default for `incomplete`) makes fail |\n\
         | 2 | usage or input problem (unreadable file, bad option, a code or group that does not exist) |\n\n\
         `leidraad test` and `leidraad diff` use the same three statuses.\n\n\
         ## What fails the check: `--deny` and `--allow`\n\n\
         By default a check fails on every error, and on what was not proved:\n\
         an analysis that stopped on its budget (L306) and a requirement that was\n\
         not verified (L307), the group `incomplete`. Warnings and notes do not fail it.\n\
         `--deny X` makes the findings of `X` fail; `--allow X` makes them not fail\n\
         (they are still reported). `X` is a code (`L309`), a code's name\n\
         (`guidelines-disagree`) or a group below; both flags can be given many times.\n\
         An error cannot be allowed.\n\n\
         When several flags name one code, **the more specific wins**: a code beats a\n\
         group, and a smaller group beats a larger one (as ruff does with its rule\n\
         selectors); between flags that are equally specific, `--deny` wins, whatever\n\
         their order. So `--deny warnings --allow L201` fails on every warning except\n\
         an unused input, and `--deny warnings --allow incomplete` does not fail on L306.\n\
         `--no-analyses` allows `incomplete` unless a flag says otherwise, and in a file\n\
         with errors L307 stays a note: nothing was analysed, and the errors fail the\n\
         check already.\n\n\
         | group | codes | what |\n|---|---|---|\n",
    );
    for group in GROUPS {
        let codes: Vec<&str> = group.codes().map(Code::as_str).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            group.name,
            codes.join(", "),
            group.summary
        ));
    }
    out.push_str("\n## Codes\n\n| code | name | severity | summary |\n|---|---|---|---|\n");
    for code in Code::ALL {
        let info = code.info();
        out.push_str(&format!(
            "| [{}](#{}) | `{}` | {} | {} |\n",
            info.code,
            info.code.to_ascii_lowercase(),
            info.name,
            info.severity.as_str(),
            info.summary
        ));
    }
    for code in Code::ALL {
        let info = code.info();
        out.push('\n');
        out.push_str(&format!(
            "<a id=\"{}\"></a>\n\n",
            info.code.to_ascii_lowercase()
        ));
        // Explanations start at heading level 1; nest them under "Codes".
        for line in info.explanation.lines() {
            if line.starts_with('#') {
                out.push_str("##");
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
