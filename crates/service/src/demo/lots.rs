//! The demo's raw materials and lots: materials received, lots pooled from harvests, processed, filled, tested by QC and decided by QA, each
//! reaching the state the demo needs, through the use cases in time order.

use super::DemoSummary;
use super::facility;
use super::{
    at,
    qc::{Outcome, test_lot},
};
use crate::{
    NewMaterialLot, Service, ServiceError,
    facility::{NewFiltration, NewIntegrityTest, StepPlace},
    lots::Placement,
};
use secretome_domain::{
    Actor, UtcTime,
    facility::{IntegrityMethod, IntegrityStage},
    processing::StepKind,
};

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
            "DMEM/F-12 基礎培地",
            "medium",
            "富士フイルム和光純薬",
            "WKM1234",
        ),
        (
            "RM-SFM-2402",
            "MSC 馴化用無血清培地",
            "medium",
            "ロート製薬",
            "SF-0392",
        ),
        (
            "RM-HPL-2403",
            "ヒト血小板溶解物 5 %",
            "supplement",
            "クック・リジェンテック",
            "HPL-77810",
        ),
        (
            "RM-TRY-2404",
            "細胞解離酵素 (TrypLE)",
            "reagent",
            "サーモフィッシャーサイエンティフィック",
            "2517345",
        ),
        (
            "RM-FLT-2405",
            "0.22 µm フィルターユニット (ポリエーテルスルホン膜)",
            "filter",
            "メルクミリポア",
            "R1HB12345",
        ),
        (
            "RM-UF-2406",
            "3 kDa 限外ろ過カセット",
            "filter",
            "ザルトリウス",
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
            method: "無菌ろ過 0.22 µm (グレード A アイソレーター内)".into(),
        },
    ];
    let n_steps = if state == "in_process" {
        3
    } else {
        steps.len()
    };
    for (i, s) in steps.into_iter().take(n_steps).enumerate() {
        // Centrifugation in the room, with the registered centrifuge; the rest in the isolator.
        let place = match s {
            StepKind::Centrifugation { .. } => StepPlace {
                room: Some(facility::ROOM.into()),
                equipment: Some(facility::CENTRIFUGE.into()),
            },
            _ => StepPlace {
                room: Some(facility::ISOLATOR.into()),
                equipment: None,
            },
        };
        svc.record_processing_step_at(
            op,
            t.plus_hours(1.0 + i as f64).unwrap_or(t),
            lot,
            s,
            t.plus_hours(1.0 + i as f64).unwrap_or(t),
            &place,
        )
        .await?;
    }
    // Sterilising filtration in the isolator, its filter tested before use (bubble point); the
    // post-use test follows for every lot that goes on to be filled now.
    let sf_t = t.plus_hours(n_steps as f64 + 1.0).unwrap_or(t);
    let f = svc
        .record_sterile_filtration(
            op,
            sf_t,
            NewFiltration {
                lot: lot.into(),
                filter_maker: "メルクミリポア".into(),
                filter_model: "Millipak-20 0.22 µm (ポリフッ化ビニリデン膜)".into(),
                filter_lot: "R1HB12345".into(),
                pore_um: 0.22,
                sterilising_grade: true,
                room: Some(facility::ISOLATOR.into()),
                performed_at: sf_t,
            },
        )
        .await?;
    for (stage, at_t, measured) in [
        (
            IntegrityStage::PreUse,
            sf_t.plus_hours(-0.25).unwrap_or(sf_t),
            3.8,
        ),
        (
            IntegrityStage::PostUse,
            sf_t.plus_hours(0.25).unwrap_or(sf_t),
            3.7,
        ),
    ] {
        if stage == IntegrityStage::PostUse && state == "in_process" {
            continue;
        }
        svc.record_integrity_test(
            op,
            at_t.max(sf_t.plus_hours(0.25).unwrap_or(sf_t)),
            NewIntegrityTest {
                filtration: f.id.clone(),
                stage,
                method: IntegrityMethod::BubblePoint,
                maker_limit: 3.45,
                measured,
                unit: "bar".into(),
                tested_at: at_t,
            },
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
                "全試験項目が規格に適合",
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
                "エンドトキシン規格外 (0.8 EU/mL > 0.5)",
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}
