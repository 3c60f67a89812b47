//! secretome-assay: the assay engine — least-squares solver, 4PL/5PL standard curves, plate analysis,
//! plate-reader importers, control charts and SVG plots. Pure: no IO beyond parsing bytes it is handed.

pub mod analysis;
pub mod batch;
pub mod curve;
pub mod import;
pub mod lm;
pub mod nist;
pub mod plate;
pub mod plot;
pub mod qc;
pub mod stats;
pub mod trend;
