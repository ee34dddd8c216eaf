//! Text to syntax tree. The parser never fails: it returns every statement
//! it could read plus a diagnostic for each one it could not.

pub mod ast;
mod labels;
mod parser;
pub mod vocabulary;

pub(crate) use labels::label_marks;
pub use parser::{MAX_NESTING, is_name, names_in, normal_form, parse};
pub(crate) use parser::{is_name_char, is_name_start};
pub use vocabulary::STATEMENT_KEYWORDS;
