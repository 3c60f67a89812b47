//! Fuzz target: the generic CSV/TSV grid and long-form importer, and the analysis. Any input must give plates or a located error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secretome_assay::analysis::{self, AnalysisOptions};

fuzz_target!(|data: &[u8]| {
    match secretome_assay::import::grid::parse_text("f", &secretome_assay::import::decode(data))
        .map(|(_, p)| p)
    {
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
