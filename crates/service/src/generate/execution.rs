//! Batches executed against a master batch record at scale (issue 15): the generator's product has
//! one master per cell source (`MBR-GEN-BM`, `-AD`, `-UC`, `-DP`), drafted, approved with QA's
//! e-signature and put in force through the document-control use cases before the first batch;
//! every generated batch starts from the master of its bank's cell source at seeding, and its seeding, conditioning, harvest, centrifugation, filtration and filling are
//! recorded as the execution of the bound steps by `use_case::execute` — the same rules the
//! service's use cases apply (order, limits, deviations) — with the filling verified by QC.

use super::{Crew, Emitter};
use crate::{Service, ServiceError, mbr::NewDocument};
use secretome_domain::{
    UtcTime,
    donor::TissueSource,
    ids::{BatchId, UserName},
    mbr::{
        BatchExecution, DocumentKind, DocumentVersion, Limit, MasterRecord, MasterStep, OnBreach,
        Parameter, Stage, StepDeviation, StepRecord, UseCase, use_case,
    },
};

/// The generator's master batch records, one per cell source.
pub(super) const MASTER: &str = "MBR-GEN";
const SOURCES: [(TissueSource, &str); 4] = [
    (TissueSource::BoneMarrow, "BM"),
    (TissueSource::Adipose, "AD"),
    (TissueSource::UmbilicalCord, "UC"),
    (TissueSource::DentalPulp, "DP"),
];

/// A batch's execution as it is being written (`master`: index into the emitter's masters).
pub(super) struct Guided {
    ex: BatchExecution,
    master: usize,
    records: Vec<StepRecord>,
    deviations: Vec<StepDeviation>,
}

fn param(
    code: &str,
    names: (&str, &str),
    unit: &str,
    lim: (Option<f64>, Option<f64>),
) -> Parameter {
    Parameter {
        code: code.into(),
        name: names.0.into(),
        name_ja: names.1.into(),
        unit: unit.into(),
        target: None,
        limit: Limit {
            low: lim.0,
            high: lim.1,
        },
        on_breach: OnBreach::Deviation,
    }
}

fn step(
    code: &str,
    stage: Stage,
    names: (&str, &str),
    parameters: Vec<Parameter>,
    use_case: UseCase,
) -> MasterStep {
    MasterStep {
        code: code.into(),
        stage,
        name: names.0.into(),
        name_ja: names.1.into(),
        instructions: format!("{} as SOP-MFG-001", names.0),
        instructions_ja: format!("SOP-MFG-001 に従い{}", names.1),
        parameters,
        materials: Vec::new(),
        equipment: None,
        room_grade: Some(if stage == Stage::Filling { "A" } else { "B" }.into()),
        needs_second_person: use_case == UseCase::Filling,
        use_case: Some(use_case),
    }
}

/// Seeding 2500–3500 cells/cm², conditioning 44–52 h, harvest after 44–56 h, centrifugation
/// 1500–2500 g for 5–15 min, a ≤ 0.22 µm filtration, filling 1.9–2.1 mL (verified).
fn steps() -> Vec<MasterStep> {
    vec![
        step(
            "SEED",
            Stage::Culture,
            ("Seeding", "播種"),
            vec![param(
                "seeding_density",
                ("Seeding density", "播種密度"),
                "cells/cm²",
                (Some(2500.0), Some(3500.0)),
            )],
            UseCase::Seeding,
        ),
        step(
            "COND",
            Stage::Conditioning,
            ("Start conditioning", "馴化開始"),
            vec![param(
                "hours",
                ("Conditioning duration", "馴化時間"),
                "h",
                (Some(44.0), Some(52.0)),
            )],
            UseCase::Conditioning,
        ),
        step(
            "HARV",
            Stage::Harvest,
            ("Harvest", "上清回収"),
            vec![
                param(
                    "volume_ml",
                    ("Harvest volume", "上清液量"),
                    "mL",
                    (None, None),
                ),
                param(
                    "conditioning_hours",
                    ("Conditioned for", "馴化実時間"),
                    "h",
                    (Some(44.0), Some(56.0)),
                ),
            ],
            UseCase::Harvest,
        ),
        step(
            "CENT",
            Stage::Processing,
            ("Centrifugation", "遠心分離"),
            vec![
                param(
                    "g_force",
                    ("Centrifugal force", "遠心力"),
                    "g",
                    (Some(1500.0), Some(2500.0)),
                ),
                param("minutes", ("Time", "時間"), "min", (Some(5.0), Some(15.0))),
            ],
            UseCase::Centrifugation,
        ),
        step(
            "FILT",
            Stage::Processing,
            ("Filtration", "ろ過"),
            vec![param(
                "pore_um",
                ("Filter pore size", "孔径"),
                "µm",
                (None, Some(0.22)),
            )],
            UseCase::Filtration,
        ),
        step(
            "FILL",
            Stage::Filling,
            ("Filling", "充填"),
            vec![param(
                "fill_volume",
                ("Fill volume", "充填量"),
                "mL",
                (Some(1.9), Some(2.1)),
            )],
            UseCase::Filling,
        ),
    ]
}

impl Service {
    /// The generator's masters, one per cell source, written by site 0's operator, approved
    /// (e-signature) by its QA and in force from `t`.
    pub(super) async fn generate_masters(
        &self,
        t: UtcTime,
        crew: &Crew,
    ) -> Result<Vec<(TissueSource, DocumentVersion)>, ServiceError> {
        let op = self.actor(&crew.operator).await?;
        let qa = self.actor(&crew.qa).await?;
        let mut out = Vec::new();
        for (source, code) in SOURCES {
            let v = self
                .create_document(
                    &op,
                    t,
                    NewDocument {
                        code: format!("{MASTER}-{code}"),
                        kind: DocumentKind::MasterBatchRecord,
                        title: format!("MSC conditioned medium from {}", source.as_str()),
                        title_ja: format!("幹細胞培養上清液 製造指図書 ({})", source.as_str()),
                        product: Some(super::PRODUCT.into()),
                        cell_source: Some(source),
                    },
                    "first issue / 初版制定",
                    Some(steps()),
                )
                .await?;
            self.submit_version(&op, t, &v.id).await?;
            self.approve_version(
                &qa,
                t,
                &v.id,
                "demo",
                "process validation / プロセスバリデーション完了",
            )
            .await?;
            out.push((source, self.make_effective(&qa, t, &v.id).await?));
        }
        Ok(out)
    }
}

impl Emitter<'_> {
    fn master(&self, i: usize) -> Result<&MasterRecord, ServiceError> {
        self.masters
            .get(i)
            .and_then(|(_, v)| v.master.as_ref())
            .ok_or_else(|| ServiceError::Internal(format!("{MASTER}: no master {i}")))
    }

    /// Starts `batch` from the master of its cell source at its seeding.
    pub(super) fn start_guided(
        &mut self,
        batch: &BatchId,
        source: TissueSource,
        seeded: UtcTime,
        op: &str,
    ) -> Result<Guided, ServiceError> {
        let master = self
            .masters
            .iter()
            .position(|(s, _)| *s == source)
            .unwrap_or(0);
        let version = &self.masters[master].1;
        let ex = BatchExecution::start(batch, version, &UserName::new(op)?, seeded)?;
        self.counts.executions += 1;
        Ok(Guided {
            ex,
            master,
            records: Vec::new(),
            deviations: Vec::new(),
        })
    }

    /// Records the step `use_case` executes, with its values, done at `at` by `by` in `place`.
    pub(super) fn execute(
        &mut self,
        g: &mut Guided,
        use_case: UseCase,
        supplied: &[(String, f64)],
        at: UtcTime,
        by: &str,
        place: (Option<&str>, Option<&str>),
    ) -> Result<(), ServiceError> {
        let by = UserName::new(by)?;
        let master = self.master(g.master)?;
        if let Some((mut r, d)) = use_case::execute(
            &g.ex,
            master,
            &g.records,
            g.deviations.len(),
            use_case,
            supplied,
            at,
            &by,
            at,
        )? {
            r.room = place.0.map(str::to_string);
            r.equipment = place.1.map(str::to_string);
            g.records.push(r);
            g.deviations.extend(d);
        }
        Ok(())
    }

    /// The second person's verification of every step awaiting it.
    pub(super) fn verify_guided(
        &mut self,
        g: &mut Guided,
        by: &str,
        at: UtcTime,
    ) -> Result<(), ServiceError> {
        let by = UserName::new(by)?;
        for r in g.records.iter_mut() {
            if r.status == secretome_domain::mbr::StepStatus::AwaitingVerification {
                *r = r.verify(&by, at)?;
            }
        }
        Ok(())
    }

    /// Writes the execution, its step records and deviations (after the batch row).
    pub(super) fn write_guided(&mut self, g: Guided) -> Result<(), ServiceError> {
        let by = g.ex.started_by.to_string();
        self.push(&g.ex, &by, g.ex.started_at, "execution.start")?;
        for r in &g.records {
            let action = if r.verified_by.is_some() {
                "execution.verify"
            } else {
                "execution.step"
            };
            self.push(r, r.recorded_by.as_str(), r.recorded_at, action)?;
        }
        for d in &g.deviations {
            self.push(d, d.opened_by.as_str(), d.opened_at, "execution.deviation")?;
        }
        self.counts.step_records += g.records.len();
        Ok(())
    }
}
