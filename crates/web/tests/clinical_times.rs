//! Plausibility of the clinical records' times through the use cases, on both backends (issue 12
//! item 1): a dose given in the future or before its vial was dispensed, an outcome visit in the
//! future, an adverse event with its onset in the future or before the dose — each refused at its
//! field, nothing written; and every bad field of one adverse event at once (item 7).

use crate::common;
use common::*;

use secretome_domain::{
    DomainError, UtcTime,
    vial::{Vial, VialStatus},
};
use secretome_service::{NewAdministration, NewAdverseEvent, NewOutcome, ServiceError};
use secretome_store::testing::stores;

fn h(t: UtcTime, hours: f64) -> UtcTime {
    t.plus_hours(hours).unwrap()
}

fn dose(vial: &str, ml: f64, at: UtcTime) -> NewAdministration {
    NewAdministration {
        vial: vial.into(),
        route: "iv_drip".into(),
        dose_ml: ml,
        administered_at: at,
        dose_reason: None,
    }
}

fn outcome(p: &str, scale: &str, value: &str, at: UtcTime) -> NewOutcome {
    NewOutcome {
        patient: p.into(),
        scale: scale.into(),
        value: value.into(),
        visit_at: at,
    }
}

fn ae(p: &str, adm: Option<&str>, grade: i64, outcome: &str, at: UtcTime) -> NewAdverseEvent {
    NewAdverseEvent {
        patient: p.into(),
        administration: adm.map(str::to_string),
        term: "Injection site reaction".into(),
        grade,
        serious: false,
        criteria: vec![],
        causality: "possibly".into(),
        onset_at: at,
        aware_at: None,
        outcome: outcome.into(),
    }
}

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
        // The demo was made an hour ago; the patient half an hour ago, dispensed after.
        let (_app, svc) = demo_app(store).await;
        let now = h(common::now(), -0.5);
        let doc = svc.actor("physician").await.unwrap();
        svc.register_patient(
            &doc,
            now,
            secretome_service::NewPatient {
                id: "PT-TM-001".into(),
                site: "CPC-TOKYO".into(),
                birth_year: 1961,
                sex: "female".into(),
                indication: "stroke".into(),
                physician: None,
            },
        )
        .await
        .unwrap();
        svc.record_consent(
            &doc,
            now,
            "PT-TM-001",
            secretome_service::NewConsent {
                indication: "stroke".into(),
                document_version: "IC-stroke v1".into(),
                explained_by: "Dr. Test".into(),
                explained_at: now,
                consented_at: now,
            },
        )
        .await
        .unwrap();
        let v = svc
            .store()
            .list::<Vial>(Some(("lot", "L-2026-004")))
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.status == VialStatus::Available)
            .expect("the demo has an available vial of L-2026-004");
        svc.dispense_vial(&doc, h(now, 0.1), v.id.as_str(), "PT-TM-001")
            .await
            .unwrap();
        let entry = common::now();
        let events = svc.store().event_count().await.unwrap();

        // A dose in the future (days after entry), and one before the vial was dispensed.
        let future = h(entry, 24.0 * 50.0);
        let r = svc
            .record_administration(&doc, entry, dose(v.id.as_str(), 1.0, future))
            .await;
        assert_eq!(fields_of(r), "administered_at", "{backend:?}");
        let r = svc
            .record_administration(&doc, entry, dose(v.id.as_str(), 1.0, h(now, 0.05)))
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
        svc.record_administration(&doc, entry, dose(v.id.as_str(), 1.0, h(now, 0.2)))
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
                    h(now, 0.15),
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
                h(now, 0.25),
            ),
        )
        .await
        .unwrap();
    }
}
