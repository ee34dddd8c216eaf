//! Text to syntax tree. The parser never fails: it returns every statement
//! it could read plus a diagnostic for each one it could not.

pub mod ast;
mod labels;
mod parser;
pub mod vocabulary;

pub(crate) use labels::label_marks;
pub use parser::{MAX_NESTING, names_in, normal_form, parse};
pub use vocabulary::STATEMENT_KEYWORDS;
