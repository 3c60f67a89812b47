//! A DIN typed or scanned into a page (issue 17 item 5): a wrong check character, a wrong barcode
//! flag, full-width input (normalised, then found) and a DIN never assigned are each told apart,
//! in the page's language, next to the field — not one "not found" for all. On the trace page
//! (QA) and the dispensing scan box (physician), on both backends.

use crate::common;
use common::*;
use secretome_domain::isbt::{Din, mod37_2_character};
use secretome_store::testing::stores;

/// Full-width forms of ASCII (an IME left in 全角), the space as the ideographic space.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// The text of the element with `id` (up to its closing tag).
fn by_id(html: &str, id: &str) -> String {
    let Some(at) = html.find(&format!("id=\"{id}\"")) else {
        return String::new();
    };
    let rest = &html[at..];
    let start = rest.find('>').map(|i| i + 1).unwrap_or(0);
    let end = rest[start..]
        .find("</")
        .map(|i| start + i)
        .unwrap_or(rest.len());
    rest[start..end]
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

#[tokio::test]
async fn a_din_scan_tells_a_wrong_check_character_a_wrong_flag_full_width_and_unknown_apart() {
    for (backend, store) in stores("din_scans").await {
        let (app, svc) = demo_app(store).await;
        let (qa, _) = session(&svc, "qa").await;
        let qa = format!("{qa}; secretome_lang=ja");
        let din = svc
            .vial_detail("L-2026-004-0007", now())
            .await
            .unwrap()
            .vial
            .din
            .unwrap();
        let din = Din::parse(&din).unwrap();
        let trace = |typed: &str| {
            let q = form_urlencoded::Serializer::new(String::new())
                .extend_pairs([("dir", "backward"), ("id", typed)])
                .finish();
            format!("/trace?{q}")
        };

        // A wrong check character: names the one typed and the right one.
        let wrong = mod37_2_character((din.checksum() + 1) % 37);
        let r = get(&app, &trace(&format!("{din}{wrong}")), Some(&qa)).await;
        let err = by_id(&r.body, "err-id");
        assert_eq!(r.status, 422, "{backend:?}: {}", r.body);
        assert!(
            err.contains("チェックキャラクタ")
                && err.contains(&format!("正しくは {}", din.check_character())),
            "{backend:?}: {err}"
        );

        // A barcode whose flag does not match the DIN: a damaged or misprinted label.
        let flag = format!("={din}{:02}", 60 + (din.checksum() + 1) % 37);
        let r = get(&app, &trace(&flag), Some(&qa)).await;
        let err = by_id(&r.body, "err-id");
        assert!(
            err.contains("フラグ") && err.contains("ラベルの破損"),
            "{backend:?}: {err}"
        );
        assert!(!err.contains("チェックキャラクタ"), "{err}");

        // Full-width, as typed from the label: normalised and found (the lot's trace is drawn).
        let typed = format!("{} {}", din.eye_readable(), din.check_character());
        let r = get(&app, &trace(&full_width(&typed)), Some(&qa)).await;
        assert_eq!(r.status, 200, "{backend:?}: {}", by_id(&r.body, "err-id"));
        assert!(by_id(&r.body, "err-id").is_empty());
        assert!(
            r.body.contains("L-2026-004"),
            "{backend:?}: the lot is traced"
        );

        // A well-formed DIN never assigned here: unknown, and says the full-width was read.
        let unknown = Din::new(din.fin(), din.year(), 999_999).unwrap();
        let r = get(
            &app,
            &trace(&full_width(&unknown.barcode_data())),
            Some(&qa),
        )
        .await;
        let err = by_id(&r.body, "err-id");
        assert_eq!(r.status, 404, "{backend:?}");
        assert!(
            err.contains("割り当てられていません") && err.contains("全角の入力を半角に直して"),
            "{backend:?}: {err}"
        );
        let r = get(&app, &trace(&unknown.barcode_data()), Some(&qa)).await;
        let err = by_id(&r.body, "err-id");
        assert!(
            err.contains("割り当てられていません") && !err.contains("全角"),
            "{backend:?}: {err}"
        );

        // The dispensing scan box says the same, at its field.
        let (doc, csrf) = session(&svc, "physician").await;
        let doc = format!("{doc}; secretome_lang=ja");
        let r = post_form(
            &app,
            "/patients/PT-000001/dispense",
            Some(&doc),
            &[("csrf", &csrf), ("vial", &format!("{din}{wrong}"))],
        )
        .await;
        let err = by_id(&r.body, "err-vial");
        assert!(
            err.contains("チェックキャラクタ"),
            "{backend:?}: {} {err}",
            r.status
        );
    }
}
