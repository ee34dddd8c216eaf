//! Finite-domain logic: the abstract problem a guideline lowers to, and
//! everything that reasons about it without knowing the language.

pub mod analyse;
#[cfg(any(test, feature = "test-support"))]
pub mod brute;
pub mod diagram;
pub(crate) mod finding;
#[cfg(any(test, feature = "test-support"))]
pub mod generate;
pub mod index;
pub(crate) mod mdd;
pub mod problem;
