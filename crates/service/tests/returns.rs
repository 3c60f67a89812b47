//! A vial returned unopened and within temperature goes to QA (issue 16 item 3), on both backends:
//! it cannot be dispensed before QA's decision; QA (only QA) sees it in the list of returned
//! vials and puts it back in stock with a reason — available again, put away and dispensed again
//! under its next dispensing id, then given — or destroys it with a reason; each decision is
//! audited with its reason and made once.

use crate::clinical_inputs;
use crate::common;
use clinical_inputs::*;
use common::*;

use secretome_domain::{
    clinical::care::ReturnDecision,
    vial::{Vial, VialStatus},
};
use secretome_service::{ErrorKind, Service, demo};
use secretome_store::{Table, testing::stores};
use std::sync::Arc;

async fn status(svc: &Service, id: &str) -> VialStatus {
    svc.store().fetch::<Vial>(id).await.unwrap().unwrap().status
}

#[tokio::test]
async fn qa_returns_a_returned_vial_to_stock_or_destroys_it() {
    for (backend, store) in stores("returns").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let doc = svc.actor("physician").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        let op = svc.actor("operator").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-R-001", "stroke"))
            .await
            .unwrap();
        consent(&svc, &doc, "PT-R-001", "stroke", now).await;
        let v0 = vial(&svc, "L-2026-004", VialStatus::Available, 0).await;
        let v1 = vial(&svc, "L-2026-004", VialStatus::Available, 1).await;
        let (a, b) = (v0.id.as_str(), v1.id.as_str());
        for v in [a, b] {
            svc.dispense_vial(&doc, h(now, 1.0), v, "PT-R-001")
                .await
                .unwrap();
            svc.return_dispensed(&doc, h(now, 2.0), v, h(now, 2.0), true, true)
                .await
                .unwrap();
            assert_eq!(status(&svc, v).await, VialStatus::Quarantine);
        }

        // Before QA's decision the returned vial cannot be dispensed.
        refused(
            &svc,
            svc.dispense_vial(&doc, h(now, 3.0), a, "PT-R-001"),
            ErrorKind::Conflict,
            "quarantine: cannot be dispensed",
        )
        .await;
        // QA's list holds both; nobody else reads it or decides.
        let listed: Vec<String> = svc
            .returned_vials(&qa)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.vial.id.to_string())
            .collect();
        assert_eq!(listed, vec![a.to_string(), b.to_string()], "{backend:?}");
        refused(&svc, svc.returned_vials(&doc), ErrorKind::Forbidden, "").await;
        refused(
            &svc,
            svc.decide_returned_vial(&doc, h(now, 3.0), a, ReturnDecision::Stock, "ok"),
            ErrorKind::Forbidden,
            "",
        )
        .await;
        refused(
            &svc,
            svc.decide_returned_vial(&qa, h(now, 3.0), a, ReturnDecision::Stock, " "),
            ErrorKind::Invalid,
            "reason",
        )
        .await;

        // Back to stock: available, put away, dispensed again (its second dispensing) and given.
        let d = svc
            .decide_returned_vial(
                &qa,
                h(now, 3.0),
                a,
                ReturnDecision::Stock,
                "seal intact, logger within −70 °C",
            )
            .await
            .unwrap();
        assert_eq!(d.qa_decision, Some(ReturnDecision::Stock));
        assert_eq!(status(&svc, a).await, VialStatus::Available);
        let ev = svc
            .store()
            .events_for(Table::Dispensing, &d.id)
            .await
            .unwrap();
        let last = ev.last().unwrap();
        assert_eq!(last.action, "vial.return_to_stock");
        assert_eq!(last.actor, "qa");
        assert_eq!(
            last.reason.as_deref(),
            Some("seal intact, logger within −70 °C")
        );
        refused(
            &svc,
            svc.decide_returned_vial(&qa, h(now, 3.5), a, ReturnDecision::Destroy, "again"),
            ErrorKind::Conflict,
            "already decided",
        )
        .await;
        let home = v0.location.clone().expect("a demo vial sits in a freezer");
        svc.move_vial(&op, h(now, 3.5), a, &home, Some("returned to stock"))
            .await
            .unwrap();
        let again = svc
            .dispense_vial(&doc, h(now, 4.0), a, "PT-R-001")
            .await
            .unwrap();
        assert_eq!(again.id, format!("DSP-{a}-2"), "{backend:?}");
        svc.record_administration(&doc, h(now, 4.5), dose(a, 1.0, h(now, 4.5)))
            .await
            .unwrap();
        assert_eq!(status(&svc, a).await, VialStatus::Administered);

        // Destroyed: terminal, never dispensed again; the list is empty now.
        svc.decide_returned_vial(&qa, h(now, 3.0), b, ReturnDecision::Destroy, "label torn")
            .await
            .unwrap();
        assert_eq!(status(&svc, b).await, VialStatus::Destroyed);
        refused(
            &svc,
            svc.dispense_vial(&doc, h(now, 5.0), b, "PT-R-001"),
            ErrorKind::Conflict,
            "destroyed: cannot be dispensed",
        )
        .await;
        assert!(svc.returned_vials(&qa).await.unwrap().is_empty());
    }
}
