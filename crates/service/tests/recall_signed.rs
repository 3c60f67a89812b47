//! Recall with care (issue 12 item 4), on both backends: the preview lists the lots, the vials by
//! state and the exposed patients and writes nothing; the recall is opened only with the password
//! re-entered and its signature manifestation bound into the `recall.open` event; the recalled
//! lot keeps its release decision; the exposed patient carries an open exposure until followed up.

use crate::common;

use common::{refused, t};
use secretome_domain::{
    UtcTime,
    lot::{Lot, LotStatus},
    vial::{Vial, VialStatus},
};
use secretome_service::{ErrorKind, NewPatient, Service, demo, esign};
use secretome_store::{Table, testing};
use std::sync::Arc;

fn now() -> UtcTime {
    t("2026-11-20T03:00:00Z")
}

#[tokio::test]
async fn a_recall_is_previewed_then_signed_and_the_release_decision_stays() {
    for (backend, store) in testing::stores("recall_signed").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let dr = svc.actor("physician").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        let lot = svc
            .store()
            .list::<Lot>(None)
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.status == LotStatus::Released)
            .unwrap();
        let vials: Vec<Vial> = svc
            .store()
            .list::<Vial>(Some(("lot", lot.id.as_str())))
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.status == VialStatus::Available)
            .collect();
        svc.register_patient(
            &dr,
            now(),
            NewPatient {
                id: "PT-900010".into(),
                site: "CPC-TOKYO".into(),
                birth_year: 1960,
                sex: "male".into(),
                indication: "chronic_pain".into(),
                physician: None,
            },
        )
        .await
        .unwrap();
        common::consent(&svc, &dr, "PT-900010", "chronic_pain", now()).await;
        svc.dispense_vial(&dr, now(), vials[0].id.as_str(), "PT-900010")
            .await
            .unwrap();

        // The preview: nothing written.
        let before = svc.store().event_count().await.unwrap();
        let p = svc
            .preview_recall(&qa, now(), lot.id.as_str(), "visible particles")
            .await
            .unwrap();
        assert_eq!(svc.store().event_count().await.unwrap(), before);
        assert!(p.lots.contains(&(lot.id.to_string(), LotStatus::Released)));
        assert!(
            p.vials_by_state
                .iter()
                .any(|(s, n)| *s == VialStatus::Dispensed && *n >= 1),
            "{backend:?} {:?}",
            p.vials_by_state
        );
        assert!(p.vials_to_block >= vials.len());
        assert_eq!(p.patients.len(), 1);
        assert_eq!(p.patients[0].exposure.patient.as_str(), "PT-900010");
        assert_ne!(
            p.patients[0].physician_name, "physician",
            "a name, not a login"
        );
        // Only QA previews.
        refused(
            &svc,
            svc.preview_recall(&dr, now(), lot.id.as_str(), "x"),
            ErrorKind::Forbidden,
            "qa",
        )
        .await;

        // A wrong password opens nothing (the failed attempt is counted towards lock-out); the
        // right one opens it, signed.
        let e = svc
            .open_recall_signed(&qa, now(), lot.id.as_str(), "visible particles", "wrong")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
        assert!(e.to_string().starts_with("password:"), "{e}");
        assert!(
            svc.list_recalls()
                .await
                .unwrap()
                .iter()
                .all(|r| r.target_id != lot.id.as_str())
        );
        let r = svc
            .open_recall_signed(&qa, now(), lot.id.as_str(), "visible particles", "demo")
            .await
            .unwrap();
        let ev = svc
            .store()
            .events_for(Table::Recall, &r.recall.id)
            .await
            .unwrap();
        let (meaning, name, reason) =
            esign::parse_manifestation(ev[0].reason.as_deref().unwrap()).unwrap();
        assert_eq!(meaning, esign::Meaning::Recalled);
        assert_ne!(name, "qa");
        assert_eq!(reason, "visible particles");
        assert_eq!(r.recall.reason, "visible particles");

        // The lot is recalled and keeps its release decision.
        let after = svc
            .store()
            .fetch::<Lot>(lot.id.as_str())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after.status, LotStatus::Recalled);
        assert_eq!(
            (&after.decided_by, &after.decision_reason),
            (&lot.decided_by, &lot.decision_reason)
        );

        // The patient has an open exposure until followed up.
        let open = svc.open_exposures(&["PT-900010".into()]).await.unwrap();
        assert_eq!(open.get("PT-900010"), Some(&vec![r.recall.id.clone()]));
        let x = &r.exposures[0].exposure;
        svc.follow_up_exposure(&dr, now(), x.id.as_str(), "called, no symptoms")
            .await
            .unwrap();
        assert!(
            svc.open_exposures(&["PT-900010".into()])
                .await
                .unwrap()
                .is_empty()
        );
    }
}
