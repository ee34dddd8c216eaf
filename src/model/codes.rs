//! Terminology codes: SNOMED CT, LOINC and ICD-10 codes on inputs, values
//! and catalogue entries, checked for form only. A code's meaning is not
//! looked up (Leidraad reads no terminology server); what is checked is
//! what a typo breaks: SNOMED CT's Verhoeff check digit and the SCTID's
//! partition and length, LOINC's mod-10 check digit, and the shape of an
//! ICD-10 code. UCUM codes are not written: a number input's unit is its
//! UCUM code ([`super::units::Unit::ucum`]).

use crate::source::Span;

/// A code system a guideline may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeSystem {
    Snomed,
    Loinc,
    Icd10,
}

/// The system URI of UCUM, for units (FHIR's `Coding.system`).
pub const UCUM_URI: &str = "http://unitsofmeasure.org";

impl CodeSystem {
    /// Every system, in the order the messages list them.
    pub const ALL: [CodeSystem; 3] = [CodeSystem::Snomed, CodeSystem::Loinc, CodeSystem::Icd10];

    /// The word written in a guideline: `code snomed 22298006`.
    pub fn word(self) -> &'static str {
        match self {
            CodeSystem::Snomed => "snomed",
            CodeSystem::Loinc => "loinc",
            CodeSystem::Icd10 => "icd10",
        }
    }

    /// The system's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            CodeSystem::Snomed => "SNOMED CT",
            CodeSystem::Loinc => "LOINC",
            CodeSystem::Icd10 => "ICD-10",
        }
    }

    /// The system URI that FHIR uses in `Coding.system`.
    pub fn uri(self) -> &'static str {
        match self {
            CodeSystem::Snomed => "http://snomed.info/sct",
            CodeSystem::Loinc => "http://loinc.org",
            CodeSystem::Icd10 => "http://hl7.org/fhir/sid/icd-10",
        }
    }

    pub fn from_word(word: &str) -> Option<CodeSystem> {
        CodeSystem::ALL.into_iter().find(|s| s.word() == word)
    }
}

/// One checked code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coding {
    pub system: CodeSystem,
    pub code: String,
    /// The span of the system word and the code as written.
    pub span: Span,
}

impl Coding {
    /// The code as FHIR writes a `Coding`: `{"code": ..., "system": URI}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "system": self.system.uri(), "code": self.code })
    }
}

/// Codes as a JSON array of FHIR `Coding`s.
pub fn codings_json(codes: &[Coding]) -> serde_json::Value {
    serde_json::Value::Array(codes.iter().map(Coding::to_json).collect())
}

/// What is wrong with a code's form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// A character the system's codes never hold (the first one).
    BadCharacter(char),
    /// A SNOMED CT identifier that starts with `0`.
    LeadingZero,
    /// A SNOMED CT identifier with fewer than 6 or more than 18 digits.
    SnomedLength(usize),
    /// The last digit is not the check digit of the others; `expected` is
    /// the one that would be.
    CheckDigit { expected: char },
    /// A valid SCTID that names no concept: a description (`01`, `11`) or a
    /// relationship (`02`, `12`), or an unused partition.
    NotAConcept { partition: String },
    /// A SCTID in an extension's long format (partition `10`) too short to
    /// hold the 7-digit namespace.
    ShortExtension,
    /// A LOINC code not of the form `NNNNN-N`.
    LoincShape,
    /// A LOINC answer or part code (`LA...`, `LP...`): not checked, so
    /// refused.
    LoincNotATerm,
    /// An ICD-10 code not of the form `A00` or `A00.0` (up to four
    /// characters after the point, ICD-10-CM).
    Icd10Shape,
}

impl CodeProblem {
    /// The problem in an editor's words.
    pub fn describe(&self, system: CodeSystem) -> String {
        match self {
            CodeProblem::BadCharacter(c) => match system {
                CodeSystem::Snomed => {
                    format!("a SNOMED CT identifier holds digits only, not `{c}`")
                }
                CodeSystem::Loinc => {
                    format!("a LOINC code holds digits and one `-`, not `{c}`")
                }
                CodeSystem::Icd10 if c.is_ascii_lowercase() => {
                    "an ICD-10 code is written in capital letters".to_owned()
                }
                CodeSystem::Icd10 => format!("an ICD-10 code holds no `{c}`"),
            },
            CodeProblem::LeadingZero => "a SNOMED CT identifier never starts with 0".to_owned(),
            CodeProblem::SnomedLength(n) => format!(
                "a SNOMED CT identifier has 6 to 18 digits; this one has {n}"
            ),
            CodeProblem::CheckDigit { .. } => match system {
                CodeSystem::Snomed => {
                    "the last digit is not the Verhoeff check digit of the others".to_owned()
                }
                _ => "the digit after `-` is not the mod-10 check digit of the others".to_owned(),
            },
            CodeProblem::NotAConcept { partition } => match partition.as_bytes().get(1) {
                Some(b'1') => format!(
                    "this identifier names a description, not a concept (partition `{partition}`)"
                ),
                Some(b'2') => format!(
                    "this identifier names a relationship, not a concept (partition `{partition}`)"
                ),
                _ => format!("no SNOMED CT identifier has the partition `{partition}`"),
            },
            CodeProblem::ShortExtension => {
                "an extension's identifier (partition `10`) has at least 11 digits".to_owned()
            }
            CodeProblem::LoincShape => {
                "a LOINC code is digits, `-` and a check digit, such as `48065-7`".to_owned()
            }
            CodeProblem::LoincNotATerm => {
                "LOINC answer and part codes (LA..., LP...) are not supported: only LOINC term codes such as `48065-7`".to_owned()
            }
            CodeProblem::Icd10Shape => {
                "an ICD-10 code is a letter, two digits and an optional point with up to four characters, such as `I80.2`".to_owned()
            }
        }
    }
}

/// Checks a code's form in its system.
pub fn check(system: CodeSystem, code: &str) -> Result<(), CodeProblem> {
    match system {
        CodeSystem::Snomed => check_snomed(code),
        CodeSystem::Loinc => check_loinc(code),
        CodeSystem::Icd10 => check_icd10(code),
    }
}

/// The digits of a text of ASCII digits, or the first other character.
fn digits(code: &str) -> Result<Vec<u8>, CodeProblem> {
    code.chars()
        .map(|c| {
            c.to_digit(10)
                .and_then(|d| u8::try_from(d).ok())
                .ok_or(CodeProblem::BadCharacter(c))
        })
        .collect()
}

/// A SNOMED CT identifier (SCTID) of a concept: 6 to 18 digits, no leading
/// zero, a Verhoeff check digit last, and before it the partition `00`
/// (a concept of the international edition) or `10` (of an extension,
/// after its 7-digit namespace).
pub fn check_snomed(code: &str) -> Result<(), CodeProblem> {
    let digits = digits(code)?;
    if digits.first() == Some(&0) {
        return Err(CodeProblem::LeadingZero);
    }
    if !(6..=18).contains(&digits.len()) {
        return Err(CodeProblem::SnomedLength(digits.len()));
    }
    let (payload, check) = digits.split_at(digits.len() - 1);
    let expected = verhoeff_digit(payload);
    if check != [expected] {
        return Err(CodeProblem::CheckDigit {
            expected: char::from(b'0' + expected),
        });
    }
    let partition = code.get(code.len() - 3..code.len() - 1).unwrap_or("");
    match partition {
        "00" => Ok(()),
        "10" if digits.len() < 11 => Err(CodeProblem::ShortExtension),
        "10" => Ok(()),
        other => Err(CodeProblem::NotAConcept {
            partition: other.to_owned(),
        }),
    }
}

/// The Verhoeff dihedral group table.
const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

/// The Verhoeff permutation table.
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// The Verhoeff inverse table.
const VERHOEFF_INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

fn lookup<const N: usize>(row: &[u8; N], at: u8) -> u8 {
    row.get(usize::from(at)).copied().unwrap_or(0)
}

/// The Verhoeff check digit of `payload` (digits 0 to 9).
fn verhoeff_digit(payload: &[u8]) -> u8 {
    let mut c = 0u8;
    for (position, &digit) in payload.iter().rev().enumerate() {
        let permutation = VERHOEFF_P
            .get((position + 1) % 8)
            .map_or(0, |p| lookup(p, digit));
        c = VERHOEFF_D
            .get(usize::from(c))
            .map_or(0, |d| lookup(d, permutation));
    }
    lookup(&VERHOEFF_INV, c)
}

/// A LOINC term code: 1 to 7 digits, `-`, and the mod-10 check digit of the
/// digits (LOINC Users' Guide, "Calculating Mod 10 check digits": the Luhn
/// algorithm).
pub fn check_loinc(code: &str) -> Result<(), CodeProblem> {
    if code.starts_with("LA")
        || code.starts_with("LP")
        || code.starts_with("LG")
        || code.starts_with("LL")
    {
        return Err(CodeProblem::LoincNotATerm);
    }
    if let Some(bad) = code.chars().find(|c| !c.is_ascii_digit() && *c != '-') {
        return Err(CodeProblem::BadCharacter(bad));
    }
    let Some((body, check)) = code.split_once('-') else {
        return Err(CodeProblem::LoincShape);
    };
    let body = digits(body)?;
    let check = digits(check)?;
    if body.is_empty() || body.len() > 7 || check.len() != 1 {
        return Err(CodeProblem::LoincShape);
    }
    let expected = luhn_digit(&body);
    if check != [expected] {
        return Err(CodeProblem::CheckDigit {
            expected: char::from(b'0' + expected),
        });
    }
    Ok(())
}

/// The mod-10 (Luhn) check digit of `payload`: from the right, every other
/// digit doubled (starting with the last), the digits of the results
/// added, and the check digit what brings the sum to a multiple of 10.
fn luhn_digit(payload: &[u8]) -> u8 {
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(position, &digit)| {
            let d = u32::from(digit);
            if position % 2 == 0 {
                let doubled = 2 * d;
                doubled / 10 + doubled % 10
            } else {
                d
            }
        })
        .sum();
    u8::try_from((10 - sum % 10) % 10).unwrap_or(0)
}

/// An ICD-10 code: a capital letter, a digit, a digit (or, in ICD-10-CM, a
/// capital letter: `C4A`), and optionally a point and one to four digits or
/// capital letters (`I80.2`, ICD-10-CM's `S32.000A`).
pub fn check_icd10(code: &str) -> Result<(), CodeProblem> {
    if let Some(bad) = code
        .chars()
        .find(|c| !(c.is_ascii_digit() || c.is_ascii_uppercase() || *c == '.'))
    {
        return Err(CodeProblem::BadCharacter(bad));
    }
    let bytes = code.as_bytes();
    let (category, rest) = bytes.split_at(bytes.len().min(3));
    let category_ok = matches!(
        category,
        [a, b, c] if a.is_ascii_uppercase() && b.is_ascii_digit()
            && (c.is_ascii_digit() || c.is_ascii_uppercase())
    );
    let rest_ok = match rest {
        [] => true,
        [b'.', tail @ ..] => {
            (1..=4).contains(&tail.len())
                && tail
                    .iter()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        }
        _ => false,
    };
    if category_ok && rest_ok {
        Ok(())
    } else {
        Err(CodeProblem::Icd10Shape)
    }
}

/// What a code that fails in its own system would be in another, or
/// written another way: a hint for the message. `None` when nothing fits.
pub fn did_you_mean(system: CodeSystem, code: &str) -> Option<(CodeSystem, String)> {
    // Another system's valid code.
    for other in CodeSystem::ALL {
        if other != system && check(other, code).is_ok() {
            return Some((other, code.to_owned()));
        }
    }
    let fixed = match system {
        // Nothing to rewrite: digits are digits.
        CodeSystem::Snomed => None,
        // `480657` for `48065-7`.
        CodeSystem::Loinc => {
            let split = code.len().checked_sub(1).filter(|&n| n > 0);
            split
                .filter(|_| code.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| Some(format!("{}-{}", code.get(..n)?, code.get(n..)?)))
        }
        // `i80.2` for `I80.2`, `I802` for `I80.2`.
        CodeSystem::Icd10 => {
            let upper = code.to_ascii_uppercase();
            let dotted = match (upper.get(..3), upper.get(3..)) {
                (Some(head), Some(tail)) if !tail.is_empty() && !upper.contains('.') => {
                    format!("{head}.{tail}")
                }
                _ => upper.clone(),
            };
            [upper, dotted]
                .into_iter()
                .find(|c| c != code && check_icd10(c).is_ok())
        }
    };
    fixed
        .filter(|c| check(system, c).is_ok())
        .map(|c| (system, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snomed_concepts_pass() {
        // Myocardial infarction, clinical finding, the root concept, deep
        // vein thrombosis, fever, pulmonary embolism.
        for code in [
            "22298006",
            "404684003",
            "138875005",
            "128053003",
            "386661006",
            "59282003",
        ] {
            assert_eq!(check_snomed(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn verhoeff_finds_every_single_digit_error_and_adjacent_swap() {
        let good = "22298006";
        for position in 0..good.len() {
            for digit in b'0'..=b'9' {
                let mut bytes = good.as_bytes().to_vec();
                if bytes[position] == digit {
                    continue;
                }
                bytes[position] = digit;
                let text = String::from_utf8(bytes).unwrap();
                if text.starts_with('0') {
                    continue;
                }
                assert!(check_snomed(&text).is_err(), "{text}");
            }
        }
        for position in 0..good.len() - 1 {
            let mut bytes = good.as_bytes().to_vec();
            if bytes[position] == bytes[position + 1] {
                continue;
            }
            bytes.swap(position, position + 1);
            let text = String::from_utf8(bytes).unwrap();
            assert!(check_snomed(&text).is_err(), "{text}");
        }
    }

    #[test]
    fn snomed_problems_are_named() {
        assert_eq!(
            check_snomed("22298007"),
            Err(CodeProblem::CheckDigit { expected: '6' })
        );
        assert_eq!(check_snomed("02298006"), Err(CodeProblem::LeadingZero));
        assert_eq!(check_snomed("12345"), Err(CodeProblem::SnomedLength(5)));
        assert_eq!(
            check_snomed("2229800-6"),
            Err(CodeProblem::BadCharacter('-'))
        );
        // A description id: partition 01 (with its own check digit).
        let description = format!("12345601{}", verhoeff_digit(&[1, 2, 3, 4, 5, 6, 0, 1]));
        assert_eq!(
            check_snomed(&description),
            Err(CodeProblem::NotAConcept {
                partition: "01".to_owned()
            })
        );
    }

    #[test]
    fn loinc_check_digits() {
        // D-dimer FEU, creatinine, body weight, body height.
        for code in ["48065-7", "2160-0", "29463-7", "8302-2"] {
            assert_eq!(check_loinc(code), Ok(()), "{code}");
        }
        // The Users' Guide's example: 12345 has check digit 5.
        assert_eq!(check_loinc("12345-5"), Ok(()));
        assert_eq!(
            check_loinc("48065-6"),
            Err(CodeProblem::CheckDigit { expected: '7' })
        );
        assert_eq!(check_loinc("480657"), Err(CodeProblem::LoincShape));
        assert_eq!(check_loinc("LA6576-8"), Err(CodeProblem::LoincNotATerm));
    }

    #[test]
    fn icd10_shapes() {
        for code in ["I80", "I80.2", "S32.0", "C4A", "S32.000A", "U07.1"] {
            assert_eq!(check_icd10(code), Ok(()), "{code}");
        }
        for code in ["I8", "80.2", "I80.", "I80.20000", "IA0"] {
            assert_eq!(check_icd10(code), Err(CodeProblem::Icd10Shape), "{code}");
        }
        assert_eq!(check_icd10("i80.2"), Err(CodeProblem::BadCharacter('i')));
    }

    #[test]
    fn hints_point_at_the_right_system_or_spelling() {
        assert_eq!(
            did_you_mean(CodeSystem::Loinc, "22298006"),
            Some((CodeSystem::Snomed, "22298006".to_owned()))
        );
        assert_eq!(
            did_you_mean(CodeSystem::Snomed, "48065-7"),
            Some((CodeSystem::Loinc, "48065-7".to_owned()))
        );
        assert_eq!(
            did_you_mean(CodeSystem::Loinc, "480657"),
            Some((CodeSystem::Loinc, "48065-7".to_owned()))
        );
        assert_eq!(
            did_you_mean(CodeSystem::Icd10, "i802"),
            Some((CodeSystem::Icd10, "I80.2".to_owned()))
        );
        assert_eq!(did_you_mean(CodeSystem::Snomed, "22298007"), None);
    }
}
