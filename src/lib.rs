//! Leidraad: clinical guidelines as checked, compiled rules.

pub mod logic;
