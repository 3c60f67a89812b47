//! Role × route rows for the QC and QA pages.

pub const ROWS: &[(&str, &str, &str, &[&str])] = &[];
