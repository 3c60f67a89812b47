//! Role × route rows for the manufacturing pages.

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[];
