//! No panic on any input: every importer gets arbitrary bytes, and real exports cut or corrupted at
//! arbitrary places; each must return Ok or a located error, said in English and Japanese.

use proptest::prelude::*;
use secretome_assay::import::{self, ImportError};
use secretome_assay::{batch, nist};

const PLATES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/plates");

/// Located (file, line, column) and said in both languages: the Japanese in Japanese words.
fn located(e: &ImportError) -> bool {
    let japanese = |t: &str| t.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c));
    e.file == "f"
        && e.line >= 1
        && e.column >= 1
        && !e.message.is_empty()
        && japanese(&e.message_ja)
}

fn all_importers(bytes: &[u8]) {
    for r in [
        import::import("f", bytes).map(|_| ()),
        import::softmax::parse("f", bytes).map(|_| ()),
        import::gen5::parse("f", bytes).map(|_| ()),
        import::grid::parse_text("f", &import::decode(bytes)).map(|_| ()),
        import::xlsx::parse("f", bytes).map(|_| ()),
        import::layout::parse("f", bytes).map(|_| ()),
        batch::parse_curves_csv("f", bytes).map(|_| ()),
    ] {
        if let Err(e) = r {
            assert!(located(&e), "{e:?}");
        }
    }
    let _ = nist::parse("MGH09.dat", bytes);
}

fn real(name: &str) -> Vec<u8> {
    std::fs::read(format!("{PLATES}/{name}")).expect("file")
}

const REAL: [&str; 7] = [
    "softmaxpro_ELISAtools_Assay_2.txt",
    "softmaxpro_allotropy_example_reduced.txt",
    "gen5_endpoint_stdcurve_singleplate_mockBCA.txt",
    "gen5_abs450_96well_OVRFLW_simulated.txt",
    "bmg_mars_472_ABS_384_QC.csv",
    "envision_absorbance_A450.csv",
    "tecan_magellan_SLA01P01_ELISA_384.xlsx",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        all_importers(&bytes);
    }

    #[test]
    fn arbitrary_text_with_format_markers_never_panics(
        head in prop::sample::select(vec!["##BLOCKS= 2\n", "Software Version\t3\nPlate Number\tP\n", ",1,2,3\n", "well,od\n", "curve,x,y\n", "Plate:\tP\t1.3\tTimeFormat\tEndpoint\tAbsorbance\tRaw\tFALSE\t1\t\t\t\t\t\t2\t450 620\t1\t12\t96\t1\t8\n"]),
        body in "[\\t\\n\\r,A-H0-9.:~a-zE+-]{0,600}",
    ) {
        all_importers(format!("{head}{body}").as_bytes());
    }

    #[test]
    fn real_exports_cut_or_corrupted_never_panic(
        k in 0usize..REAL.len(),
        cut in 0.0f64..1.0,
        pos in 0.0f64..1.0,
        byte in any::<u8>(),
    ) {
        let mut bytes = real(REAL[k]);
        let p = ((bytes.len() as f64) * pos) as usize % bytes.len();
        bytes[p] = byte;
        let n = ((bytes.len() as f64) * cut) as usize;
        all_importers(&bytes[..n]);
        all_importers(&bytes);
    }
}
