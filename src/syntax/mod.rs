//! Text to syntax tree. The parser never fails: it returns every statement
//! it could read plus a diagnostic for each one it could not.

pub mod ast;
mod parser;

pub use parser::{MAX_NESTING, STATEMENT_KEYWORDS, parse};
