//! The demo's raw materials and lots: materials received, lots pooled from harvests, processed, filled, tested by QC and decided by QA, each
//! reaching the state the demo needs, through the use cases in time order.

use super::DemoSummary;
use super::{
    at,
    qc::{Outcome, test_lot},
};
use crate::{NewMaterialLot, Service, ServiceError, lots::Placement};
use secretome_domain::{Actor, UtcTime, processing::StepKind};

/// The people who make, test and decide on the demo's lots.
pub(super) struct Crew {
    pub op: Actor,
    pub qc: Actor,
    pub qa: Actor,
}

/// The raw-material lots every batch draws on, received at `base` − 20 days.
pub(super) async fn receive_materials(
    svc: &Service,
    op: &Actor,
    base: UtcTime,
) -> Result<(), ServiceError> {
    let materials = [
        (
            "RM-DMEM-2401",
            "DMEM/F-12 basal medium",
            "medium",
            "Fujifilm Wako",
            "WKM1234",
        ),
        (
            "RM-SFM-2402",
            "Serum-free MSC conditioning medium",
            "medium",
            "Rohto",
            "SF-0392",
        ),
        (
            "RM-HPL-2403",
            "Human platelet lysate 5 %",
            "supplement",
            "Cook Regentec",
            "HPL-77810",
        ),
        (
            "RM-TRY-2404",
            "TrypLE Select",
            "reagent",
            "Thermo Fisher",
            "2517345",
        ),
        (
            "RM-FLT-2405",
            "0.22 µm PES filter unit",
            "filter",
            "Merck Millipore",
            "R1HB12345",
        ),
        (
            "RM-UF-2406",
            "3 kDa ultrafiltration cassette",
            "filter",
            "Sartorius",
            "UF3K-0042",
        ),
    ];
    for (id, name, cat, supplier, slot) in materials {
        svc.receive_material(
            op,
            at(base, -20.0)?,
            NewMaterialLot {
                id: id.into(),
                material: name.into(),
                category: cat.into(),
                supplier: supplier.into(),
                supplier_lot: slot.into(),
                received_at: at(base, -20.0)?,
                expires_at: at(base, 700.0)?,
            },
        )
        .await?;
    }
    Ok(())
}

/// Pools, processes and fills a lot, has QC test it, and takes QA's decision, as `state` says:
/// `in_process`, `quarantine` (tested, passing), `quarantine_oos` (failing, deviation open),
/// `released`, `recalled` (released now, recalled later) or `rejected` (endotoxin fails).
pub(super) async fn make_lot(
    svc: &Service,
    crew: &Crew,
    t: UtcTime,
    lot: &str,
    pool: &[(String, f64)],
    state: &str,
    summary: &mut DemoSummary,
) -> Result<(), ServiceError> {
    let (op, qa) = (&crew.op, &crew.qa);
    svc.pool_lot(op, t, lot, super::qc::PRODUCT, pool).await?;
    summary.lots += 1;
    let steps = [
        StepKind::Centrifugation {
            g_force: 300.0,
            minutes: 5.0,
        },
        StepKind::Centrifugation {
            g_force: 2000.0,
            minutes: 10.0,
        },
        StepKind::Filtration { pore_um: 0.22 },
        StepKind::Ultrafiltration {
            cutoff_kda: 3.0,
            concentration_factor: 10.0,
        },
        StepKind::Sterilisation {
            method: "sterile filtration 0.22 µm, grade A isolator".into(),
        },
    ];
    let n_steps = if state == "in_process" {
        3
    } else {
        steps.len()
    };
    for (i, s) in steps.into_iter().take(n_steps).enumerate() {
        svc.record_processing_step(
            op,
            t.plus_hours(1.0 + i as f64).unwrap_or(t),
            lot,
            s,
            t.plus_hours(1.0 + i as f64).unwrap_or(t),
        )
        .await?;
    }
    if state == "in_process" {
        return Ok(());
    }
    let fill_t = at(t, 0.5)?;
    let place = Placement {
        freezer: super::inventory::FREEZER.into(),
        rack: "R1".into(),
    };
    let vials = svc
        .fill_vials(op, fill_t, lot, 40, 2.0, at(fill_t, 365.0)?, Some(&place))
        .await?;
    summary.vials += vials.len();
    let outcome = match state {
        "rejected" => Outcome::EndotoxinFail,
        "quarantine_oos" => Outcome::ParticlesLowWithDeviation,
        _ => Outcome::Pass,
    };
    test_lot(svc, &crew.qc, at(t, 2.0)?, lot, outcome).await?;
    let decide = at(t, 3.0)?;
    match state {
        "released" | "recalled" => {
            // Signed as QA would sign it: password re-entered, meaning "released".
            svc.sign_lot(
                qa,
                decide,
                lot,
                "demo",
                "released",
                "全試験項目が規格に適合 (all tests meet specification)",
            )
            .await?;
        }
        "rejected" => {
            svc.sign_lot(
                qa,
                decide,
                lot,
                "demo",
                "rejected",
                "エンドトキシン規格外 (endotoxin 0.8 EU/mL > 0.5)",
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}
