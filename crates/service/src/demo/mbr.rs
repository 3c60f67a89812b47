//! The demo's master batch records (製造指図書): one per cell source for the demo product, written
//! by production, approved by QA with an e-signature and in force before the first batch; and one
//! batch (B-2026-010, adipose, in culture) run against its master, whose thaw viability was below
//! its limit — recorded, with the deviation opened automatically and left for QA.

use crate::{Service, ServiceError, mbr::NewDocument};
use secretome_domain::{
    Actor, UtcTime,
    donor::TissueSource,
    mbr::{DocumentKind, Limit, MasterStep, OnBreach, Parameter, Stage, UseCase},
};

#[allow(clippy::too_many_arguments)]
fn param(
    code: &str,
    name: &str,
    name_ja: &str,
    unit: &str,
    target: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
    on_breach: OnBreach,
) -> Parameter {
    Parameter {
        code: code.into(),
        name: name.into(),
        name_ja: name_ja.into(),
        unit: unit.into(),
        target,
        limit: Limit { low, high },
        on_breach,
    }
}

#[allow(clippy::too_many_arguments)]
fn step(
    code: &str,
    stage: Stage,
    name: (&str, &str),
    instructions: (&str, &str),
    parameters: Vec<Parameter>,
    materials: &[&str],
    equipment: Option<&str>,
    grade: &str,
    second: bool,
) -> MasterStep {
    MasterStep {
        code: code.into(),
        stage,
        name: name.0.into(),
        name_ja: name.1.into(),
        instructions: instructions.0.into(),
        instructions_ja: instructions.1.into(),
        parameters,
        materials: materials.iter().map(|m| m.to_string()).collect(),
        equipment: equipment.map(str::to_string),
        room_grade: Some(grade.into()),
        needs_second_person: second,
        use_case: None,
    }
}

/// The steps of the demo product's process, from thawing the working bank to filling; the harvest
/// and the filling are executed by their use cases, the others entered on the operator's page.
pub(crate) fn steps() -> Vec<MasterStep> {
    let mut steps = page_steps();
    for s in &mut steps {
        s.use_case = match s.code.as_str() {
            "HARV" => Some(UseCase::Harvest),
            "FILL" => Some(UseCase::Filling),
            _ => None,
        };
    }
    steps
}

fn page_steps() -> Vec<MasterStep> {
    use OnBreach::{Deviation, Refuse};
    vec![
        step(
            "CUL-THAW",
            Stage::Culture,
            ("Thaw and seed", "解凍・播種"),
            (
                "Thaw one WCB vial at 37 °C, count, seed two 5-layer flasks in DMEM + 5 % hPL.",
                "ワーキングセルバンク 1 本を 37 °C で解凍し計数、DMEM + 5 % ヒト血小板溶解物で 5 段フラスコ 2 台に播種する。",
            ),
            vec![
                param(
                    "viability_pct",
                    "Viability after thaw",
                    "解凍後生存率",
                    "%",
                    Some(92.0),
                    Some(85.0),
                    None,
                    Deviation,
                ),
                param(
                    "seeding_density",
                    "Seeding density",
                    "播種密度",
                    "cells/cm²",
                    Some(3000.0),
                    Some(2500.0),
                    Some(3500.0),
                    Deviation,
                ),
            ],
            &["medium", "supplement"],
            Some("bsc"),
            "A",
            false,
        ),
        step(
            "CUL-CONF",
            Stage::Culture,
            ("Confluence before conditioning", "馴化前コンフルエンス"),
            (
                "Check confluence under the microscope on day 6.",
                "6 日目に顕微鏡でコンフルエンスを確認する。",
            ),
            vec![param(
                "confluence_pct",
                "Confluence",
                "コンフルエンス",
                "%",
                Some(85.0),
                Some(70.0),
                Some(95.0),
                Deviation,
            )],
            &[],
            Some("microscope"),
            "B",
            false,
        ),
        step(
            "COND-START",
            Stage::Conditioning,
            ("Start conditioning", "馴化開始"),
            (
                "Wash twice with PBS, change to serum-free medium, incubate 48 ± 4 h.",
                "PBS で 2 回洗浄し無血清培地に交換、48 ± 4 時間培養する。",
            ),
            vec![param(
                "hours",
                "Conditioning duration",
                "馴化時間",
                "h",
                Some(48.0),
                Some(44.0),
                Some(52.0),
                Deviation,
            )],
            &["medium"],
            Some("incubator"),
            "B",
            true,
        ),
        step(
            "HARV",
            Stage::Harvest,
            ("Harvest supernatant", "上清回収"),
            (
                "Collect the conditioned medium into a sterile bag.",
                "馴化培地 (上清) を無菌バッグに採取する (上清回収)。",
            ),
            vec![param(
                "volume_ml",
                "Harvest volume",
                "上清液量",
                "mL",
                Some(500.0),
                Some(400.0),
                Some(650.0),
                Deviation,
            )],
            &[],
            Some("bsc"),
            "A",
            false,
        ),
        step(
            "PROC-CENT",
            Stage::Processing,
            ("Centrifuge", "遠心"),
            (
                "Centrifuge to remove cells and debris.",
                "遠心して細胞・デブリを除去する。",
            ),
            vec![
                param(
                    "g_force",
                    "Centrifugal force",
                    "遠心力",
                    "g",
                    Some(400.0),
                    Some(300.0),
                    Some(500.0),
                    Refuse,
                ),
                param(
                    "minutes",
                    "Time",
                    "時間",
                    "min",
                    Some(10.0),
                    Some(5.0),
                    Some(15.0),
                    Deviation,
                ),
            ],
            &[],
            Some("centrifuge"),
            "B",
            false,
        ),
        step(
            "PROC-FILT",
            Stage::Processing,
            ("Sterilising filtration", "無菌ろ過"),
            (
                "Filter through a 0.22 µm sterilising-grade filter; integrity test after use.",
                "0.22 µm 滅菌グレードフィルターでろ過し、使用後に完全性試験を行う。",
            ),
            vec![param(
                "pore_um",
                "Filter pore size",
                "フィルター孔径",
                "µm",
                Some(0.22),
                None,
                Some(0.22),
                Refuse,
            )],
            &["filter"],
            Some("bsc"),
            "A",
            true,
        ),
        step(
            "FILL",
            Stage::Filling,
            ("Fill vials", "充填"),
            (
                "Fill 2.0 mL per vial in the isolator.",
                "アイソレーター内で 1 本あたり 2.0 mL 充填する。",
            ),
            vec![param(
                "fill_volume",
                "Fill volume",
                "充填量",
                "mL",
                Some(2.0),
                Some(1.9),
                Some(2.1),
                Deviation,
            )],
            &["vial"],
            Some("isolator"),
            "A",
            true,
        ),
    ]
}

/// The master batch records of the demo product, one per cell source, in force from `t`.
pub(super) async fn masters(
    svc: &Service,
    op: &Actor,
    qa: &Actor,
    t: UtcTime,
) -> Result<(), ServiceError> {
    for (code, source, en, ja) in [
        (
            "MBR-CM01-BM",
            TissueSource::BoneMarrow,
            "bone marrow",
            "骨髄",
        ),
        (
            "MBR-CM01-AD",
            TissueSource::Adipose,
            "adipose tissue",
            "脂肪",
        ),
        (
            "MBR-CM01-UC",
            TissueSource::UmbilicalCord,
            "umbilical cord",
            "臍帯",
        ),
    ] {
        let v = svc
            .create_document(
                op,
                t,
                NewDocument {
                    code: code.into(),
                    kind: DocumentKind::MasterBatchRecord,
                    title: format!("MSC conditioned medium from {en}"),
                    title_ja: format!("{ja}由来 幹細胞培養上清液 製造指図書"),
                    product: Some(super::qc::PRODUCT.into()),
                    cell_source: Some(source),
                },
                "初版制定",
                Some(steps()),
            )
            .await?;
        svc.submit_version(op, t, &v.id).await?;
        svc.approve_version(
            qa,
            t,
            &v.id,
            "demo",
            "プロセスバリデーション PV-2026-01 完了",
        )
        .await?;
        svc.make_effective(qa, t, &v.id).await?;
    }
    Ok(())
}

/// Starts `batch` from the adipose master at its seeding and records the thaw: viability 82 %
/// against ≥ 85 % opens a deviation.
pub(super) async fn guided_batch(
    svc: &Service,
    op: &Actor,
    batch: &str,
    density: f64,
    at: UtcTime,
) -> Result<(), ServiceError> {
    svc.start_execution(op, at, batch, "MBR-CM01-AD/v1").await?;
    svc.record_step(
        op,
        at,
        batch,
        "CUL-THAW",
        &[
            ("viability_pct".into(), 82.0),
            ("seeding_density".into(), density.round()),
        ],
        at,
        Some("解凍が SOP より 2 分長かった".into()),
    )
    .await?;
    Ok(())
}
