//! The clinical pages through the router, on both backends: a physician registers a patient,
//! dispenses one vial by typing its DIN and one by its id, is refused a recalled vial with the reason
//! (in Japanese and English) and nothing written, records the dose, an adverse event and outcomes,
//! and the indication page shows the outcome plot and the adverse events by grade.

use crate::common;
use common::*;
use secretome_domain::{
    isbt::Din,
    vial::{Vial, VialStatus},
};
use secretome_service::Service;
use secretome_store::testing::stores;

async fn vials(svc: &Service, lot: &str, status: VialStatus) -> Vec<Vial> {
    svc.store()
        .list::<Vial>(Some(("lot", lot)))
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.status == status)
        .collect()
}

fn din(v: &Vial) -> Din {
    Din::parse(v.din.as_deref().expect("filled vials carry a DIN")).unwrap()
}

/// Posts a form as `who` and returns the response.
async fn post(
    app: &axum::Router,
    who: &(String, String),
    path: &str,
    form: &[(&str, &str)],
) -> Res {
    let mut all = form.to_vec();
    all.push(("csrf", &who.1));
    post_form(app, path, Some(&who.0), &all).await
}

fn at(hours: f64) -> String {
    now().plus_hours(hours).unwrap().to_string()
}

#[tokio::test]
async fn a_physician_dispenses_gives_and_follows_up_through_the_pages() {
    for (backend, store) in stores("clinical_pages").await {
        let (app, svc) = demo_app(store).await;
        let doc = session(&svc, "physician").await;
        let c = Some(doc.0.as_str());
        let en = format!("{}; secretome_lang=en", doc.0);

        let r = get(&app, "/patients", c).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(r.body.contains("患者登録") && r.body.contains("id=\"patient-form\""));
        let r = post(
            &app,
            &doc,
            "/patients",
            &[
                ("id", "PT-WEB-001"),
                ("site", "CPC-TOKYO"),
                ("birth_year", "1958"),
                ("sex", "male"),
                ("indication", "stroke"),
            ],
        )
        .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (303, "/patients/PT-WEB-001"),
            "{}",
            r.body
        );
        let page = "/patients/PT-WEB-001";
        // No consent yet: dispensing is refused next to the indication, in Japanese.
        let first = vials(&svc, "L-2026-004", VialStatus::Available).await;
        let r = post(
            &app,
            &doc,
            &format!("{page}/dispense"),
            &[("vial", first[0].id.as_str()), ("indication", "stroke")],
        )
        .await;
        assert_eq!(r.status, 409, "{backend:?}: {}", r.body);
        assert!(
            r.body.contains("id=\"err-indication\"")
                && r.body.contains("説明・同意を先に記録してください"),
            "{}",
            r.body
        );
        let r = post(
            &app,
            &doc,
            &format!("{page}/consents"),
            &[
                ("consent_indication", "stroke"),
                ("document_version", "IC-STROKE v2"),
                ("explained_by", "Dr. Web"),
                ("explained_at", ""),
                ("consented_at", ""),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = get(&app, page, c).await;
        assert!(
            r.body
                .contains("data-consent=\"PT-WEB-001-CN-01\" data-indication=\"stroke\""),
            "the consent is listed"
        );
        assert!(r.body.contains("id=\"dispense-form\"") && r.body.contains("払出し"));
        assert!(
            r.body.contains("name=\"vial\"") && r.body.contains(" autofocus"),
            "the scan box takes the focus"
        );
        assert!(
            r.body.contains("<option value=\"iv_drip\" selected>"),
            "a stroke patient's dose starts as an IV drip"
        );

        // by the DIN as typed from the label (eye-readable groups and check character), then by id
        let avail = vials(&svc, "L-2026-004", VialStatus::Available).await;
        let (v1, v2) = (&avail[0], &avail[1]);
        let d = din(v1);
        let code = v1.product_code.as_deref().unwrap();
        let typed = format!("{} {} {code}", d.eye_readable(), d.check_character());
        let r = post(&app, &doc, &format!("{page}/dispense"), &[("vial", &typed)]).await;
        assert_eq!(r.status, 303, "{backend:?}: {}", r.body);
        let r = post(
            &app,
            &doc,
            &format!("{page}/dispense"),
            &[("vial", v2.id.as_str())],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = get(&app, page, c).await;
        assert!(
            r.body.contains(&format!("data-vial=\"{}\"", v1.id))
                && r.body.contains(&format!("data-vial=\"{}\"", v2.id))
        );

        // a recalled vial: refused with the reason, in Japanese and in English, nothing written
        let recalled = vials(&svc, "L-2026-002", VialStatus::Recalled).await;
        let events = svc.store().event_count().await.unwrap();
        let r = post(
            &app,
            &doc,
            &format!("{page}/dispense"),
            &[("vial", recalled[0].id.as_str())],
        )
        .await;
        assert_eq!(r.status, 409);
        assert!(
            r.body.contains("回収対象のため払い出せません") && r.body.contains("is recalled"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains(&format!("value=\"{}\"", recalled[0].id)),
            "what was typed is kept"
        );
        let barcode = format!(
            "{}=<{}",
            din(&recalled[1]).barcode_data(),
            recalled[1].product_code.as_deref().unwrap()
        );
        let en_doc = (en.clone(), doc.1.clone());
        let r = post(
            &app,
            &en_doc,
            &format!("{page}/dispense"),
            &[("vial", &barcode)],
        )
        .await;
        assert_eq!(r.status, 409);
        assert!(
            r.body.contains("is recalled: cannot be dispensed")
                && r.body.contains("Dispense a vial")
        );
        assert!(!r.body.contains("回収対象のため"));
        assert_eq!(
            svc.store().event_count().await.unwrap(),
            events,
            "nothing written"
        );

        // a dose larger than the vial: refused next to the field
        let r = post(
            &app,
            &doc,
            &format!("{page}/administrations"),
            &[
                ("given_vial", v1.id.as_str()),
                ("route", "iv_drip"),
                ("dose_ml", "9"),
                ("administered_at", ""),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("id=\"err-dose_ml\"")
                && r.body.contains("投与量がバイアルの容量を超えています")
        );
        for v in [v1, v2] {
            let r = post(
                &app,
                &doc,
                &format!("{page}/administrations"),
                &[
                    ("given_vial", v.id.as_str()),
                    ("route", "iv_drip"),
                    ("dose_ml", "1.5"),
                    ("administered_at", ""),
                ],
            )
            .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
        let adm = format!("ADM-{}", v1.id);
        let r = post(
            &app,
            &doc,
            &format!("{page}/adverse-events"),
            &[
                ("term", "Headache"),
                ("grade", "2"),
                ("causality", "possibly"),
                ("outcome", "recovered"),
                ("onset_at", ""),
                ("administration", &adm),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = post(
            &app,
            &doc,
            &format!("{page}/adverse-events"),
            &[
                ("term", "Headache"),
                ("grade", "4"),
                ("causality", "possibly"),
                ("outcome", "recovered"),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("id=\"err-grade\"")
                && r.body.contains("この用語では選べないグレードです"),
            "Headache has no grade 4 in CTCAE v5.0"
        );
        for (value, visit) in [("4", at(-20.0)), ("3", at(-0.01))] {
            let r = post(
                &app,
                &doc,
                &format!("{page}/outcomes"),
                &[("scale", "mrs"), ("value", value), ("visit_at", &visit)],
            )
            .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
        let r = post(
            &app,
            &doc,
            &format!("{page}/outcomes"),
            &[("scale", "womac"), ("value", "40"), ("visit_at", "")],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("この適応症では追跡しない評価尺度です"));

        let r = get(&app, page, c).await;
        assert!(
            r.body
                .contains("data-ae=\"PT-WEB-001-AE-001\" data-grade=\"2\"")
                && r.body.contains("2 中等症")
        );
        assert!(
            r.body.contains("data-outcome=\"PT-WEB-001-OC-0002\"") && r.body.contains("点滴静注")
        );

        // the indication page: the plot and the adverse events by grade as the summary counts them
        let s = svc.indication_summary("stroke").await.unwrap();
        assert!(s.ae_by_grade[1] >= 1);
        let r = get(&app, "/indications/stroke", c).await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("id=\"plot-mrs\"") && r.body.contains("<svg"),
            "{backend:?}"
        );
        assert!(
            r.body.contains("PT-WEB-001")
                && r.body.contains("初回投与からの日数")
                && r.body.contains("低いほど良好")
        );
        assert!(
            r.body
                .contains(&format!("data-grade=\"2\">{}</td>", s.ae_by_grade[1]))
        );
        assert!(
            r.body
                .contains(&format!("id=\"ae-serious\">{}</td>", s.serious))
        );
        let r = get(&app, "/indications/stroke", Some(&en)).await;
        assert!(
            r.body.contains("Days since first dose")
                && r.body.contains("lower is better")
                && r.body.contains("Adverse events by grade")
        );
        assert_eq!(get(&app, "/indications/flu", c).await.status, 404);
        let r = get(&app, "/indications", c).await;
        assert!(r.body.contains("data-indication=\"stroke\"") && r.body.contains("脳卒中"));
    }
}
