//! The label crate's integration tests, one binary: each module below was a test binary of
//! its own; one link instead of many keeps a fresh build small and quick.

mod common;
mod decode;
mod render;
