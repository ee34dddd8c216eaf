//! Finite-domain logic: the abstract problem a guideline lowers to, and
//! everything that reasons about it without knowing the language.

pub mod analyse;
pub mod brute;
pub mod diagram;
pub mod finding;
pub mod generate;
pub mod index;
pub mod mdd;
pub mod problem;
