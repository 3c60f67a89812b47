//! The demo facility: a realistic cell processing facility's history — donors from three tissue
//! sources, banks, culture batches with daily observations, harvests, processing, lots in every state
//! and a few hundred vials — made entirely through the use cases, so the audit trail covers it all.
//! Events are made in time order: each batch runs its course before the next one starts.

mod clinical;
mod facility;
mod inventory;
mod lots;
mod mbr;
mod qc;
mod shipments;

pub use shipments::{CLINIC_SITE, DEMO_CLINIC_USERS};

use crate::{
    Service, ServiceError,
    manufacture::{NewBank, NewBatch, NewObservation, NewTissue},
};
use secretome_domain::{
    Role, UtcTime,
    donor::{Marker, ScreenOutcome, ScreenResult, all_negative},
};

/// The demo's sign-in names (one per role).
pub const DEMO_USERS: [(&str, &str, Role); 5] = [
    ("operator", "佐藤 太郎", Role::Operator),
    ("qc", "鈴木 花子", Role::Qc),
    ("qa", "高橋 次郎", Role::Qa),
    ("physician", "田中 一郎", Role::Physician),
    ("admin", "伊藤 三郎", Role::Admin),
];

/// What the demo made, for the CLI to print.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub donors: usize,
    /// Doses given to the demo's patients.
    pub doses: usize,
    pub batches: usize,
    pub lots: usize,
    pub vials: usize,
    pub events: i64,
}

/// A small deterministic generator (the demo must be the same every time; no RNG crate needed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn around(&mut self, v: f64, rel: f64) -> f64 {
        v * (1.0 + rel * (2.0 * self.next() - 1.0))
    }
}

fn at(base: UtcTime, days: f64) -> Result<UtcTime, ServiceError> {
    base.plus_hours(days * 24.0).ok_or_else(|| {
        secretome_domain::DomainError::invalid(
            "now",
            secretome_domain::Why::said("demo time out of range", "範囲外の日時です"),
        )
        .into()
    })
}

struct DemoBatch {
    donor: &'static str,
    source: &'static str,
    doubling_h: f64,
    conditioned: bool,
    harvested: bool,
}

/// Builds the demo facility in an empty database, with `now` as the present.
pub async fn build(svc: &Service, now: UtcTime) -> Result<DemoSummary, ServiceError> {
    let base = at(now, -140.0)?;
    let admin = svc
        .bootstrap(
            at(base, -30.0)?,
            "CPC-TOKYO",
            "東京細胞培養加工センター (Tokyo CPC)",
            "admin",
            DEMO_USERS[4].1,
        )
        .await?;
    for (id, name, role) in DEMO_USERS.iter().take(4) {
        svc.create_user(&admin, at(base, -30.0)?, id, name, "CPC-TOKYO", vec![*role])
            .await?;
    }
    // The demo's sign-ins (password `demo`) exist before the first e-signature needs them.
    svc.set_demo_passwords(at(base, -30.0)?).await?;
    let op = svc.actor("operator").await?;
    let qa = svc.actor("qa").await?;
    let crew = lots::Crew {
        op: op.clone(),
        qc: svc.actor("qc").await?,
        qa: qa.clone(),
    };
    let mut rng = Lcg(20261125);

    lots::receive_materials(svc, &op, base).await?;
    qc::setup(svc, &admin, &qa, at(base, -20.0)?).await?;
    inventory::freezers(svc, &admin, at(base, -20.0)?, "CPC-TOKYO").await?;
    facility::setup(svc, &qa, at(base, -20.0)?, base).await?;
    mbr::masters(svc, &op, &qa, at(base, -20.0)?).await?;

    // Donors: five eligible (three sources), one ineligible, one still in screening.
    let donors = [
        ("D-BM-001", "bone_marrow", true),
        ("D-AD-001", "adipose", true),
        ("D-AD-002", "adipose", true),
        ("D-UC-001", "umbilical_cord", true),
        ("D-UC-002", "umbilical_cord", true),
        ("D-AD-003", "adipose", false),
        ("D-BM-002", "bone_marrow", false),
    ];
    for (i, (code, source, eligible)) in donors.iter().enumerate() {
        let t = at(base, -15.0 + i as f64)?;
        svc.register_donor(&op, t, code, source, "IC-2026-v2 (同意書 第2版)", t)
            .await?;
        if *eligible {
            svc.record_screening(&op, at(base, -14.0 + i as f64)?, code, all_negative())
                .await?;
        } else if *code == "D-AD-003" {
            let mut r = all_negative();
            r[0] = ScreenResult {
                marker: Marker::Hbv,
                outcome: ScreenOutcome::Positive,
            };
            svc.record_screening(&op, at(base, -14.0 + i as f64)?, code, r)
                .await?;
        }
    }
    for (i, (code, _, eligible)) in donors.iter().enumerate().take(5) {
        if !eligible {
            continue;
        }
        let t = at(base, -12.0 + i as f64 * 0.5)?;
        let tissue = format!("T-{}", &code[2..]);
        let unit = if code.contains("BM") { "mL" } else { "g" };
        svc.collect_tissue(
            &op,
            t,
            NewTissue {
                id: tissue.clone(),
                donor: code.to_string(),
                collected_at: t,
                amount: (rng.around(15.0, 0.3) * 10.0).round() / 10.0,
                amount_unit: unit.into(),
            },
        )
        .await?;
        let mcb = format!("MCB-{}", &code[2..]);
        svc.create_cell_bank(
            &op,
            at(base, -8.0 + i as f64 * 0.2)?,
            NewBank {
                id: mcb.clone(),
                from: tissue,
                working: false,
                passage: 2,
                population_doublings: rng.around(6.0, 0.2),
                vials_frozen: 20,
                cells_per_vial: 1e6,
                banked_at: at(base, -8.0 + i as f64 * 0.2)?,
            },
        )
        .await?;
        svc.create_cell_bank(
            &op,
            at(base, -3.0 + i as f64 * 0.2)?,
            NewBank {
                id: format!("WCB-{}", &code[2..]),
                from: mcb,
                working: true,
                passage: 3,
                population_doublings: rng.around(9.0, 0.1),
                vials_frozen: 40,
                cells_per_vial: 1e6,
                banked_at: at(base, -3.0 + i as f64 * 0.2)?,
            },
        )
        .await?;
    }

    let plan = [
        DemoBatch {
            donor: "BM-001",
            source: "bone_marrow",
            doubling_h: 45.0,
            conditioned: true,
            harvested: true,
        },
        DemoBatch {
            donor: "BM-001",
            source: "bone_marrow",
            doubling_h: 47.0,
            conditioned: true,
            harvested: true,
        },
        DemoBatch {
            donor: "AD-001",
            source: "adipose",
            doubling_h: 30.0,
            conditioned: true,
            harvested: true,
        },
        DemoBatch {
            donor: "AD-002",
            source: "adipose",
            doubling_h: 33.0,
            conditioned: true,
            harvested: true,
        },
        DemoBatch {
            donor: "UC-001",
            source: "umbilical_cord",
            doubling_h: 26.0,
            conditioned: true,
            harvested: true,
        },
        DemoBatch {
            donor: "UC-001",
            source: "umbilical_cord",
            doubling_h: 27.0,
            conditioned: true,
            harvested: true,
        },
        DemoBatch {
            donor: "UC-002",
            source: "umbilical_cord",
            doubling_h: 25.0,
            conditioned: true,
            harvested: true,
        },
        DemoBatch {
            donor: "AD-001",
            source: "adipose",
            doubling_h: 31.0,
            conditioned: true,
            harvested: true,
        },
        DemoBatch {
            donor: "UC-002",
            source: "umbilical_cord",
            doubling_h: 26.0,
            conditioned: true,
            harvested: false,
        },
        DemoBatch {
            donor: "AD-002",
            source: "adipose",
            doubling_h: 32.0,
            conditioned: false,
            harvested: false,
        },
    ];
    // Lots: (lot, harvest indices, state to reach). Lot i is made right after its last harvest.
    let lots: [(&str, &[usize], &str); 7] = [
        ("L-2026-001", &[0, 1], "released"),
        ("L-2026-002", &[2], "recalled"),
        ("L-2026-003", &[3], "rejected"),
        ("L-2026-004", &[4], "released"),
        ("L-2026-005", &[5], "quarantine"),
        ("L-2026-006", &[6], "quarantine_oos"),
        ("L-2026-007", &[7], "in_process"),
    ];
    let mut summary = DemoSummary {
        donors: donors.len(),
        batches: plan.len(),
        ..Default::default()
    };
    let mut harvests: Vec<(String, f64)> = Vec::new();
    let mut recall_later = Vec::new();
    for (k, b) in plan.iter().enumerate() {
        let start = at(base, k as f64 * 12.0)?;
        if k == 3 {
            // After L-2026-002's release: lots filled from now on are tested against v2.
            qc::revise(svc, &qa, at(start, -0.5)?).await?;
        }
        let batch = format!("B-2026-{:03}", k + 1);
        let area = 2.0 * 3180.0;
        let density = rng.around(3000.0, 0.1);
        svc.seed_batch(
            &op,
            start,
            NewBatch {
                id: batch.clone(),
                cell_bank: format!("WCB-{}", b.donor),
                vessel: "multilayer5".into(),
                vessel_count: 2,
                seeding_density: density,
                seeded_at: start,
            },
        )
        .await?;
        svc.record_material_use(&op, start, &batch, "RM-DMEM-2401", 1300.0, "mL", start)
            .await?;
        svc.record_material_use(&op, start, &batch, "RM-HPL-2403", 65.0, "mL", start)
            .await?;
        if batch == "B-2026-010" {
            // Issue 15: this batch runs against its master; its thaw viability was out of limit.
            mbr::guided_batch(svc, &op, &batch, density, start).await?;
        }
        // Logistic growth to ~3 × 10⁴ cells/cm² after a 24 h lag; one count a day.
        let (n0, nmax) = (density * area, 3.0e4 * area);
        let mu = std::f64::consts::LN_2 / b.doubling_h;
        let days = if b.conditioned {
            6
        } else {
            ((now.hours_until(start) / -24.0).floor() as i64).clamp(1, 6)
        };
        for d in 1..=days {
            let h = (d as f64 * 24.0 - 24.0).max(0.0);
            let n = nmax / (1.0 + (nmax / n0 - 1.0) * (-mu * h).exp());
            let count = rng.around(n, 0.05);
            svc.record_observation(
                &op,
                at(start, d as f64)?,
                NewObservation {
                    batch: batch.clone(),
                    observed_at: at(start, d as f64)?,
                    cell_count: count.round(),
                    viability_pct: (rng.around(94.0, 0.03)).min(99.5),
                    confluence_pct: (100.0 * count / nmax).min(100.0).round(),
                    note: None,
                },
            )
            .await?;
        }
        if !b.conditioned {
            continue;
        }
        svc.record_material_use(
            &op,
            at(start, 6.0)?,
            &batch,
            "RM-TRY-2404",
            40.0,
            "mL",
            at(start, 6.0)?,
        )
        .await?;
        svc.start_conditioning(
            &op,
            at(start, 6.0)?,
            &batch,
            "RM-SFM-2402",
            48.0,
            b.source == "adipose",
            at(start, 6.0)?,
        )
        .await?;
        if !b.harvested {
            continue;
        }
        let hid = format!("H-2026-{:03}", k + 1);
        let vol = (rng.around(0.2 * area, 0.05)).round();
        svc.harvest(
            &op,
            at(start, 8.0)?,
            &batch,
            &hid,
            vol,
            at(start, 8.0)?,
            None,
        )
        .await?;
        harvests.push((hid, vol));
        for (lot, parts, state) in lots.iter().filter(|(_, p, _)| p.last() == Some(&k)) {
            let pool: Vec<(String, f64)> = parts.iter().map(|i| harvests[*i].clone()).collect();
            lots::make_lot(svc, &crew, at(start, 8.2)?, lot, &pool, state, &mut summary).await?;
            if *state == "recalled" {
                recall_later.push(*lot);
            }
        }
    }
    inventory::retain(svc, &op, at(now, -4.0)?, "L-2026-001").await?;
    // The clinic: half the patients are treated from L-2026-002 (recalled below), half from
    // L-2026-004, released later.
    let dr = svc.actor("physician").await?;
    let (early, late) = clinical::PATIENTS.split_at(6);
    summary.doses = clinical::treat(
        svc,
        &dr,
        early,
        &["L-2026-002"],
        at(base, 40.0)?,
        at(now, -3.0)?,
        &mut rng,
    )
    .await?;
    summary.doses += clinical::treat(
        svc,
        &dr,
        late,
        &["L-2026-004"],
        at(base, 75.0)?,
        at(now, -3.0)?,
        &mut rng,
    )
    .await?;
    clinical::follow_up(svc, &dr, at(now, -1.0)?, &mut rng).await?;
    for lot in recall_later {
        svc.open_recall(
            &qa,
            at(now, -3.0)?,
            lot,
            "原材料ロットの品質問題による自主回収 (無血清培地の供給業者からの通知)",
        )
        .await?;
    }
    shipments::build(svc, &admin, &op, now).await?;
    facility::monitoring(svc, &crew.qc, at(now, -0.5)?, base).await?;
    summary.events = svc.store().event_count().await?;
    Ok(summary)
}
