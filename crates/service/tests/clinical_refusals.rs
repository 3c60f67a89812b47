//! Clinical refusals on both backends, on the demo's vials: dispensing a quarantined, recalled,
//! already dispensed or expired vial (by id or scanned DIN), a dose larger than the vial, an
//! adverse event of grade 6, an outcome on a scale not followed — each says why and writes nothing.

use crate::clinical_inputs;
use crate::common;
use clinical_inputs::*;
use common::*;

use secretome_domain::{Actor, vial::VialStatus};
use secretome_service::{ErrorKind, Service, demo};
use secretome_store::testing::stores;
use std::sync::Arc;

#[tokio::test]
async fn refusals_say_why_and_write_nothing() {
    for (backend, store) in stores("clinical_refusals").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let doc = svc.actor("physician").await.unwrap();
        let op: Actor = svc.actor("operator").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-R-001", "stroke"))
            .await
            .unwrap();
        svc.register_patient(&doc, now, patient("PT-R-002", "osteoarthritis"))
            .await
            .unwrap();
        common::consent(&svc, &doc, "PT-R-001", "stroke", now).await;
        common::consent(&svc, &doc, "PT-R-002", "osteoarthritis", now).await;
        let later = h(now, 1.0);

        let q = vial(&svc, "L-2026-005", VialStatus::Quarantine, 0).await;
        refused(
            &svc,
            svc.dispense_vial(&doc, later, q.id.as_str(), "PT-R-001"),
            ErrorKind::Conflict,
            "is quarantine: cannot be dispensed",
        )
        .await;
        let r = vial(&svc, "L-2026-002", VialStatus::Recalled, 0).await;
        refused(
            &svc,
            svc.dispense_vial(&doc, later, r.id.as_str(), "PT-R-001"),
            ErrorKind::Conflict,
            "is recalled: cannot be dispensed",
        )
        .await;
        let r2 = vial(&svc, "L-2026-002", VialStatus::Recalled, 1).await;
        refused(
            &svc,
            svc.dispense_vial(&doc, later, &barcode(&r2), "PT-R-001"),
            ErrorKind::Conflict,
            "is recalled",
        )
        .await;
        refused(
            &svc,
            svc.dispense_vial(&doc, later, "=G12342699999900", "PT-R-001"),
            ErrorKind::NotFound,
            "DIN G123426999999 is not known here",
        )
        .await;

        let ok = vial(&svc, "L-2026-001", VialStatus::Available, 0).await;
        refused(
            &svc,
            svc.dispense_vial(&op, later, ok.id.as_str(), "PT-R-001"),
            ErrorKind::Forbidden,
            "physician",
        )
        .await;
        let expired_at = h(ok.expires_at, 1.0);
        refused(
            &svc,
            svc.dispense_vial(&doc, expired_at, ok.id.as_str(), "PT-R-001"),
            ErrorKind::Conflict,
            "expired",
        )
        .await;
        refused(
            &svc,
            svc.record_administration(&doc, later, dose(ok.id.as_str(), 1.0, later)),
            ErrorKind::Conflict,
            "has not been dispensed",
        )
        .await;
        svc.dispense_vial(&doc, later, ok.id.as_str(), "PT-R-001")
            .await
            .unwrap();
        refused(
            &svc,
            svc.dispense_vial(&doc, later, ok.id.as_str(), "PT-R-002"),
            ErrorKind::Conflict,
            "is dispensed: cannot be dispensed",
        )
        .await;

        let too_much = dose(ok.id.as_str(), ok.fill_volume_ml + 0.5, later);
        refused(
            &svc,
            svc.record_administration(&doc, later, too_much),
            ErrorKind::Invalid,
            "more than the vial holds",
        )
        .await;
        refused(
            &svc,
            svc.record_administration_for(
                &doc,
                later,
                "PT-R-002",
                dose(ok.id.as_str(), 1.0, later),
            ),
            ErrorKind::Conflict,
            "was dispensed for patient PT-R-001",
        )
        .await;
        let mut bad_route = dose(ok.id.as_str(), 1.0, later);
        bad_route.route = "oral".into();
        refused(
            &svc,
            svc.record_administration(&doc, later, bad_route),
            ErrorKind::Invalid,
            "route",
        )
        .await;

        refused(
            &svc,
            svc.report_adverse_event(&doc, later, ae("PT-R-001", None, 6, "recovered", later)),
            ErrorKind::Invalid,
            "grade 6 is not an option for \"Injection site reaction\" in CTCAE v5.0",
        )
        .await;
        refused(
            &svc,
            svc.report_adverse_event(&doc, later, ae("PT-R-001", None, 5, "recovered", later)),
            ErrorKind::Invalid,
            "fatal",
        )
        .await;
        refused(
            &svc,
            svc.report_adverse_event(
                &doc,
                later,
                ae("PT-R-001", Some("L-2026-001-9999"), 1, "recovered", later),
            ),
            ErrorKind::Invalid,
            "administration",
        )
        .await;
        refused(
            &svc,
            svc.report_adverse_event(&op, later, ae("PT-R-001", None, 1, "recovered", later)),
            ErrorKind::Forbidden,
            "physician",
        )
        .await;

        refused(
            &svc,
            svc.record_outcome(&doc, later, outcome("PT-R-001", "womac", "40", later)),
            ErrorKind::Invalid,
            "womac is not followed for stroke",
        )
        .await;
        refused(
            &svc,
            svc.record_outcome(&doc, later, outcome("PT-R-001", "mrs", "7", later)),
            ErrorKind::Invalid,
            "mrs must be within 0–6",
        )
        .await;
        refused(
            &svc,
            svc.record_outcome(&doc, later, outcome("PT-R-001", "mrs", "2", h(later, 1.0))),
            ErrorKind::Invalid,
            "future",
        )
        .await;
        refused(
            &svc,
            svc.record_outcome(&doc, later, outcome("PT-NOPE", "mrs", "2", later)),
            ErrorKind::NotFound,
            "PT-NOPE",
        )
        .await;
        // the numbering is per patient and unaffected by refusals
        let m = svc
            .record_outcome(&doc, later, outcome("PT-R-002", "womac", "40", later))
            .await
            .unwrap();
        assert_eq!(m.id, "PT-R-002-OC-0001", "{backend:?}");
        let e = svc
            .report_adverse_event(&doc, later, ae("PT-R-001", None, 2, "recovering", later))
            .await
            .unwrap();
        assert_eq!(e.id, "PT-R-001-AE-001");
    }
}
