//! The manufacturing pages through the router, on both backends: an operator takes a new donor all
//! the way to filled vials through the forms; refused forms show the error next to their field,
//! keep what was typed and write nothing; readers see the pages without the forms.

use crate::common;
use common::*;
use secretome_store::testing::stores;

fn at(hours: f64) -> String {
    now().plus_hours(hours).unwrap().to_string()
}

/// Posts a form as `cookie` and expects a 303 to `to`.
async fn ok_post(
    app: &axum::Router,
    c: &(String, String),
    path: &str,
    form: &[(&str, &str)],
    to: &str,
) {
    let mut all = form.to_vec();
    all.push(("csrf", &c.1));
    let r = post_form(app, path, Some(&c.0), &all).await;
    assert_eq!(
        r.status,
        303,
        "{path}: {}",
        &r.body[..r.body.len().min(3000)]
    );
    assert_eq!(r.location, to, "{path}");
}

#[tokio::test]
async fn an_operator_makes_vials_from_a_new_donor_through_the_forms() {
    for (backend, store) in stores("mfg_pages_flow").await {
        let (app, svc) = demo_app(store).await;
        let op = session(&svc, "operator").await;
        let c = Some(op.0.as_str());
        let (seeded, obs1, obs2, obs3) = (at(-96.0), at(-72.0), at(-48.0), at(-24.0));
        let expiry = at(24.0 * 365.0);

        let r = get(&app, "/donors", c).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(r.body.contains("id=\"donor-form\"") && r.body.contains("ドナー登録"));
        assert!(
            r.body.contains("data-state=\"ineligible\"")
                && r.body.contains("data-state=\"screening\"")
        );

        ok_post(
            &app,
            &op,
            "/donors",
            &[
                ("donor", "D-WEB-001"),
                ("source", "umbilical_cord"),
                ("consent_form", "IC-2026-v2"),
                ("consented_at", &seeded),
            ],
            "/donors/D-WEB-001",
        )
        .await;
        let page = get(&app, "/donors/D-WEB-001", c).await;
        assert!(page.body.contains("id=\"screening-form\"") && page.body.contains("適格性判定中"));
        let screen: Vec<(&str, &str)> =
            ["hbv", "hcv", "hiv", "htlv1", "syphilis", "parvovirus_b19"]
                .iter()
                .map(|m| (*m, "negative"))
                .collect();
        ok_post(
            &app,
            &op,
            "/donors/D-WEB-001/screening",
            &screen,
            "/donors/D-WEB-001",
        )
        .await;
        ok_post(
            &app,
            &op,
            "/donors/D-WEB-001/tissues",
            &[
                ("tissue", "T-WEB-001"),
                ("amount", "12.5"),
                ("amount_unit", "g"),
                ("collected_at", &seeded),
            ],
            "/donors/D-WEB-001",
        )
        .await;
        let bank = [
            ("passage", "2"),
            ("population_doublings", "6"),
            ("vials_frozen", "20"),
            ("cells_per_vial", "1e6"),
            ("banked_at", &seeded),
        ];
        let mut master = vec![("from", "T-WEB-001"), ("cell_bank", "MCB-WEB-001")];
        master.extend(bank);
        ok_post(
            &app,
            &op,
            "/donors/D-WEB-001/banks",
            &master,
            "/banks/MCB-WEB-001",
        )
        .await;
        let page = get(&app, "/donors/D-WEB-001", c).await;
        assert!(
            page.body.contains("data-state=\"eligible\"")
                && page.body.contains("T-WEB-001")
                && page.body.contains("href=\"/banks/MCB-WEB-001\"")
        );
        let working = [
            ("cell_bank", "WCB-WEB-001"),
            ("passage", "3"),
            ("population_doublings", "9"),
            ("vials_frozen", "40"),
            ("cells_per_vial", "1000000"),
            ("banked_at", &seeded),
        ];
        ok_post(
            &app,
            &op,
            "/banks/MCB-WEB-001/working",
            &working,
            "/banks/WCB-WEB-001",
        )
        .await;

        for (id, name, cat) in [
            ("RM-WEB-DMEM", "DMEM/F-12", "medium"),
            ("RM-WEB-SFM", "Serum-free medium", "medium"),
        ] {
            let form = [
                ("material_lot", id),
                ("material", name),
                ("category", cat),
                ("supplier", "Wako"),
                ("supplier_lot", "X1"),
                ("received_at", &seeded),
                ("expires_at", &expiry),
            ];
            ok_post(&app, &op, "/materials", &form, &format!("/materials/{id}")).await;
        }
        let seed = [
            ("batch", "B-WEB-001"),
            ("cell_bank", "WCB-WEB-001"),
            ("vessel", "t175"),
            ("vessel_count", "4"),
            ("seeding_density", "3000"),
            ("seeded_at", &seeded),
        ];
        ok_post(&app, &op, "/batches", &seed, "/batches/B-WEB-001").await;
        for (t, n) in [(&obs1, "2100000"), (&obs2, "4.3e6"), (&obs3, "8,600,000")] {
            let form = [
                ("observed_at", t.as_str()),
                ("cell_count", n),
                ("viability_pct", "95"),
                ("confluence_pct", "60"),
                ("note", ""),
            ];
            ok_post(
                &app,
                &op,
                "/batches/B-WEB-001/observations",
                &form,
                "/batches/B-WEB-001",
            )
            .await;
        }
        ok_post(
            &app,
            &op,
            "/batches/B-WEB-001/materials",
            &[
                ("material_lot", "RM-WEB-DMEM"),
                ("quantity", "500"),
                ("unit", "mL"),
                ("used_at", &seeded),
            ],
            "/batches/B-WEB-001",
        )
        .await;
        ok_post(
            &app,
            &op,
            "/batches/B-WEB-001/conditioning",
            &[
                ("medium_lot", "RM-WEB-SFM"),
                ("hours", "24"),
                ("hypoxia", "yes"),
                ("started_at", &obs3),
            ],
            "/batches/B-WEB-001",
        )
        .await;
        ok_post(
            &app,
            &op,
            "/batches/B-WEB-001/harvest",
            &[
                ("harvest", "H-WEB-001"),
                ("volume_ml", "600"),
                ("harvested_at", ""),
            ],
            "/batches/B-WEB-001",
        )
        .await;

        let pool = [
            ("lot", "L-WEB-001"),
            ("product", "MSC-CM-01"),
            ("harvests[0]", "H-WEB-001"),
            ("harvests[0].volume_ml", "500"),
            ("harvests[1]", ""),
            ("harvests[1].volume_ml", ""),
        ];
        ok_post(&app, &op, "/lots", &pool, "/lots/L-WEB-001/processing").await;
        ok_post(
            &app,
            &op,
            "/lots/L-WEB-001/steps",
            &[
                ("kind", "centrifugation"),
                ("g_force", "2000"),
                ("minutes", "10"),
            ],
            "/lots/L-WEB-001/processing",
        )
        .await;
        ok_post(
            &app,
            &op,
            "/lots/L-WEB-001/steps",
            &[("kind", "filtration"), ("pore_um", "0.22"), ("g_force", "")],
            "/lots/L-WEB-001/processing",
        )
        .await;
        let page = get(&app, "/lots/L-WEB-001/processing", c).await;
        assert_eq!(page.body.matches("<tr class=\"step\">").count(), 2);
        assert!(page.body.contains("2000 g × 10 min") && page.body.contains("id=\"fill-form\""));
        // Filling needs a sterilising filtration (issue 14; recorded through the service, its
        // page is not built yet).
        sterile_filtration(&svc, "L-WEB-001").await;
        ok_post(
            &app,
            &op,
            "/lots/L-WEB-001/fill",
            &[
                ("count", "50"),
                ("fill_volume_ml", "5"),
                ("expires_at", &expiry),
                ("freezer", "FRZ-01"),
                ("rack", "R1"),
            ],
            "/lots/L-WEB-001",
        )
        .await;

        let lot = get(&app, "/lots/L-WEB-001", c).await;
        assert_eq!(
            lot.body.matches("<tr class=\"vial\">").count(),
            50,
            "{backend:?}"
        );
        assert!(
            lot.body.contains("D-WEB-001") && lot.body.contains("RM-WEB-SFM"),
            "genealogy back to the donor"
        );
        assert!(lot.body.contains("FRZ-01/R1/L-WEB-001-B01/A1"));
        let batch = get(&app, "/batches/B-WEB-001", c).await;
        assert!(batch.body.contains("id=\"growth-plot\"") && batch.body.contains("<svg"));
        assert_eq!(batch.body.matches("<circle class=\"obs\"").count(), 3);
        assert!(
            batch.body.contains("href=\"/lots/L-WEB-001\"") && batch.body.contains("H-WEB-001")
        );
        assert!(
            batch.body.contains("href=\"/materials/RM-WEB-DMEM\"")
                && batch.body.contains("data-state=\"harvested\"")
        );
        let harvests = get(&app, "/harvests", c).await;
        assert!(
            harvests.body.contains("H-WEB-001") && harvests.body.contains(">100</span>"),
            "100 mL left to pool"
        );
        let material = get(&app, "/materials/RM-WEB-SFM", c).await;
        assert!(
            material.body.contains("href=\"/batches/B-WEB-001\""),
            "conditioning medium traces to the batch"
        );
        svc.verify_audit().await.unwrap();
    }
}

#[tokio::test]
async fn a_refused_form_shows_the_error_next_to_its_field_and_writes_nothing() {
    for (backend, store) in stores("mfg_pages_refusals").await {
        let (app, svc) = demo_app(store).await;
        let op = session(&svc, "operator").await;
        let c = Some(op.0.as_str());
        let before = svc.store().event_count().await.unwrap();

        let r = post_form(
            &app,
            "/batches/B-2026-010/observations",
            c,
            &[
                ("csrf", &op.1),
                ("cell_count", "1.2e7"),
                ("viability_pct", "150"),
                ("confluence_pct", "60"),
            ],
        )
        .await;
        assert_eq!(r.status, 422, "{backend:?}");
        let field = r.body.split("id=\"f-viability_pct\"").nth(1).unwrap();
        assert!(field.contains("value=\"150\""), "what was typed is kept");
        let err = field.split("id=\"err-viability_pct\">").nth(1).unwrap();
        assert!(err.starts_with("100 % 以下で入力してください"), "{err}");
        assert!(r.body.contains("value=\"1.2e7\""));

        let r = post_form(
            &app,
            "/batches",
            c,
            &[
                ("csrf", &op.1),
                ("batch", "B-X"),
                ("cell_bank", "WCB-AD-001"),
                ("vessel", "t175"),
                ("vessel_count", "two"),
                ("seeding_density", "3000"),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("id=\"err-vessel_count\">整数を入力してください")
        );
        let r = post_form(
            &app,
            "/batches",
            c,
            &[
                ("csrf", &op.1),
                ("batch", "B-X"),
                ("cell_bank", "NOPE"),
                ("vessel", "t175"),
                ("vessel_count", "1"),
                ("seeding_density", "3000"),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("id=\"err-cell_bank\""),
            "a missing bank is named on its field"
        );

        let r = post_form(
            &app,
            "/donors",
            c,
            &[
                ("csrf", &op.1),
                ("donor", "D-AD-001"),
                ("source", "adipose"),
                ("consent_form", "IC"),
            ],
        )
        .await;
        assert_eq!(r.status, 409, "a taken code");
        assert!(
            r.body
                .contains("id=\"err-donor\">この番号は既に使われています")
        );
        let r = post_form(
            &app,
            "/donors",
            c,
            &[
                ("csrf", &op.1),
                ("donor", "Taro Yamada"),
                ("source", "adipose"),
                ("consent_form", "IC"),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-donor\">使用できない文字"));

        let negative: Vec<(&str, &str)> = [("csrf", op.1.as_str())]
            .into_iter()
            .chain(
                ["hbv", "hcv", "hiv", "htlv1", "syphilis", "parvovirus_b19"]
                    .iter()
                    .map(|m| (*m, "negative")),
            )
            .collect();
        let r = post_form(&app, "/donors/D-AD-001/screening", c, &negative).await;
        assert_eq!(r.status, 409, "an eligible donor's screen is decided");
        assert!(
            r.body.contains("id=\"form-error\"")
                && r.body.contains("cannot record an eligibility decision")
        );
        let r = post_form(&app, "/donors/D-BM-002/screening", c, &negative[..4]).await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("id=\"err-syphilis\""),
            "each missing marker named"
        );

        let r = post_form(
            &app,
            "/batches/B-2026-001/harvest",
            c,
            &[("csrf", &op.1), ("harvest", "H-X"), ("volume_ml", "100")],
        )
        .await;
        assert_eq!(r.status, 409);
        let r = post_form(
            &app,
            "/lots/L-2026-007/fill",
            c,
            &[
                ("csrf", &op.1),
                ("count", "100000"),
                ("fill_volume_ml", "5"),
                ("expires_at", &at(9000.0)),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("id=\"err-count\""),
            "more than the lot holds"
        );
        let r = post_form(
            &app,
            "/lots",
            c,
            &[
                ("csrf", &op.1),
                ("lot", "L-X"),
                ("product", "MSC-CM-01"),
                ("harvests[0]", "H-2026-001"),
                ("harvests[0].volume_ml", "10"),
            ],
        )
        .await;
        assert_eq!(r.status, 422, "nothing left of a pooled harvest");
        assert!(r.body.contains("id=\"err-harvests[0].volume_ml\""));

        assert_eq!(
            svc.store().event_count().await.unwrap(),
            before,
            "{backend:?}: refusals write nothing"
        );
        assert_eq!(get(&app, "/donors/Taro%20Yamada", c).await.status, 404);
        assert_eq!(get(&app, "/batches/NOPE", c).await.status, 404);
    }
}

#[tokio::test]
async fn readers_see_the_pages_in_english_without_the_forms() {
    for (backend, store) in stores("mfg_pages_read").await {
        let (app, svc) = demo_app(store).await;
        let qa = session(&svc, "qa").await;
        let actor = svc.actor("qa").await.unwrap();
        svc.set_language(&actor, now(), "en").await.unwrap();
        let c = Some(qa.0.as_str());
        for (path, text) in [
            ("/donors", "Donors"),
            ("/donors/D-AD-003", "Ineligible"),
            ("/banks/MCB-UC-001", "Master cell bank"),
            ("/batches", "Culture batches"),
            ("/batches/B-2026-001", "Growth curve"),
            ("/materials", "Raw-material lots"),
            ("/materials/RM-DMEM-2401", "Supplier lot"),
            ("/harvests", "Harvests and pooling"),
            ("/lots/L-2026-007/processing", "Processing record"),
        ] {
            let r = get(&app, path, c).await;
            assert_eq!(r.status, 200, "{backend:?} {path}");
            assert!(r.body.contains(text), "{path} lacks {text}");
            assert!(
                !r.body.contains("class=\"mf-form\""),
                "{path}: no forms for qa"
            );
            assert!(
                !r.body.contains("??"),
                "{path}: a text missing from the catalogue"
            );
        }
        let r = get(&app, "/donors/D-AD-003", c).await;
        assert!(r.body.contains("id=\"ineligible-reason\">hbv positive"));
        let r = get(&app, "/batches/B-2026-001", c).await;
        assert_eq!(
            r.body.matches("<circle class=\"obs\"").count(),
            6,
            "six daily counts plotted"
        );
        assert!(r.body.contains("Days after seeding"));
        let r = post_form(
            &app,
            "/batches/B-2026-010/observations",
            c,
            &[("csrf", &qa.1), ("cell_count", "1")],
        )
        .await;
        assert_eq!(r.status, 403, "qa may not record an observation");
        let nav = get(&app, "/lots", c).await;
        assert!(nav.body.contains("href=\"/donors\"") && nav.body.contains("href=\"/harvests\""));
    }
}
