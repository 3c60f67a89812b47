//! A lot as the generator writes it: its harvests pooled, processing steps, vials filled with their
//! DINs, QC results against the specification in force, the QA decision, and then each vial's
//! life — stored in a freezer, shipped to another site, dispensed for and administered to a
//! patient (with the consent and, now and then, an adverse event: `clinic`), expired or destroyed
//! — each through the domain's constructors and transitions.

use super::{
    Emitter, day,
    plan::{Dose, FILL_AFTER_POOL, Fate, LotPlan, SHELF_LIFE_DAYS},
};
use crate::ServiceError;
use secretome_domain::{
    DomainError, UtcTime,
    clinical::{Administration, Dispensing, Indication, Patient, Route, Sex},
    genealogy::{Edge, NodeKind, Relation},
    ids::{LotNumber, PatientCode, UserName},
    isbt::{self, CollectionType},
    lot::{Lot, LotStatus, PoolPart},
    mbr::UseCase,
    processing::{ProcessingStep, StepKind},
    qc::{ResultSource, TestResult, result::ResultEntry},
    vial::Vial,
};

const FILL_ML: f64 = 2.0;

/// A plausible passing result for each test of the specification (outcome text or value).
fn typical(code: &str, rng: &mut super::plan::Rng) -> (Option<f64>, Option<&'static str>) {
    let mut around = |v: f64, step: f64| (v * rng.range(0.75, 1.25) / step).round() * step;
    match code {
        "sterility" | "mycoplasma" => (None, Some("negative")),
        "residual_cells" => (None, Some("not detected")),
        "appearance" => (None, Some("conforms")),
        "endotoxin" => (Some(around(0.12, 0.01)), None),
        "egf" => (Some(around(150.0, 0.1)), None),
        "fgf2" => (Some(around(320.0, 0.1)), None),
        "vegf" => (Some(around(1800.0, 1.0)), None),
        "tgf_b1" => (Some(around(1200.0, 1.0)), None),
        "bdnf" => (Some(around(120.0, 0.1)), None),
        "hgf" => (Some(around(4500.0, 1.0)), None),
        "pdgf_bb" => (Some(around(60.0, 0.1)), None),
        "il10" => (Some(around(15.0, 0.1)), None),
        "total_protein" => (Some(around(450.0, 1.0)), None),
        _ => (None, Some("conforms")),
    }
}

/// How a dose is given for an indication.
fn route(i: Indication) -> Route {
    match i {
        Indication::Stroke | Indication::SpinalCordInjury | Indication::AgeingCare => Route::IvDrip,
        Indication::Osteoarthritis | Indication::ChronicPain => Route::LocalInjection,
        Indication::ChronicWound | Indication::Skin => Route::Topical,
        Indication::HairLoss => Route::ScalpInjection,
    }
}

impl Emitter<'_> {
    /// The patient record of plan `j`, written the first time it is needed.
    pub(super) fn patient(&mut self, j: usize) -> Result<Patient, ServiceError> {
        if let Some(p) = &self.patients[j] {
            return Ok(p.clone());
        }
        let plan = &self.patient_plans[j];
        let site = plan.site;
        let registered = day(self.start, plan.day)?;
        let indications = [
            Indication::Stroke,
            Indication::SpinalCordInjury,
            Indication::Osteoarthritis,
            Indication::ChronicPain,
            Indication::ChronicWound,
            Indication::Skin,
            Indication::HairLoss,
            Indication::AgeingCare,
        ];
        let sex = [Sex::Female, Sex::Male, Sex::Female, Sex::Male, Sex::Unknown][self.rng.below(5)];
        let physician = UserName::new(self.sites[site].physician.clone())?;
        let p = Patient::new(
            PatientCode::new(format!("P-{}-{:06}", self.sites[site].code, j + 1))?,
            self.sites[site].code.clone(),
            1935 + self.rng.below(70) as i64,
            sex,
            indications[self.rng.below(indications.len())],
            physician.clone(),
            registered,
        )?;
        self.push(&p, physician.as_str(), registered, "patient.register")?;
        let crew = self.sites[site].clone();
        self.consent(&p, &crew)?;
        self.patients[j] = Some(p.clone());
        self.counts.patients += 1;
        Ok(p)
    }

    /// Writes one lot, everything upstream of it not yet written, its vials and their doses.
    pub(super) fn lot(&mut self, plan: &LotPlan, doses: &[Dose]) -> Result<(), ServiceError> {
        let site = plan.site;
        let crew = self.sites[site].clone();
        let pooled_at = day(self.start, plan.pool_day)?;
        let per_harvest = plan.vials as f64 * FILL_ML / plan.harvests as f64;
        let mut parts = Vec::with_capacity(plan.harvests);
        for k in 0..plan.harvests {
            let seeded = day(pooled_at, -8.3 - k as f64 * 0.05)?;
            let h = self.batch(site, seeded, per_harvest)?;
            let volume_ml = h.volume_ml;
            parts.push(PoolPart {
                harvest: h,
                volume_ml,
            });
        }
        let id = LotNumber::new(format!("L-{}-{:05}", crew.code, plan.number))?;
        let (lot, harvests) = Lot::pool(id, &self.product, &parts, pooled_at)?;
        for h in &harvests {
            self.push(h, &crew.operator, pooled_at, "lot.pool")?;
            let e = Edge::new(
                (NodeKind::Harvest, h.id.as_str()),
                (NodeKind::Lot, lot.id.as_str()),
                Relation::Pooled,
                Some(h.volume_ml),
            );
            self.push(&e, &crew.operator, pooled_at, "lot.pool")?;
        }
        let steps = [
            StepKind::Centrifugation {
                g_force: 2000.0,
                minutes: 10.0,
            },
            StepKind::Filtration { pore_um: 0.22 },
        ];
        let (room, iso, cf) = super::facility::places(&crew);
        let op = UserName::new(crew.operator.clone())?;
        let mut step_rows = Vec::new();
        for (i, step) in steps.into_iter().enumerate() {
            let seq = i as i64 + 1;
            step_rows.push(ProcessingStep {
                id: format!("{}/STEP-{seq:02}", lot.id),
                lot: lot.id.clone(),
                seq,
                step: step.validated()?,
                performed_at: day(pooled_at, 0.1 * seq as f64)?,
                room: Some(room.clone()),
                equipment: (seq == 1).then(|| cf.clone()),
                operator: Some(op.clone()),
            });
        }
        let filled_at = day(pooled_at, FILL_AFTER_POOL)?;
        let expires = day(filled_at, SHELF_LIFE_DAYS)?;
        let count = i64::try_from(plan.vials).unwrap_or(i64::MAX);
        let (mut filled, mut vials) = lot.fill(count, FILL_ML, expires, filled_at)?;
        filled.fill_room = Some(iso);
        filled.filled_by = Some(op);
        filled.specification = Some(self.spec.id.clone());
        self.identify(&mut filled, &mut vials, filled_at)?;
        // QC a week after filling; QA decides when planned, if that is already past.
        let tested_at = day(filled_at, plan.decision_after - 7.0)?;
        let decided_at = day(filled_at, plan.decision_after)?;
        let mut results = Vec::new();
        if tested_at < self.now {
            for test in &self.spec.tests.clone() {
                let code = test.code.as_str();
                let (value, outcome) = match (plan.fate, code) {
                    (Fate::Rejected, "endotoxin") => (Some(0.8), None),
                    _ => typical(code, &mut self.rng),
                };
                let entry = ResultEntry {
                    test: code.to_string(),
                    value,
                    outcome: outcome.map(str::to_string),
                    unit: None,
                    source: ResultSource::Manual,
                    censor: None,
                };
                let qc = UserName::new(crew.qc.clone())?;
                results.push(TestResult::record(
                    &filled, &self.spec, entry, &qc, tested_at,
                )?);
            }
        }
        let qa = UserName::new(crew.qa.clone())?;
        let (final_lot, status) = if decided_at >= self.now {
            (filled.clone(), LotStatus::Quarantine)
        } else if plan.fate == Fate::Rejected {
            (
                filled.reject(
                    &qa,
                    "エンドトキシン規格外 (endotoxin out of specification)",
                    decided_at,
                )?,
                LotStatus::Rejected,
            )
        } else {
            (
                filled.release(&qa, &[], "全試験適合 (all tests pass)", decided_at)?,
                LotStatus::Released,
            )
        };
        let lot_at = final_lot.decided_at.unwrap_or(filled_at);
        let lot_by = if final_lot.decided_at.is_some() {
            &crew.qa
        } else {
            &crew.operator
        };
        self.push(&final_lot, lot_by, lot_at, "lot.fill")?;
        for s in &step_rows {
            self.push(s, &crew.operator, s.performed_at, "processing.record")?;
        }
        // Each pooled batch's execution goes on with the lot's processing and filling.
        let fill_room = final_lot.fill_room.clone();
        for mut g in std::mem::take(&mut self.guided) {
            for st in &step_rows {
                let (u, supplied) = UseCase::of_processing(&st.step);
                let place = (st.room.as_deref(), st.equipment.as_deref());
                self.execute(&mut g, u, &supplied, st.performed_at, &crew.operator, place)?;
            }
            let fill = [
                ("fill_volume".to_string(), FILL_ML),
                ("count".to_string(), count as f64),
            ];
            let place = (fill_room.as_deref(), None);
            self.execute(
                &mut g,
                UseCase::Filling,
                &fill,
                filled_at,
                &crew.operator,
                place,
            )?;
            self.verify_guided(&mut g, &crew.qc, filled_at)?;
            self.write_guided(g)?;
        }
        self.filtration(&crew, &lot, day(filled_at, -0.1)?)?;
        for r in &results {
            self.push(r, &crew.qc, tested_at, "test_result.record")?;
        }
        self.counts.lots += 1;
        self.vials(&final_lot, status, vials, doses, filled_at)
    }

    /// The vials of a lot in their present state, with their DINs, and the doses they became.
    fn vials(
        &mut self,
        lot: &Lot,
        status: LotStatus,
        vials: Vec<Vial>,
        doses: &[Dose],
        filled_at: UtcTime,
    ) -> Result<(), ServiceError> {
        let site = self.site_of(lot)?;
        let crew = self.sites[site].clone();
        let rack = 1 + self.counts.lots % 20;
        // Part of the stock of some released lots goes to the next site (`clinic::ship`).
        let ship =
            status == LotStatus::Released && lot.decided_at.is_some_and(|t| self.ships_stock(t));
        let mut shipped = Vec::new();
        for (i, v) in vials.into_iter().enumerate() {
            let (bx, pos) = (i / 81 + 1, i % 81);
            let place = format!(
                "{}/R{rack}/{}-B{bx:02}/{}{}",
                crew.freezer,
                lot.id,
                (b'A' + (pos / 9) as u8) as char,
                pos % 9 + 1
            );
            let edge = Edge::new(
                (NodeKind::Lot, lot.id.as_str()),
                (NodeKind::Vial, v.id.as_str()),
                Relation::Split,
                Some(v.fill_volume_ml),
            );
            let dose = doses.get(i).copied();
            self.counts.vials += 1;
            let (row, by, at) = match (status, dose) {
                (LotStatus::Quarantine, _) => (v.store_at(&place)?, &crew.operator, filled_at),
                (LotStatus::Rejected, _) => {
                    (v.destroy()?, &crew.qa, lot.decided_at.unwrap_or(filled_at))
                }
                (_, Some(dose)) => {
                    self.push(&edge, &crew.operator, filled_at, "lot.fill")?;
                    self.dose(v, dose, &crew.physician)?;
                    continue;
                }
                _ if v.expires_at <= self.now => (
                    v.make_available()?.expire(self.now)?,
                    &crew.operator,
                    v.expires_at,
                ),
                _ if ship && shipped.len() < super::clinic::SHIP_VIALS => {
                    self.push(&edge, &crew.operator, filled_at, "lot.fill")?;
                    shipped.push(v);
                    continue;
                }
                _ => (
                    v.make_available()?.store_at(&place)?,
                    &crew.operator,
                    filled_at,
                ),
            };
            self.push(&row, by, at, "lot.fill")?;
            self.push(&edge, &crew.operator, filled_at, "lot.fill")?;
        }
        let released = lot.decided_at.unwrap_or(filled_at);
        self.ship(lot, site, shipped, released)
    }

    /// The lot's DIN(s) and each vial's product code with its division, as filling assigns them
    /// (`lots.rs::assign_isbt`, docs/isbt128.md): the next DINs of the FIN and year, up to 676
    /// divisions each; the generated donors are volunteers (allogeneic, `V`).
    fn identify(
        &mut self,
        lot: &mut Lot,
        vials: &mut [Vial],
        filled_at: UtcTime,
    ) -> Result<(), ServiceError> {
        let year = (jiff::tz::TimeZone::UTC
            .to_datetime(filled_at.timestamp())
            .year()
            % 100) as u8;
        let next = self.din_next.entry(year).or_insert(1);
        let first = u32::try_from(*next).unwrap_or(u32::MAX);
        let id = isbt::assign(
            self.fin,
            year,
            first,
            &self.isbt_description,
            CollectionType::Allogeneic,
            vials.len(),
        )
        .map_err(|e| {
            DomainError::Rule(secretome_domain::Rule::DinExhausted {
                key: format!("year {year:02}"),
                detail: e.to_string(),
            })
        })?;
        *next = i64::from(id.next_sequence(first));
        for (v, c) in vials.iter_mut().zip(&id.containers) {
            v.din = Some(c.din.to_string());
            v.product_code = Some(c.product_code.to_string());
        }
        lot.dins = Some(id.dins.iter().map(ToString::to_string).collect());
        Ok(())
    }

    fn site_of(&self, lot: &Lot) -> Result<usize, ServiceError> {
        self.sites
            .iter()
            .position(|s| lot.id.as_str().starts_with(&format!("L-{}-", s.code)))
            .ok_or_else(|| ServiceError::Internal(format!("lot {} has no site", lot.id)))
    }

    /// A vial of a released lot dispensed for its patient two hours before the dose and, unless the
    /// dose is recorded after the present, administered.
    fn dose(&mut self, v: Vial, dose: Dose, physician: &str) -> Result<(), ServiceError> {
        let p = self.patient(dose.patient)?;
        let doctor = UserName::new(physician)?;
        let given_at = day(self.start, dose.day)?;
        let dispensed_at = day(given_at, -2.0 / 24.0)?;
        let out = v
            .make_available()?
            .dispense(LotStatus::Released, dispensed_at)?;
        let mut d = Dispensing::new(v.id.clone(), p.id.clone(), doctor.clone(), dispensed_at);
        d.indication = Some(p.indication);
        let recorded = day(given_at, 1.0 / 24.0)?;
        let given = if recorded <= self.now {
            let dose_ml = (FILL_ML * self.rng.range(0.5, 1.0) * 10.0).round() / 10.0;
            let a = Administration::new(
                &d,
                &p,
                v.fill_volume_ml,
                route(p.indication),
                dose_ml,
                given_at,
                doctor,
                recorded,
            )?;
            Some((out.administer()?, a))
        } else {
            None
        };
        let (row, at, action) = match &given {
            Some((g, _)) => (g, recorded, "vial.administer"),
            None => (&out, dispensed_at, "vial.dispense"),
        };
        self.push(row, physician, at, action)?;
        self.push(&d, physician, dispensed_at, "vial.dispense")?;
        let e = Edge::new(
            (NodeKind::Vial, v.id.as_str()),
            (NodeKind::Patient, p.id.as_str()),
            Relation::Dispensed,
            Some(v.fill_volume_ml),
        );
        self.push(&e, physician, dispensed_at, "vial.dispense")?;
        self.counts.dispensed += 1;
        if let Some((_, a)) = given {
            self.push(&a, physician, recorded, "vial.administer")?;
            self.counts.administered += 1;
            self.adverse_event(&p, &a, v.lot.as_str(), physician)?;
        }
        Ok(())
    }
}
