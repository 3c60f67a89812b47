//! Fuzz target: the `curve,x,y` CSV of `secretome assay fit`, and fitting whatever it parses. Any
//! input must give one JSON line per curve or a located error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secretome_assay::batch;
use secretome_assay::curve::{Model, Weighting};

fuzz_target!(|data: &[u8]| {
    match batch::parse_curves_csv("f", data) {
        Ok(curves) => {
            let out = batch::fit_json_lines(&curves, Model::FourPl, Weighting::InvY);
            assert_eq!(out.lines().count(), curves.len());
        }
        Err(e) => assert!(e.file == "f" && e.line >= 1 && e.column >= 1),
    }
});
