//! Culture batches (培養バッチ): vessel and seeding, observations (count, viability, confluence),
//! conditioning in serum-free medium (馴化培養) and harvest of the supernatant (上清回収).
//! State machine: `culturing → conditioning → harvested`.

use crate::{
    DomainError, TransitionError, UtcTime,
    culture::CellBank,
    ids::{BatchId, CellBankId, HarvestId, MaterialLotId},
    plausible::{self, HarvestWindow, event_time},
    quantity::{non_negative, percent, positive, text},
};
use serde::{Deserialize, Serialize};

/// Culture vessels with their growth area (planner-defaults.md, "Vessels").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VesselKind {
    T25,
    T75,
    T175,
    T225,
    Hyperflask,
    Multilayer1,
    Multilayer2,
    Multilayer5,
    Multilayer10,
}

impl VesselKind {
    pub const ALL: [VesselKind; 9] = [
        VesselKind::T25,
        VesselKind::T75,
        VesselKind::T175,
        VesselKind::T225,
        VesselKind::Hyperflask,
        VesselKind::Multilayer1,
        VesselKind::Multilayer2,
        VesselKind::Multilayer5,
        VesselKind::Multilayer10,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            VesselKind::T25 => "t25",
            VesselKind::T75 => "t75",
            VesselKind::T175 => "t175",
            VesselKind::T225 => "t225",
            VesselKind::Hyperflask => "hyperflask",
            VesselKind::Multilayer1 => "multilayer1",
            VesselKind::Multilayer2 => "multilayer2",
            VesselKind::Multilayer5 => "multilayer5",
            VesselKind::Multilayer10 => "multilayer10",
        }
    }
    /// The vessel as a Japanese facility names it (T フラスコ, 多段フラスコ).
    pub fn name_ja(self) -> &'static str {
        match self {
            VesselKind::T25 => "T25 フラスコ",
            VesselKind::T75 => "T75 フラスコ",
            VesselKind::T175 => "T175 フラスコ",
            VesselKind::T225 => "T225 フラスコ",
            VesselKind::Hyperflask => "HYPERFlask",
            VesselKind::Multilayer1 => "1 段フラスコ",
            VesselKind::Multilayer2 => "2 段フラスコ",
            VesselKind::Multilayer5 => "5 段フラスコ",
            VesselKind::Multilayer10 => "10 段フラスコ",
        }
    }
    /// The vessel in English (`5-layer flask`).
    pub fn name_en(self) -> &'static str {
        match self {
            VesselKind::T25 => "T25 flask",
            VesselKind::T75 => "T75 flask",
            VesselKind::T175 => "T175 flask",
            VesselKind::T225 => "T225 flask",
            VesselKind::Hyperflask => "HYPERFlask",
            VesselKind::Multilayer1 => "1-layer flask",
            VesselKind::Multilayer2 => "2-layer flask",
            VesselKind::Multilayer5 => "5-layer flask",
            VesselKind::Multilayer10 => "10-layer flask",
        }
    }
    /// Growth area per vessel, cm².
    pub fn area_cm2(self) -> f64 {
        match self {
            VesselKind::T25 => 25.0,
            VesselKind::T75 => 75.0,
            VesselKind::T175 => 175.0,
            VesselKind::T225 => 225.0,
            VesselKind::Hyperflask => 1720.0,
            VesselKind::Multilayer1 => 636.0,
            VesselKind::Multilayer2 => 1272.0,
            VesselKind::Multilayer5 => 3180.0,
            VesselKind::Multilayer10 => 6360.0,
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    field,
                    crate::Why::said(
                        format!("unknown vessel {s:?}"),
                        format!("{s:?} は容器の種類にありません"),
                    ),
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    Culturing,
    Conditioning,
    Harvested,
}

impl BatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Culturing => "culturing",
            BatchStatus::Conditioning => "conditioning",
            BatchStatus::Harvested => "harvested",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            BatchStatus::Culturing => "培養中",
            BatchStatus::Conditioning => "馴化培養中",
            BatchStatus::Harvested => "上清回収済",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CultureBatch {
    pub id: BatchId,
    pub cell_bank: CellBankId,
    pub vessel: VesselKind,
    pub vessel_count: i64,
    pub passage: i64,
    /// cells/cm² at seeding (播種密度).
    pub seeding_density: f64,
    pub seeded_at: UtcTime,
    pub status: BatchStatus,
    pub conditioning_started_at: Option<UtcTime>,
    pub conditioning_medium: Option<MaterialLotId>,
    pub conditioning_hours: Option<f64>,
    pub hypoxia: Option<bool>,
}

impl CultureBatch {
    pub fn seed(
        id: BatchId,
        bank: &CellBank,
        vessel: VesselKind,
        vessel_count: i64,
        seeding_density: f64,
        seeded_at: UtcTime,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        // Every bad field at once.
        let mut all = crate::Invalids::default();
        let seeded_at = all.take(event_time(
            "seeded_at",
            seeded_at,
            Some((bank.banked_at, ("the cell bank was made", "セルバンク作製"))),
            now,
        ));
        if !(1..=1000).contains(&vessel_count) {
            all.take::<()>(Err(DomainError::invalid(
                "vessel_count",
                crate::Why::Between("1".into(), "1000".into()),
            )));
        }
        let seeding_density = all.take(positive("seeding_density", seeding_density));
        let (Some(seeded_at), Some(seeding_density), true) =
            (seeded_at, seeding_density, all.is_empty())
        else {
            return Err(all.into_error());
        };
        Ok(Self {
            id,
            cell_bank: bank.id.clone(),
            vessel,
            vessel_count,
            passage: bank.passage + 1,
            seeding_density,
            seeded_at,
            status: BatchStatus::Culturing,
            conditioning_started_at: None,
            conditioning_medium: None,
            conditioning_hours: None,
            hypoxia: None,
        })
    }

    /// Total growth area, cm².
    pub fn area_cm2(&self) -> f64 {
        self.vessel.area_cm2() * self.vessel_count as f64
    }

    fn refuse(&self, action: &'static str) -> DomainError {
        TransitionError {
            entity: "culture batch",
            id: self.id.to_string(),
            from: self.status.as_str(),
            action,
        }
        .into()
    }

    /// Observations are recorded while the cells are in the vessel.
    pub fn check_observable(&self) -> Result<(), DomainError> {
        if self.status == BatchStatus::Harvested {
            return Err(self.refuse("record an observation"));
        }
        Ok(())
    }

    /// Switch to serum-free conditioning medium for `hours`.
    pub fn start_conditioning(
        &self,
        medium: MaterialLotId,
        hours: f64,
        hypoxia: bool,
        at: UtcTime,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if self.status != BatchStatus::Culturing {
            return Err(self.refuse("start conditioning"));
        }
        // Every bad field at once.
        let mut all = crate::Invalids::default();
        let at = all.keep(
            event_time(
                "started_at",
                at,
                Some((self.seeded_at, ("seeding", "播種"))),
                now,
            ),
            at,
        );
        let hours = all.keep(positive("hours", hours), hours);
        if hours > 240.0 {
            all.take::<()>(Err(DomainError::invalid(
                "hours",
                crate::Why::said("must be at most 240 h", "240 時間以下で入力してください"),
            )));
        }
        all.done()?;
        let mut next = self.clone();
        next.status = BatchStatus::Conditioning;
        next.conditioning_started_at = Some(at);
        next.conditioning_medium = Some(medium);
        next.conditioning_hours = Some(hours);
        next.hypoxia = Some(hypoxia);
        Ok(next)
    }

    /// Harvest the conditioned medium: only from a batch in conditioning, after it started and not
    /// after `now`. A harvest outside the conditioning window ([`HarvestWindow::STANDARD`] of the
    /// stated hours) is refused unless `deviation` gives the reason; it is then recorded with it.
    pub fn harvest(
        &self,
        id: HarvestId,
        volume_ml: f64,
        at: UtcTime,
        deviation: Option<&str>,
        now: UtcTime,
    ) -> Result<(Self, Harvest), DomainError> {
        if self.status != BatchStatus::Conditioning {
            return Err(self.refuse("harvest"));
        }
        let started = self.conditioning_started_at;
        // Every bad field at once.
        let mut all = crate::Invalids::default();
        let timely = all.take(event_time(
            "harvested_at",
            at,
            started.map(|s| (s, ("the start of conditioning", "馴化培養の開始"))),
            now,
        ));
        let outside = match (timely, started, self.conditioning_hours) {
            (Some(at), Some(s), Some(h)) => HarvestWindow::STANDARD.outside(h, s.hours_until(at)),
            _ => None,
        };
        let deviation = match (outside, deviation.map(str::trim).filter(|d| !d.is_empty())) {
            (None, _) => None,
            (Some(why), None) => all.take(Err(DomainError::invalid(
                "harvested_at",
                crate::Why::said(
                    format!("{why}; record it with a deviation reason or correct the time"),
                    format!(
                        "{}。逸脱の理由を付けて記録するか、時刻を訂正してください",
                        why.ja()
                    ),
                ),
            ))),
            (Some(why), Some(reason)) => all.take(text("deviation", &format!("{why}: {reason}"))),
        };
        let volume_ml = all.keep(positive("volume_ml", volume_ml), volume_ml);
        all.done()?;
        let mut next = self.clone();
        next.status = BatchStatus::Harvested;
        let h = Harvest {
            id,
            batch: self.id.clone(),
            harvested_at: at,
            volume_ml,
            remaining_ml: volume_ml,
            deviation,
            room: None,
            equipment: None,
            operator: None,
        };
        Ok((next, h))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Observation {
    pub id: String,
    pub batch: BatchId,
    pub observed_at: UtcTime,
    /// Total viable cells in the batch.
    pub cell_count: f64,
    pub viability_pct: f64,
    pub confluence_pct: f64,
    pub note: Option<String>,
}

impl Observation {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        batch: &CultureBatch,
        observed_at: UtcTime,
        cell_count: f64,
        viability_pct: f64,
        confluence_pct: f64,
        note: Option<String>,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        batch.check_observable()?;
        // Every bad field at once.
        let mut all = crate::Invalids::default();
        let observed_at = all.take(event_time(
            "observed_at",
            observed_at,
            Some((batch.seeded_at, ("seeding", "播種"))),
            now,
        ));
        let cell_count = all.take(non_negative("cell_count", cell_count));
        let viability_pct = all.take(percent("viability_pct", viability_pct));
        let confluence_pct = all.take(percent("confluence_pct", confluence_pct));
        let note = all.take(plausible::note("note", note));
        match (observed_at, cell_count, viability_pct, confluence_pct, note) {
            (
                Some(observed_at),
                Some(cell_count),
                Some(viability_pct),
                Some(confluence_pct),
                Some(note),
            ) => Ok(Self {
                id,
                batch: batch.id.clone(),
                observed_at,
                cell_count,
                viability_pct,
                confluence_pct,
                note,
            }),
            _ => Err(all.into_error()),
        }
    }
}

impl Observation {
    /// The same observation with corrected values (allowed in any batch state: a correction fixes
    /// the record, it does not observe anew). The reason goes with the audit event.
    pub fn corrected(
        &self,
        cell_count: f64,
        viability_pct: f64,
        confluence_pct: f64,
    ) -> Result<Self, DomainError> {
        let mut o = self.clone();
        o.cell_count = non_negative("cell_count", cell_count)?;
        o.viability_pct = percent("viability_pct", viability_pct)?;
        o.confluence_pct = percent("confluence_pct", confluence_pct)?;
        Ok(o)
    }
}

/// Supernatant collected from one batch, cells removed. `remaining_ml` is what is not yet pooled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Harvest {
    pub id: HarvestId,
    pub batch: BatchId,
    pub harvested_at: UtcTime,
    pub volume_ml: f64,
    pub remaining_ml: f64,
    /// Set when harvested outside the conditioning window: why, and the operator's reason (逸脱).
    /// The batch record flags it and pooling opens a deviation on the lot for QA.
    #[serde(default)]
    pub deviation: Option<String>,
    /// Where it was harvested, with what and by whom (issue 14; None before migration 0016).
    #[serde(default)]
    pub room: Option<String>,
    #[serde(default)]
    pub equipment: Option<String>,
    #[serde(default)]
    pub operator: Option<crate::ids::UserName>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{culture::BankKind, ids::TissueId};

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }
    fn now() -> UtcTime {
        t("2026-12-01T00:00:00Z")
    }
    fn bank() -> CellBank {
        CellBank {
            id: CellBankId::new("WCB-1").unwrap(),
            kind: BankKind::Working,
            tissue: TissueId::new("T-1").unwrap(),
            parent: None,
            passage: 3,
            population_doublings: 10.0,
            vials_frozen: 10,
            cells_per_vial: 1e6,
            banked_at: t("2026-01-01T00:00:00Z"),
        }
    }

    #[test]
    fn batch_goes_culturing_conditioning_harvested() {
        let b = CultureBatch::seed(
            BatchId::new("B-1").unwrap(),
            &bank(),
            VesselKind::T175,
            4,
            3000.0,
            t("2026-02-01T00:00:00Z"),
            now(),
        )
        .unwrap();
        assert_eq!(b.passage, 4);
        assert_eq!(b.area_cm2(), 700.0);
        let medium = MaterialLotId::new("RM-SFM-1").unwrap();
        assert!(
            b.harvest(
                HarvestId::new("H-1").unwrap(),
                100.0,
                t("2026-02-05T00:00:00Z"),
                None,
                now(),
            )
            .is_err()
        );
        let c = b
            .start_conditioning(medium, 48.0, false, t("2026-02-05T00:00:00Z"), now())
            .unwrap();
        let (h, harvest) = c
            .harvest(
                HarvestId::new("H-1").unwrap(),
                112.0,
                t("2026-02-07T00:00:00Z"),
                None,
                now(),
            )
            .unwrap();
        assert_eq!(h.status, BatchStatus::Harvested);
        assert_eq!(harvest.remaining_ml, 112.0);
        let e = Observation::new(
            "o".into(),
            &h,
            t("2026-02-08T00:00:00Z"),
            1e6,
            90.0,
            80.0,
            None,
            now(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "culture batch B-1 is harvested: cannot record an observation"
        );
    }

    #[test]
    fn observations_are_range_checked() {
        let b = CultureBatch::seed(
            BatchId::new("B-1").unwrap(),
            &bank(),
            VesselKind::T75,
            1,
            3000.0,
            t("2026-02-01T00:00:00Z"),
            now(),
        )
        .unwrap();
        let e = Observation::new(
            "o".into(),
            &b,
            t("2026-02-02T00:00:00Z"),
            1e6,
            101.0,
            50.0,
            None,
            now(),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("viability_pct:"));
        assert!(
            Observation::new(
                "o".into(),
                &b,
                t("2026-01-02T00:00:00Z"),
                1e6,
                90.0,
                50.0,
                None,
                now(),
            )
            .is_err()
        );
    }

    #[test]
    fn times_must_be_plausible_and_harvest_inside_the_window() {
        let now = t("2026-02-10T00:00:00Z");
        let seed = |at: &str| {
            CultureBatch::seed(
                BatchId::new("B-1").unwrap(),
                &bank(),
                VesselKind::T75,
                1,
                3000.0,
                t(at),
                now,
            )
        };
        let e = seed("2027-01-15T00:00:00Z").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("seeded_at: must not be in the future")
        );
        let e = seed("2025-12-31T00:00:00Z").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("seeded_at: cannot be before the cell bank")
        );
        let b = seed("2026-02-01T00:00:00Z").unwrap();
        let e = Observation::new(
            "o".into(),
            &b,
            t("2027-01-15T00:00:00Z"),
            1e6,
            90.0,
            50.0,
            None,
            now,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("observed_at: must not be in the future")
        );
        let long = Some("x".repeat(crate::plausible::NOTE_MAX + 1));
        let e = Observation::new(
            "o".into(),
            &b,
            t("2026-02-02T00:00:00Z"),
            1e6,
            90.0,
            50.0,
            long,
            now,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("note:"));
        let medium = MaterialLotId::new("RM-SFM-1").unwrap();
        let e = b
            .start_conditioning(medium.clone(), 48.0, false, t("2027-01-01T00:00:00Z"), now)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("started_at: must not be in the future")
        );
        let c = b
            .start_conditioning(medium, 48.0, false, t("2026-02-05T00:00:00Z"), now)
            .unwrap();
        let h = || HarvestId::new("H-1").unwrap();
        // One minute into a 48 h conditioning: refused without a deviation reason …
        let early = t("2026-02-05T00:01:00Z");
        let e = c.harvest(h(), 100.0, early, None, now).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "harvested_at: 0.0 h after conditioning started: before the stated 48 h"
            )
        );
        // … recorded with one, which the harvest carries.
        let (_, hv) = c
            .harvest(h(), 100.0, early, Some("contamination suspected"), now)
            .unwrap();
        assert!(
            hv.deviation
                .as_deref()
                .unwrap()
                .ends_with(": contamination suspected")
        );
        let e = c
            .harvest(h(), 100.0, t("2026-02-09T00:00:00Z"), None, now)
            .unwrap_err();
        assert!(e.to_string().contains("later than the stated 48 h allows"));
        let e = c
            .harvest(h(), 100.0, t("2026-02-11T00:00:00Z"), None, now)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("harvested_at: must not be in the future")
        );
        let (_, ok) = c
            .harvest(h(), 100.0, t("2026-02-07T00:00:00Z"), None, now)
            .unwrap();
        assert_eq!(ok.deviation, None);
        // Every bad field at once: one minute in and a negative volume; a future start, no hours.
        let e = c.harvest(h(), -500.0, early, None, now).unwrap_err();
        let DomainError::Invalid { field, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(field, "harvested_at, volume_ml");
        let e = b
            .start_conditioning(
                MaterialLotId::new("RM-SFM-1").unwrap(),
                0.0,
                false,
                t("2027-01-01T00:00:00Z"),
                now,
            )
            .unwrap_err();
        let DomainError::Invalid { field, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(field, "started_at, hours");
    }
}
