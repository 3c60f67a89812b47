//! A plate run is a record (issue 12 item 3) through `accept_plate`, on both backends: the raw file
//! is kept (content-addressed) and comes back byte for byte, the run keeps its layout and fits and
//! re-analyses to the same value; only sample groups are adopted (never a control), unreportable
//! groups are refused and flagged ones need a reason; an export without a layout is refused until
//! one is given; every refusal comes at once and nothing is written.

use crate::common;
use common::*;

use secretome_assay::plate::Group;
use secretome_domain::{
    UtcTime,
    qc::{ResultSource, plate::LayoutSource},
};
use secretome_service::{
    ErrorKind, Service, demo,
    plates::{Adopt, LayoutInput, PlateUpload, analyse_plate},
};
use secretome_store::{VerifyOutcome, testing::stores};
use std::sync::Arc;

const LOT: &str = "L-2026-007";

fn now() -> UtcTime {
    t("2026-11-25T03:00:00Z")
}

async fn filled(svc: &Service) {
    demo::build(svc, now()).await.unwrap();
    let op = svc.actor("operator").await.unwrap();
    let exp = now().plus_hours(24.0 * 300.0).unwrap();
    svc.fill_vials(&op, now(), LOT, 4, 2.0, exp, None)
        .await
        .unwrap();
}

fn softmax() -> PlateUpload {
    PlateUpload {
        file_name: "softmaxpro_ELISAtools_Assay_2.txt".into(),
        bytes: std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/plates/softmaxpro_ELISAtools_Assay_2.txt"
        ))
        .unwrap(),
        layout: None,
    }
}

fn adopt(sample: &str, test: &str, reason: Option<&str>) -> Adopt {
    Adopt {
        plate: 1,
        sample: sample.into(),
        test: test.into(),
        reason: reason.map(str::to_string),
    }
}

/// A 4PL response (a = 0.05 at zero, d = 2.5 at infinity, c = 500, b = 1.2).
fn response(conc: f64) -> f64 {
    2.5 + (0.05 - 2.5) / (1.0 + (conc / 500.0).powf(1.2))
}

/// A bare 8 × 12 grid export (no layout): standards 3000…46.875 and 0 in duplicate down columns
/// 1–2, sample X1 at 600 in A3/A4, sample X2 with replicates far apart in B3/B4, control K1 in C3/C4.
fn grid() -> (Vec<u8>, String) {
    let mut cells = vec![vec![0.04; 12]; 8];
    let levels = [3000.0, 1500.0, 750.0, 375.0, 187.5, 93.75, 46.875, 0.0];
    for (r, c) in levels.iter().enumerate() {
        cells[r][0] = response(*c) * 1.01;
        cells[r][1] = response(*c) * 0.99;
    }
    cells[0][2] = response(600.0);
    cells[0][3] = response(600.0);
    cells[1][2] = response(300.0);
    cells[1][3] = response(900.0);
    cells[2][2] = response(800.0);
    cells[2][3] = response(800.0);
    let mut csv = String::from(",1,2,3,4,5,6,7,8,9,10,11,12\n");
    for (r, row) in cells.iter().enumerate() {
        csv.push(char::from(b'A' + r as u8));
        for v in row {
            csv.push_str(&format!(",{v:.4}"));
        }
        csv.push('\n');
    }
    let mut layout = String::from("well,group,sample,concentration,dilution,masked,unit\n");
    for (r, c) in levels.iter().enumerate() {
        let row = char::from(b'A' + r as u8);
        for col in [1, 2] {
            layout.push_str(&format!(
                "{row}{col},standard,S{},{c},1,false,pg/mL\n",
                r + 1
            ));
        }
    }
    for (well, group, sample) in [
        ("A3", "sample", "X1"),
        ("A4", "sample", "X1"),
        ("B3", "sample", "X2"),
        ("B4", "sample", "X2"),
        ("C3", "control", "K1"),
        ("C4", "control", "K1"),
    ] {
        layout.push_str(&format!("{well},{group},{sample},,1,false,pg/mL\n"));
    }
    (csv.into_bytes(), layout)
}

#[tokio::test]
async fn a_plate_run_keeps_its_file_layout_fit_and_results_in_one_record() {
    for (backend, store) in stores("plates_run").await {
        let svc = Service::new(Arc::new(store));
        filled(&svc).await;
        let qc = svc.actor("qc").await.unwrap();
        let up = softmax();
        let control = analyse_plate(&up).unwrap().plates[0]
            .samples
            .iter()
            .find(|s| s.group == Group::Control)
            .map(|s| s.sample.clone())
            .expect("the export has a control");

        // A control as the lot's VEGF, and P1 (below the LLOQ) as EGF: both refused, at once.
        let e = refused(
            &svc,
            svc.accept_plate(
                &qc,
                now(),
                LOT,
                up.clone(),
                vec![adopt(&control, "vegf", None), adopt("P1", "egf", None)],
            ),
            ErrorKind::Invalid,
            "only sample wells",
        )
        .await
        .to_string();
        assert!(
            e.contains("adopt[0]") && e.contains("adopt[1]") && e.contains("no reportable value"),
            "{backend:?}: {e}"
        );
        // A test that is not numeric, and a sample the plate does not have.
        let e = refused(
            &svc,
            svc.accept_plate(
                &qc,
                now(),
                LOT,
                up.clone(),
                vec![adopt("P8", "sterility", None), adopt("nope", "egf", None)],
            ),
            ErrorKind::Invalid,
            "does not take a number",
        )
        .await
        .to_string();
        assert!(e.contains("has no sample"), "{e}");
        // Not a QC user.
        let qa = svc.actor("qa").await.unwrap();
        refused(
            &svc,
            svc.accept_plate(&qa, now(), LOT, up.clone(), vec![adopt("P8", "vegf", None)]),
            ErrorKind::Forbidden,
            "qc",
        )
        .await;

        // P8 as VEGF: the run, the file and the result, one transaction.
        let before = svc.store().event_count().await.unwrap();
        let run = svc
            .accept_plate(&qc, now(), LOT, up.clone(), vec![adopt("P8", "vegf", None)])
            .await
            .unwrap();
        assert_eq!(svc.store().event_count().await.unwrap(), before + 3);
        assert_eq!(run.layout_source, LayoutSource::Embedded);
        assert_eq!(run.fits.len(), 1);
        assert!(run.fits[0].model.is_some() && run.fits[0].r_squared.is_some());
        let q = svc.lot_qc(LOT).await.unwrap();
        let vegf = q
            .rows
            .iter()
            .find(|r| r.test.code.as_str() == "vegf")
            .and_then(|r| r.result.clone())
            .unwrap();
        assert!((vegf.value.unwrap() - 608.622).abs() < 0.01, "{backend:?}");
        assert_eq!(
            vegf.source,
            ResultSource::AssayRun {
                assay_run: run.id.clone()
            }
        );

        // The file comes back byte for byte and re-analyses to the same value.
        let (name, bytes) = svc.plate_file(&qa, &run.file).await.unwrap();
        assert_eq!(
            (name.as_str(), bytes),
            (up.file_name.as_str(), up.bytes.clone())
        );
        let (again, a) = svc.reanalyse_plate_run(&qa, &run.id).await.unwrap();
        assert_eq!(again, run);
        let p8 = a.plates[0]
            .samples
            .iter()
            .find(|s| s.sample == "P8")
            .unwrap();
        assert_eq!(p8.mean, run.adopted[0].value);
        assert_eq!(svc.plate_runs(&qa, LOT).await.unwrap(), vec![run.clone()]);

        // The same file again: refused (already a run; VEGF already has a result).
        refused(
            &svc,
            svc.accept_plate(&qc, now(), LOT, up, vec![adopt("P8", "vegf", None)]),
            ErrorKind::Invalid,
            "already",
        )
        .await;
        assert!(matches!(
            svc.verify_audit().await.unwrap(),
            VerifyOutcome::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn an_export_without_layout_takes_one_and_flagged_values_need_a_reason() {
    for (backend, store) in stores("plates_layout").await {
        let svc = Service::new(Arc::new(store));
        filled(&svc).await;
        let qc = svc.actor("qc").await.unwrap();
        let (bytes, layout) = grid();
        let bare = PlateUpload {
            file_name: "plate.csv".into(),
            bytes,
            layout: None,
        };
        assert!(!analyse_plate(&bare).unwrap().has_layout);
        refused(
            &svc,
            svc.accept_plate(
                &qc,
                now(),
                LOT,
                bare.clone(),
                vec![adopt("X1", "vegf", None)],
            ),
            ErrorKind::Invalid,
            "layout: the export carries no layout",
        )
        .await;

        let with = PlateUpload {
            layout: Some(LayoutInput {
                source: LayoutSource::Grid,
                name: "grid".into(),
                text: layout.clone(),
            }),
            ..bare
        };
        let a = analyse_plate(&with).unwrap();
        let x2 = a.plates[0]
            .samples
            .iter()
            .find(|s| s.sample == "X2")
            .unwrap();
        assert!(
            x2.flags.iter().any(|f| f.name() == "high_cv"),
            "{backend:?} {x2:?}"
        );
        // The control K1 is refused; X2 (high %CV) needs a reason.
        let e = refused(
            &svc,
            svc.accept_plate(
                &qc,
                now(),
                LOT,
                with.clone(),
                vec![adopt("K1", "vegf", None), adopt("X2", "egf", None)],
            ),
            ErrorKind::Invalid,
            "adopt[1].reason",
        )
        .await
        .to_string();
        assert!(e.contains("control well group"), "{e}");

        let run = svc
            .accept_plate(
                &qc,
                now(),
                LOT,
                with,
                vec![
                    adopt("X1", "vegf", None),
                    adopt("X2", "egf", Some("replicate B4 re-pipetted, SOP QC-12 §4")),
                ],
            )
            .await
            .unwrap();
        assert_eq!(run.layout_source, LayoutSource::Grid);
        assert_eq!(run.layout.as_deref(), Some(layout.as_str()));
        let x1 = run.adopted[0].value.unwrap();
        assert!((x1 - 600.0).abs() / 600.0 < 0.05, "{x1}");
        let events = svc
            .store()
            .events_for(secretome_store::Table::TestResult, &format!("{LOT}/egf"))
            .await
            .unwrap();
        assert_eq!(
            events[0].reason.as_deref(),
            Some("replicate B4 re-pipetted, SOP QC-12 §4")
        );
        let qa = svc.actor("qa").await.unwrap();
        let (_, again) = svc.reanalyse_plate_run(&qa, &run.id).await.unwrap();
        let x1_again = again.plates[0]
            .samples
            .iter()
            .find(|s| s.sample == "X1")
            .and_then(|s| s.mean);
        assert_eq!(x1_again, Some(x1));
        assert!(matches!(
            svc.verify_audit().await.unwrap(),
            VerifyOutcome::Intact { .. }
        ));
    }
}
