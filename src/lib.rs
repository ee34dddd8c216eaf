//! Leidraad: clinical guidelines as checked, compiled rules.
//!
//! Data flows one way: text → [`syntax`] → [`model`] → analyses and the
//! decision diagram ([`logic`]) → [`eval`] and rendering. Nothing in this
//! library reads files or prints; the `leidraad` binary does.

pub mod analysis;
pub mod check;
pub mod diagnostics;
pub mod emit;
pub mod eval;
pub mod logic;
pub mod model;
pub mod source;
pub mod syntax;
