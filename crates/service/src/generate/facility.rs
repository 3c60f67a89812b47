//! The generated facility (issue 14): per site a grade B processing room with an isolator (grade
//! A) inside it, a centrifuge and the site's freezer in the equipment register, the operator's
//! gowning and aseptic-process qualifications, and a daily settle plate and particle count in the
//! isolator over the whole history (all within limits). Every lot's steps are done in the room
//! with the centrifuge, its sterilising filtration in the isolator with pre- and post-use bubble
//! point tests, and its filling in the isolator — so a generated lot's release check is clear, as
//! the demo's releasable lots are.

use super::{Crew, Emitter, day};
use crate::ServiceError;
use secretome_domain::{
    UtcTime,
    facility::{
        EmResult, EmSampleType, Equipment, EquipmentKind, Grade, IntegrityMethod, IntegrityStage,
        IntegrityTest, Qualification, QualificationKind, Room, SterileFiltration, ZoneKind,
        em::default_limits,
    },
    ids::UserName,
    lot::Lot,
};

/// A site's processing room, isolator and centrifuge ids.
pub(super) fn places(crew: &Crew) -> (String, String, String) {
    let c = crew.code.as_str();
    (format!("CPC-{c}"), format!("ISO-{c}"), format!("CF-{c}"))
}

impl Emitter<'_> {
    /// Rooms, equipment, qualifications and the EM history of every site.
    pub(super) fn facility(&mut self) -> Result<(), ServiceError> {
        let t = self.origin;
        let far = day(self.now, 3.0 * 365.0)?;
        for crew in self.sites.clone() {
            let (room, iso, cf) = places(&crew);
            let r = Room::new(
                &room,
                "細胞加工室 (processing room)",
                ZoneKind::Room,
                Grade::B,
                None,
                t,
            )?;
            let z = Room::new(
                &iso,
                "アイソレータ (isolator)",
                ZoneKind::Isolator,
                Grade::A,
                Some(&r),
                t,
            )?;
            self.push(&r, &crew.qa, t, "room.add")?;
            self.push(&z, &crew.qa, t, "room.add")?;
            let centrifuge = Equipment::new(
                &cf,
                "遠心機 (centrifuge)",
                EquipmentKind::Centrifuge,
                Some(room.clone()),
                None,
                Some(far),
                Some(far),
                t,
            )?;
            let freezer = Equipment::new(
                &format!("EQ-{}", crew.freezer),
                "超低温フリーザー (ULT freezer)",
                EquipmentKind::Freezer,
                Some(room.clone()),
                Some(crew.freezer.clone()),
                Some(far),
                Some(far),
                t,
            )?;
            self.push(&centrifuge, &crew.qa, t, "equipment.register")?;
            self.push(&freezer, &crew.qa, t, "equipment.register")?;
            let op = UserName::new(crew.operator.clone())?;
            let qa = UserName::new(crew.qa.clone())?;
            for (k, kind) in [
                QualificationKind::Gowning,
                QualificationKind::AsepticProcess,
            ]
            .into_iter()
            .enumerate()
            {
                let q = Qualification::new(
                    format!("{op}/Q-{:03}", k + 1),
                    &op,
                    kind,
                    "SOP-ASEP-01",
                    "1",
                    t,
                    &qa,
                    Some(far),
                    t,
                )?;
                self.push(&q, &crew.qa, t, "qualification.record")?;
            }
            self.em_history(&crew, &iso)?;
        }
        Ok(())
    }

    /// A settle plate (no growth) and a particle count a day in the isolator, start to now.
    fn em_history(&mut self, crew: &Crew, iso: &str) -> Result<(), ServiceError> {
        let qc = UserName::new(crew.qc.clone())?;
        let mut n = 0;
        let mut at = day(self.start, 0.4)?;
        while at < self.now {
            let p05 = self.rng.range(100.0, 2_000.0).round();
            for (kind, value) in [
                (EmSampleType::SettlePlate, 0.0),
                (EmSampleType::Particles05, p05),
            ] {
                n += 1;
                let e = EmResult::new(
                    format!("{iso}/EM-{n:05}"),
                    iso,
                    Some("作業面 (work surface)"),
                    kind,
                    value,
                    default_limits(Grade::A, kind),
                    at,
                    &qc,
                    at,
                )?;
                self.push(&e, &crew.qc, at, "em.record")?;
            }
            at = day(at, 1.0)?;
        }
        Ok(())
    }

    /// The lot's sterilising filtration in the isolator with pre- and post-use bubble point tests
    /// (both passing), at `at`, before filling.
    pub(super) fn filtration(
        &mut self,
        crew: &Crew,
        lot: &Lot,
        at: UtcTime,
    ) -> Result<(), ServiceError> {
        let (_, iso, _) = places(crew);
        let op = UserName::new(crew.operator.clone())?;
        let mut f = SterileFiltration::new(
            format!("{}/SF-01", lot.id),
            lot,
            "Sartorius",
            "Sartopore 2 300",
            &format!("SP2-{}", lot.id),
            0.2,
            true,
            at,
            &op,
            at,
        )?;
        f.room = Some(iso);
        self.push(&f, &crew.operator, at, "filtration.record")?;
        for (k, stage) in [IntegrityStage::PreUse, IntegrityStage::PostUse]
            .into_iter()
            .enumerate()
        {
            let tested = day(at, 0.01 * k as f64)?;
            let measured = (self.rng.range(3.4, 4.0) * 100.0).round() / 100.0;
            let t = IntegrityTest::new(
                format!("{}/IT-{:02}", f.id, k + 1),
                &f,
                stage,
                IntegrityMethod::BubblePoint,
                3.2,
                measured,
                "bar",
                tested,
                &op,
                tested,
            )?;
            self.push(&t, &crew.operator, tested, "integrity.record")?;
        }
        Ok(())
    }
}
