//! Fuzz target: the xlsx importer, and the analysis of what it imports. Any input must give plates or a located error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secretome_assay::analysis::{self, AnalysisOptions};

fuzz_target!(|data: &[u8]| {
    match secretome_assay::import::xlsx::parse("f", data) {
        Ok(plates) => {
            let analyses: Vec<_> = plates
                .iter()
                .enumerate()
                .map(|(i, p)| analysis::analyse(p, i + 1, None, &AnalysisOptions::default()))
                .collect();
            let _ = analysis::json_lines(&analyses);
        }
        Err(e) => assert!(e.file == "f" && e.line >= 1 && e.column >= 1),
    }
});
