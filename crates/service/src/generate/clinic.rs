//! The generated clinic side (issue 16): every patient's explanation and consent for the
//! indication they are treated for (so each dispensing has the consent it needs); shipments of
//! part of a released lot's stock to the next site — packed, dispatched on dry ice, received
//! there, with the data logger's hourly series, some with an excursion that quarantined the
//! shipment until QA released or rejected it; and adverse events after some doses, with their
//! CTCAE term, causality and seriousness, and their reports — submitted in time, mostly, while a
//! few serious ones are left overdue for the dashboard. Each record is made through the domain's
//! constructors and transitions and written in its present state, as the rest of the generator.

use super::{Crew, Emitter, day};
use crate::ServiceError;
use secretome_domain::{
    UtcTime,
    clinical::Administration,
    clinical::{
        AdverseEvent, AeFacts, AeOutcome, AeReport, Causality, Consent, Patient,
        reporting::SeriousCriterion,
    },
    ids::UserName,
    lot::Lot,
    shipment::{ArrivalCondition, Shipment, ShipmentItem, ShipperType, logger::Reading},
    vial::Vial,
};

/// Every this many released lots ships part of its stock to the next site (with two sites or more).
pub(super) const SHIP_EVERY: usize = 3;
/// At most this many vials in one generated shipment.
pub(super) const SHIP_VIALS: usize = 24;
/// Days from the lot's release to packing, and hours in transit.
const PACK_AFTER_RELEASE: f64 = 1.0;
const TRANSIT_HOURS: f64 = 30.0;
/// Every this many shipments (the first included) the logger shows an excursion; QA releases
/// this share of those.
const EXCURSION_EVERY: usize = 12;
const RELEASED_SHARE: f64 = 0.75;
/// Share of doses followed by an adverse event; share of those that are serious.
const AE_SHARE: f64 = 0.02;
const SERIOUS_SHARE: f64 = 0.15;
/// Share of reports due in the past left not submitted (overdue on the dashboard).
const OVERDUE_SHARE: f64 = 0.1;

/// CTCAE v5.0 terms an injection of conditioned medium plausibly brings, with the highest grade
/// generated for each (every grade from 1 up to it is allowed by the term).
const TERMS: [(&str, i64); 6] = [
    ("Injection site reaction", 3),
    ("Headache", 3),
    ("Fever", 3),
    ("Fatigue", 3),
    ("Nausea", 3),
    ("Allergic reaction", 3),
];

impl Emitter<'_> {
    /// The patient's consent for their indication, explained and signed the day they registered.
    pub(super) fn consent(&mut self, p: &Patient, crew: &Crew) -> Result<(), ServiceError> {
        let doctor = UserName::new(crew.physician.clone())?;
        let c = Consent::new(
            format!("{}-CN-01", p.id),
            p.id.clone(),
            p.indication,
            "IC-2026-01 v1",
            &format!("physician ({})", crew.code),
            p.registered_at,
            p.registered_at,
            doctor,
            p.registered_at,
        )?;
        self.push(&c, &crew.physician, p.registered_at, "consent.record")?;
        self.counts.consents += 1;
        Ok(())
    }

    /// When a lot released at `released` may ship stock: every `SHIP_EVERY`th lot with two sites
    /// or more, the whole shipment (and QA's decision on it) lying in the past.
    pub(super) fn ships_stock(&self, released: UtcTime) -> bool {
        self.sites.len() > 1
            && self.counts.lots.is_multiple_of(SHIP_EVERY)
            && day(released, PACK_AFTER_RELEASE + 3.0).is_ok_and(|t| t < self.now)
    }

    /// Ships `vials` (available stock of `lot`, out of their freezer) from the lot's site to the
    /// next one, and writes the shipment, its items and the vials as they end: received there,
    /// or after an excursion released (available) or rejected (destroyed) by QA; a vial past
    /// its expiry by now is expired.
    pub(super) fn ship(
        &mut self,
        lot: &Lot,
        from: usize,
        vials: Vec<Vial>,
        released: UtcTime,
    ) -> Result<(), ServiceError> {
        if vials.is_empty() {
            return Ok(());
        }
        let (src, dst) = (
            self.sites[from].clone(),
            self.sites[(from + 1) % self.sites.len()].clone(),
        );
        let packed = day(released, PACK_AFTER_RELEASE)?;
        let dispatched = day(packed, 0.1)?;
        let received = day(dispatched, TRANSIT_HOURS / 24.0)?;
        let decided = day(received, 1.0)?;
        let op = UserName::new(src.operator.clone())?;
        let logger = format!("EL-{}-{:04}", src.code, self.counts.shipments + 1);
        let ids = vials.iter().map(|v| v.id.clone()).collect::<Vec<_>>();
        let s = Shipment::pack(
            &format!("SH-{}", lot.id),
            src.code.clone(),
            dst.code.clone(),
            ids.clone(),
            ShipperType::DryIce,
            &logger,
            &[-80.0],
            op.clone(),
            packed,
        )?
        .dispatch(op, dispatched)?
        .receive(
            &dst.code,
            &ids,
            ArrivalCondition::Intact,
            UserName::new(dst.physician.clone())?,
            received,
        )?;
        let excursion = self.counts.shipments.is_multiple_of(EXCURSION_EVERY);
        let readings = self.logger_series(packed, received, excursion)?;
        let mut s = s.import_log(&format!("{logger}.csv"), readings)?;
        let mut action = "shipment.receive";
        let mut at = received;
        let mut release = true;
        if s.excursion.is_some() {
            release = self.rng.unit() < RELEASED_SHARE;
            let reason = if release {
                "一過性の表示上の逸脱、ドライアイス残存・製品温度は許容内 (transient probe reading; dry ice remained, product within limits)"
            } else {
                "輸送温度逸脱 (transport temperature excursion)"
            };
            s = s.decide(release, reason, UserName::new(src.qa.clone())?, decided)?;
            action = if release {
                "shipment.release"
            } else {
                "shipment.reject"
            };
            at = decided;
        }
        let by = if s.excursion.is_some() {
            src.qa.clone()
        } else {
            dst.physician.clone()
        };
        for v in vials {
            let mut out = v.make_available()?.pack()?;
            if !release {
                out = out.destroy()?;
            } else if out.expires_at <= self.now {
                out = out.expire(self.now)?;
            }
            self.push(&out, &by, at, action)?;
        }
        self.push(&s, &by, at, action)?;
        for item in ShipmentItem::of(&s) {
            self.push(&item, &src.operator, packed, "shipment.pack")?;
        }
        self.counts.shipments += 1;
        Ok(())
    }

    /// The logger's hourly readings from packing to receipt on dry ice (about −78 °C), with three
    /// hours near −62 °C in the middle when `excursion`.
    fn logger_series(
        &mut self,
        from: UtcTime,
        to: UtcTime,
        excursion: bool,
    ) -> Result<Vec<Reading>, ServiceError> {
        let mut out = Vec::new();
        let mut at = from;
        let mut k = 0;
        while at <= to {
            let warm = excursion && (12..15).contains(&k);
            let t = if warm {
                self.rng.range(-64.0, -60.0)
            } else {
                self.rng.range(-79.5, -76.5)
            };
            out.push(Reading {
                at,
                temperature_c: (t * 10.0).round() / 10.0,
            });
            at = day(at, 1.0 / 24.0)?;
            k += 1;
        }
        Ok(out)
    }

    /// Now and then an adverse event after a dose, reported by the physician the day they became
    /// aware, with its report: submitted within the deadline, or (a few serious ones) overdue.
    pub(super) fn adverse_event(
        &mut self,
        p: &Patient,
        a: &Administration,
        lot: &str,
        physician: &str,
    ) -> Result<(), ServiceError> {
        if self.rng.unit() >= AE_SHARE {
            return Ok(());
        }
        let onset = day(a.administered_at, self.rng.range(0.05, 3.0))?;
        let aware = day(onset, self.rng.range(0.0, 1.0))?;
        let reported = day(aware, 0.1)?;
        if reported > self.now {
            return Ok(());
        }
        let (term, top) = TERMS[self.rng.below(TERMS.len())];
        let serious = self.rng.unit() < SERIOUS_SHARE;
        let grade = if serious {
            3
        } else {
            1 + self.rng.below(top.min(2) as usize) as i64
        };
        let causality = [
            Causality::Related,
            Causality::Possibly,
            Causality::Unlikely,
            Causality::Unrelated,
        ][self.rng.below(4)];
        let n = self.ae_count(p)?;
        let doctor = UserName::new(physician)?;
        let ae = AdverseEvent::new(
            format!("{}-AE-{n:03}", p.id),
            p,
            Some(a),
            AeFacts {
                term: term.into(),
                grade,
                serious,
                criteria: if serious {
                    vec![SeriousCriterion::Hospitalisation]
                } else {
                    Vec::new()
                },
                causality,
                onset_at: onset,
                aware_at: Some(aware),
                outcome: AeOutcome::Recovered,
            },
            doctor.clone(),
            reported,
        )?;
        let mut report = AeReport::for_event(&ae, Some(lot.to_string()), doctor.clone(), reported)?;
        let (mut at, mut action) = (reported, "adverse_event.report");
        if let (Some(days), Some(due)) = (report.days, report.due_at)
            && (due < self.now || self.rng.unit() < 0.5)
            && self.rng.unit() >= OVERDUE_SHARE
        {
            let sent = day(aware, self.rng.range(1.0, days as f64 - 1.0))?;
            if sent <= self.now {
                let reference = format!("MHLW-{}-{n:03}", p.id);
                report =
                    report.submitted(Some(sent), Some(sent), Some(&reference), doctor, sent)?;
                (at, action) = (sent, "ae_report.submit");
            }
        }
        self.push(&ae, physician, reported, "adverse_event.report")?;
        self.push(&report, physician, at, action)?;
        self.counts.adverse_events += 1;
        Ok(())
    }

    /// The next adverse event number of a patient (1, 2, … as the service numbers them).
    fn ae_count(&mut self, p: &Patient) -> Result<usize, ServiceError> {
        let n = self.ae_numbers.entry(p.id.to_string()).or_insert(0);
        *n += 1;
        Ok(*n)
    }
}
