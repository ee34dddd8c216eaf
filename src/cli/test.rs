//! `leidraad test FILE...`: runs the `case` vignettes.

use super::{DiagnosticFormat, Status, count, load_rule_files, render_diagnostics};
use leidraad::check::{CheckOptions, check_using, run_cases};
use leidraad::diagnostics::{self, Diagnostic};

pub fn run(paths: &[String], color: bool) -> miette::Result<Status> {
    let (sources, files, problems, uses) = load_rule_files(paths)?;
    // Cases need a guideline without front-end errors; the analyses are the
    // business of `check`.
    let front_end = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &files, &front_end);
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut report: Vec<Diagnostic> = problems;
    for checked in &result.files {
        let name = leidraad::diagnostics::escape::controls(sources.name(checked.file));
        let errors: Vec<&Diagnostic> = result
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && checked.concerns(d))
            .collect();
        if checked.lowering.is_none() || !errors.is_empty() {
            report.extend(errors.into_iter().cloned());
            let count_cases = checked.guideline.cases.len();
            failed += count_cases;
            let cases = count(count_cases, "case was", "cases were");
            eoutln!("{name}: has errors; {cases} not run");
            continue;
        }
        let (outcomes, found) = run_cases(checked);
        let file_passed = outcomes.iter().filter(|o| o.passed).count();
        let file_failed = outcomes.len() - file_passed;
        passed += file_passed;
        failed += file_failed;
        report.extend(found);
        eoutln!("{name}: {file_passed} passed, {file_failed} failed");
    }
    diagnostics::sort(&mut report);
    out!(
        "{}",
        render_diagnostics(&report, &sources, DiagnosticFormat::Human, color)
    );
    outln!("cases: {passed} passed, {failed} failed");
    Ok(if failed > 0 || report.iter().any(Diagnostic::is_error) {
        Status::Problems
    } else {
        Status::Clean
    })
}
