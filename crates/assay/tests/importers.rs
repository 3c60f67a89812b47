//! Importers on the shared real exports: each file imports or fails with a located error; Gen5
//! overflow cells are flagged; grids, long form, xlsx and layout files carry what analysts need.

use secretome_assay::analysis::{self, AnalysisOptions, Flag};
use secretome_assay::import::{self, Format};
use secretome_assay::plate::{Group, Reading, Well};

const PLATES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/plates");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{PLATES}/{name}")).expect("test file present")
}

fn w(s: &str) -> Well {
    Well::parse(s).expect("well")
}

/// Every shared plate file: what it must give. `Ok(format, plates)` or `Err(line, column)`.
#[test]
fn every_shared_plate_file_imports_or_fails_with_a_located_error() {
    type Outcome = Result<(Format, usize), (usize, usize)>;
    let expect: [(&str, Outcome); 12] = [
        (
            "softmaxpro_ELISAtools_Assay_2.txt",
            Ok((Format::SoftMaxPro, 1)),
        ),
        (
            "softmaxpro_allotropy_example_reduced.txt",
            Ok((Format::SoftMaxPro, 1)),
        ),
        (
            "gen5_alphalisa_endpoint_singleplate_4PLfit.txt",
            Ok((Format::Gen5, 1)),
        ),
        (
            "gen5_endpoint_stdcurve_singleplate_mockBCA.txt",
            Ok((Format::Gen5, 1)),
        ),
        (
            "gen5_abs450_96well_OVRFLW_simulated.txt",
            Ok((Format::Gen5, 1)),
        ),
        (
            "tecan_magellan_SLA01P01_ELISA_384.xlsx",
            Ok((Format::Xlsx, 1)),
        ),
        ("bmg_mars_472_ABS_384_QC.csv", Ok((Format::Grid, 1))),
        ("envision_absorbance_A450.csv", Ok((Format::Grid, 2))),
        // Multiplex bead data: refused, at its first line.
        ("luminex_xponent_allotropy_example02.csv", Err((1, 1))),
        // Layout/annotation files of ELISAtools are not plate data: located refusals.
        ("ELISAtools_AnExp_2plate_annotation.txt", Err((3, 3))),
        ("ELISAtools_design.txt", Err((1, 1))),
        ("ELISAtools_stdConc.txt", Err((1, 1))),
    ];
    let mut listed: Vec<String> = std::fs::read_dir(PLATES)
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != "README.md")
        .collect();
    listed.sort();
    let mut named: Vec<String> = expect.iter().map(|e| e.0.to_string()).collect();
    named.sort();
    assert_eq!(listed, named, "every shared file is covered");
    for (name, want) in expect {
        match (import::import(name, &read(name)), want) {
            (Ok(imp), Ok((format, n))) => {
                assert_eq!((imp.format, imp.plates.len()), (format, n), "{name}");
            }
            (Err(e), Err((line, column))) => {
                assert_eq!(
                    (e.file.as_str(), e.line, e.column),
                    (name, line, column),
                    "{e}"
                );
            }
            (got, _) => panic!("{name}: unexpected {got:?}"),
        }
    }
}

#[test]
fn gen5_overflow_and_missed_cells_are_flagged_not_fatal() {
    let imp = import::import("ovr.txt", &read("gen5_abs450_96well_OVRFLW_simulated.txt"))
        .expect("imports");
    let p = &imp.plates[0];
    assert_eq!((p.rows, p.cols), (8, 12));
    assert_eq!(p.reading(0, w("A1")), Some(&Reading::Value(2.1)));
    assert_eq!(p.reading(0, w("A8")), Some(&Reading::Overflow));
    assert_eq!(
        p.reading(0, w("D12")),
        Some(&Reading::NotNumeric("MISSED".into()))
    );
    let layout = import::layout::parse(
        "l.csv",
        b"well,group,sample,concentration\nA8,sample,S1,\nD12,sample,S2,\n",
    )
    .expect("layout");
    let a = analysis::analyse(p, 1, Some(&layout), &AnalysisOptions::default());
    let a8 = a.wells.iter().find(|r| r.well == w("A8")).expect("A8");
    assert!(a8.response.is_none() && a8.flags.contains(&Flag::Overflow));
    let d12 = a.wells.iter().find(|r| r.well == w("D12")).expect("D12");
    assert!(d12.flags.contains(&Flag::NotNumeric));
}

#[test]
fn gen5_layout_block_gives_standards_blanks_and_dilutions() {
    let imp = import::import(
        "bca.txt",
        &read("gen5_endpoint_stdcurve_singleplate_mockBCA.txt"),
    )
    .expect("imports");
    let p = &imp.plates[0];
    let l = p.layout.as_ref().expect("layout");
    assert_eq!(
        (l.wells[&w("A1")].group, l.wells[&w("A1")].concentration),
        (Group::Standard, Some(2000.0))
    );
    assert_eq!(l.wells[&w("H1")].group, Group::Blank);
    assert_eq!(
        (
            l.wells[&w("B4")].sample.as_str(),
            l.wells[&w("B4")].dilution
        ),
        ("SPL1:2", 0.5)
    );
    assert_eq!(p.channels[0], "630nmAbsRead:630");
    assert_eq!(p.reading(2, w("A1")), Some(&Reading::Value(1980.423)));
    let a = analysis::analyse(p, 1, None, &AnalysisOptions::default());
    // The mock standards lie on a straight line: every level back-calculates within ±20 %, but a 4PL
    // has no finite optimum (c → ∞), so the fit is reported unconverged and the run is not accepted
    // silently: every well carries the flag.
    assert!(
        a.standards
            .iter()
            .filter(|s| s.nominal > 0.0)
            .all(|s| s.passes)
    );
    let converged = a.fit.as_ref().is_some_and(|f| f.converged);
    assert_eq!(a.curve_accepted, converged);
    if !converged {
        assert!(
            a.wells
                .iter()
                .all(|w| w.flags.contains(&Flag::CurveFailsAcceptance))
        );
    }
}

#[test]
fn gen5_truncated_export_is_a_located_error() {
    let bytes = read("gen5_endpoint_stdcurve_singleplate_mockBCA.txt");
    let text = String::from_utf8(bytes).expect("ascii");
    let cut = text.find("E\t0.041").expect("row E");
    let err = import::import("bca.txt", &text.as_bytes()[..cut]).expect_err("truncated");
    assert!(
        err.to_string().starts_with("bca.txt:") && err.message.contains("truncated"),
        "{err}"
    );
}

#[test]
fn bmg_384_grid_reads_values_and_blank_cells() {
    let imp = import::import("bmg.csv", &read("bmg_mars_472_ABS_384_QC.csv")).expect("imports");
    let p = &imp.plates[0];
    assert_eq!(
        (p.rows, p.cols, p.name.as_str()),
        (16, 24, "Raw Data (484)")
    );
    assert_eq!(p.reading(0, w("C1")), Some(&Reading::Value(2.368)));
    assert_eq!(p.reading(0, w("J1")), Some(&Reading::Empty));
}

#[test]
fn tecan_xlsx_long_form_subtracts_the_reference_label() {
    let imp =
        import::import("t.xlsx", &read("tecan_magellan_SLA01P01_ELISA_384.xlsx")).expect("imports");
    let p = &imp.plates[0];
    assert_eq!((p.rows, p.cols), (16, 24));
    assert_eq!(p.channels, ["Label1", "Label2"]);
    let r = p.response(w("A1")).expect("numeric");
    assert!((r - (0.0557 - 0.0509)).abs() < 1e-12);
}

#[test]
fn long_form_csv_with_layout_columns_is_analysed_end_to_end() {
    let mut csv = String::from("well,group,sample,concentration,dilution,od450,od620\n");
    let p = [0.05, 1.1, 400.0, 2.8];
    let model = |x: f64| p[3] + (p[0] - p[3]) / (1.0 + (x / p[2]).powf(p[1]));
    for (k, c) in [1000.0, 500.0, 250.0, 125.0, 62.5, 31.25, 15.625, 0.0]
        .iter()
        .enumerate()
    {
        for col in 1..=2 {
            csv.push_str(&format!(
                "{}{col},standard,S{k},{c},,{},0.04\n",
                (b'A' + k as u8) as char,
                model(*c) + 0.04
            ));
        }
    }
    csv.push_str(&format!("A3,sample,U1,,5,{},0.04\n", model(200.0) + 0.04));
    let imp = import::import("long.csv", csv.as_bytes()).expect("imports");
    assert_eq!(imp.format, Format::Long);
    let a = analysis::analyse(&imp.plates[0], 1, None, &AnalysisOptions::default());
    let u1 = a.wells.iter().find(|r| r.well == w("A3")).expect("A3");
    assert!((u1.interpolated.expect("value") - 200.0).abs() < 1e-6);
    assert!((u1.concentration.expect("value") - 1000.0).abs() < 1e-5);
    assert!(u1.flags.is_empty(), "{:?}", u1.flags);
}

#[test]
fn layout_files_in_toml_and_csv_agree_and_locate_errors() {
    let toml = br#"
unit = "pg/mL"
[[wells]]
wells = ["A1", "A2"]
group = "standard"
sample = "S1"
concentration = 3000

[[wells]]
well = "B4"
group = "sample"
sample = "P1"
dilution = 10
"#;
    let csv = b"well,group,sample,concentration,dilution,masked,unit\nA1,standard,S1,3000,,,pg/mL\nA2,standard,S1,3000,,,\nB4,sample,P1,,10,,\n";
    let a = import::layout::parse("l.toml", toml).expect("toml");
    let b = import::layout::parse("l.csv", csv).expect("csv");
    assert_eq!(a, b);
    assert_eq!(a.wells[&w("B4")].dilution, 10.0);
    let err = import::layout::parse(
        "l.csv",
        b"well,group,sample\nA1,standard,S1\nZZ99x,sample,P\n",
    )
    .expect_err("bad");
    assert_eq!((err.line, err.column), (2, 1), "{err}");
    let err = import::layout::parse("l.csv", b"well,group,sample\nA1,sample,S1\nB1,weird,P\n")
        .expect_err("bad group");
    assert_eq!((err.line, err.column), (3, 4), "{err}");
    let err = import::layout::parse(
        "l.toml",
        b"[[wells]]\nwell = \"A1\"\ngroup = 3\nsample = \"x\"\n",
    )
    .expect_err("bad toml");
    assert_eq!(err.line, 3, "{err}");
}

/// Found by the xlsx fuzz target: a corrupted reference (`AomHeight=…`) made calamine's reference
/// parser overflow. It must be refused with its location in the sheet's XML.
#[test]
fn xlsx_with_an_overlong_cell_reference_is_a_located_error() {
    let path = format!(
        "{}/tests/data/fuzz/xlsx_overlong_cell_reference.xlsx",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(path).expect("regression file");
    let err = import::import("bad.xlsx", &bytes).expect_err("refused");
    assert!(
        err.message.contains("cell reference") && err.message.contains("sheet1.xml"),
        "{err}"
    );
    assert_eq!((err.line, err.column), (1, 16765), "{err}");
}

#[test]
fn csv_grid_errors_name_the_right_line_with_lf_and_crlf() {
    for eol in ["\n", "\r\n"] {
        let text = ["title", "", ",1,2,3", "A,x,y,z", "B,u,v,w"].join(eol);
        let err = import::import("g.csv", text.as_bytes()).expect_err("no numbers");
        assert_eq!((err.line, err.column), (4, 3), "{eol:?}: {err}");
    }
}
