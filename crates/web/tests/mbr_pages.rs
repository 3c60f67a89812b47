//! The master batch record pages on both backends (issue 15): the demo's masters in force, QA's
//! approval refused to the author, the operator's page running a short master from start to fill
//! — the next step with its targets, a value outside its limit recorded with its deviation, the
//! same person refused as verifier and a second person accepted, the harvest and filling recorded
//! by their use cases — the batch-record page of the lot showing its exception first, and a
//! master's steps entered through the form per step and parameter.

use crate::common;
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
        assert!(r.body.contains("別の担当者が確認します"), "{backend:?}");
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

/// A step of a test master bound to `use_case`, with one parameter `code` within `low`–`high`.
fn bound_step(
    code: &str,
    stage: secretome_domain::mbr::Stage,
    use_case: secretome_domain::mbr::UseCase,
    param: (&str, &str, f64, f64),
) -> secretome_domain::mbr::MasterStep {
    use secretome_domain::mbr::{Limit, MasterStep, OnBreach, Parameter};
    MasterStep {
        code: code.into(),
        stage,
        name: format!("{code} step"),
        name_ja: format!("{code} 工程"),
        instructions: "as the SOP".into(),
        instructions_ja: "SOP に従う".into(),
        parameters: vec![Parameter {
            code: param.0.into(),
            name: param.0.replace('_', " "),
            name_ja: param.0.into(),
            unit: param.1.into(),
            target: None,
            limit: Limit {
                low: Some(param.2),
                high: Some(param.3),
            },
            on_breach: OnBreach::Deviation,
        }],
        materials: Vec::new(),
        equipment: None,
        room_grade: None,
        needs_second_person: false,
        use_case: Some(use_case),
    }
}

#[tokio::test]
async fn the_operators_page_shows_the_observation_step_and_refuses_a_master_of_another_source() {
    use secretome_domain::{
        donor::TissueSource,
        mbr::{DocumentKind, Stage, UseCase},
    };
    use secretome_service::{NewBatch, mbr::NewDocument};
    for (backend, store) in stores("mbr_observing").await {
        let (app, svc) = demo_app(store).await;
        let (op, op_csrf) = session(&svc, "operator").await;
        // B-2026-009 is grown from umbilical cord: the adipose master is refused, in Japanese.
        let r = post_form(
            &app,
            "/batches/B-2026-009/execute/start",
            Some(&op),
            &[("csrf", &op_csrf), ("master", "MBR-CM01-AD/v1")],
        )
        .await;
        assert_ne!(r.status, 303, "{backend:?}");
        assert!(
            r.body
                .contains("製造指図書 MBR-CM01-AD は脂肪由来の細胞用です: バッチ B-2026-009 はセルバンク WCB-UC-002 の臍帯由来です"),
            "{backend:?}: {}",
            r.body
        );
        // A master whose confluence check is taken from the observations.
        let (operator, qa) = (
            svc.actor("operator").await.unwrap(),
            svc.actor("qa").await.unwrap(),
        );
        let t0 = now().plus_hours(-48.0).unwrap();
        let v = svc
            .create_document(
                &operator,
                t0,
                NewDocument {
                    code: "MBR-OBS-UC".into(),
                    kind: DocumentKind::MasterBatchRecord,
                    title: "MSC-CM-01 from umbilical cord".into(),
                    title_ja: "臍帯由来 MSC-CM-01 製造指図書".into(),
                    product: Some("MSC-CM-01".into()),
                    cell_source: Some(TissueSource::UmbilicalCord),
                },
                "first issue",
                Some(vec![
                    bound_step(
                        "SEED",
                        Stage::Culture,
                        UseCase::Seeding,
                        ("seeding_density", "cells/cm²", 2500.0, 3500.0),
                    ),
                    bound_step(
                        "CONF",
                        Stage::Culture,
                        UseCase::Observation,
                        ("confluence_pct", "%", 70.0, 95.0),
                    ),
                    bound_step(
                        "COND",
                        Stage::Conditioning,
                        UseCase::Conditioning,
                        ("hours", "h", 44.0, 52.0),
                    ),
                ]),
            )
            .await
            .unwrap();
        svc.submit_version(&operator, t0, &v.id).await.unwrap();
        svc.approve_version(&qa, t0, &v.id, "demo", "reviewed")
            .await
            .unwrap();
        svc.make_effective(&qa, t0, &v.id).await.unwrap();
        svc.seed_batch_from_master(
            &operator,
            t0,
            NewBatch {
                id: "B-OBS".into(),
                cell_bank: "WCB-UC-002".into(),
                vessel: "multilayer5".into(),
                vessel_count: 2,
                seeding_density: 3000.0,
                seeded_at: t0,
            },
            &v.id,
        )
        .await
        .unwrap();
        let r = get(&app, "/batches/B-OBS/execute", Some(&op)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        let observing = r
            .body
            .find("id=\"observation-step\" data-step=\"CONF\"")
            .expect("the observation step is shown");
        let next = r
            .body
            .find("id=\"next-step\" data-step=\"COND\"")
            .expect("the conditioning is next");
        assert!(observing < next, "{backend:?}");
        assert!(
            r.body.contains("直近の観察記録") && r.body.contains("70–95 %"),
            "{backend:?}"
        );
    }
}
