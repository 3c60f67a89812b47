//! Issue 16 items 2–4 on both backends, on the demo's vials: dispensing is refused without a
//! consent in force for the indication (typed, naming it), a patient consented to two indications
//! is treated for both, a withdrawal stops dispensing; a thawed vial past its use-by is not given
//! but discarded with the reason, a dose above the route's maximum needs a reason, only an unopened
//! vial kept within temperature is returned; an adverse event's term must be a CTCAE term with a
//! grade it allows, its report deadline is counted in JST (across a month end), the overdue and
//! due-soon reports show on the dashboard until submitted, and QA sees serious related events per
//! lot.

use crate::clinical_inputs;
use crate::common;
use clinical_inputs::*;
use common::*;

use secretome_domain::{
    DomainError,
    clinical::{Indication, ReportStatus, VialEnd},
    vial::{Vial, VialStatus},
};
use secretome_service::{ErrorKind, NewAdverseEvent, Service, ServiceError, demo};
use secretome_store::testing::stores;
use std::sync::Arc;

fn ae_of(term: &str, grade: i64, criteria: &[&str], aware: &str) -> NewAdverseEvent {
    NewAdverseEvent {
        patient: "PT-C-001".into(),
        administration: None,
        term: term.into(),
        grade,
        serious: false,
        criteria: criteria.iter().map(|c| c.to_string()).collect(),
        causality: "possibly".into(),
        onset_at: t(aware),
        aware_at: Some(t(aware)),
        outcome: "recovering".into(),
    }
}

async fn status(svc: &Service, id: &str) -> VialStatus {
    svc.store().fetch::<Vial>(id).await.unwrap().unwrap().status
}

#[tokio::test]
async fn consent_gates_dispensing_and_each_vial_ends_once_at_the_point_of_care() {
    for (backend, store) in stores("clinic_consent").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let doc = svc.actor("physician").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-C-001", "stroke"))
            .await
            .unwrap();
        let mut v: Vec<Vial> = Vec::new();
        for i in 0..5 {
            v.push(vial(&svc, "L-2026-004", VialStatus::Available, i).await);
        }
        let later = h(now, 1.0);

        let e = refused(
            &svc,
            svc.dispense_vial(&doc, later, v[0].id.as_str(), "PT-C-001"),
            ErrorKind::Conflict,
            "has no valid consent for stroke",
        )
        .await;
        assert!(
            matches!(
                e,
                ServiceError::Domain(DomainError::NoConsent {
                    indication: "stroke",
                    ..
                })
            ),
            "{backend:?}: {e:?}"
        );
        consent(&svc, &doc, "PT-C-001", "stroke", now).await;
        svc.dispense_vial(&doc, later, v[0].id.as_str(), "PT-C-001")
            .await
            .unwrap();
        // A second indication needs its own consent; then the patient is treated for both.
        refused(
            &svc,
            svc.dispense_vial_for(&doc, later, v[1].id.as_str(), "PT-C-001", Some("hair_loss")),
            ErrorKind::Conflict,
            "no valid consent for hair_loss",
        )
        .await;
        consent(&svc, &doc, "PT-C-001", "hair_loss", now).await;
        let d = svc
            .dispense_vial_for(&doc, later, v[1].id.as_str(), "PT-C-001", Some("hair_loss"))
            .await
            .unwrap();
        assert_eq!(d.indication, Some(Indication::HairLoss));
        let mut scalp = dose(v[1].id.as_str(), 1.0, h(later, 0.5));
        scalp.route = "scalp_injection".into();
        let a = svc
            .record_administration(&doc, h(later, 0.5), scalp)
            .await
            .unwrap();
        assert_eq!(a.indication, Indication::HairLoss, "{backend:?}");

        // Thawed, not given within the use-by: refused, then discarded with the reason.
        let d0 = svc
            .record_thaw(&doc, h(later, 0.1), v[0].id.as_str(), h(later, 0.1))
            .await
            .unwrap();
        assert_eq!(d0.use_by, Some(h(later, 4.1)));
        refused(
            &svc,
            svc.record_administration(
                &doc,
                h(later, 5.0),
                dose(v[0].id.as_str(), 1.0, h(later, 5.0)),
            ),
            ErrorKind::Invalid,
            "had to be given by",
        )
        .await;
        refused(
            &svc,
            svc.return_dispensed(
                &doc,
                h(later, 5.0),
                v[0].id.as_str(),
                h(later, 5.0),
                true,
                true,
            ),
            ErrorKind::Invalid,
            "was thawed",
        )
        .await;
        let x = svc
            .discard_dispensed(
                &doc,
                h(later, 5.0),
                v[0].id.as_str(),
                h(later, 5.0),
                "thawed, not given within 4 h",
            )
            .await
            .unwrap();
        assert_eq!(x.ended, Some(VialEnd::Discarded));
        assert_eq!(status(&svc, v[0].id.as_str()).await, VialStatus::Destroyed);

        // An intranasal dose of a whole vial needs a reason.
        svc.dispense_vial(&doc, later, v[2].id.as_str(), "PT-C-001")
            .await
            .unwrap();
        let mut nasal = dose(v[2].id.as_str(), 2.0, h(later, 1.0));
        nasal.route = "intranasal".into();
        let e = refused(
            &svc,
            svc.record_administration(&doc, h(later, 1.0), nasal.clone()),
            ErrorKind::Invalid,
            "above the maximum of 0.5 mL",
        )
        .await;
        assert!(
            matches!(e, ServiceError::Domain(DomainError::Invalid { ref field, .. }) if field == "dose_ml")
        );
        nasal.dose_reason = Some("study protocol: whole vial over the day".into());
        let a = svc
            .record_administration(&doc, h(later, 1.0), nasal)
            .await
            .unwrap();
        assert!(a.dose_reason.is_some());

        // Returned only unopened and within temperature; it goes back to quarantine.
        svc.dispense_vial(&doc, later, v[3].id.as_str(), "PT-C-001")
            .await
            .unwrap();
        refused(
            &svc,
            svc.return_dispensed(
                &doc,
                h(later, 1.0),
                v[3].id.as_str(),
                h(later, 1.0),
                false,
                true,
            ),
            ErrorKind::Invalid,
            "only an unopened vial",
        )
        .await;
        refused(
            &svc,
            svc.return_dispensed(
                &doc,
                h(later, 1.0),
                v[3].id.as_str(),
                h(later, 1.0),
                true,
                false,
            ),
            ErrorKind::Invalid,
            "within its storage temperature",
        )
        .await;
        let r = svc
            .return_dispensed(
                &doc,
                h(later, 1.0),
                v[3].id.as_str(),
                h(later, 1.0),
                true,
                true,
            )
            .await
            .unwrap();
        assert_eq!(r.ended, Some(VialEnd::Returned));
        assert_eq!(status(&svc, v[3].id.as_str()).await, VialStatus::Quarantine);

        // Withdrawal: no more dispensing for stroke.
        svc.withdraw_consent(
            &doc,
            h(later, 2.0),
            "PT-C-001-CN-01",
            h(later, 2.0),
            "patient's wish",
        )
        .await
        .unwrap();
        refused(
            &svc,
            svc.dispense_vial(&doc, h(later, 3.0), v[4].id.as_str(), "PT-C-001"),
            ErrorKind::Conflict,
            "no valid consent for stroke",
        )
        .await;
    }
}

#[tokio::test]
async fn adverse_events_take_ctcae_terms_and_their_reports_come_due_in_jst() {
    for (backend, store) in stores("clinic_reports").await {
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        let doc = svc.actor("physician").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-C-001", "stroke"))
            .await
            .unwrap();
        let later = h(now, 1.0);

        // Term from the list, grade allowed for it.
        refused(
            &svc,
            svc.report_adverse_event(
                &doc,
                later,
                ae_of("Headache", 4, &[], "2026-11-25T01:00:00Z"),
            ),
            ErrorKind::Invalid,
            "grade 4 is not an option for \"Headache\"",
        )
        .await;
        refused(
            &svc,
            svc.report_adverse_event(
                &doc,
                later,
                ae_of("Scalp erythema", 1, &[], "2026-11-25T01:00:00Z"),
            ),
            ErrorKind::Invalid,
            "is not a CTCAE v5.0 term",
        )
        .await;

        // Aware at 01:00 JST on 1 November (still 31 October in UTC): 15 days → end of 16 November JST.
        let late = svc
            .report_adverse_event(
                &doc,
                later,
                ae_of(
                    "Wound infection",
                    3,
                    &["hospitalisation"],
                    "2026-10-31T16:00:00Z",
                ),
            )
            .await
            .unwrap();
        // Aware on 20 November JST, life-threatening: 7 days → end of 27 November JST.
        let soon = svc
            .report_adverse_event(
                &doc,
                later,
                ae_of("Anaphylaxis", 4, &[], "2026-11-19T16:00:00Z"),
            )
            .await
            .unwrap();
        let mild = svc
            .report_adverse_event(&doc, later, ae_of("Fever", 1, &[], "2026-11-24T16:00:00Z"))
            .await
            .unwrap();
        assert!(soon.serious && !mild.serious);
        let reports = svc.ae_reports_for(&doc, "PT-C-001").await.unwrap();
        let of = |ae: &str| {
            reports
                .iter()
                .find(|r| r.adverse_event == ae)
                .unwrap()
                .clone()
        };
        let (r_late, r_soon, r_mild) = (of(&late.id), of(&soon.id), of(&mild.id));
        assert_eq!(
            (r_late.days, r_late.due_date.as_deref(), r_late.due_at),
            (
                Some(15),
                Some("2026-11-16"),
                Some(t("2026-11-16T15:00:00Z"))
            ),
            "{backend:?}"
        );
        assert_eq!(
            (r_soon.days, r_soon.due_date.as_deref()),
            (Some(7), Some("2026-11-27"))
        );
        assert_eq!(r_mild.status, ReportStatus::Periodic);

        for who in [&doc, &qa] {
            let d = svc.ae_report_dashboard(who, later).await.unwrap();
            let ids = |rows: &[secretome_service::ae_reports::ReportRow]| {
                rows.iter().map(|r| r.report.id.clone()).collect::<Vec<_>>()
            };
            assert!(ids(&d.overdue).contains(&r_late.id), "{backend:?}");
            assert!(ids(&d.due_soon).contains(&r_soon.id));
            assert!(
                !ids(&d.overdue).contains(&r_mild.id) && !ids(&d.due_soon).contains(&r_mild.id)
            );
        }

        // Submitted to the committee only: still open; to the authority too: off the dashboard.
        let part = svc
            .submit_ae_report(&doc, later, &r_late.id, Some(h(now, -24.0)), None, None)
            .await
            .unwrap();
        assert_eq!(part.status, ReportStatus::Partial);
        let done = svc
            .submit_ae_report(
                &doc,
                later,
                &r_late.id,
                None,
                Some(h(now, -1.0)),
                Some("PMDA-2026-0042"),
            )
            .await
            .unwrap();
        assert_eq!(done.status, ReportStatus::Submitted);
        let d = svc.ae_report_dashboard(&doc, later).await.unwrap();
        assert!(d.overdue.iter().all(|r| r.report.id != r_late.id));
        refused(
            &svc,
            svc.submit_ae_report(&doc, later, &r_mild.id, Some(later), None, None),
            ErrorKind::Conflict,
            "periodic report",
        )
        .await;

        // A serious, possibly related event after a dose: QA sees it under the vial's lot.
        consent(&svc, &doc, "PT-C-001", "stroke", now).await;
        let v = vial(&svc, "L-2026-004", VialStatus::Available, 0).await;
        svc.dispense_vial(&doc, later, v.id.as_str(), "PT-C-001")
            .await
            .unwrap();
        let a = svc
            .record_administration(&doc, h(later, 0.5), dose(v.id.as_str(), 1.0, h(later, 0.5)))
            .await
            .unwrap();
        let mut after = ae_of(
            "Injection site reaction",
            3,
            &["hospitalisation"],
            "2026-11-25T04:40:00Z",
        );
        after.administration = Some(a.id.clone());
        svc.report_adverse_event(&doc, h(later, 1.0), after)
            .await
            .unwrap();
        let lots = svc.serious_related_by_lot(&qa).await.unwrap();
        let l4 = lots
            .iter()
            .find(|l| l.lot == "L-2026-004")
            .expect("lot listed");
        assert!(
            l4.reports
                .iter()
                .any(|r| r.report.patient.as_str() == "PT-C-001" && r.report.related),
            "{backend:?}"
        );
        assert!(
            lots.iter()
                .flat_map(|l| &l.reports)
                .all(|r| r.report.serious && r.report.related),
            "only serious related events"
        );
        refused(
            &svc,
            svc.serious_related_by_lot(&doc),
            ErrorKind::Forbidden,
            "qa",
        )
        .await;
    }
}
