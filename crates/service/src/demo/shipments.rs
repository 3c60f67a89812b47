//! The demo's shipments (issue 16): a clinic, 渋谷クリニック (`CL-SHIBUYA`), with its physician
//! (`clinic`, password `demo`) and a patient; two shipments of L-2026-004 from the Tokyo CPC on dry
//! ice, both received there: SHP-DEMO-001 with a clean logger series (its vials may be dispensed
//! at the clinic), and SHP-DEMO-002 whose logger shows an excursion above −70 °C — quarantined,
//! QA's decision pending. The vials shipped are the lot's last ones, so the first available vials
//! stay in the Tokyo freezer.

use super::at;
use crate::{NewPatient, NewShipment, Service, ServiceError};
use secretome_domain::{Actor, Role, UtcTime};

/// The clinic's sign-ins (password `demo`).
pub const DEMO_CLINIC_USERS: [(&str, &str, Role); 1] = [("clinic", "渋谷 花子", Role::Physician)];

pub const CLINIC_SITE: &str = "CL-SHIBUYA";

/// A logger series every 30 minutes from `from` for `hours`, at −78.5 °C, with `warm` (start hour,
/// end hour, °C) where the box warmed.
fn series(
    from: UtcTime,
    hours: f64,
    warm: Option<(f64, f64, f64)>,
) -> Result<String, ServiceError> {
    let mut csv = String::from("time,temperature_c\n");
    let mut h = 0.0;
    while h <= hours {
        let c = match warm {
            Some((a, b, c)) if h >= a && h <= b => c,
            _ => -78.5 + 0.3 * ((h * 1.7).sin()),
        };
        csv.push_str(&format!("{},{c:.1}\n", at(from, h / 24.0)?));
        h += 0.5;
    }
    Ok(csv)
}

pub(super) async fn build(
    svc: &Service,
    admin: &Actor,
    op: &Actor,
    now: UtcTime,
) -> Result<(), ServiceError> {
    let t0 = at(now, -0.95)?;
    svc.create_site(admin, t0, CLINIC_SITE, "渋谷クリニック", "Asia/Tokyo")
        .await?;
    for (id, name, role) in DEMO_CLINIC_USERS {
        svc.create_user(admin, t0, id, name, CLINIC_SITE, vec![role])
            .await?;
    }
    svc.set_demo_clinic_passwords(t0).await?;
    let dr = svc.actor("clinic").await?;
    svc.register_patient(
        &dr,
        t0,
        NewPatient {
            id: "PT-CL-0001".into(),
            site: CLINIC_SITE.into(),
            birth_year: 1958,
            sex: "female".into(),
            indication: "osteoarthritis".into(),
            physician: None,
        },
    )
    .await?;
    // Explained and consented at registration, so the clinic may dispense to the patient.
    svc.record_consent(
        &dr,
        t0,
        "PT-CL-0001",
        crate::NewConsent {
            indication: "osteoarthritis".into(),
            document_version: "IC-osteoarthritis-v1".into(),
            explained_by: "渋谷 花子".into(),
            explained_at: t0,
            consented_at: t0,
        },
    )
    .await?;
    let shipments = [
        ("SHP-DEMO-001", &[35, 36, 37][..], None),
        ("SHP-DEMO-002", &[38, 39][..], Some((6.0, 7.5, -61.0))),
    ];
    for (k, (id, vials, warm)) in shipments.iter().enumerate() {
        let packed = at(now, -0.9 + k as f64 * 0.01)?;
        let vials: Vec<String> = vials.iter().map(|n| format!("L-2026-004-{n:04}")).collect();
        svc.pack_shipment(
            op,
            packed,
            NewShipment {
                id: id.to_string(),
                to_site: CLINIC_SITE.into(),
                vials: vials.clone(),
                shipper: "dry_ice".into(),
                logger_id: format!("EL-USB-2-{:04}", 417 + k),
            },
        )
        .await?;
        svc.dispatch_shipment(op, at(packed, 0.02)?, id).await?;
        let arrived = at(packed, 0.3)?;
        svc.receive_shipment(&dr, arrived, id, &vials, "intact")
            .await?;
        let csv = series(packed, 7.0, *warm)?;
        svc.import_shipment_log(&dr, at(arrived, 0.01)?, id, &format!("{id}.csv"), &csv)
            .await?;
    }
    Ok(())
}
