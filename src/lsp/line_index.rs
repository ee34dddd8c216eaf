//! Byte offsets to protocol positions and back. The protocol counts a
//! position's character in UTF-16 code units (its default, and the only
//! encoding this server offers): `é` and `→` are one unit, an emoji
//! outside the Basic Multilingual Plane two. Lines end at LF, CRLF or a
//! lone CR, as everywhere in Leidraad ([`lines_inclusive`]).

use crate::source::lines_inclusive;
use lsp_types::Position;

/// Where each line of one text starts.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        let mut offset = 0;
        for line in lines_inclusive(text) {
            offset += line.len();
            if line.ends_with(['\n', '\r']) {
                starts.push(offset);
            }
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The 0-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset.min(self.len)) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// The protocol position of a byte offset of `text` (the text this
    /// index was made from). An offset inside a character counts as its
    /// start; one past the end as the end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(self.len);
        let line = self.line(offset);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character: usize = text
            .get(start..)
            .unwrap_or("")
            .char_indices()
            .take_while(|(i, _)| start + i < offset)
            .map(|(_, c)| c.len_utf16())
            .sum();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset of a protocol position in `text`. A character past
    /// the end of its line gives the line's end (before its line break),
    /// one in the middle of a surrogate pair that character's start, and a
    /// line past the last the end of the text.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.len;
        };
        let line = text.get(start..).unwrap_or("");
        let line = line
            .find(['\n', '\r'])
            .map_or(line, |end| line.get(..end).unwrap_or(line));
        let wanted = position.character as usize;
        let mut counted = 0;
        for (i, c) in line.char_indices() {
            counted += c.len_utf16();
            if counted > wanted {
                return start + i;
            }
        }
        start + line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_columns_on_accents_arrows_and_emoji() {
        // `é` is 2 bytes and 1 unit, `→` 3 bytes and 1 unit, `🩺` 4 bytes
        // and 2 units.
        let text = "input é : yes/no \"Café → 🩺 x\"\r\nrule r \"🩺🩺\"\nlast";
        let index = LineIndex::new(text);
        let check = |needle: &str, expected: Position| {
            let offset = text.find(needle).unwrap();
            assert_eq!(index.position(text, offset), expected, "{needle:?}");
            assert_eq!(index.offset(text, expected), offset, "{needle:?} back");
        };
        check("é :", at(0, 6));
        check(": yes", at(0, 8));
        check("→", at(0, 23));
        check("🩺 x", at(0, 25));
        check(" x\"", at(0, 27));
        check("x\"\r", at(0, 28));
        check("rule", at(1, 0));
        check("🩺🩺", at(1, 8));
        check("🩺\"", at(1, 10));
        check("\"\nlast", at(1, 12));
        check("last", at(2, 0));
        // The end of the text, and positions past a line's end.
        assert_eq!(index.position(text, text.len()), at(2, 4));
        assert_eq!(index.offset(text, at(1, 99)), text.find("\nlast").unwrap());
        assert_eq!(index.offset(text, at(9, 0)), text.len());
        // Half of a surrogate pair is the emoji's start.
        assert_eq!(index.offset(text, at(1, 9)), text.find("🩺🩺").unwrap());
        // A lone CR ends a line too.
        let cr = LineIndex::new("a\rb");
        assert_eq!(cr.position("a\rb", 2), at(1, 0));
    }

    #[test]
    fn position_and_offset_agree_with_the_sources() {
        // The index must count as `SourceFile::line_column_in` does, which
        // SARIF and the renderers use.
        use crate::source::{ColumnUnit, SourceFile};
        let text = "é→🩺\nab🩺c\r\n\r\nx";
        let file = SourceFile::new("t", text);
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices() {
            let ours = index.position(text, offset);
            let theirs = file.line_column_in(offset, ColumnUnit::Utf16);
            assert_eq!(
                (ours.line as usize + 1, ours.character as usize + 1),
                (theirs.line, theirs.column),
                "offset {offset}"
            );
        }
    }
}
