//! The assay crate's integration tests, one binary: each module below was a test binary of
//! its own; one link instead of many keeps a fresh build small and quick.

mod cli_contract;
mod curve;
mod families;
mod importers;
mod lm_api;
mod nist;
mod no_panic;
mod plots;
mod softmax;
