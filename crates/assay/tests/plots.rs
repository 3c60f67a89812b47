//! SVG plots: the standard curve of a real plate and a Levey–Jennings chart with its violations.

use secretome_assay::analysis::{self, AnalysisOptions};
use secretome_assay::qc::{self, ControlResult, Rule, Target};
use secretome_assay::{import, plot};

#[test]
fn standard_curve_svg_of_the_softmax_plate() {
    let name = "softmaxpro_ELISAtools_Assay_2.txt";
    let bytes = std::fs::read(format!(
        "{}/tests/data/plates/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    let imp = import::import(name, &bytes).expect("imports");
    let a = analysis::analyse(&imp.plates[0], 1, None, &AnalysisOptions::default());
    let svg = plot::curve_svg(&a).expect("plots");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("Plate 1 (Plate1)") && svg.contains("concentration pg/mL"));
    // 8 standard levels drawn as filled circles.
    assert!(svg.matches("<circle").count() >= 8);
    let none = analysis::analyse(
        &imp.plates[0],
        1,
        Some(&Default::default()),
        &AnalysisOptions::default(),
    );
    assert!(plot::curve_svg(&none).is_err(), "no curve, no plot");
}

#[test]
fn levey_jennings_svg_rings_rejected_results() {
    let values = [101.0, 97.0, 104.0, 135.0, 99.0, 102.0];
    let results: Vec<ControlResult> = values
        .iter()
        .enumerate()
        .map(|(run, &value)| ControlResult {
            run,
            level: 0,
            value,
        })
        .collect();
    let target = Target {
        mean: 100.0,
        sd: 10.0,
    };
    let v = qc::westgard(&results, &[target]);
    assert!(v.iter().any(|x| x.rule == Rule::R13s && x.index == 3));
    let svg = plot::levey_jennings_svg("Control L1 (EGF)", &results, target, &v).expect("plots");
    assert!(svg.contains("Control L1 (EGF)"));
    // 6 results + 1 ring around the 1-3s violation.
    assert_eq!(svg.matches("<circle").count(), 7);
    assert!(plot::levey_jennings_svg("x", &[], target, &[]).is_err());
}
