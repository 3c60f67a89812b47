//! The master batch record pages on both backends (issue 15): the demo's masters in force, QA's
//! approval refused to the author, the operator's page running a short master from start to fill
//! — the next step with its targets, a value outside its limit recorded with its deviation, the
//! same person refused as verifier and a second person accepted, the harvest and filling recorded
//! by their use cases — the batch-record page of the lot showing its exception first, and a
//! master's steps entered through the form per step and parameter.

mod common;
use common::*;
use secretome_store::testing::stores;

/// Records the page's next step with `values`; answers the response.
async fn step(
    app: &axum::Router,
    cookie: &str,
    csrf: &str,
    step: &str,
    values: &[(&str, &str)],
) -> Res {
    let mut form: Vec<(String, String)> =
        vec![("csrf".into(), csrf.into()), ("step".into(), step.into())];
    form.extend(
        values
            .iter()
            .map(|(k, v)| (format!("p.{k}"), v.to_string())),
    );
    let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    post_form(
        app,
        "/batches/B-2026-009/execute/step",
        Some(cookie),
        &pairs,
    )
    .await
}

#[tokio::test]
async fn an_operator_runs_a_master_from_start_to_fill_and_the_record_shows_the_exception_first() {
    for (backend, store) in stores("mbr_pages").await {
        let (app, svc) = demo_app(store).await;
        let (op, op_csrf) = session(&svc, "operator").await;
        let (qa, qa_csrf) = session(&svc, "qa").await;
        // The demo's masters are in force; the list and a master's steps show in Japanese.
        let r = get(&app, "/masters", Some(&op)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(
            r.body.contains("MBR-CM01-UC") && r.body.contains("v1"),
            "{backend:?}"
        );
        let r = get(&app, "/masters/MBR-CM01-UC", Some(&op)).await;
        assert!(
            r.body.contains("data-state=\"effective\"") && r.body.contains("馴化時間"),
            "{backend:?}"
        );
        // A batch not started shows the masters to start from.
        let r = get(&app, "/batches/B-2026-009/execute", Some(&op)).await;
        assert!(
            r.body.contains("id=\"not-started\"") && r.body.contains("MBR-CM01-UC/v1"),
            "{backend:?}"
        );
        let r = post_form(
            &app,
            "/batches/B-2026-009/execute/start",
            Some(&op),
            &[("csrf", &op_csrf), ("master", "MBR-CM01-UC/v1")],
        )
        .await;
        assert_eq!(r.status, 303, "{backend:?}: {}", r.body);
        // The next step with its instructions and targets.
        let r = get(&app, "/batches/B-2026-009/execute", Some(&op)).await;
        assert!(
            r.body.contains("data-step=\"CUL-THAW\"") && r.body.contains("2500–3500 cells/cm²"),
            "{backend:?}"
        );
        // Out of order is refused on the page.
        let r = step(&app, &op, &op_csrf, "CUL-CONF", &[("confluence_pct", "85")]).await;
        assert_eq!(r.status, 409, "{backend:?}");
        assert!(r.body.contains("CUL-THAW"), "{backend:?}");
        assert_eq!(
            step(
                &app,
                &op,
                &op_csrf,
                "CUL-THAW",
                &[("viability_pct", "93"), ("seeding_density", "3050")]
            )
            .await
            .status,
            303
        );
        // Confluence 98 % against 70–95 %: recorded, with its deviation.
        assert_eq!(
            step(&app, &op, &op_csrf, "CUL-CONF", &[("confluence_pct", "98")])
                .await
                .status,
            303
        );
        let r = get(&app, "/batches/B-2026-009/execute", Some(&op)).await;
        assert!(
            r.body.contains("B-2026-009/CUL-CONF/D1")
                && r.body.contains("70–95 %")
                && r.body.contains("98"),
            "{backend:?}"
        );
        // Conditioning needs a second person: the operator is refused, QA verifies with a password.
        assert_eq!(
            step(&app, &op, &op_csrf, "COND-START", &[("hours", "48")])
                .await
                .status,
            303
        );
        let verify = |who: &'static str| {
            [
                ("csrf", op_csrf.as_str()),
                ("step", "COND-START"),
                ("verifier", who),
                ("password", "demo"),
            ]
        };
        let r = post_form(
            &app,
            "/batches/B-2026-009/execute/verify",
            Some(&op),
            &verify("operator"),
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(r.body.contains("second, different person"), "{backend:?}");
        assert_eq!(
            post_form(
                &app,
                "/batches/B-2026-009/execute/verify",
                Some(&op),
                &verify("qa")
            )
            .await
            .status,
            303
        );
        // The harvest is bound to its use case: the page shows its targets and takes no values.
        let r = get(&app, "/batches/B-2026-009/execute", Some(&op)).await;
        assert!(
            r.body.contains("data-use-case=\"harvest\"") && r.body.contains("400–650 mL"),
            "{backend:?}"
        );
        let r = step(&app, &op, &op_csrf, "HARV", &[("volume_ml", "500")]).await;
        assert_eq!(r.status, 409, "{backend:?}");
        let o = svc.actor("operator").await.unwrap();
        let built = now().plus_hours(-1.0).unwrap();
        svc.harvest(
            &o,
            now(),
            "B-2026-009",
            "H-MBR",
            500.0,
            built.plus_hours(-36.0 * 24.0).unwrap(),
            None,
        )
        .await
        .unwrap();
        // A centrifugal force the master refuses is shown on its field and not recorded.
        let r = step(
            &app,
            &op,
            &op_csrf,
            "PROC-CENT",
            &[("g_force", "900"), ("minutes", "10")],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(r.body.contains("id=\"err-g_force\""), "{backend:?}");
        assert_eq!(
            step(
                &app,
                &op,
                &op_csrf,
                "PROC-CENT",
                &[("g_force", "400"), ("minutes", "10")]
            )
            .await
            .status,
            303
        );
        assert_eq!(
            step(&app, &op, &op_csrf, "PROC-FILT", &[("pore_um", "0.22")])
                .await
                .status,
            303
        );
        let filt = [
            ("csrf", op_csrf.as_str()),
            ("step", "PROC-FILT"),
            ("verifier", "qc"),
            ("password", "demo"),
        ];
        assert_eq!(
            post_form(&app, "/batches/B-2026-009/execute/verify", Some(&op), &filt)
                .await
                .status,
            303
        );
        // Pool, filter and fill through the use cases: filling records FILL, awaiting its second
        // person on the page.
        svc.pool_lot(&o, now(), "L-MBR", "MSC-CM-01", &[("H-MBR".into(), 400.0)])
            .await
            .unwrap();
        sterile_filtration(&svc, "L-MBR").await;
        let exp = now().plus_hours(24.0 * 300.0).unwrap();
        svc.fill_vials(&o, now(), "L-MBR", 4, 2.0, exp, None)
            .await
            .unwrap();
        let fill = [
            ("csrf", op_csrf.as_str()),
            ("step", "FILL"),
            ("verifier", "qa"),
            ("password", "demo"),
        ];
        assert_eq!(
            post_form(&app, "/batches/B-2026-009/execute/verify", Some(&op), &fill)
                .await
                .status,
            303
        );
        let r = get(&app, "/batches/B-2026-009/execute", Some(&op)).await;
        assert!(r.body.contains("id=\"all-done\""), "{backend:?}");
        // The batch record opens with the exception, before signatures and the full record.
        let r = get(&app, "/lots/L-MBR/record", Some(&qa)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        let first = r
            .body
            .find("class=\"exception\"")
            .expect("an exception is listed");
        assert!(
            first < r.body.find("id=\"participants\"").unwrap(),
            "{backend:?}"
        );
        let li = &r.body[first..first + r.body[first..].find("</li>").unwrap()];
        assert!(
            li.contains("CUL-CONF") && li.contains("data-dispositioned=\"false\""),
            "{backend:?}: {li}"
        );
        assert!(!r.body.contains("data-kind=\"missing\""), "{backend:?}");
        // QA dispositions it on the operator's page; the record then shows it as dispositioned.
        let r = post_form(
            &app,
            "/batches/B-2026-009/execute/decide",
            Some(&qa),
            &[
                ("csrf", &qa_csrf),
                ("deviation", "B-2026-009/CUL-CONF/D1"),
                ("decision", "approve"),
                ("reason", "within the validated range"),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{backend:?}: {}", r.body);
        let r = get(&app, "/lots/L-MBR/record", Some(&qa)).await;
        assert!(
            !r.body.contains("data-dispositioned=\"false\""),
            "{backend:?}"
        );
        // A lot whose batches were not run against a master has no exceptions.
        let r = get(&app, "/lots/L-2026-005/record", Some(&qa)).await;
        assert!(r.body.contains("id=\"no-exceptions\""), "{backend:?}");
    }
}

#[tokio::test]
async fn a_master_is_written_through_a_form_per_step_and_parameter() {
    for (backend, store) in stores("mbr_form").await {
        let (app, svc) = demo_app(store).await;
        let (qa, csrf) = session(&svc, "qa").await;
        let form = |low: &'static str, high: &'static str, use_case: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("code", "MBR-FORM".into()),
                ("kind", "master_batch_record".into()),
                ("title", "Form-made master".into()),
                ("title_ja", "フォームで作成した指図書".into()),
                ("product", "MSC-CM-01".into()),
                ("cell_source", "umbilical_cord".into()),
                ("change_reason", "first issue".into()),
                ("s0.code", "SEED".into()),
                ("s0.stage", "culture".into()),
                ("s0.name", "Seeding".into()),
                ("s0.name_ja", "播種".into()),
                ("s0.use_case", use_case.into()),
                ("s0.grade", "A".into()),
                ("s0.p0.code", "seeding_density".into()),
                ("s0.p0.name", "Seeding density".into()),
                ("s0.p0.name_ja", "播種密度".into()),
                ("s0.p0.unit", "cells/cm²".into()),
                ("s0.p0.target", "3000".into()),
                ("s0.p0.low", low.into()),
                ("s0.p0.high", high.into()),
                ("s0.p1.code", "".into()),
                ("s1.code", "".into()),
            ]
        };
        let post = |f: Vec<(&'static str, String)>| {
            let app = app.clone();
            let qa = qa.clone();
            async move {
                let pairs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (*a, b.as_str())).collect();
                post_form(&app, "/masters", Some(&qa), &pairs).await
            }
        };
        // Both limits not numbers: each named on its row, the rows kept, nothing written.
        let r = post(form("abc", "x", "seeding")).await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(
            r.body.matches("class=\"has-error\"").count() >= 2
                && r.body.contains("value=\"seeding_density\""),
            "{backend:?}"
        );
        // A use case that does not supply the parameter: the master's rule, listed above the steps.
        let r = post(form("2500", "3500", "harvest")).await;
        assert_eq!(r.status, 422, "{backend:?}");
        assert!(
            r.body.contains("id=\"steps-errors\"") && r.body.contains("volume_ml"),
            "{backend:?}"
        );
        assert!(
            !get(&app, "/masters", Some(&qa))
                .await
                .body
                .contains("MBR-FORM")
        );
        let r = post(form("2500", "3500", "seeding")).await;
        assert_eq!(r.status, 303, "{backend:?}: {}", r.body);
        let r = get(&app, "/masters/MBR-FORM", Some(&qa)).await;
        assert!(
            r.body.contains("2500–3500 cells/cm²")
                && r.body.contains("name=\"s0.p0.low\" value=\"2500\""),
            "{backend:?}"
        );
    }
}
