//! The QC and QA pages through the router, on both backends: QA's release of L-2026-006 is refused
//! with every reason listed; a wrong signature password refuses and writes no release; after QC
//! assesses and QA approves the deviation, the release signed with the password succeeds and the
//! signature (meaning, printed name, time) shows on the lot, the batch record and the certificate of
//! analysis, whose PDF starts with `%PDF`; a real SoftMax Pro export is imported, its standard curve
//! and per-sample results shown, and a chosen sample accepted into the lot's results.

use crate::common;
use axum::{body::Body, http::Request};
use common::*;
use secretome_domain::{UtcTime, lot::LotStatus, vial::VialStatus};
use secretome_store::testing::stores;

const LOT: &str = "L-2026-006";

fn signed(svc_events: &[secretome_store::AuditEvent], action: &str) -> usize {
    svc_events.iter().filter(|e| e.action == action).count()
}

#[tokio::test]
async fn release_refused_then_signed_and_shown_on_lot_record_and_coa() {
    for (backend, store) in stores("quality_release").await {
        let (app, svc) = demo_app(store).await;
        let (qa, qa_csrf) = session(&svc, "qa").await;
        let (qc, qc_csrf) = session(&svc, "qc").await;
        let sign = |password: &'static str| {
            let (app, qa, csrf) = (app.clone(), qa.clone(), qa_csrf.clone());
            async move {
                let form = [
                    ("csrf", csrf.as_str()),
                    ("meaning", "released"),
                    ("reason", "製造記録・試験結果を照査し出荷可と判定"),
                    ("password", password),
                ];
                post_form(&app, &format!("/lots/{LOT}/sign"), Some(&qa), &form).await
            }
        };

        // The review page shows what blocks QA's release before signing.
        let r = get(&app, &format!("/lots/{LOT}/record"), Some(&qa)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(r.body.contains("id=\"release-check\"") && r.body.contains("id=\"sign-form\""));
        assert!(
            r.body.contains("id=\"record-steps\"")
                && r.body.contains("lot.pool")
                && r.body.contains("佐藤 太郎"),
            "steps with who"
        );

        // Refused: the out-of-specification particle count and the open deviation, each listed.
        let r = sign("demo").await;
        assert_eq!(r.status, 409, "{backend:?} {}", r.body);
        let list = r
            .body
            .split("id=\"release-blockers\"")
            .nth(1)
            .expect("blockers listed");
        assert!(
            list.contains("data-kind=\"out_of_specification\" data-subject=\"ev_particles\""),
            "{list}"
        );
        assert!(
            list.contains("data-kind=\"open_deviation\" data-subject=\"L-2026-006/DEV-01\""),
            "{list}"
        );
        assert_eq!(
            list.split("</ol>")
                .next()
                .unwrap_or("")
                .matches("<li class=\"blocker\"")
                .count(),
            2
        );

        // QC assesses, QA approves the deviation.
        let form = [
            ("csrf", qc_csrf.as_str()),
            (
                "assessment",
                "希釈誤りを確認、再測定で規格内 (dilution error confirmed)",
            ),
        ];
        let r = post_form(
            &app,
            &format!("/lots/{LOT}/deviations/DEV-01/assess"),
            Some(&qc),
            &form,
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = post_form(
            &app,
            &format!("/lots/{LOT}/deviations/DEV-01/approve"),
            Some(&qa),
            &[("csrf", qa_csrf.as_str()), ("reason", "")],
        )
        .await;
        assert_eq!(r.status, 422, "a reason is required");
        assert!(r.body.contains("id=\"err-dev-DEV-01\""));
        let r = post_form(
            &app,
            &format!("/lots/{LOT}/deviations/DEV-01/approve"),
            Some(&qa),
            &[("csrf", qa_csrf.as_str()), ("reason", "評価妥当")],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);

        // A wrong password refuses, on the password field, and writes no release.
        let r = sign("not-the-password").await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("id=\"err-password\""));
        let d = svc.lot_detail(LOT).await.unwrap();
        assert_eq!(d.lot.status, LotStatus::Quarantine);
        assert_eq!(signed(&d.events, "lot.release"), 0);

        // The right password releases; the vials become available.
        let r = sign("demo").await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (303, "/lots/L-2026-006/record#signature"),
            "{}",
            r.body
        );
        let d = svc.lot_detail(LOT).await.unwrap();
        assert_eq!(d.lot.status, LotStatus::Released);
        assert!(d.vials.iter().all(|v| v.status == VialStatus::Available));
        let ev = d.events.iter().find(|e| e.action == "lot.release").unwrap();
        assert_eq!(ev.actor, "qa");
        assert!(
            ev.reason
                .as_deref()
                .unwrap()
                .starts_with("電子署名 (released) | 高橋 次郎 | ")
        );
        UtcTime::parse("at", &ev.at).unwrap();

        for path in [
            format!("/lots/{LOT}"),
            format!("/lots/{LOT}/record"),
            format!("/lots/{LOT}/qc"),
            format!("/lots/{LOT}/coa"),
        ] {
            let r = get(&app, &path, Some(&qc)).await;
            assert_eq!(r.status, 200, "{path}");
            assert!(
                r.body.contains("電子署名 (released)") || r.body.contains("id=\"signature\""),
                "{path}"
            );
            assert!(r.body.contains("高橋 次郎"), "{path}: printed name");
        }
        let r = get(&app, &format!("/lots/{LOT}/coa"), Some(&qc)).await;
        assert!(
            r.body.contains("MSC-CM-01/v2")
                && r.body.contains("data-meaning=\"released\"")
                && r.body.contains("EU/mL")
        );
        assert!(r.body.contains("JST"), "signing time in the viewer's zone");
        let r = get(&app, &format!("/lots/{LOT}/coa.pdf"), Some(&qc)).await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.starts_with("%PDF"),
            "{}",
            &r.body[..20.min(r.body.len())]
        );

        // No certificate for a lot in quarantine.
        assert_eq!(
            get(&app, "/lots/L-2026-005/coa", Some(&qc)).await.status,
            409
        );
        let verified = svc.verify_audit().await.unwrap();
        assert!(
            matches!(verified, secretome_store::VerifyOutcome::Intact { .. }),
            "{verified:?}"
        );
    }
}

/// A `multipart/form-data` POST with one file field `plate`, the CSRF token in the query string.
async fn upload(
    app: &axum::Router,
    path: &str,
    cookie: &str,
    csrf: &str,
    name: &str,
    bytes: &[u8],
) -> Res {
    let mut body = format!("--BOUNDARY\r\nContent-Disposition: form-data; name=\"plate\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--BOUNDARY--\r\n");
    let req = Request::post(format!("{path}?csrf={csrf}"))
        .header("content-type", "multipart/form-data; boundary=BOUNDARY")
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap();
    send(app, req).await
}

#[tokio::test]
async fn plate_import_shows_the_curve_and_accepts_a_sample() {
    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/softmaxpro_ELISAtools_Assay_2.txt"
    ))
    .unwrap();
    for (backend, store) in stores("quality_plate").await {
        let (app, svc) = demo_app(store).await;
        let op = svc.actor("operator").await.unwrap();
        let expiry = now().plus_hours(24.0 * 365.0).unwrap();
        svc.fill_vials(&op, now(), "L-2026-007", 10, 2.0, expiry, None)
            .await
            .unwrap();
        let (qc, csrf) = session(&svc, "qc").await;

        let r = upload(
            &app,
            "/lots/L-2026-007/plates",
            &qc,
            &csrf,
            "softmaxpro_ELISAtools_Assay_2.txt",
            &file,
        )
        .await;
        assert_eq!(r.status, 200, "{backend:?} {}", r.body);
        assert!(
            r.body.contains("id=\"standard-curve-1\"") && r.body.contains("<svg"),
            "standard curve"
        );
        assert!(
            r.body
                .contains("data-sample=\"P8\" data-reportable=\"true\""),
            "P8 reportable"
        );
        assert!(
            r.body
                .contains("data-sample=\"P1\" data-reportable=\"false\"")
                && r.body.contains("below_lloq"),
            "P1 flagged"
        );
        assert!(r.body.contains("id=\"plate-accept\"") && r.body.contains("PLATE-"));
        let row = r.body.split("data-sample=\"P8\"").nth(1).unwrap();
        let field = row
            .split("name=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let hex = r
            .body
            .split("name=\"file_hex\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();

        // A bad upload is refused next to the file field.
        let r = upload(
            &app,
            "/lots/L-2026-007/plates",
            &qc,
            &csrf,
            "x.txt",
            b"not a plate",
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-plate\""));

        // Accept P8 as VEGF.
        let form = [
            ("csrf", csrf.as_str()),
            ("file_name", "softmaxpro_ELISAtools_Assay_2.txt"),
            ("file_hex", hex.as_str()),
            (field.as_str(), "vegf"),
        ];
        let r = post_form(&app, "/lots/L-2026-007/plates/accept", Some(&qc), &form).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let q = svc.lot_qc("L-2026-007").await.unwrap();
        let vegf = q
            .rows
            .iter()
            .find(|r| r.test.code.as_str() == "vegf")
            .unwrap()
            .result
            .clone()
            .unwrap();
        assert!(
            (vegf.value.unwrap() - 608.622).abs() < 0.01,
            "{:?}",
            vegf.value
        );
        let page = get(&app, "/lots/L-2026-007/qc", Some(&qc)).await;
        assert!(page.body.contains("id=\"result-vegf\"") && page.body.contains("PLATE-"));

        // The same test again is refused next to the sample's choice.
        let r = post_form(&app, "/lots/L-2026-007/plates/accept", Some(&qc), &form).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains(&format!("id=\"err-{field}\"")));
    }
}

/// Issue 10 item 5: a plate whose curve has a parameter the standards do not determine (the Gen5
/// mockBCA export: its top standard is still on the rising part) states the reason in words on the
/// page, in Japanese and in English, and every sample read off it carries `curve_not_determined`.
#[tokio::test]
async fn plate_page_states_why_the_curve_is_not_determined() {
    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assay/tests/data/plates/gen5_endpoint_stdcurve_singleplate_mockBCA.txt"
    ))
    .unwrap();
    let name = "gen5_endpoint_stdcurve_singleplate_mockBCA.txt";
    for (backend, store) in stores("quality_plate_nd").await {
        let (app, svc) = demo_app(store).await;
        let (qc, csrf) = session(&svc, "qc").await;
        let r = upload(&app, "/lots/L-2026-007/plates", &qc, &csrf, name, &file).await;
        assert_eq!(r.status, 200, "{backend:?} {}", r.body);
        assert!(
            r.body.contains("id=\"curve-not-determined-1\"")
                && r.body
                    .contains("data-flag=\"upper_asymptote_not_determined\"")
                && r.body
                    .contains("最高濃度の標準が上側プラトーに達していません"),
            "{backend:?}: the reason in Japanese"
        );
        assert!(
            r.body.contains("curve_not_determined"),
            "{backend:?}: samples read off the curve carry the flag"
        );
        let en = format!("{qc}; secretome_lang=en");
        let r = upload(&app, "/lots/L-2026-007/plates", &en, &csrf, name, &file).await;
        assert_eq!(r.status, 200, "{backend:?} {}", r.body);
        assert!(
            r.body
                .contains("The highest standards do not reach the upper plateau"),
            "{backend:?}: the reason in English"
        );
    }
}
