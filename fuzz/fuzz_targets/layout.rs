//! Fuzz target: the layout-file parser (TOML or CSV). Any input must give a layout or a located
//! error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = secretome_assay::import::layout::parse("f", data) {
        assert!(e.file == "f" && e.line >= 1 && e.column >= 1);
    }
});
