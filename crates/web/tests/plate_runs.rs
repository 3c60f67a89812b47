//! Plate runs through the web pages, on both backends: an export without a layout shows the layout
//! form (no command-line flag); roles assigned on the plate grid make the curve; a control has no
//! choice of test; a flagged sample chosen without a reason is refused next to its reason field and
//! nothing is written; the accepted run keeps its raw file, retrievable through the service.

use crate::common;
use axum::{body::Body, http::Request};
use common::*;
use secretome_store::testing::stores;

const LOT: &str = "L-2026-007";

/// A 4PL response (a = 0.05 at zero, d = 2.5 at infinity, c = 500, b = 1.2).
fn response(conc: f64) -> f64 {
    2.5 + (0.05 - 2.5) / (1.0 + (conc / 500.0).powf(1.2))
}

const LEVELS: [f64; 8] = [3000.0, 1500.0, 750.0, 375.0, 187.5, 93.75, 46.875, 0.0];

/// An 8 × 12 grid export without layout: standards down columns 1–2, sample X1 (600) in A3/A4,
/// sample X2 (replicates far apart) in B3/B4, control K1 in C3/C4.
fn grid() -> Vec<u8> {
    let mut cells = vec![vec![0.04; 12]; 8];
    for (r, c) in LEVELS.iter().enumerate() {
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
    csv.into_bytes()
}

/// A multipart POST: text fields, and optionally one file field.
async fn multipart(
    app: &axum::Router,
    path: &str,
    cookie: &str,
    csrf: &str,
    fields: &[(String, String)],
    file: Option<(&str, &str, &[u8])>,
) -> Res {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--B\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((field, name, bytes)) = file {
        body.extend_from_slice(format!("--B\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--B--\r\n");
    let req = Request::post(format!("{path}?csrf={csrf}"))
        .header("content-type", "multipart/form-data; boundary=B")
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap();
    send(app, req).await
}

fn hidden(body: &str, name: &str) -> String {
    body.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no hidden {name}"))
        .split('"')
        .next()
        .unwrap()
        .replace("&#10;", "\n")
        .replace("&#x0a;", "\n")
}

fn field_of(body: &str, sample: &str, prefix: &str) -> String {
    let row = body
        .split(&format!("data-sample=\"{sample}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no row {sample}"));
    let row = row.split("</tr>").next().unwrap();
    row.split(&format!("name=\"{prefix}"))
        .nth(1)
        .map(|r| format!("{prefix}{}", r.split('"').next().unwrap()))
        .unwrap_or_default()
}

#[tokio::test]
async fn a_bare_export_gets_its_layout_on_the_grid_and_becomes_a_kept_run() {
    for (backend, store) in stores("web_plate_runs").await {
        let (app, svc) = demo_app(store).await;
        let op = svc.actor("operator").await.unwrap();
        let expiry = now().plus_hours(24.0 * 365.0).unwrap();
        svc.fill_vials(&op, now(), LOT, 10, 2.0, expiry, None)
            .await
            .unwrap();
        let (qc, csrf) = session(&svc, "qc").await;
        let path = format!("/lots/{LOT}/plates");

        // No layout in the export: the page asks for one (no `--layout`), nothing can be accepted.
        let r = multipart(
            &app,
            &path,
            &qc,
            &csrf,
            &[],
            Some(("plate", "plate.csv", &grid())),
        )
        .await;
        assert_eq!(r.status, 200, "{backend:?} {}", r.body);
        assert!(r.body.contains("id=\"layout-form\"") && r.body.contains("id=\"g-H12\""));
        assert!(!r.body.contains("--layout") && !r.body.contains("id=\"plate-accept\""));
        let file_hex = hidden(&r.body, "file_hex");

        // A standard without its concentration is refused next to that well.
        let mut fields = vec![
            ("file_name".to_string(), "plate.csv".to_string()),
            ("file_hex".to_string(), file_hex.clone()),
            ("unit".to_string(), "pg/mL".to_string()),
            ("g.A1".to_string(), "standard".to_string()),
        ];
        let r = multipart(&app, &path, &qc, &csrf, &fields, None).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-c.A1\""), "{}", r.body);

        // Roles on the grid.
        fields.pop();
        for (r, c) in LEVELS.iter().enumerate() {
            let row = char::from(b'A' + r as u8);
            for col in [1, 2] {
                fields.push((format!("g.{row}{col}"), "standard".into()));
                fields.push((format!("n.{row}{col}"), format!("S{}", r + 1)));
                fields.push((format!("c.{row}{col}"), c.to_string()));
            }
        }
        for (well, g, n) in [
            ("A3", "sample", "X1"),
            ("A4", "sample", "X1"),
            ("B3", "sample", "X2"),
            ("B4", "sample", "X2"),
            ("C3", "control", "K1"),
            ("C4", "control", "K1"),
        ] {
            fields.push((format!("g.{well}"), g.into()));
            fields.push((format!("n.{well}"), n.into()));
        }
        let r = multipart(&app, &path, &qc, &csrf, &fields, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body.contains("id=\"standard-curve-1\"") && r.body.contains("data-source=\"grid\"")
        );
        assert!(r.body.contains("id=\"plate-accept\""));
        // The control has no choice of test.
        assert_eq!(field_of(&r.body, "K1", "map."), "");
        let x1 = field_of(&r.body, "X1", "map.");
        let x2 = field_of(&r.body, "X2", "map.");
        let x2_reason = field_of(&r.body, "X2", "reason.");
        assert!(!x1.is_empty() && !x2.is_empty() && !x2_reason.is_empty());
        let layout_text = hidden(&r.body, "layout_text");
        assert!(layout_text.contains("A1,standard,S1,3000"), "{layout_text}");

        // X2 (high %CV) without a reason: refused next to its reason, nothing written.
        let before = svc.store().event_count().await.unwrap();
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("file_name", "plate.csv"),
            ("file_hex", file_hex.as_str()),
            ("layout_source", "grid"),
            ("layout_text", layout_text.as_str()),
            (x1.as_str(), "vegf"),
            (x2.as_str(), "egf"),
        ];
        let r = post_form(&app, &format!("{path}/accept"), Some(&qc), &form).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains(&format!("id=\"err-{x2_reason}\"")),
            "{}",
            r.body
        );
        assert_eq!(svc.store().event_count().await.unwrap(), before);

        // A control cannot be adopted as a lot's result, even by a crafted form that names it:
        // refused next to the control's row (in Japanese), nothing written.
        let crafted_keys: Vec<String> = (0..96)
            .map(|j| format!("map.p1-{j}"))
            .filter(|k| *k != x1 && *k != x2)
            .collect();
        let mut crafted = form.clone();
        crafted.push((x2_reason.as_str(), "B4 re-pipetted per SOP"));
        for k in &crafted_keys {
            crafted.push((k.as_str(), "hgf"));
        }
        let r = post_form(&app, &format!("{path}/accept"), Some(&qc), &crafted).await;
        assert_eq!(r.status, 422, "{backend:?} {}", r.body);
        assert!(r.body.contains("id=\"err-map.p1-"), "{}", r.body);
        let not_sample = r.body.split("id=\"err-map.p1-").nth(1).unwrap_or("");
        assert!(
            not_sample.contains("検体ウェルのみ採用できます"),
            "{not_sample}"
        );
        assert_eq!(svc.store().event_count().await.unwrap(), before);

        // With the reason: one run, its file, two results.
        form.push((x2_reason.as_str(), "B4 re-pipetted per SOP"));
        let r = post_form(&app, &format!("{path}/accept"), Some(&qc), &form).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let qa = svc.actor("qa").await.unwrap();
        let runs = svc.plate_runs(&qa, LOT).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].adopted.len(), 2);
        let (_, bytes) = svc.plate_file(&qa, &runs[0].file).await.unwrap();
        assert_eq!(bytes, grid());
        // The raw file is fetched back over the web, byte for byte (qc, qa; not an operator).
        let file = format!("/plates/files/{}", runs[0].file);
        let r = get(&app, &file, Some(&qc)).await;
        assert_eq!(r.status, 200, "{backend:?}");
        assert_eq!(r.body.as_bytes(), grid().as_slice());
        let (op_cookie, _) = session(&svc, "operator").await;
        assert_eq!(get(&app, &file, Some(&op_cookie)).await.status, 403);
    }
}
