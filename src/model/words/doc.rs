//! The words of sentences and of the review site (`leidraad doc`): how a
//! rule, a condition and a requirement read, and the headings, column
//! names and notes of the pages. Each language's table fills one
//! [`DocWords`] as the `doc` field of its [`super::Words`].

/// The words of rules as sentences and of the review site's pages. Texts
/// with `{}` are templates filled in order by [`super::fill`].
#[derive(Debug)]
pub struct DocWords {
    // Rules, actions and demands as sentences.
    /// `When {}, then:`: the lead of a rule with a condition.
    pub rule_when: &'static str,
    /// `Always:`: the lead of a rule without one.
    pub rule_always: &'static str,
    /// The verb of `refer` in a sentence: `refer to`.
    pub refer_to: &'static str,
    /// A demand without a kind: `some advice`.
    pub some_advice: &'static str,
    /// A demand without targets: `anything`.
    pub anything: &'static str,
    /// After a demanded urgency: `or sooner`.
    pub or_sooner: &'static str,
    /// Between two ends of a range of numbers: `{} to under {}`.
    pub to_under: &'static str,
    // The frame of a page.
    pub all_guidelines: &'static str,
    pub contents: &'static str,
    /// `line` (of a file).
    pub line: &'static str,
    // Section headings.
    pub findings_heading: &'static str,
    pub inputs_heading: &'static str,
    pub definitions_heading: &'static str,
    pub rules_heading: &'static str,
    pub catalogue_heading: &'static str,
    pub requirements_heading: &'static str,
    pub cases_heading: &'static str,
    pub flowcharts_heading: &'static str,
    pub source_heading: &'static str,
    // The metadata.
    pub kind: &'static str,
    pub name: &'static str,
    pub version: &'static str,
    pub language: &'static str,
    pub source: &'static str,
    pub file: &'static str,
    pub uses: &'static str,
    /// What a file is: `guideline`, `vocabulary`.
    pub kind_guideline: &'static str,
    pub kind_vocabulary: &'static str,
    /// `{} inputs, {} rules, {} requirements, {} cases`.
    pub counts: &'static str,
    // Findings.
    pub error: &'static str,
    pub note: &'static str,
    pub help: &'static str,
    /// `{} errors, {} warnings.`
    pub errors_warnings: &'static str,
    pub no_findings: &'static str,
    pub example_patient: &'static str,
    pub question: &'static str,
    pub answer: &'static str,
    pub record_json: &'static str,
    // The questionnaire.
    pub type_: &'static str,
    pub unit: &'static str,
    pub range: &'static str,
    pub values: &'static str,
    pub codes: &'static str,
    pub asked_when: &'static str,
    pub yes_no: &'static str,
    pub one_of: &'static str,
    pub any_of: &'static str,
    pub number: &'static str,
    pub whole_number: &'static str,
    pub default: &'static str,
    // Definitions and scores.
    pub definition: &'static str,
    pub holds_when: &'static str,
    pub where_: &'static str,
    pub points: &'static str,
    pub when: &'static str,
    // Rules and the catalogue.
    pub no_rules: &'static str,
    pub entry: &'static str,
    pub groups: &'static str,
    pub flowchart: &'static str,
    /// The kinds of catalogue entries: `exam`, `measure`, `specialist`.
    pub entry_exam: &'static str,
    pub entry_measure: &'static str,
    pub entry_specialist: &'static str,
    // Requirements.
    pub no_requirements: &'static str,
    pub requirement: &'static str,
    pub for_patients_with: &'static str,
    pub asks: &'static str,
    pub status: &'static str,
    pub fails_for_some: &'static str,
    pub proved_for_every: &'static str,
    pub not_decided: &'static str,
    pub not_verified: &'static str,
    pub every_patient: &'static str,
    // Cases.
    pub no_cases: &'static str,
    pub cases_not_run: &'static str,
    pub case: &'static str,
    pub given: &'static str,
    pub expects: &'static str,
    pub result: &'static str,
    pub passes: &'static str,
    pub fails: &'static str,
    pub not_run: &'static str,
    // Flowcharts.
    pub no_flowcharts: &'static str,
    pub not_compiled: &'static str,
    pub charts_intro: &'static str,
    /// `{} questions, {} boxes`.
    pub questions_boxes: &'static str,
    /// A chart's description for screen readers: `No question: every
    /// patient gets the same advice. {} boxes.` and `{} questions in {}
    /// boxes: {}.` (the questions).
    pub chart_no_question: &'static str,
    pub chart_questions: &'static str,
    // The index page.
    pub index_title: &'static str,
    pub index_change: &'static str,
    /// `Every file of this review, as {} finds it` (`leidraad check`).
    pub index_caption: &'static str,
    pub guideline: &'static str,
    pub inputs: &'static str,
    pub rules: &'static str,
    pub requirements_proved: &'static str,
    pub cases_passed: &'static str,
    pub errors: &'static str,
    pub warnings: &'static str,
    // The page of a change.
    pub the_change: &'static str,
    pub not_compared: &'static str,
    pub same_advice: &'static str,
    /// `{} groups of patients get different advice.`
    pub groups_differ: &'static str,
    pub changed_inputs: &'static str,
    pub input: &'static str,
    pub change: &'static str,
    pub patients_affected: &'static str,
    pub patients_below: &'static str,
    pub group: &'static str,
    pub patients_with_one_of: &'static str,
    pub and_one_of: &'static str,
    pub only_old: &'static str,
    pub only_new: &'static str,
    pub no_advice_from_version: &'static str,
    pub old_advice: &'static str,
    pub new_advice: &'static str,
    pub old: &'static str,
    pub new: &'static str,
    pub rules_behind: &'static str,
    /// `overrides {} ({})`: a rule that dropped another's action.
    pub overrides_rule: &'static str,
    pub example_confirmed: &'static str,
    /// How the advice on an entry changes: `appears`, `disappears`,
    /// `changes`.
    pub appears: &'static str,
    pub disappears: &'static str,
    pub changes: &'static str,
    /// No advice at all on an entry: `nothing`.
    pub nothing: &'static str,
}
