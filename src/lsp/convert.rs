//! From the checker's values to the protocol's: spans to ranges in UTF-16
//! positions, diagnostics with their codes, links and example patients.

use super::Config;
use super::documents::file_uri;
use super::line_index::LineIndex;
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{FileId, Sources, Span};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Range, Uri,
};
use std::collections::HashMap;

/// Line indexes of the files of one [`Sources`], made when first needed.
pub(super) struct Ranges<'a> {
    sources: &'a Sources,
    indexes: HashMap<FileId, LineIndex>,
}

impl<'a> Ranges<'a> {
    pub(super) fn new(sources: &'a Sources) -> Ranges<'a> {
        Ranges {
            sources,
            indexes: HashMap::new(),
        }
    }

    pub(super) fn range(&mut self, span: Span) -> Range {
        let text = self.sources.get(span.file).map_or("", |f| f.text.as_str());
        let index = self
            .indexes
            .entry(span.file)
            .or_insert_with(|| LineIndex::new(text));
        Range::new(
            index.position(text, span.start as usize),
            index.position(text, span.end as usize),
        )
    }

    pub(super) fn uri(&self, file: FileId) -> Option<Uri> {
        file_uri(self.sources.name(file))
    }

    pub(super) fn location(&mut self, span: Span) -> Option<Location> {
        Some(Location::new(self.uri(span.file)?, self.range(span)))
    }
}

/// The diagnostics about `file` (whose first primary label is in it), in
/// the protocol's terms. Secondary labels and the facts of the example
/// patient become related information; notes and help follow the
/// message.
pub(super) fn diagnostics(
    sources: &Sources,
    file: FileId,
    diagnostics: &[Diagnostic],
    config: &Config,
) -> Vec<lsp_types::Diagnostic> {
    let mut ranges = Ranges::new(sources);
    diagnostics
        .iter()
        .filter(|d| d.primary_span().is_none_or(|span| span.file == file))
        .map(|d| diagnostic(&mut ranges, file, d, config))
        .collect()
}

fn diagnostic(
    ranges: &mut Ranges<'_>,
    file: FileId,
    d: &Diagnostic,
    config: &Config,
) -> lsp_types::Diagnostic {
    let primary = d.primary_span().unwrap_or(Span::new(file, 0, 0));
    let range = ranges.range(primary);
    let mut message = d.message.clone();
    if let Some(label) = d
        .labels
        .iter()
        .find(|l| l.primary && !l.message.is_empty() && !d.message.contains(&l.message))
    {
        message.push_str(&format!(": {}", label.message));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let mut related = Vec::new();
    for label in d.labels.iter().filter(|l| !l.primary) {
        if let Some(location) = ranges.location(label.span) {
            related.push(DiagnosticRelatedInformation {
                location,
                message: label.message.clone(),
            });
        }
    }
    // The example patient: the facts that matter, else the whole record.
    if let Some(location) = ranges.location(primary) {
        match (&d.facts, &d.witness) {
            (Some(facts), _) if !facts.is_empty() => {
                for fact in facts {
                    related.push(DiagnosticRelatedInformation {
                        location: location.clone(),
                        message: format!(
                            "example patient: {} (`{}`): {}",
                            fact.question, fact.input, fact.answer
                        ),
                    });
                }
            }
            (Some(_), Some(_)) => related.push(DiagnosticRelatedInformation {
                location,
                message: "example patient: every patient".to_owned(),
            }),
            (None, Some(witness)) => related.push(DiagnosticRelatedInformation {
                location,
                message: format!("example patient: {witness}"),
            }),
            (_, None) => {}
        }
    }
    let code = d.code.as_str();
    let href = config
        .explanation_url
        .replace("{code}", code)
        .replace("{name}", d.code.info().name);
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(code.to_owned())),
        code_description: href.parse().ok().map(|href| CodeDescription { href }),
        source: Some("leidraad".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
