//! The one diagnostic type every layer produces, the registry of codes, and
//! one renderer per output format.
//!
//! Message style (see `docs/diagnostics.md`): messages are lowercase, name
//! user input in backticks, never mention Rust types, and put advice in
//! `help`.

mod codes;
pub mod escape;
pub mod gate;
pub mod render;
pub mod suggest;

pub use codes::{Code, CodeInfo, GROUPS, Group, reference_markdown};

use crate::source::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Information that is not a problem, e.g. "requirement proved".
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A span with a message. The first primary label is where the problem is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

/// A problem (or a proved fact) about the guideline, with everything a
/// renderer needs; spans may point into several files.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// A complete example patient record that shows the finding; the
    /// evaluator confirmed it before the diagnostic was made.
    pub witness: Option<serde_json::Value>,
    /// Of the witness, the facts that matter: every patient with them shows
    /// the finding. `None` when they were not narrowed down (the whole
    /// record stands); empty when every patient shows it.
    pub facts: Option<Vec<Fact>>,
    /// The name this diagnostic reports as not declared, when that is all
    /// it says (an unknown name or group, a case fact for no input). Where
    /// a vocabulary could not be loaded, the checker leaves such a
    /// diagnostic out: the vocabulary may declare the name. Not rendered.
    #[serde(skip)]
    pub undeclared: Option<String>,
    /// Changes to the text that would fix the problem, where the checker
    /// knows one ("did you mean", add `overrides`, declare the missing
    /// entry); a language server offers each as a code action. Empty for
    /// most diagnostics. Not rendered by the text and CI formats.
    #[serde(skip)]
    pub fixes: Vec<Fix>,
}

/// One fix of a [`Diagnostic`]: replace the text of `span` (empty to
/// insert) with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for a menu: "change to `age`".
    pub title: String,
    pub span: Span,
    pub replacement: String,
}

/// One fact of an example patient, in the guideline's terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// The input's name, as in records.
    pub input: String,
    /// The question: the input's label.
    pub question: String,
    /// The answers that show the finding (`≥ 50 years`, `ja`).
    pub answer: String,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.info().severity,
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            witness: None,
            facts: None,
            undeclared: None,
            fixes: Vec::new(),
        }
    }

    /// Adds a fix (see [`Diagnostic::fixes`]).
    pub fn with_fix(
        mut self,
        title: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Diagnostic {
        self.fixes.push(Fix {
            title: title.into(),
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// Marks the diagnostic as saying only that `name` is not declared
    /// (see [`Diagnostic::undeclared`]).
    pub fn with_undeclared(mut self, name: impl Into<String>) -> Diagnostic {
        self.undeclared = Some(name.into());
        self
    }

    pub fn with_primary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: true,
        });
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn with_witness(mut self, witness: serde_json::Value) -> Diagnostic {
        self.witness = Some(witness);
        self
    }

    /// The facts of the witness that matter; see [`Diagnostic::facts`].
    pub fn with_facts(mut self, facts: Option<Vec<Fact>>) -> Diagnostic {
        self.facts = facts;
        self
    }

    /// The span of the first primary label, used for ordering.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or_else(|| self.labels.first())
            .map(|l| l.span)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics into their stable output order: by file, position,
/// then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.primary_span().map(|s| (s.file, s.start, s.end));
        key(a)
            .cmp(&key(b))
            .then(a.code.cmp(&b.code))
            .then(a.message.cmp(&b.message))
    });
}
