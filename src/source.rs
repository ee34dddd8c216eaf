//! Source files, spans and line/column lookup.

use serde::Serialize;

/// The longest text a [`SourceFile`] holds, in bytes: offsets are stored
/// as `u32` (a [`Span`] is 12 bytes). Whoever reads files bounds them far
/// below this first (the command line refuses files over 64 MiB).
pub const MAX_FILE_BYTES: usize = u32::MAX as usize;

/// An offset into one file's text, as a [`Span`] stores it. Every text in
/// [`Sources`] is at most [`MAX_FILE_BYTES`] long ([`SourceFile::new`]
/// checks it), so an offset past that is a bug, and stops here instead of
/// becoming a span that points somewhere else.
#[expect(
    clippy::expect_used,
    reason = "offsets into a SourceFile fit in u32: SourceFile::new refuses longer texts"
)]
fn offset_u32(offset: usize) -> u32 {
    u32::try_from(offset).expect("an offset into a source file fits in u32 (MAX_FILE_BYTES)")
}

/// Identifies a file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The bytes `start..end` of `file`.
    ///
    /// # Panics
    /// If an offset is past [`MAX_FILE_BYTES`], which no offset into a file
    /// of [`Sources`] is.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: offset_u32(start),
            end: offset_u32(end),
        }
    }

    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One source file and its line index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// The file was not text from this byte on; `text` is what came before.
    pub not_text_from: Option<usize>,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (columns count characters, not bytes, unless
/// made with a [`ColumnUnit`] that says otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// What a column counts. People (and terminals) count characters; the
/// language server protocol and SARIF count UTF-16 code units, in which a
/// character outside the Basic Multilingual Plane (an emoji) is two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    Chars,
    Utf16,
}

impl ColumnUnit {
    fn width(self, c: char) -> usize {
        match self {
            ColumnUnit::Chars => 1,
            ColumnUnit::Utf16 => c.len_utf16(),
        }
    }
}

/// The lines of a text, each with its line end. A line ends at LF, at CRLF
/// or at a lone CR, everywhere in Leidraad (splitter, grammar, positions).
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        let end = match bytes.iter().position(|b| *b == b'\n' || *b == b'\r') {
            Some(i) if bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n') => i + 2,
            Some(i) => i + 1,
            None => rest.len(),
        };
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

/// The byte offset where each line starts (the first is 0).
fn line_starts_of(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in lines_inclusive(text) {
        offset += line.len();
        let ends_line = line.ends_with(['\n', '\r']);
        if ends_line {
            starts.push(offset);
        }
    }
    starts
}

impl SourceFile {
    /// # Panics
    /// If `text` is longer than [`MAX_FILE_BYTES`] (4 GiB): spans could not
    /// point into it. Bound what you read first, as the command line does.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        // `text.len() <= MAX_FILE_BYTES`, written so that it is no
        // "always true" comparison on 32-bit targets (the wasm build).
        assert!(
            u32::try_from(text.len()).is_ok(),
            "a source file holds at most MAX_FILE_BYTES bytes"
        );
        let line_starts = line_starts_of(&text);
        SourceFile {
            name: name.into(),
            text,
            not_text_from: None,
            line_starts,
        }
    }

    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        LineColumn {
            line: line + 1,
            column: column + 1,
        }
    }

    /// 1-based line and column of a byte offset, the column counted in
    /// `unit`. An offset inside a character counts as that character's start.
    pub fn line_column_in(&self, offset: usize, unit: ColumnUnit) -> LineColumn {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..)
            .unwrap_or("")
            .char_indices()
            .take_while(|(i, _)| start + i < offset)
            .map(|(_, c)| unit.width(c))
            .sum::<usize>();
        LineColumn {
            line: line + 1,
            column: column + 1,
        }
    }

    /// The byte offset of a 1-based line and column counted in `unit`: the
    /// inverse of [`SourceFile::line_column_in`]. A column past the end of
    /// its line gives the line's end (before its line break), a column in
    /// the middle of a character (half of a UTF-16 surrogate pair) that
    /// character's start, and a line past the last the end of the text.
    pub fn offset_of(&self, position: LineColumn, unit: ColumnUnit) -> usize {
        let Some(&start) = self.line_starts.get(position.line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line = self.text.get(start..).unwrap_or("");
        let line = line
            .find(['\n', '\r'])
            .map_or(line, |end| line.get(..end).unwrap_or(line));
        let wanted = position.column.saturating_sub(1);
        let mut counted = 0;
        for (i, c) in line.char_indices() {
            counted += unit.width(c);
            if counted > wanted {
                return start + i;
            }
        }
        start + line.len()
    }

    /// The text of a span, or "" if it does not fit.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// All files of one run. The only owner of source text.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a file. Panics, as [`SourceFile::new`] does, for a text longer
    /// than [`MAX_FILE_BYTES`].
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        #[expect(
            clippy::expect_used,
            reason = "2^32 files of at least a SourceFile each do not fit in memory"
        )]
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(SourceFile::new(name, text));
        id
    }

    /// Adds the readable start of a file that is not text from byte `at` on.
    pub fn add_cut(
        &mut self,
        name: impl Into<String>,
        text: impl Into<String>,
        at: usize,
    ) -> FileId {
        let id = self.add(name, text);
        if let Some(file) = self.files.last_mut() {
            file.not_text_from = Some(at);
        }
        id
    }

    /// Replaces the text of one file (an editor changed it), keeping its
    /// name and id; the other files are not touched. Returns `false` if
    /// there is no such file. Check it again with `check::check_file`.
    pub fn replace(&mut self, id: FileId, text: impl Into<String>) -> bool {
        let Some(file) = self.files.get_mut(id.0 as usize) else {
            return false;
        };
        let name = std::mem::take(&mut file.name);
        *file = SourceFile::new(name, text);
        true
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        (0u32..).map(FileId).zip(self.files.iter())
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.name.as_str())
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map_or("", |f| f.slice(span))
    }

    pub fn line_column(&self, file: FileId, offset: usize) -> LineColumn {
        self.get(file)
            .map_or(LineColumn { line: 1, column: 1 }, |f| f.line_column(offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // An offset past what a file can hold is a bug upstream: it used to
    // become `u32::MAX`, a span pointing somewhere else.
    #[test]
    #[cfg(target_pointer_width = "64")]
    #[should_panic(expected = "fits in u32")]
    fn a_span_past_the_largest_file_stops_loudly() {
        let _ = Span::new(FileId(0), 0, MAX_FILE_BYTES + 1);
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let file = SourceFile::new("a", "ab\r\nçd\nx");
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_column(4), LineColumn { line: 2, column: 1 });
        // `ç` is two bytes but one column.
        assert_eq!(file.line_column(6), LineColumn { line: 2, column: 2 });
        assert_eq!(file.line_column(8), LineColumn { line: 3, column: 1 });
        assert_eq!(file.line_column(99), LineColumn { line: 3, column: 2 });
    }

    #[test]
    fn a_lone_cr_ends_a_line_and_crlf_ends_one_line() {
        let file = SourceFile::new("a", "a\rb\r\nc\n\rd");
        assert_eq!(file.line_starts(), &[0, 2, 5, 7, 8]);
        assert_eq!(file.line_column(2), LineColumn { line: 2, column: 1 });
        assert_eq!(file.line_column(8), LineColumn { line: 5, column: 1 });
        let lines: Vec<&str> = lines_inclusive("a\rb\r\nc\n\rd").collect();
        assert_eq!(lines, ["a\r", "b\r\n", "c\n", "\r", "d"]);
    }

    #[test]
    fn utf16_columns_count_an_emoji_twice_and_invert() {
        // `é` (2 bytes), `→` (3 bytes) and `🩺` (4 bytes, 2 UTF-16 units).
        let text = "x\né→🩺 a\r\nb";
        let file = SourceFile::new("a", text);
        let a = text.find(" a").map(|i| i + 1).unwrap_or(0);
        assert_eq!(
            file.line_column_in(a, ColumnUnit::Chars),
            LineColumn { line: 2, column: 5 }
        );
        assert_eq!(
            file.line_column_in(a, ColumnUnit::Utf16),
            LineColumn { line: 2, column: 6 }
        );
        assert_eq!(
            file.line_column_in(a, ColumnUnit::Chars),
            file.line_column(a)
        );
        // Every character boundary survives the round trip in both units
        // (but the middle of a CRLF, which is the end of its line).
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            if text.get(offset.saturating_sub(1)..=offset) == Some("\r\n") {
                continue;
            }
            for unit in [ColumnUnit::Chars, ColumnUnit::Utf16] {
                let position = file.line_column_in(offset, unit);
                assert_eq!(file.offset_of(position, unit), offset, "{offset} {unit:?}");
            }
        }
        // The second half of the emoji's surrogate pair maps to its start.
        let emoji = text.find('🩺').unwrap_or(0);
        assert_eq!(
            file.offset_of(LineColumn { line: 2, column: 4 }, ColumnUnit::Utf16),
            emoji
        );
        // Past the end of a line: the line's end, before CRLF.
        assert_eq!(
            file.offset_of(
                LineColumn {
                    line: 2,
                    column: 99
                },
                ColumnUnit::Utf16
            ),
            text.find('\r').unwrap_or(0)
        );
        assert_eq!(
            file.offset_of(LineColumn { line: 9, column: 1 }, ColumnUnit::Chars),
            text.len()
        );
    }

    #[test]
    fn replace_changes_one_file_and_keeps_the_others() {
        let mut sources = Sources::new();
        let a = sources.add("a", "one\ntwo");
        let b = sources.add_cut("b", "three", 5);
        assert!(sources.replace(b, "four\rfive"));
        assert!(!sources.replace(FileId(7), "x"));
        assert_eq!(sources.get(a).map(|f| f.text.as_str()), Some("one\ntwo"));
        let file = sources.get(b);
        assert_eq!(file.map(|f| f.name.as_str()), Some("b"));
        assert_eq!(file.map(|f| f.text.as_str()), Some("four\rfive"));
        assert_eq!(file.and_then(|f| f.not_text_from), None);
        assert_eq!(sources.line_column(b, 5), LineColumn { line: 2, column: 1 });
    }
}
