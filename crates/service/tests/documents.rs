//! Documents of the demo facility as a clinic or an inspector gets them, read back with poppler on
//! both backends: the certificate of analysis of a released lot (Japanese and English, `TGF-β1`,
//! every test, the signer's printed name and JST signing time, the release event's digest, fonts
//! embedded, PDF/A, the creation date it was made at); refused for a lot in quarantine; a recalled
//! lot's certificate says so, and every certificate summarises the lot's sterility assurance. Labels: the PDF carries the Japanese product name; a label of a
//! recalled, quarantined or expired vial is refused.

use crate::common;

use common::*;
use secretome_document::testing::{pdffonts, pdfinfo, pdftotext_raw, qpdf_check, xmp};
use secretome_domain::vial::{Vial, VialStatus};
use secretome_service::{
    ErrorKind, Service, demo,
    documents::{document_time, tidy_numbers},
};
use secretome_store::{Table, testing::stores};
use std::sync::Arc;

#[tokio::test]
async fn the_certificate_of_a_released_lot_reads_back_exactly() {
    for (backend, store) in stores("documents_coa").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, t("2026-11-25T03:00:00Z")).await.unwrap();
        let now = t("2026-11-26T01:30:00Z");
        let pdf = svc
            .certificate_of_analysis("L-2026-004", now)
            .await
            .unwrap();
        let Some(text) = pdftotext_raw(&pdf) else {
            return;
        };
        let release = svc
            .store()
            .events_for(Table::Lot, "L-2026-004")
            .await
            .unwrap()
            .into_iter()
            .rfind(|e| e.action == "lot.release")
            .unwrap();
        let signed = document_time(t(&release.at));
        assert!(signed.ends_with("JST (UTC+09:00)"), "{signed}");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            "試験成績書",
            "Certificate of Analysis",
            "幹細胞培養上清液",
            "TGF-β1",
            "高橋 次郎",
            signed.as_str(),
            "出荷可 / released",
            "L-2026-004",
            "MSC-CM-01/v",
            release.hash.as_str(),
            "2026-11-26 10:30:00 JST (UTC+09:00)",
        ] {
            assert!(flat.contains(want), "{backend:?}: {want:?} not in:\n{text}");
        }
        assert!(
            !flat.contains("(qa)"),
            "{backend:?}: the signer by name, not login id"
        );
        assert!(
            !text.contains('?'),
            "{backend:?}: a character was lost:\n{text}"
        );
        // Every test, method and criterion is there whole (a cell may wrap: compare without
        // the line breaks); round counts are written as powers of ten (`≥ 1 × 10⁹`).
        assert!(flat.contains("≥ 1 × 10⁹ particles/mL"), "{text}");
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        let all = squash(&text);
        let qc = svc.lot_qc("L-2026-004").await.unwrap();
        for r in &qc.rows {
            for want in [
                &r.test.name_ja,
                &r.test.name,
                &r.test.method,
                &tidy_numbers(&r.criterion_ja),
            ] {
                assert!(all.contains(&squash(want)), "{backend:?}: {want}");
            }
        }
        // The sterility summary (issue 14): the demo lot's filtration passed its integrity tests
        // and its equipment and operators were in order.
        for want in [
            "無菌性保証 / Sterility assurance",
            "完全性試験適合 / integrity tests passed",
            "機器: 校正有効 / equipment: in calibration",
            "作業者: 資格有効 / operators: qualified",
        ] {
            assert!(
                all.contains(&squash(want)),
                "{backend:?}: {want} not in:\n{text}"
            );
        }
        for (name, _, emb, ..) in pdffonts(&pdf).unwrap() {
            assert!(emb, "{backend:?}: {name} not embedded");
        }
        let info = pdfinfo(&pdf).unwrap();
        let created = &info.iter().find(|(k, _)| k == "CreationDate").unwrap().1;
        assert!(created.contains("Nov 26 01:30:00 2026"), "{created}");
        assert!(xmp(&pdf).unwrap().contains("pdfaid"), "XMP declares PDF/A");
        assert!(
            qpdf_check(&pdf)
                .unwrap()
                .contains("No syntax or stream encoding errors")
        );

        // A lot awaiting its decision has no certificate; a recalled one says it is recalled.
        let e = svc
            .certificate_of_analysis("L-2026-005", now)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
        let recalled = svc
            .certificate_of_analysis("L-2026-002", now)
            .await
            .unwrap();
        let text = pdftotext_raw(&recalled).unwrap();
        assert!(text.contains("This lot has been RECALLED"), "{text}");
    }
}

#[tokio::test]
async fn label_pdfs_carry_the_japanese_name_and_unusable_vials_get_none() {
    for (backend, store) in stores("documents_labels").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, t("2026-11-25T03:00:00Z")).await.unwrap();
        let now = t("2026-11-26T01:30:00Z");
        let pdf = svc.vial_label_pdf("L-2026-004-0007", now).await.unwrap();
        if let Some(text) = pdftotext_raw(&pdf) {
            assert!(text.contains("幹細胞培養上清液"), "{backend:?}: {text}");
        }
        let vials: Vec<Vial> = svc.store().list(None).await.unwrap();
        let first = |s: VialStatus| vials.iter().find(|v| v.status == s).unwrap().id.to_string();
        for (vial, why) in [
            (first(VialStatus::Recalled), "recalled (回収)"),
            (
                first(VialStatus::Quarantine),
                "in quarantine (not released) (出荷判定待ち)",
            ),
        ] {
            for e in [
                svc.vial_label_pdf(&vial, now)
                    .await
                    .map(|_| ())
                    .unwrap_err(),
                svc.vial_label_svg(&vial, now)
                    .await
                    .map(|_| ())
                    .unwrap_err(),
            ] {
                assert_eq!(e.kind(), ErrorKind::Conflict, "{backend:?}: {e}");
                assert!(e.to_string().contains(why), "{e}");
            }
        }
        // Past its expiry time, a vial still marked available gets no label either.
        let late = t("2028-01-01T00:00:00Z");
        let e = svc
            .vial_label_pdf("L-2026-004-0007", late)
            .await
            .map(|_| ())
            .unwrap_err();
        assert!(e.to_string().contains("expired (期限切れ)"), "{e}");
    }
}
