//! `leidraad ask` through standard input: only the questions that matter,
//! a bad answer asked again, `<` goes back, and the advice with its
//! explanation in the guideline's language at the end.

use crate::support;

#[test]
fn ask_asks_what_matters_and_gives_the_advice() {
    let run = support::run_with(
        support::leidraad(["ask", "tests/fixtures/words/hoofdletsel.leidraad"]),
        b"70\n3\n<\n4\n12\n1\n1,2\n1\n",
        std::time::Duration::from_secs(60),
    );
    let out = run.stdout_lossy();
    assert_eq!(run.status, 0, "{out}\n{}", run.stderr_lossy());
    assert!(out.contains("Leeftijd (vraag 1 van hoogstens"), "{out}");
    // `1,2` is no answer to a yes/no question: asked again.
    assert!(
        out.contains("niet begrepen: kies een nummer van 1 tot en met 3"),
        "{out}"
    );
    // Going back replaced the duration 3 by 4.
    assert!(out.contains("\"duur\":4"), "{out}");
    assert!(
        out.contains("bestel CT_hoofd \"CT-scan van het hoofd\" (binnen 1 uur)"),
        "{out}"
    );
    assert!(out.contains("omdat: Ernstig letsel"), "{out}");
    // `dosis` is not asked without antistolling, nor are questions that no
    // longer matter.
    assert!(!out.contains("Dosis antistolling ("), "{out}");
    let english = crate::words::english_in(
        &out,
        &[
            "ct_hoofd",
            "neurochirurg",
            "rx_schedel",
            "ct_spoed",
            "geen_rx",
            "tests",
            "fixtures",
            "words",
            "hoofdletsel",
            "leidraad",
            "braken",
            "duur",
            "gcs",
            "leeftijd",
            "stolling",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    assert!(english.is_empty(), "{english:?}\n{out}");
}

#[test]
fn ask_stops_without_advice_when_the_answers_run_out() {
    let run = support::run_with(
        support::leidraad(["ask", "tests/fixtures/words/hoofdletsel.leidraad"]),
        b"200\n",
        std::time::Duration::from_secs(60),
    );
    let out = run.stdout_lossy();
    assert_eq!(run.status, 1, "{out}");
    assert!(
        out.contains("niet begrepen: een getal van 16 tot en met 120 jaar"),
        "{out}"
    );
    assert!(out.contains("geen antwoorden meer: gestopt"), "{out}");
}
