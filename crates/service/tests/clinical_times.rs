//! Plausibility of the clinical records' times through the use cases, on both backends (issue 12
//! item 1): a dose given in the future or before its vial was dispensed, an outcome visit in the
//! future, an adverse event with its onset in the future or before the dose — each refused at its
//! field, nothing written; and every bad field of one adverse event at once (item 7).

mod clinical_inputs;
mod common;
use clinical_inputs::*;
use common::*;

use secretome_domain::{DomainError, vial::VialStatus};
use secretome_service::{Service, ServiceError, demo};
use secretome_store::testing::stores;
use std::sync::Arc;

/// The fields an `Invalid` refusal names (`a, b` when several at once).
fn fields_of<T: std::fmt::Debug>(r: Result<T, ServiceError>) -> String {
    match r {
        Err(ServiceError::Domain(DomainError::Invalid { field, .. })) => field,
        other => panic!("expected a field refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn clinical_times_follow_the_record_and_never_lie_ahead() {
    for (backend, store) in stores("clinical_times").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let doc = svc.actor("physician").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-TM-001", "stroke"))
            .await
            .unwrap();
        common::consent(&svc, &doc, "PT-TM-001", "stroke", now).await;
        let v = vial(&svc, "L-2026-004", VialStatus::Available, 0).await;
        svc.dispense_vial(&doc, h(now, 1.0), v.id.as_str(), "PT-TM-001")
            .await
            .unwrap();
        let entry = h(now, 3.0);
        let events = svc.store().event_count().await.unwrap();

        // A dose in the future (days after entry), and one before the vial was dispensed.
        let future = h(entry, 24.0 * 50.0);
        let r = svc
            .record_administration(&doc, entry, dose(v.id.as_str(), 1.0, future))
            .await;
        assert_eq!(fields_of(r), "administered_at", "{backend:?}");
        let r = svc
            .record_administration(&doc, entry, dose(v.id.as_str(), 1.0, h(now, 0.5)))
            .await;
        assert_eq!(fields_of(r), "administered_at", "{backend:?}");
        // An outcome visit in the future.
        let r = svc
            .record_outcome(&doc, entry, outcome("PT-TM-001", "mrs", "3", future))
            .await;
        assert_eq!(fields_of(r), "visit_at", "{backend:?}");
        // An adverse event with its onset in the future.
        let r = svc
            .report_adverse_event(&doc, entry, ae("PT-TM-001", None, 1, "recovered", future))
            .await;
        assert_eq!(fields_of(r), "onset_at", "{backend:?}");
        // Every bad field of one adverse event at once: not a CTCAE term, onset in the future.
        let mut odd = ae("PT-TM-001", None, 1, "recovered", future);
        odd.term = "Feeling odd".into();
        let r = svc.report_adverse_event(&doc, entry, odd).await;
        assert_eq!(fields_of(r), "term, onset_at", "{backend:?}");
        assert_eq!(
            svc.store().event_count().await.unwrap(),
            events,
            "{backend:?}: nothing written"
        );

        // The dose at its time; an adverse event cannot start before it.
        svc.record_administration(&doc, entry, dose(v.id.as_str(), 1.0, h(now, 2.0)))
            .await
            .unwrap();
        let r = svc
            .report_adverse_event(
                &doc,
                entry,
                ae(
                    "PT-TM-001",
                    Some(v.id.as_str()),
                    1,
                    "recovered",
                    h(now, 1.5),
                ),
            )
            .await;
        assert_eq!(fields_of(r), "onset_at", "{backend:?}");
        svc.report_adverse_event(
            &doc,
            entry,
            ae(
                "PT-TM-001",
                Some(v.id.as_str()),
                1,
                "recovered",
                h(now, 2.5),
            ),
        )
        .await
        .unwrap();
    }
}
