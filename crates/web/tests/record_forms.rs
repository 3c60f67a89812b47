//! A scripted run over the web forms (issue 12): every bad input the issue names — future dates on
//! manufacturing records, a harvest one minute into a 48 h conditioning, a negative endotoxin, text in
//! a numeric test, a retest without a reason — is refused with a message next to its field (in the
//! page's language) and writes no audit event; the inputs the lab really writes (陰性, `< 0.25`) are
//! taken, and a retest keeps the original visible. On both backends. The other bad inputs of the
//! issue are scripted beside it: a control well adopted as a lot's result (`plate_runs.rs`), and
//! several bad fields of one submission shown at once, in forms and the API (`every_error_at_once.rs`).

use crate::common;
use common::*;
use secretome_store::testing::stores;

async fn accepted(app: &axum::Router, who: &(String, String), path: &str, form: &[(&str, &str)]) {
    let mut all = form.to_vec();
    all.push(("csrf", &who.1));
    let r = post_form(app, path, Some(&who.0), &all).await;
    assert_eq!(
        r.status,
        303,
        "{path} {form:?}: {}",
        &r.body[..r.body.len().min(3000)]
    );
}

#[tokio::test]
async fn future_and_out_of_order_manufacturing_times_are_refused_at_their_field() {
    for (_backend, store) in stores("records_forms_mfg").await {
        let (app, svc) = demo_app(store).await;
        let op = session(&svc, "operator").await;
        let fut = future();
        let body = refused(
            &app,
            &svc,
            &op,
            "/batches/B-2026-010/observations",
            &[
                ("observed_at", &fut),
                ("cell_count", "1000000"),
                ("viability_pct", "95"),
                ("confluence_pct", "60"),
            ],
            "observed_at",
        )
        .await;
        // The page is in Japanese by default: the message is too, with the English original.
        assert!(
            body.contains("未来の日時は記録できません"),
            "Japanese message"
        );
        refused(
            &app,
            &svc,
            &op,
            "/donors/D-UC-002/tissues",
            &[
                ("tissue", "T-FUT"),
                ("collected_at", &fut),
                ("amount", "10"),
                ("amount_unit", "g"),
            ],
            "collected_at",
        )
        .await;
        refused(
            &app,
            &svc,
            &op,
            "/donors/D-UC-002/banks",
            &[
                ("cell_bank", "MCB-FUT"),
                ("from", "T-UC-002"),
                ("passage", "2"),
                ("population_doublings", "6"),
                ("vials_frozen", "10"),
                ("cells_per_vial", "1000000"),
                ("banked_at", &fut),
            ],
            "banked_at",
        )
        .await;
        refused(
            &app,
            &svc,
            &op,
            "/batches",
            &[
                ("batch", "B-FUT"),
                ("cell_bank", "WCB-UC-002"),
                ("vessel", "t175"),
                ("vessel_count", "2"),
                ("seeding_density", "3000"),
                ("seeded_at", &fut),
            ],
            "seeded_at",
        )
        .await;
        refused(
            &app,
            &svc,
            &op,
            "/materials",
            &[
                ("material_lot", "RM-FUT"),
                ("material", "DMEM"),
                ("category", "medium"),
                ("supplier", "Acme"),
                ("supplier_lot", "A1"),
                ("received_at", &fut),
                (
                    "expires_at",
                    &now().plus_hours(24.0 * 400.0).unwrap().to_string(),
                ),
            ],
            "received_at",
        )
        .await;
        refused(
            &app,
            &svc,
            &op,
            "/batches/B-2026-010/materials",
            &[
                ("material_lot", "RM-DMEM-2401"),
                ("quantity", "10"),
                ("unit", "mL"),
                ("used_at", &fut),
            ],
            "used_at",
        )
        .await;
        // The conditioning and harvest on a batch of its own, not run against a master batch
        // record (the demo's culturing B-2026-010 is: its master wants earlier steps first).
        svc.seed_batch(
            &svc.actor("operator").await.unwrap(),
            now(),
            secretome_service::NewBatch {
                id: "B-EARLY".into(),
                cell_bank: "WCB-AD-002".into(),
                vessel: "multilayer5".into(),
                vessel_count: 2,
                seeding_density: 3000.0,
                seeded_at: now().plus_hours(-30.0).unwrap(),
            },
        )
        .await
        .unwrap();
        refused(
            &app,
            &svc,
            &op,
            "/batches/B-EARLY/conditioning",
            &[
                ("medium_lot", "RM-SFM-2402"),
                ("hours", "48"),
                ("started_at", &fut),
            ],
            "started_at",
        )
        .await;
        // A harvest one minute into a 48 h conditioning: refused at harvested_at …
        let started = ago(1.0);
        accepted(
            &app,
            &op,
            "/batches/B-EARLY/conditioning",
            &[
                ("medium_lot", "RM-SFM-2402"),
                ("hours", "48"),
                ("started_at", &started),
            ],
        )
        .await;
        let one_minute = now().plus_hours(-1.0 + 1.0 / 60.0).unwrap().to_string();
        refused(
            &app,
            &svc,
            &op,
            "/batches/B-EARLY/harvest",
            &[
                ("harvest", "H-EARLY"),
                ("volume_ml", "500"),
                ("harvested_at", &one_minute),
            ],
            "harvested_at",
        )
        .await;
        // … and in the future.
        refused(
            &app,
            &svc,
            &op,
            "/batches/B-EARLY/harvest",
            &[
                ("harvest", "H-EARLY"),
                ("volume_ml", "500"),
                ("harvested_at", &fut),
            ],
            "harvested_at",
        )
        .await;
        // With a deviation reason it is recorded and the batch page flags it.
        accepted(
            &app,
            &op,
            "/batches/B-EARLY/harvest",
            &[
                ("harvest", "H-EARLY"),
                ("volume_ml", "500"),
                ("harvested_at", &one_minute),
                ("deviation", "incubator alarm"),
            ],
        )
        .await;
        let page = get(&app, "/batches/B-EARLY", Some(&op.0)).await;
        assert!(page.body.contains("harvest-deviation") && page.body.contains("incubator alarm"));
    }
}

#[tokio::test]
async fn qc_results_as_the_lab_writes_them_through_the_forms() {
    for (_backend, store) in stores("records_forms_qc").await {
        let (app, svc) = demo_app(store).await;
        let op = svc.actor("operator").await.unwrap();
        let t = now();
        svc.fill_vials(
            &op,
            t,
            "L-2026-007",
            4,
            2.0,
            t.plus_hours(24.0 * 300.0).unwrap(),
            None,
        )
        .await
        .unwrap();
        let qc = session(&svc, "qc").await;
        let path = "/lots/L-2026-007/results";
        refused(
            &app,
            &svc,
            &qc,
            path,
            &[("test", "endotoxin"), ("value", "-0.3")],
            "value",
        )
        .await;
        refused(
            &app,
            &svc,
            &qc,
            path,
            &[("test", "egf"), ("value", "high")],
            "value",
        )
        .await;
        refused(
            &app,
            &svc,
            &qc,
            path,
            &[("test", "egf"), ("outcome", "high")],
            "value",
        )
        .await;
        refused(
            &app,
            &svc,
            &qc,
            path,
            &[("test", "sterility"), ("outcome", "OK")],
            "outcome",
        )
        .await;
        // What the lab writes is taken: 陰性, and a gel-clot `< 0.25` in full width.
        accepted(
            &app,
            &qc,
            path,
            &[("test", "sterility"), ("outcome", "陰性")],
        )
        .await;
        accepted(
            &app,
            &qc,
            path,
            &[("test", "endotoxin"), ("value", "＜０．２５")],
        )
        .await;
        let q = svc.lot_qc("L-2026-007").await.unwrap();
        let verdict = |code: &str| {
            q.rows
                .iter()
                .find(|r| r.test.code.as_str() == code)
                .and_then(|r| r.verdict)
        };
        assert_eq!(
            verdict("sterility"),
            Some(secretome_domain::qc::Verdict::Pass)
        );
        assert_eq!(
            verdict("endotoxin"),
            Some(secretome_domain::qc::Verdict::Pass)
        );
        let page = get(&app, "/lots/L-2026-007/qc", Some(&qc.0)).await;
        assert!(
            page.body.contains("&#60; 0.25 EU/mL") || page.body.contains("&lt; 0.25 EU/mL"),
            "censored result shown as such"
        );
        assert!(
            page.body.contains("id=\"revise-form\""),
            "a result can be corrected or retested"
        );
        // A retest without a reason: refused at the reason, nothing written.
        let revise = "/lots/L-2026-007/results/revise";
        refused(
            &app,
            &svc,
            &qc,
            revise,
            &[
                ("rtest", "endotoxin"),
                ("change", "retest"),
                ("rvalue", "0.1"),
                ("reason", ""),
            ],
            "reason",
        )
        .await;
        refused(
            &app,
            &svc,
            &qc,
            revise,
            &[
                ("rtest", "endotoxin"),
                ("change", "retest"),
                ("rvalue", "−1"),
                ("reason", "rerun"),
            ],
            "rvalue",
        )
        .await;
        accepted(
            &app,
            &qc,
            revise,
            &[
                ("rtest", "endotoxin"),
                ("change", "retest"),
                ("rvalue", "0.1"),
                ("reason", "rerun on retained sample"),
            ],
        )
        .await;
        let page = get(&app, "/lots/L-2026-007/qc", Some(&qc.0)).await;
        assert!(
            page.body.contains("class=\"prior\" data-change=\"retest\"")
                && (page.body.contains("<s>&#60; 0.25 EU/mL</s>")
                    || page.body.contains("<s>&lt; 0.25 EU/mL</s>")),
            "the original stays visible"
        );
    }
}

#[tokio::test]
async fn every_bad_field_at_once_overlong_text_and_the_clinical_and_recall_forms() {
    for (backend, store) in stores("records_forms_all").await {
        let (app, svc) = demo_app(store).await;
        let op = session(&svc, "operator").await;
        let obs = "/batches/B-2026-010/observations";
        // Two numbers that cannot be read: each refused next to its own field, in Japanese.
        let body = refused_all(
            &app,
            &svc,
            &op,
            obs,
            &[
                ("cell_count", "many"),
                ("viability_pct", "high"),
                ("confluence_pct", "60"),
            ],
            &["cell_count", "viability_pct"],
        )
        .await;
        assert!(error_at(&body, "cell_count").contains("数値を入力してください"));
        assert!(error_at(&body, "viability_pct").contains("数値を入力してください"));
        assert!(!body.contains("id=\"err-confluence_pct\""), "{backend:?}");
        // Three implausible values at once: a future time, 150 % viability, a negative confluence.
        let fut = future();
        let body = refused_all(
            &app,
            &svc,
            &op,
            obs,
            &[
                ("observed_at", &fut),
                ("cell_count", "1000000"),
                ("viability_pct", "150"),
                ("confluence_pct", "-5"),
            ],
            &["observed_at", "viability_pct", "confluence_pct"],
        )
        .await;
        assert!(error_at(&body, "observed_at").contains("未来の日時は記録できません"));
        assert!(error_at(&body, "viability_pct").contains("100 % 以下"));
        assert!(!error_at(&body, "confluence_pct").is_empty());
        assert!(!body.contains("id=\"err-cell_count\""), "{backend:?}");
        // Seeding: a future time, no vessels and a negative density, all three at once.
        refused_all(
            &app,
            &svc,
            &op,
            "/batches",
            &[
                ("batch", "B-ALL"),
                ("cell_bank", "WCB-UC-002"),
                ("vessel", "t175"),
                ("vessel_count", "0"),
                ("seeding_density", "-3000"),
                ("seeded_at", &fut),
            ],
            &["seeded_at", "vessel_count", "seeding_density"],
        )
        .await;
        // Overlong text: a note past its stated limit (2,000 characters).
        let long = "記".repeat(2001);
        let body = refused(
            &app,
            &svc,
            &op,
            obs,
            &[
                ("observed_at", &ago(0.5)),
                ("cell_count", "1000000"),
                ("viability_pct", "95"),
                ("confluence_pct", "60"),
                ("note", &long),
            ],
            "note",
        )
        .await;
        assert!(
            error_at(&body, "note").contains("長すぎます"),
            "{backend:?}"
        );

        // The clinical forms: an adverse event with a grade and an onset that cannot be read (both
        // shown), then with an onset in the future.
        let dr = session(&svc, "physician").await;
        let ae = "/patients/PT-000001/adverse-events";
        refused_all(
            &app,
            &svc,
            &dr,
            ae,
            &[
                ("term", "Injection site reaction"),
                ("grade", "two"),
                ("onset_at", "soon"),
                ("outcome", "recovering"),
            ],
            &["grade", "onset_at"],
        )
        .await;
        let body = refused(
            &app,
            &svc,
            &dr,
            ae,
            &[
                ("term", "Injection site reaction"),
                ("grade", "2"),
                ("causality", "possibly"),
                ("onset_at", &fut),
                ("outcome", "recovering"),
            ],
            "onset_at",
        )
        .await;
        assert!(!error_at(&body, "onset_at").is_empty(), "{backend:?}");

        // The recall form: no reason given, refused at the reason, nothing previewed or opened.
        let qa = session(&svc, "qa").await;
        refused(
            &app,
            &svc,
            &qa,
            "/recalls",
            &[("target", "RM-SFM-2402"), ("reason", "")],
            "reason",
        )
        .await;
    }
}
