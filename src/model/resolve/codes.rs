//! Terminology codes on inputs, values and catalogue entries: each code's
//! system and form checked (L140-L143), one code per system on one thing
//! (L144), and one code on two values of an input or two entries (L145).

use super::*;
use crate::model::codes::{self, CodeProblem, CodeSystem, Coding};

/// Spellings of a system that editors write for the words Leidraad uses.
const SYSTEM_ALIASES: &[(&str, CodeSystem)] = &[
    ("sct", CodeSystem::Snomed),
    ("snomedct", CodeSystem::Snomed),
    ("snomed-ct", CodeSystem::Snomed),
    ("snomed_ct", CodeSystem::Snomed),
    ("icd", CodeSystem::Icd10),
    ("icd-10", CodeSystem::Icd10),
    ("icd_10", CodeSystem::Icd10),
    ("icd10cm", CodeSystem::Icd10),
    ("icd-10-cm", CodeSystem::Icd10),
];

impl Resolver {
    /// The checked codes of one input, value or entry (`owner` in the
    /// editor's words: "`MRI_LWK`", "the value `acute` of
    /// `neuro_deficit`"). A code with a problem is reported and left out.
    pub(super) fn codings(&mut self, owner: &str, written: &[ast::CodeLit]) -> Vec<Coding> {
        let mut codings: Vec<Coding> = Vec::new();
        for lit in written {
            let Some(system) = self.code_system(&lit.system) else {
                continue;
            };
            if let Err(problem) = codes::check(system, &lit.code.name) {
                self.code_problem(system, &lit.code, &problem);
                continue;
            }
            if let Some(first) = codings.iter().find(|c| c.system == system) {
                let same = first.code == lit.code.name;
                let message = if same {
                    format!(
                        "{owner} has the {} code `{}` twice",
                        system.name(),
                        lit.code.name
                    )
                } else {
                    format!("{owner} has two {} codes", system.name())
                };
                let help = if same {
                    "remove the second one".to_owned()
                } else {
                    format!(
                        "one thing has one {} code: keep the one that names it exactly, or declare two inputs or entries",
                        system.name()
                    )
                };
                let first = first.span;
                self.error(
                    Diagnostic::new(Code::DuplicateCode, message)
                        .with_primary(lit.span, "second code")
                        .with_secondary(first, "first code")
                        .with_help(help),
                );
                continue;
            }
            codings.push(Coding {
                system,
                code: lit.code.name.clone(),
                span: lit.span,
            });
        }
        codings
    }

    fn code_system(&mut self, word: &ast::Ident) -> Option<CodeSystem> {
        if let Some(system) = CodeSystem::from_word(&word.name) {
            return Some(system);
        }
        let lowered = word.name.to_lowercase();
        let mut diagnostic = Diagnostic::new(
            Code::UnknownCodeSystem,
            format!("`{}` is not a code system", word.name),
        );
        let help = if lowered == "ucum" {
            diagnostic = diagnostic.with_primary(word.span, "units are not coded here");
            "a number input's UCUM code is its unit: write the unit in the type (`number 0..100000 ug/L`) and leave this code out".to_owned()
        } else {
            diagnostic = diagnostic.with_primary(word.span, "unknown code system");
            let alias = SYSTEM_ALIASES
                .iter()
                .find(|(alias, _)| *alias == lowered)
                .map(|(_, system)| system.word())
                .or_else(|| {
                    CodeSystem::from_word(&lowered)
                        .map(CodeSystem::word)
                        .or_else(|| did_you_mean(&lowered, CodeSystem::ALL.map(CodeSystem::word)))
                });
            match alias {
                Some(word) => format!("did you mean `{word}`?"),
                None => {
                    "write `snomed` (SNOMED CT), `loinc` (LOINC) or `icd10` (ICD-10)".to_owned()
                }
            }
        };
        self.error(diagnostic.with_help(help));
        None
    }

    fn code_problem(&mut self, system: CodeSystem, code: &ast::Ident, problem: &CodeProblem) {
        let diagnostic_code = match system {
            CodeSystem::Snomed => Code::InvalidSnomedCode,
            CodeSystem::Loinc => Code::InvalidLoincCode,
            CodeSystem::Icd10 => Code::InvalidIcd10Code,
        };
        let diagnostic = Diagnostic::new(
            diagnostic_code,
            format!("`{}` is not a valid {} code", code.name, system.name()),
        )
        .with_primary(code.span, problem.describe(system));
        let copy = match system {
            CodeSystem::Snomed => "copy the identifier from a SNOMED CT browser",
            CodeSystem::Loinc => "copy the code from the LOINC search (loinc.org)",
            CodeSystem::Icd10 => "copy the code from the ICD-10 browser",
        };
        let help = match (codes::did_you_mean(system, &code.name), problem) {
            (Some((other, fixed)), _) if other != system => format!(
                "this is a valid {} code: did you mean `code {} {fixed}`?",
                other.name(),
                other.word()
            ),
            (Some((_, fixed)), _) => format!("did you mean `{fixed}`?"),
            (None, CodeProblem::CheckDigit { expected }) => {
                let body = code.name.get(..code.name.len().saturating_sub(1)).unwrap_or("");
                format!(
                    "with the other digits as written the check digit would be `{expected}` (`{body}{expected}`), but one wrong digit anywhere gives this error too: {copy} rather than change the last digit"
                )
            }
            (None, CodeProblem::NotAConcept { .. }) => {
                "a SNOMED CT browser shows a concept's own identifier (ConceptId) beside the identifiers of its descriptions: copy the concept's".to_owned()
            }
            (None, _) => format!("{copy}; leave a code out rather than guess one"),
        };
        self.error(diagnostic.with_help(help));
    }

    /// One code on two values of one input, or on two catalogue entries:
    /// most likely one of them was copied by mistake (L145, a warning).
    pub(super) fn check_shared_codes(&mut self) {
        // Two inputs may well share a code: the same observation at two
        // times (the GCS on arrival and at 2 hours) has one LOINC code.
        let mut groups: Vec<Vec<(String, Coding)>> = Vec::new();
        for input in &self.guideline.inputs {
            let values = match &input.ty {
                Type::OneOf(values) | Type::AnyOf(values) => values,
                _ => continue,
            };
            groups.push(
                values
                    .iter()
                    .zip(&input.value_codes)
                    .flat_map(|(value, codes)| {
                        codes.iter().map(move |c| {
                            (format!("the value `{value}` of `{}`", input.id), c.clone())
                        })
                    })
                    .collect(),
            );
        }
        groups.push(
            self.guideline
                .entries
                .iter()
                .flat_map(|e| e.codes.iter().map(|c| (format!("`{}`", e.id), c.clone())))
                .collect(),
        );
        for group in groups {
            let mut seen: HashMap<(CodeSystem, &str), &(String, Coding)> = HashMap::new();
            let mut found = Vec::new();
            for item in &group {
                let key = (item.1.system, item.1.code.as_str());
                match seen.get(&key) {
                    Some(first) => found.push(((*first).clone(), item.clone())),
                    None => {
                        seen.insert(key, item);
                    }
                }
            }
            for ((first_owner, first), (owner, again)) in found {
                self.error(
                    Diagnostic::new(
                        Code::SharedCode,
                        format!(
                            "{first_owner} and {owner} have the same {} code `{}`",
                            again.system.name(),
                            again.code
                        ),
                    )
                    .with_primary(again.span, "the same code again")
                    .with_secondary(first.span, "first given here")
                    .with_help(
                        "a program that reads the codes takes the two for one and the same; check which of them the code names and correct or remove the other",
                    ),
                );
            }
        }
    }
}
