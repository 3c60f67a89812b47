//! SoftMax Pro import and the reproduction of SoftMax's own back-calculated values.

use secretome_assay::analysis::{self, AnalysisOptions, Flag};
use secretome_assay::import::{self, Format};
use secretome_assay::plate::{Group, Reading, Well};

const PLATES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/plates");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{PLATES}/{name}")).expect("test file present")
}

fn w(s: &str) -> Well {
    Well::parse(s).expect("well name")
}

#[test]
fn softmax_elisatools_layout_comes_from_the_groups() {
    let imp = import::import(
        "softmaxpro_ELISAtools_Assay_2.txt",
        &read("softmaxpro_ELISAtools_Assay_2.txt"),
    )
    .expect("imports");
    assert_eq!(imp.format, Format::SoftMaxPro);
    assert_eq!(imp.plates.len(), 1);
    let p = &imp.plates[0];
    assert_eq!((p.name.as_str(), p.rows, p.cols), ("Plate1", 8, 12));
    assert_eq!(p.channels, ["450", "620"]);
    assert_eq!(p.reading(0, w("A1")), Some(&Reading::Value(2.2416)));
    assert_eq!(p.reading(1, w("A1")), Some(&Reading::Value(0.0372)));
    let layout = p.layout.as_ref().expect("layout from groups");
    assert_eq!(layout.unit.as_deref(), Some("pg/mL"));
    let a1 = &layout.wells[&w("A1")];
    assert_eq!(
        (a1.group, a1.concentration, a1.masked),
        (Group::Standard, Some(3000.0), false)
    );
    assert!(layout.wells[&w("C1")].masked);
    let b4 = &layout.wells[&w("B4")];
    assert_eq!(
        (b4.group, b4.sample.as_str(), b4.dilution),
        (Group::Sample, "P1", 10.0)
    );
    assert!(layout.wells[&w("B6")].masked);
    assert_eq!(layout.wells[&w("G10")].group, Group::Control);
    assert_eq!(layout.wells.len(), 24 + 45 + 3);
}

/// SoftMax's defaults (README): unweighted 4PL on the per-level means of the unmasked wells of
/// OD450 − OD620, zero standard included. Every number SoftMax printed in its InterpX columns
/// (standards' BackCalcConc, unknowns' Result, control's Results) must match to its printed rounding;
/// where SoftMax printed `Range?` there must be no inverse.
#[test]
fn softmax_back_calculated_values_reproduced_to_printed_rounding() {
    let imp = import::import(
        "softmaxpro_ELISAtools_Assay_2.txt",
        &read("softmaxpro_ELISAtools_Assay_2.txt"),
    )
    .expect("imports");
    let p = &imp.plates[0];
    let a = analysis::analyse(p, 1, None, &AnalysisOptions::default());
    let fit = a.fit.as_ref().expect("curve fitted");
    assert!(fit.converged);
    let (mut compared, mut range) = (0, 0);
    let mut mismatches = vec![];
    for (well, v) in &p.vendor {
        let res = a
            .wells
            .iter()
            .find(|r| r.well == *well)
            .expect("well analysed");
        match &v.value {
            Reading::Value(printed) => {
                let ours = res.interpolated.expect("SoftMax inverted it, so must we");
                let rounded = format!("{ours:.*}", v.decimals);
                let printed_s = format!("{printed:.*}", v.decimals);
                if rounded != printed_s {
                    mismatches.push(format!("{well}: SoftMax {printed_s}, ours {ours}"));
                }
                compared += 1;
            }
            Reading::NotNumeric(t) if t == "Range?" => {
                assert_eq!(res.interpolated, None, "{well}");
                assert!(res.flags.contains(&Flag::NoInverse));
                range += 1;
            }
            Reading::NotNumeric(t) if t == "Masked" => {
                assert!(res.flags.contains(&Flag::Masked), "{well}")
            }
            other => panic!("{well}: unexpected vendor cell {other:?}"),
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    // 72 grouped wells, 8 masked (C1 E1 F1 G2 B6 E4 D4 D9), 1 `Range?` (H3).
    assert_eq!(compared, 72 - 8 - 1, "every printed number compared");
    assert_eq!(range, 1);
}

#[test]
fn softmax_sample_means_and_dilution_match_softmax() {
    let imp = import::import(
        "softmaxpro_ELISAtools_Assay_2.txt",
        &read("softmaxpro_ELISAtools_Assay_2.txt"),
    )
    .expect("imports");
    let a = analysis::analyse(&imp.plates[0], 1, None, &AnalysisOptions::default());
    // SoftMax: P1 MeanResult 19.578, AdjResult 195.78 (×10); P8 60.862 / 608.622; control 846.847.
    for (name, mean_interp, adj) in [
        ("P1", 19.578, 195.78),
        ("P8", 60.862, 608.622),
        ("P15", 71.339, 713.388),
    ] {
        let s = a.samples.iter().find(|s| s.sample == name).expect("sample");
        assert_eq!(
            format!("{:.3}", s.mean_interpolated.expect("mean")),
            format!("{mean_interp:.3}"),
            "{name}"
        );
        assert_eq!(
            format!("{:.3}", s.mean.expect("mean")),
            format!("{adj:.3}"),
            "{name}"
        );
    }
    let c = a
        .samples
        .iter()
        .find(|s| s.group == Group::Control)
        .expect("control");
    assert_eq!(format!("{:.3}", c.mean.expect("mean")), "846.847");
    // Unknowns are below the lowest non-zero standard: flagged, never silently extrapolated.
    let p1 = a.wells.iter().find(|r| r.well == w("B4")).expect("B4");
    assert!(p1.flags.contains(&Flag::BelowLloq), "{:?}", p1.flags);
}

#[test]
fn softmax_reduced_export_imports_with_its_groups() {
    let imp = import::import(
        "softmaxpro_allotropy_example_reduced.txt",
        &read("softmaxpro_allotropy_example_reduced.txt"),
    )
    .expect("imports");
    let p = &imp.plates[0];
    assert!(p.reduced);
    assert_eq!(
        p.reading(0, w("A1")),
        Some(&Reading::Value(1.8565999999999998))
    );
    assert_eq!(p.response(w("A1")), Ok(1.8565999999999998));
    let layout = p.layout.as_ref().expect("layout");
    assert_eq!(layout.unit.as_deref(), Some("ng/mL"));
    assert_eq!(layout.wells[&w("B1")].concentration, Some(40.0));
    assert_eq!(layout.wells[&w("G1")].group, Group::Control);
}

#[test]
fn softmax_utf16_export_imports_like_latin1() {
    let latin1 = read("softmaxpro_ELISAtools_Assay_2.txt");
    let text: String = latin1.iter().map(|&b| b as char).collect();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let a = import::import("x.txt", &latin1).expect("latin1");
    let b = import::import("x.txt", &utf16).expect("utf16");
    assert_eq!(a, b);
}

#[test]
fn softmax_truncated_export_is_a_located_error() {
    let bytes = read("softmaxpro_ELISAtools_Assay_2.txt");
    for cut in [200usize, 3000, 9000, bytes.len() - 300] {
        let err = import::import("Assay_2.txt", &bytes[..cut]).expect_err("truncated");
        assert!(
            err.file == "Assay_2.txt" && err.line >= 1 && err.column >= 1,
            "{err}"
        );
        assert!(err.to_string().starts_with("Assay_2.txt:"), "{err}");
    }
}
