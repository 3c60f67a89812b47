//! The planner crate's integration tests, one binary: each module below was a test binary of
//! its own; one link instead of many keeps a fresh build small and quick.

mod calibration;
mod model;
mod plan_file;
mod planning;
mod robustness;
mod tracking;
