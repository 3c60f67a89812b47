//! The cli crate's integration tests, one binary: each module below was a test binary of
//! its own; one link instead of many keeps a fresh build small and quick.

mod audit_verify;
mod fhir;
mod label;
