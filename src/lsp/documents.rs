//! The open documents: their text as the editor has it, its version, and
//! what was last computed for it.

use super::line_index::LineIndex;
use crate::diagnostics::Diagnostic;
use crate::ide::Analysis;
use crate::source::{FileId, Sources};
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::collections::BTreeMap;

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    /// The file's name in [`Sources`]: its path for a `file:` address, the
    /// address itself otherwise.
    pub name: String,
    pub version: i32,
    pub text: String,
    pub lines: LineIndex,
    /// The front end, of the version [`Analysis`] says (`analysed`); it
    /// may be of an older text while a change waits for its check.
    pub analysis: Option<Analysis>,
    pub analysed: Option<i32>,
    /// The version whose check was last handed out as a job.
    pub scheduled: Option<i32>,
    /// The last full check published for this document (its diagnostics,
    /// with the sources they point into; the code actions read their fixes
    /// here), of the version it says.
    pub checked: Option<Checked>,
}

/// What a full check found for one version.
#[derive(Clone, Debug)]
pub struct Checked {
    pub version: i32,
    pub sources: Sources,
    pub file: FileId,
    pub diagnostics: Vec<Diagnostic>,
}

impl Document {
    /// The front end of the current text, if it has been computed.
    pub fn current(&self) -> Option<&Analysis> {
        self.analysis
            .as_ref()
            .filter(|_| self.analysed == Some(self.version))
    }

    pub fn new(uri: Uri, version: i32, text: String) -> Document {
        Document {
            name: file_name(&uri),
            lines: LineIndex::new(&text),
            uri,
            version,
            text,
            analysis: None,
            analysed: None,
            scheduled: None,
            checked: None,
        }
    }

    /// Applies the editor's changes in order (a range replaced, or the whole
    /// text), and takes the new version.
    pub fn change(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let start = self.lines.offset(&self.text, range.start);
                    let end = self.lines.offset(&self.text, range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
            }
            self.lines = LineIndex::new(&self.text);
        }
        self.version = version;
    }
}

/// Every open document, by address.
#[derive(Debug, Default)]
pub struct Documents {
    by_uri: BTreeMap<String, Document>,
}

impl Documents {
    pub fn open(&mut self, document: Document) {
        self.by_uri
            .insert(document.uri.as_str().to_owned(), document);
    }

    pub fn close(&mut self, uri: &Uri) {
        self.by_uri.remove(uri.as_str());
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.by_uri.get(uri.as_str())
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.by_uri.get_mut(uri.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.by_uri.values()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Document> {
        self.by_uri.values_mut()
    }

    /// The open document whose file has this name.
    pub fn named(&self, name: &str) -> Option<&Document> {
        self.by_uri.values().find(|d| d.name == name)
    }
}

/// The file name of an address: the decoded path of a `file:` address,
/// the address itself otherwise.
pub fn file_name(uri: &Uri) -> String {
    let text = uri.as_str();
    match text.strip_prefix("file://") {
        Some(rest) => {
            // `file://host/path`: only the path names the file.
            let path = rest
                .find('/')
                .map_or(rest, |at| rest.get(at..).unwrap_or(rest));
            decode(path)
        }
        None => text.to_owned(),
    }
}

/// The `file:` address of a file name that is a path, or the name itself
/// when it is already an address.
pub fn file_uri(name: &str) -> Option<Uri> {
    let text = if name.starts_with('/') {
        format!("file://{}", encode(name))
    } else if name.contains(':') {
        name.to_owned()
    } else {
        format!("file:///{}", encode(name))
    };
    text.parse().ok()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(value)) => {
                out.push(value);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_addresses_and_names() {
        let uri: Uri = "file:///tmp/a%20b/caf%C3%A9.leidraad".parse().unwrap();
        assert_eq!(file_name(&uri), "/tmp/a b/café.leidraad");
        assert_eq!(
            file_uri("/tmp/a b/café.leidraad").unwrap().as_str(),
            "file:///tmp/a%20b/caf%C3%A9.leidraad"
        );
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(file_name(&untitled), "untitled:Untitled-1");
        assert_eq!(file_uri("untitled:Untitled-1").unwrap(), untitled);
    }

    #[test]
    fn changes_apply_in_utf16_ranges() {
        use lsp_types::{Position, Range};
        let uri: Uri = "file:///t.leidraad".parse().unwrap();
        let mut document = Document::new(uri, 1, "a 🩺 b\nc".to_owned());
        let range = Range::new(Position::new(0, 2), Position::new(0, 4));
        document.change(
            2,
            vec![TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: "→".to_owned(),
            }],
        );
        assert_eq!(document.text, "a → b\nc");
        assert_eq!(document.version, 2);
    }
}
