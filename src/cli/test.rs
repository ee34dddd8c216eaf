//! `leidraad test PATH...`: runs the `case` vignettes (`check` runs them
//! too, with everything else).

use super::{DiagnosticFormat, Status, TestFormat, count, load_rule_files, render_diagnostics};
use leidraad::check::{CheckOptions, check_using, run_cases};
use leidraad::diagnostics::render::{self, CaseReport, CaseStatus};
use leidraad::diagnostics::{self, Code, Diagnostic};

pub fn run(paths: &[String], format: TestFormat, color: bool) -> miette::Result<Status> {
    let (sources, files, problems, uses) = load_rule_files(paths)?;
    // Cases need a guideline without front-end errors; the analyses are the
    // business of `check`.
    let front_end = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &files, &front_end);
    let mut cases: Vec<CaseReport> = Vec::new();
    // Problems that belong to no case: the errors of files whose cases did
    // not run, and files that are not text.
    let mut others: Vec<Diagnostic> = problems;
    let mut lines = Vec::new();
    for checked in &result.files {
        let name = leidraad::diagnostics::escape::controls(sources.name(checked.file));
        let errors: Vec<&Diagnostic> = result
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && checked.concerns(d))
            .collect();
        if checked.lowering.is_none() || !errors.is_empty() {
            others.extend(errors.into_iter().cloned());
            let count_cases = checked.guideline.cases.len();
            for case in &checked.guideline.cases {
                cases.push(CaseReport {
                    file: checked.file,
                    label: case.label.clone(),
                    span: case.span,
                    status: CaseStatus::NotRun,
                    diagnostics: Vec::new(),
                });
            }
            let cases_text = count(count_cases, "case was", "cases were");
            lines.push(format!("{name}: has errors; {cases_text} not run"));
            continue;
        }
        let (outcomes, _) = run_cases(checked);
        let file_passed = outcomes.iter().filter(|o| o.passed).count();
        let file_failed = outcomes.len() - file_passed;
        for outcome in outcomes {
            let status = if outcome.passed {
                CaseStatus::Passed
            } else if outcome
                .diagnostics
                .iter()
                .any(|d| d.code == Code::CaseNotEvaluated)
            {
                CaseStatus::NotEvaluated
            } else {
                CaseStatus::Failed
            };
            cases.push(CaseReport {
                file: checked.file,
                label: outcome.label,
                span: outcome.span,
                status,
                diagnostics: outcome.diagnostics,
            });
        }
        lines.push(format!(
            "{name}: {file_passed} passed, {file_failed} failed"
        ));
    }
    diagnostics::sort(&mut others);
    let passed = cases
        .iter()
        .filter(|c| c.status == CaseStatus::Passed)
        .count();
    let failed = cases.len() - passed;
    let mut report: Vec<Diagnostic> = others.clone();
    report.extend(cases.iter().flat_map(|c| c.diagnostics.iter().cloned()));
    diagnostics::sort(&mut report);
    match format {
        TestFormat::Human => {
            for line in &lines {
                eoutln!("{line}");
            }
            out!(
                "{}",
                render_diagnostics(&report, &sources, DiagnosticFormat::Human, color)
            );
            outln!("cases: {passed} passed, {failed} failed");
        }
        TestFormat::Json => out!("{}", render::test_json(&cases, &others, &sources)),
        TestFormat::Junit => out!("{}", render::junit(&cases, &others, &sources)),
        TestFormat::Github => out!("{}", render::github(&report, &sources)),
    }
    Ok(if failed > 0 || report.iter().any(Diagnostic::is_error) {
        Status::Problems
    } else {
        Status::Clean
    })
}
