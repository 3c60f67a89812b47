//! The CLI contracts of `secretome assay fit` and `secretome assay import --json`, through the library
//! functions crates/cli/src/assay.rs calls.

use secretome_assay::analysis::{self, AnalysisOptions};
use secretome_assay::batch;
use secretome_assay::curve::{Model, Weighting};
use secretome_assay::import;
use serde_json::Value;

const CSV: &str = "curve,x,y
c1,0,0.03
c1,46.875,0.06
c1,93.75,0.13
c1,187.5,0.24
c1,375,0.42
c1,750,0.82
c1,1500,1.46
c1,3000,2.43
flat,1,2
flat,2,2
flat,3,2
flat,4,2
flat,5,2
bad,1,2
bad,2,oops
";

fn lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect()
}

#[test]
fn fit_prints_one_json_line_per_curve_in_order_including_failures() {
    let curves = batch::parse_curves_csv("c.csv", CSV.as_bytes()).expect("parses");
    let out = batch::fit_json_lines(&curves, Model::FourPl, Weighting::None);
    let v = lines(&out);
    assert_eq!(v.len(), 3);
    assert_eq!(v[0]["curve"], "c1");
    assert_eq!(v[0]["model"], "4pl");
    assert_eq!(v[0]["converged"], true);
    assert!(v[0].get("error").is_none());
    for k in ["a", "b", "c", "d"] {
        assert!(v[0]["params"][k].is_f64() && v[0]["se"][k].is_f64(), "{k}");
    }
    assert!(v[0]["params"].get("g").is_none());
    assert!(
        v[0]["rss"].as_f64().is_some_and(|r| r > 0.0)
            && v[0]["iterations"].as_u64().is_some_and(|i| i > 0)
    );
    // Keys in the contract's order.
    let first = out.lines().next().expect("line");
    let pos = |k: &str| first.find(&format!("\"{k}\"")).expect("key present");
    assert!(
        pos("curve") < pos("model") && pos("model") < pos("params") && pos("params") < pos("se")
    );
    assert!(
        pos("se") < pos("rss")
            && pos("rss") < pos("iterations")
            && pos("iterations") < pos("converged")
    );
    for (i, name) in [(1, "flat"), (2, "bad")] {
        assert_eq!(v[i]["curve"], name);
        assert_eq!(v[i]["converged"], false);
        assert!(v[i]["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    assert!(
        v[2]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("c.csv:16:7:")),
        "{}",
        v[2]["error"]
    );
}

#[test]
fn fit_5pl_line_carries_g() {
    let curves = batch::parse_curves_csv("c.csv", CSV.as_bytes()).expect("parses");
    let v = lines(&batch::fit_json_lines(
        &curves[..1],
        Model::FivePl,
        Weighting::None,
    ));
    assert_eq!(v[0]["model"], "5pl");
    assert!(v[0]["params"]["g"].is_f64());
}

#[test]
fn fit_csv_without_the_header_is_a_located_error() {
    let err = batch::parse_curves_csv("c.csv", b"id,conc,od\n1,2,3\n").expect_err("no header");
    assert_eq!((err.line, err.column), (1, 1));
    assert!(err.to_string().starts_with("c.csv:1:1:"));
}

#[test]
fn import_json_is_one_line_per_well_with_the_contract_fields() {
    let name = "softmaxpro_ELISAtools_Assay_2.txt";
    let bytes = std::fs::read(format!(
        "{}/tests/data/plates/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    let imp = import::import(name, &bytes).expect("imports");
    let analyses: Vec<_> = imp
        .plates
        .iter()
        .enumerate()
        .map(|(i, p)| analysis::analyse(p, i + 1, None, &AnalysisOptions::default()))
        .collect();
    let out = analysis::json_lines(&analyses);
    let v = lines(&out);
    assert_eq!(v.len(), 72);
    let keys = [
        "plate",
        "plate_name",
        "well",
        "group",
        "sample",
        "response",
        "interpolated",
        "dilution",
        "concentration",
        "flags",
    ];
    for obj in &v {
        let o = obj.as_object().expect("object");
        assert_eq!(o.len(), keys.len());
        assert!(keys.iter().all(|k| o.contains_key(*k)));
        assert_eq!(o["plate"], 1);
        assert!(
            ["standard", "blank", "control", "sample"].contains(&o["group"].as_str().unwrap_or(""))
        );
    }
    let b5 = v.iter().find(|o| o["well"] == "B5").expect("B5");
    // SoftMax: B5 = 0.042 → 17.677, × dilution 10.
    assert_eq!(
        format!("{:.3}", b5["interpolated"].as_f64().expect("number")),
        "17.677"
    );
    assert_eq!(b5["dilution"], 10.0);
    let conc = b5["concentration"].as_f64().expect("number");
    assert!((conc - 10.0 * b5["interpolated"].as_f64().expect("number")).abs() < 1e-9);
    assert_eq!(b5["flags"], serde_json::json!(["below_lloq"]));
    // H3 is below the bottom asymptote: no inverse, null, flagged.
    let h3 = v.iter().find(|o| o["well"] == "H3").expect("H3");
    assert!(h3["interpolated"].is_null() && h3["concentration"].is_null());
    assert!(
        h3["flags"]
            .as_array()
            .is_some_and(|f| f.contains(&"no_inverse".into()))
    );
    let report = analysis::text_report(&analyses);
    assert!(report.contains("LLOQ 46.875 pg/mL") && report.contains("P15"));
}

#[test]
fn fit_error_lines_are_right_with_crlf_too() {
    let crlf = CSV.replace('\n', "\r\n");
    let curves = batch::parse_curves_csv("c.csv", crlf.as_bytes()).expect("parses");
    let bad = curves.iter().find(|c| c.name == "bad").expect("curve");
    assert!(
        bad.error
            .as_deref()
            .is_some_and(|e| e.starts_with("c.csv:16:7:")),
        "{:?}",
        bad.error
    );
}

#[test]
fn import_states_why_the_gen5_mock_bca_curve_is_not_determined_and_flags_every_well() {
    // Its top standard is still on the rising part: the 4PL's upper asymptote runs off (c ≈ 2e7).
    let name = "gen5_endpoint_stdcurve_singleplate_mockBCA.txt";
    let bytes = std::fs::read(format!(
        "{}/tests/data/plates/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    let imp = import::import(name, &bytes).expect("imports");
    let a = analysis::analyse(&imp.plates[0], 1, None, &AnalysisOptions::default());
    let fit = a.fit.as_ref().expect("a curve");
    assert!(
        fit.flags
            .contains(&secretome_assay::curve::CurveFlag::UpperAsymptoteNotDetermined),
        "{:?} {:?}",
        fit.params,
        fit.flags
    );
    let json = lines(&analysis::json_lines(std::slice::from_ref(&a)));
    let read_off: Vec<&Value> = json.iter().filter(|w| !w["response"].is_null()).collect();
    assert!(!read_off.is_empty());
    for w in read_off {
        assert!(
            w["flags"]
                .as_array()
                .is_some_and(|f| f.contains(&"curve_not_determined".into())),
            "{w}"
        );
        assert_eq!(
            w["curve_flags"],
            serde_json::json!(["upper_asymptote_not_determined"])
        );
    }
    let report = analysis::text_report(std::slice::from_ref(&a));
    assert!(
        report.contains("NOT DETERMINED (upper_asymptote_not_determined)")
            && report.contains("上側プラトー"),
        "{report}"
    );
}
