//! Upstream of a lot, as the generator writes it: donors (with the occasional ineligible one),
//! tissue, master and working banks per site, raw-material lots received every two months per
//! site and material, and culture batches seeded from the current working bank, with their material
//! use, conditioning and harvest — each made through the domain's constructors and transitions, and
//! executed against the master batch record (`execution`).

use super::{Emitter, day};
use crate::ServiceError;
use secretome_domain::{
    DomainError, UtcTime,
    batch::{CultureBatch, Harvest, VesselKind},
    culture::{CellBank, TissueCollection},
    donor::{Donor, Marker, ScreenOutcome, ScreenResult, TissueSource, all_negative},
    genealogy::{Edge, NodeKind, Relation},
    ids::{BatchId, CellBankId, DonorCode, HarvestId, MaterialLotId, TissueId},
    material::{MaterialCategory, MaterialUse, RawMaterialLot},
    mbr::UseCase,
};
use std::collections::HashMap;

/// Batches seeded from one working bank; working banks made from one master bank.
const BATCHES_PER_WORKING_BANK: usize = 24;
const WORKING_BANKS_PER_MASTER: usize = 4;
/// A new lot of each raw material is received every this many days at each site.
const MATERIAL_PERIOD_DAYS: f64 = 60.0;

/// (code, material, category, supplier, mL used per batch; None: the conditioning medium).
const MATERIALS: [(&str, &str, MaterialCategory, &str, Option<f64>); 4] = [
    (
        "DMEM",
        "DMEM/F12 basal medium",
        MaterialCategory::Medium,
        "Thermo Fisher",
        Some(1300.0),
    ),
    (
        "HPL",
        "human platelet lysate",
        MaterialCategory::Supplement,
        "Cook Regentec",
        Some(65.0),
    ),
    (
        "TRY",
        "TrypLE Select",
        MaterialCategory::Reagent,
        "Thermo Fisher",
        Some(40.0),
    ),
    (
        "SFM",
        "serum-free conditioning medium",
        MaterialCategory::Medium,
        "FUJIFILM Irvine",
        None,
    ),
];

/// Per site: the banks in use and counters for identifiers.
#[derive(Default)]
pub(super) struct SiteLine {
    working: Option<(CellBank, usize)>,
    master: Option<(CellBank, usize)>,
    donors: usize,
    batches: usize,
    materials: HashMap<(usize, i64), RawMaterialLot>,
    /// The cell source of the master bank in use, and of the working bank in use.
    master_source: Option<TissueSource>,
    working_source: Option<TissueSource>,
}

impl Emitter<'_> {
    fn site_code(&self, site: usize) -> String {
        self.sites[site].code.to_string()
    }

    /// The working bank to seed from at `at`, making a new one (and a new donor's chain) when the
    /// current one is used up.
    fn working_bank(&mut self, site: usize, at: UtcTime) -> Result<CellBank, ServiceError> {
        if let Some((b, used)) = &mut self.lines[site].working
            && *used < BATCHES_PER_WORKING_BANK
        {
            *used += 1;
            return Ok(b.clone());
        }
        let need_master = self.lines[site]
            .master
            .as_ref()
            .is_none_or(|(_, n)| *n >= WORKING_BANKS_PER_MASTER);
        if need_master {
            self.new_donor_chain(site, at)?;
        }
        let op = self.sites[site].operator.clone();
        let Some((master, n)) = self.lines[site].master.clone() else {
            return Err(DomainError::Rule(secretome_domain::Rule::NotGenerated {
                what: "no master bank".into(),
            })
            .into());
        };
        let banked = day(at, -20.0)?;
        let wcb = CellBank::working(
            CellBankId::new(format!("{}-W{}", master.id, n + 1))?,
            &master,
            master.passage + 2,
            master.population_doublings + self.rng.range(3.0, 5.0),
            40,
            1.0e6,
            banked,
            banked,
        )?;
        self.push(&wcb, &op, banked, "cell_bank.create")?;
        let e = Edge::new(
            (NodeKind::CellBank, master.id.as_str()),
            (NodeKind::CellBank, wcb.id.as_str()),
            Relation::Derived,
            None,
        );
        self.push(&e, &op, banked, "cell_bank.create")?;
        self.lines[site].master = Some((master, n + 1));
        self.lines[site].working = Some((wcb.clone(), 1));
        self.lines[site].working_source = self.lines[site].master_source;
        self.counts.banks += 1;
        Ok(wcb)
    }

    /// A donor (now and then preceded by one found ineligible), their tissue and a master bank.
    fn new_donor_chain(&mut self, site: usize, at: UtcTime) -> Result<(), ServiceError> {
        let op = self.sites[site].operator.clone();
        let code = self.site_code(site);
        let sources = [
            TissueSource::BoneMarrow,
            TissueSource::Adipose,
            TissueSource::UmbilicalCord,
            TissueSource::DentalPulp,
        ];
        loop {
            self.lines[site].donors += 1;
            let n = self.lines[site].donors;
            let registered = day(at, -75.0 - n as f64 * 0.01)?;
            let source = sources[self.rng.below(sources.len())];
            let donor = Donor::register(
                DonorCode::new(format!("D-{code}-{n:04}"))?,
                source,
                "IC-v3 (同意書 第3版)",
                day(registered, -1.0)?,
                registered,
            )?;
            let eligible = self.rng.unit() >= 0.08;
            let mut screen = all_negative();
            if !eligible {
                screen[0] = ScreenResult {
                    marker: Marker::Hbv,
                    outcome: ScreenOutcome::Positive,
                };
            }
            let donor = donor.record_screening(screen)?;
            self.push(&donor, &op, day(registered, 3.0)?, "donor.register")?;
            self.counts.donors += 1;
            if !eligible {
                continue;
            }
            let collected = day(at, -70.0)?;
            let unit = if source == TissueSource::BoneMarrow {
                "mL"
            } else {
                "g"
            };
            let tissue = TissueCollection::collect(
                TissueId::new(format!("T-{code}-{n:04}"))?,
                &donor,
                source,
                collected,
                (self.rng.range(8.0, 25.0) * 10.0).round() / 10.0,
                unit,
                collected,
            )?;
            self.push(&tissue, &op, collected, "tissue.collect")?;
            let e = Edge::new(
                (NodeKind::Donor, donor.id.as_str()),
                (NodeKind::Tissue, tissue.id.as_str()),
                Relation::Derived,
                None,
            );
            self.push(&e, &op, collected, "tissue.collect")?;
            let banked = day(at, -50.0)?;
            let master = CellBank::master(
                CellBankId::new(format!("MCB-{code}-{n:04}"))?,
                &tissue,
                2,
                self.rng.range(5.0, 7.0),
                20,
                1.0e6,
                banked,
                banked,
            )?;
            self.push(&master, &op, banked, "cell_bank.create")?;
            let e = Edge::new(
                (NodeKind::Tissue, tissue.id.as_str()),
                (NodeKind::CellBank, master.id.as_str()),
                Relation::Derived,
                None,
            );
            self.push(&e, &op, banked, "cell_bank.create")?;
            self.lines[site].master = Some((master, 0));
            self.lines[site].master_source = Some(source);
            self.counts.banks += 1;
            return Ok(());
        }
    }

    /// The lot of material `m` in use at `at` at `site` (received at the start of its period).
    fn material(
        &mut self,
        site: usize,
        m: usize,
        at: UtcTime,
    ) -> Result<RawMaterialLot, ServiceError> {
        let since = self.origin.hours_until(at) / 24.0;
        let period = (since / MATERIAL_PERIOD_DAYS).floor() as i64;
        if let Some(l) = self.lines[site].materials.get(&(m, period)) {
            return Ok(l.clone());
        }
        let (code, material, category, supplier, _) = MATERIALS[m];
        let received = day(self.origin, period as f64 * MATERIAL_PERIOD_DAYS)?;
        let site_code = self.site_code(site);
        let lot = RawMaterialLot::receive(
            MaterialLotId::new(format!("RM-{code}-{site_code}-{:03}", period + 1))?,
            material,
            category,
            supplier,
            &format!("{}{:06}", &code[..1], self.rng.below(1_000_000)),
            received,
            day(received, 540.0)?,
            received,
        )?;
        let op = self.sites[site].operator.clone();
        self.push(&lot, &op, received, "material_lot.receive")?;
        self.lines[site].materials.insert((m, period), lot.clone());
        self.counts.material_lots += 1;
        Ok(lot)
    }

    /// One batch seeded at `seeded`, conditioned from day 6 for 48 h and harvested on day 8 with at
    /// least `volume_ml` of conditioned medium. Returns the harvest.
    pub(super) fn batch(
        &mut self,
        site: usize,
        seeded: UtcTime,
        volume_ml: f64,
    ) -> Result<Harvest, ServiceError> {
        let bank = self.working_bank(site, seeded)?;
        let op = self.sites[site].operator.clone();
        let code = self.site_code(site);
        self.lines[site].batches += 1;
        let n = self.lines[site].batches;
        // 0.2 mL of conditioned medium per cm²; a 5-layer vessel has 3180 cm².
        let per_vessel = 0.2 * VesselKind::Multilayer5.area_cm2();
        let vessels = ((volume_ml / per_vessel).ceil() as i64).clamp(1, 1000);
        let b = CultureBatch::seed(
            BatchId::new(format!("B-{code}-{n:05}"))?,
            &bank,
            VesselKind::Multilayer5,
            vessels,
            self.rng.range(2500.0, 3500.0).round(),
            seeded,
            seeded,
        )?;
        // Started from the master at its seeding; each bound step recorded as it is done.
        let source = self.lines[site]
            .working_source
            .unwrap_or(TissueSource::BoneMarrow);
        let mut g = self.start_guided(&b.id, source, seeded, &op)?;
        self.execute(
            &mut g,
            UseCase::Seeding,
            &[
                ("seeding_density".into(), b.seeding_density),
                ("vessel_count".into(), vessels as f64),
            ],
            seeded,
            &op,
            (None, None),
        )?;
        let mut uses = Vec::new();
        for (m, spec) in MATERIALS.iter().enumerate() {
            let Some(per) = spec.4 else { continue };
            let used_at = if spec.0 == "TRY" {
                day(seeded, 6.0)?
            } else {
                seeded
            };
            let lot = self.material(site, m, used_at)?;
            let u =
                MaterialUse::record(&b, &lot, per * vessels as f64 / 2.0, "mL", used_at, used_at)?;
            uses.push(u);
        }
        let cond_at = day(seeded, 6.0)?;
        let medium = self.material(site, MATERIALS.len() - 1, cond_at)?;
        medium.check_usable(cond_at)?;
        let hypoxia = self.rng.unit() < 0.5;
        let conditioned =
            b.start_conditioning(medium.id.clone(), 48.0, hypoxia, cond_at, cond_at)?;
        self.execute(
            &mut g,
            UseCase::Conditioning,
            &[("hours".into(), 48.0)],
            cond_at,
            &op,
            (None, None),
        )?;
        let at = day(seeded, 8.0)?;
        let volume = (volume_ml * self.rng.range(1.02, 1.15)).round().max(1.0);
        let (done, h) = conditioned.harvest(
            HarvestId::new(format!("H-{code}-{n:05}"))?,
            volume,
            at,
            None,
            at,
        )?;
        self.execute(
            &mut g,
            UseCase::Harvest,
            &[
                ("volume_ml".into(), h.volume_ml),
                ("conditioning_hours".into(), cond_at.hours_until(at)),
            ],
            at,
            &op,
            (None, None),
        )?;
        self.guided.push(g);
        self.push(&done, &op, at, "batch.harvest")?;
        let e = Edge::new(
            (NodeKind::CellBank, bank.id.as_str()),
            (NodeKind::Batch, b.id.as_str()),
            Relation::Derived,
            None,
        );
        self.push(&e, &op, seeded, "batch.seed")?;
        for u in uses {
            self.push(&u, &op, u.used_at, "material_use.record")?;
            let e = Edge::new(
                (NodeKind::MaterialLot, u.material_lot.as_str()),
                (NodeKind::Batch, b.id.as_str()),
                Relation::Used,
                Some(u.quantity),
            );
            self.push(&e, &op, u.used_at, "material_use.record")?;
        }
        let e = Edge::new(
            (NodeKind::MaterialLot, medium.id.as_str()),
            (NodeKind::Batch, b.id.as_str()),
            Relation::Used,
            None,
        );
        self.push(&e, &op, cond_at, "batch.condition")?;
        let e = Edge::new(
            (NodeKind::Batch, b.id.as_str()),
            (NodeKind::Harvest, h.id.as_str()),
            Relation::Derived,
            Some(h.volume_ml),
        );
        self.push(&e, &op, at, "batch.harvest")?;
        self.counts.batches += 1;
        Ok(h)
    }
}
