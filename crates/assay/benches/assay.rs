//! Criterion benchmarks: one 8-point 4PL fit, one 5PL fit, one whole plate (import + analysis), and
//! the NIST MGH09 problem from start 2.

use criterion::{Criterion, criterion_group, criterion_main};
use secretome_assay::analysis::{self, AnalysisOptions};
use secretome_assay::curve::{self, Model, Weighting};
use secretome_assay::{import, lm, nist};
use std::hint::black_box;

const X: [f64; 8] = [3000.0, 1500.0, 750.0, 375.0, 187.5, 93.75, 46.875, 0.0];
// Per-level means of the SoftMax Pro ELISAtools plate (OD450 − OD620).
const Y: [f64; 8] = [2.4276, 1.464, 0.8232, 0.4216, 0.2368, 0.129, 0.0604, 0.0296];

fn benches(c: &mut Criterion) {
    c.bench_function("fit 4PL, 8 points", |b| {
        b.iter(|| curve::fit(Model::FourPl, black_box(&X), black_box(&Y), Weighting::None))
    });
    c.bench_function("fit 5PL, 8 points", |b| {
        b.iter(|| curve::fit(Model::FivePl, black_box(&X), black_box(&Y), Weighting::None))
    });
    let name = "softmaxpro_ELISAtools_Assay_2.txt";
    let bytes = std::fs::read(format!(
        "{}/tests/data/plates/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("test data present");
    c.bench_function(
        "whole plate: import + analyse (SoftMax Pro, 96 wells)",
        |b| {
            b.iter(|| {
                let imp = import::import(name, black_box(&bytes)).expect("imports");
                analysis::analyse(&imp.plates[0], 1, None, &AnalysisOptions::default())
            })
        },
    );
    let mgh = std::fs::read(format!(
        "{}/tests/data/nist-strd/MGH09.dat",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("test data present");
    let ds = nist::parse("MGH09.dat", &mgh).expect("parses");
    c.bench_function("NIST MGH09 from start 2", |b| {
        b.iter(|| lm::solve(&ds, black_box(&ds.start2), &lm::LmOptions::default()))
    });
}

criterion_group!(assay, benches);
criterion_main!(assay);
