//! The inventory pages end to end on SQLite and PostgreSQL: the freezer map shows each vial in its
//! box position and links to its page; a move into an occupied position is refused naming the
//! vial there, a free one is recorded in the move history; the label page carries the DIN with its
//! boxed check character and the barcodes, the PDF is a PDF; vials past expiry are flagged before
//! the sweep and marked expired by it; an admin registers freezers and sets the FIN.

use crate::common;
use common::*;
use secretome_service::Placement;
use secretome_store::testing::stores;

/// The text of the element with `id` (up to the next tag).
fn by_id(body: &str, id: &str) -> Option<String> {
    let at = body.find(&format!("id=\"{id}\""))?;
    let rest = &body[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    Some(rest[start..end].to_string())
}

/// The map cell at `pos` of `bx` (`rack/box`): the vial id it links to, if any.
fn cell(body: &str, bx: &str, pos: &str) -> Option<String> {
    let table = body.split(&format!("data-box=\"{bx}\"")).nth(1)?;
    let table = table.split("</table>").next()?;
    let td = table.split(&format!("data-pos=\"{pos}\"")).nth(1)?;
    let td = td.split("</td>").next()?;
    let id = td.split("href=\"/vials/").nth(1)?.split('"').next()?;
    Some(id.to_string())
}

#[tokio::test]
async fn freezer_map_vial_page_and_moves() {
    for (backend, store) in stores("inventory_pages").await {
        let (app, svc) = demo_app(store).await;
        let (op, csrf) = session(&svc, "operator").await;
        let r = get(&app, "/freezers", Some(&op)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert!(
            r.body.contains("id=\"freezer-FRZ-01\"") && r.body.contains("id=\"freezer-LN2-01\"")
        );
        assert!(
            r.body.contains("id=\"expire-form\""),
            "operators run the sweep"
        );
        assert!(
            !r.body.contains("id=\"freezer-form\""),
            "only admin registers"
        );

        let map = get(&app, "/freezers/FRZ-01", Some(&op)).await;
        assert_eq!(map.status, 200);
        let bx = "R1/L-2026-001-B01";
        assert_eq!(
            cell(&map.body, bx, "A1").as_deref(),
            Some("L-2026-001-0001")
        );
        assert_eq!(
            cell(&map.body, bx, "A2").as_deref(),
            Some("L-2026-001-0002")
        );
        assert_eq!(
            cell(&map.body, bx, "E5"),
            None,
            "vials 39 and 40 went to LN₂"
        );
        assert!(!map.body.contains("data-expired=\"true\""));

        let v = get(&app, "/vials/L-2026-001-0001", Some(&op)).await;
        assert_eq!(v.status, 200);
        let din = svc
            .vial_detail("L-2026-001-0001", now())
            .await
            .unwrap()
            .vial
            .din
            .unwrap();
        let check = secretome_domain::isbt::Din::parse(&din)
            .unwrap()
            .check_character()
            .to_string();
        assert_eq!(by_id(&v.body, "din-check"), Some(check), "{backend:?}");
        // The demo lot's 40 vials are second-level divisions of its one DIN: the first is `Aa`.
        assert_eq!(
            by_id(&v.body, "vial-product-code").as_deref(),
            Some("S0001VAa")
        );
        assert!(
            v.body.contains("id=\"move-L-2026-001-0001-MV-001\""),
            "put-away"
        );
        assert!(v.body.contains("id=\"move-form\"") && !v.body.contains("id=\"expired-flag\""));

        // Into an occupied position: refused at the field, naming the vial there.
        let to = [
            ("csrf", csrf.as_str()),
            ("location", "FRZ-01/R1/L-2026-001-B01/A2"),
            ("reason", ""),
        ];
        let r = post_form(&app, "/vials/L-2026-001-0001/move", Some(&op), &to).await;
        assert_eq!(r.status, 409, "{backend:?} {}", r.body);
        let err = by_id(&r.body, "err-location").unwrap_or_default();
        // In the page's language (Japanese first), from the coded refusal's data.
        assert!(
            err.contains("にはバイアル L-2026-001-0002 があります"),
            "{err}"
        );
        assert!(
            r.body.contains("value=\"FRZ-01/R1/L-2026-001-B01/A2\""),
            "typed kept"
        );
        let to = [
            ("csrf", csrf.as_str()),
            ("location", "FRZ-01/R1/B1/K1"),
            ("reason", ""),
        ];
        let r = post_form(&app, "/vials/L-2026-001-0001/move", Some(&op), &to).await;
        assert_eq!(r.status, 422);
        assert!(
            by_id(&r.body, "err-location")
                .unwrap_or_default()
                .contains("範囲外"),
            "outside the box, said in the page's language"
        );
        let to = [
            ("csrf", csrf.as_str()),
            ("location", "FRZ-01/R2/SPARE/C3"),
            ("reason", "棚の整理"),
        ];
        let r = post_form(&app, "/vials/L-2026-001-0001/move", Some(&op), &to).await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (303, "/vials/L-2026-001-0001")
        );
        let v = get(&app, "/vials/L-2026-001-0001", Some(&op)).await;
        assert!(
            v.body.contains("id=\"move-L-2026-001-0001-MV-002\"") && v.body.contains("棚の整理")
        );
        assert!(v.body.contains(">FRZ-01/R2/SPARE/C3</a>"));
        let map = get(&app, "/freezers/FRZ-01", Some(&op)).await;
        assert_eq!(
            cell(&map.body, "R2/SPARE", "C3").as_deref(),
            Some("L-2026-001-0001")
        );
        assert_eq!(cell(&map.body, bx, "A1"), None);

        // A physician sees the vial and its label, not the freezers, and cannot move.
        let (doc, _) = session(&svc, "physician").await;
        let v = get(&app, "/vials/L-2026-001-0002", Some(&doc)).await;
        assert_eq!(v.status, 200);
        assert!(!v.body.contains("id=\"move-form\""));
        assert_eq!(get(&app, "/freezers", Some(&doc)).await.status, 403);
        let l = get(&app, "/vials/L-2026-001-0002/label", Some(&doc)).await;
        assert_eq!(l.status, 200);
        assert!(l.body.contains("id=\"label-svg\"><svg ") && l.body.contains("class=\"bar\""));
        assert!(l.body.contains("data-modules=") && l.body.contains("class=\"check-box\""));
        assert_eq!(
            by_id(&l.body, "label-product-code").as_deref(),
            Some("S0001VAb")
        );
        let pdf = get(&app, "/vials/L-2026-001-0002/label.pdf", Some(&doc)).await;
        assert_eq!(pdf.status, 200);
        assert!(pdf.body.starts_with("%PDF-"));
        assert_eq!(
            get(&app, "/vials/NO-SUCH/label", Some(&doc)).await.status,
            404
        );
    }
}

#[tokio::test]
async fn expired_vials_are_flagged_then_swept() {
    for (backend, store) in stores("inventory_expiry_pages").await {
        let (app, svc) = demo_app(store).await;
        let op = svc.actor("operator").await.unwrap();
        // Three vials that expire a second after filling, on a rack of their own.
        let t = now();
        let place = Placement {
            freezer: "FRZ-01".into(),
            rack: "R9".into(),
        };
        let soon = t.plus_hours(1.0 / 3600.0).unwrap();
        svc.fill_vials(&op, t, "L-2026-007", 3, 2.0, soon, Some(&place))
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1300)).await;

        let (qa, csrf) = session(&svc, "qa").await;
        let map = get(&app, "/freezers/FRZ-01", Some(&qa)).await;
        assert_eq!(
            map.body.matches("data-expired=\"true\"").count(),
            3,
            "{backend:?}"
        );
        let v = get(&app, "/vials/L-2026-007-0001", Some(&qa)).await;
        assert!(
            v.body.contains("id=\"expired-flag\""),
            "flagged before the sweep"
        );
        assert!(v.body.contains("data-state=\"quarantine\""));

        let r = post_form(
            &app,
            "/inventory/expire",
            Some(&qa),
            &[("csrf", csrf.as_str())],
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(by_id(&r.body, "expired-count").as_deref(), Some("3"));
        let v = get(&app, "/vials/L-2026-007-0001", Some(&qa)).await;
        assert!(
            v.body.contains("data-state=\"expired\"") && v.body.contains("id=\"expired-flag\"")
        );
        let r = post_form(
            &app,
            "/inventory/expire",
            Some(&qa),
            &[("csrf", csrf.as_str())],
        )
        .await;
        assert_eq!(by_id(&r.body, "expired-count").as_deref(), Some("0"));
        // QC reads the freezers but does not run the sweep.
        let (qc, qc_csrf) = session(&svc, "qc").await;
        assert!(
            !get(&app, "/freezers", Some(&qc))
                .await
                .body
                .contains("id=\"expire-form\"")
        );
        let r = post_form(
            &app,
            "/inventory/expire",
            Some(&qc),
            &[("csrf", qc_csrf.as_str())],
        )
        .await;
        assert_eq!(r.status, 403);
    }
}

#[tokio::test]
async fn admin_registers_freezers_and_sets_the_fin() {
    for (backend, store) in stores("inventory_admin_pages").await {
        let (app, svc) = demo_app(store).await;
        let (admin, csrf) = session(&svc, "admin").await;
        let s = get(&app, "/admin/settings", Some(&admin)).await;
        assert_eq!(s.status, 200, "{backend:?}");
        assert_eq!(by_id(&s.body, "value-isbt.fin").as_deref(), Some("G1234"));
        let bad = [
            ("csrf", csrf.as_str()),
            ("key", "isbt.fin"),
            ("value", "O1234"),
        ];
        let r = post_form(&app, "/admin/settings", Some(&admin), &bad).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(by_id(&r.body, "err-value").is_some_and(|e| !e.is_empty()));
        assert_eq!(by_id(&r.body, "value-isbt.fin").as_deref(), Some("G1234"));
        let ok = [
            ("csrf", csrf.as_str()),
            ("key", "isbt.fin"),
            ("value", "H5678"),
        ];
        let r = post_form(&app, "/admin/settings", Some(&admin), &ok).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("id=\"settings-saved\""));
        assert_eq!(
            svc.setting("isbt.fin").await.unwrap().as_deref(),
            Some("H5678")
        );

        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("id", "FRZ-09"),
            ("name", "−80 °C chest"),
            ("site", "CPC-TOKYO"),
            ("temperature_c", "-80"),
            ("box_rows", "many"),
            ("box_cols", "10"),
        ];
        let r = post_form(&app, "/freezers", Some(&admin), &form).await;
        assert_eq!(r.status, 422);
        assert!(by_id(&r.body, "err-box_rows").is_some());
        form[5].1 = "27";
        let r = post_form(&app, "/freezers", Some(&admin), &form).await;
        assert_eq!(r.status, 422);
        assert!(
            by_id(&r.body, "err-box_rows")
                .unwrap_or_default()
                .contains("1–26")
        );
        form[5].1 = "10";
        let r = post_form(&app, "/freezers", Some(&admin), &form).await;
        assert_eq!((r.status, r.location.as_str()), (303, "/freezers/FRZ-09"));
        let m = get(&app, "/freezers/FRZ-09", Some(&admin)).await;
        assert_eq!(m.status, 200);
        assert!(m.body.contains("10 × 10"));
        assert_eq!(get(&app, "/freezers/NOPE", Some(&admin)).await.status, 404);
    }
}
