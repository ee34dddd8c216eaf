//! Editor features over one checked document, as pure functions of an
//! [`Analysis`] and byte offsets: hover, go to definition, references,
//! rename, outline, completion, semantic tokens, folding, code actions,
//! formatting and diagnostics. One file per feature, as rust-analyzer's
//! `ide` crate.
//!
//! Nothing here knows the language server protocol: positions are byte
//! offsets and [`Span`]s of [`crate::source`], results are plain data.
//! `crate::lsp` translates them into protocol messages (UTF-16 positions,
//! URIs); the command line (`leidraad lsp`) does the I/O.

pub mod code_actions;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod folding;
pub mod formatting;
pub mod hover;
pub mod rename;
pub mod semantic_tokens;
pub mod symbols;

use crate::check::{self, CheckedFile, Uses};
use crate::diagnostics::Diagnostic;
use crate::model::Guideline;
use crate::source::{FileId, Sources, Span};
use crate::syntax::{self, ast::SyntaxFile};

/// One document after the front end: its text and the files it uses, its
/// syntax tree (comments and blank lines kept beside it), the resolved
/// model with the index of every use of a name, and the front end's
/// diagnostics. Every feature reads it; none changes it.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The document and the vocabularies it uses.
    pub sources: Sources,
    pub uses: Uses,
    /// The document itself.
    pub file: FileId,
    /// The document's own syntax tree (not assembled with its uses).
    pub syntax: SyntaxFile,
    /// The guideline with what it takes from its vocabularies.
    pub checked: CheckedFile,
    /// What parsing and resolving found (no analyses).
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// Parses and resolves `file` with the vocabularies `uses` loaded.
    pub fn new(sources: Sources, uses: Uses, file: FileId) -> Analysis {
        let text = sources.get(file).map_or("", |f| f.text.as_str());
        let (syntax, _) = syntax::parse(file, text);
        let (checked, diagnostics) = check::check_file_using(&sources, &uses, file);
        Analysis {
            sources,
            uses,
            file,
            syntax,
            checked,
            diagnostics,
        }
    }

    /// The document's text.
    pub fn text(&self) -> &str {
        self.sources.get(self.file).map_or("", |f| f.text.as_str())
    }

    pub fn guideline(&self) -> &Guideline {
        &self.checked.guideline
    }

    /// The syntax tree of any file of the analysis (the document's is kept;
    /// a vocabulary's is parsed again, which is cheap).
    pub(crate) fn syntax_of(&self, file: FileId) -> std::borrow::Cow<'_, SyntaxFile> {
        if file == self.file {
            std::borrow::Cow::Borrowed(&self.syntax)
        } else {
            let text = self.sources.get(file).map_or("", |f| f.text.as_str());
            std::borrow::Cow::Owned(syntax::parse(file, text).0)
        }
    }

    /// The file of this analysis that has this name.
    pub fn file_named(&self, name: &str) -> Option<FileId> {
        self.sources
            .iter()
            .find(|(_, f)| f.name == name)
            .map(|(id, _)| id)
    }
}

/// A change to one file, named as in [`Sources`]: replace `span` (its
/// offsets in that file) with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub file: String,
    pub span: Span,
    pub replacement: String,
}

/// Whether an offset lies in a span or just after it (an editor's cursor
/// at the end of a word).
pub(crate) fn touches(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}
