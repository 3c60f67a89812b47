//! Shared helpers of the service tests: times, result inputs, and `refused` — a use case refused
//! with the expected kind and message, with the audit event count the same before and after.

#![allow(dead_code)]

use secretome_domain::UtcTime;
use secretome_service::{ErrorKind, NewResult, Service, ServiceError};

pub fn t(s: &str) -> UtcTime {
    UtcTime::parse("t", s).unwrap()
}

pub fn result(lot: &str, test: &str, value: Option<f64>, outcome: Option<&str>) -> NewResult {
    NewResult {
        lot: lot.into(),
        test: test.into(),
        value,
        outcome: outcome.map(str::to_string),
        ..Default::default()
    }
}

/// Runs a use case (given as its unawaited future): it must be refused with `kind`, its message must
/// contain `msg`, and the audit event count must be the same before the call and after it.
pub async fn refused<T: std::fmt::Debug>(
    svc: &Service,
    call: impl std::future::Future<Output = Result<T, ServiceError>>,
    kind: ErrorKind,
    msg: &str,
) -> ServiceError {
    let before = svc.store().event_count().await.unwrap();
    let e = call.await.expect_err("must be refused");
    assert_eq!(e.kind(), kind, "{e}");
    assert!(e.to_string().contains(msg), "{e:?} should mention {msg:?}");
    assert_eq!(
        svc.store().event_count().await.unwrap(),
        before,
        "nothing may be written"
    );
    e
}

/// Records a sterilising filtration of `lot` at `at` (0.22 µm, rated, with its filter lot) and a
/// passing post-use bubble point test, as filling and release need (issue 14).
pub async fn sterile_filter(svc: &Service, op: &secretome_domain::Actor, lot: &str, at: UtcTime) {
    use secretome_domain::facility::{IntegrityMethod, IntegrityStage};
    use secretome_service::facility::{NewFiltration, NewIntegrityTest};
    let f = svc
        .record_sterile_filtration(
            op,
            at,
            NewFiltration {
                lot: lot.into(),
                filter_maker: "Merck Millipore".into(),
                filter_model: "Millipak-20".into(),
                filter_lot: "R1HB12345".into(),
                pore_um: 0.22,
                sterilising_grade: true,
                room: None,
                performed_at: at,
            },
        )
        .await
        .unwrap();
    svc.record_integrity_test(
        op,
        at,
        NewIntegrityTest {
            filtration: f.id,
            stage: IntegrityStage::PostUse,
            method: IntegrityMethod::BubblePoint,
            maker_limit: 3.45,
            measured: 3.7,
            unit: "bar".into(),
            tested_at: at,
        },
    )
    .await
    .unwrap();
}

/// The patient's explanation and consent for `indication`, given at `at` (dispensing needs one).
pub async fn consent(
    svc: &Service,
    dr: &secretome_domain::Actor,
    patient: &str,
    indication: &str,
    at: UtcTime,
) {
    svc.record_consent(
        dr,
        at,
        patient,
        secretome_service::NewConsent {
            indication: indication.into(),
            document_version: format!("IC-{indication} v1"),
            explained_by: "Dr. Test".into(),
            explained_at: at,
            consented_at: at,
        },
    )
    .await
    .unwrap();
}
