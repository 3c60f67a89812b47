//! The demo's quality side: product MSC-CM-01 with specification v1 (superseded when v2, which
//! adds extracellular-vesicle particles, becomes effective), results for every filled lot — passing
//! for released lots, endotoxin out of specification for the rejected one, complete and passing for
//! one quarantine lot, and an out-of-specification particle count with an open deviation for the
//! other — all entered through the use cases.

use super::{Lcg, at};
use crate::{NewProduct, NewResult, NewTest, Service, ServiceError};
use secretome_domain::{
    Actor, UtcTime,
    qc::{Specification, catalogue},
};

/// The demo product's code.
pub const PRODUCT: &str = "MSC-CM-01";

/// How a lot's results come out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every test passes or is reported.
    Pass,
    /// Endotoxin 0.8 EU/mL (> 0.5): the lot is rejected.
    EndotoxinFail,
    /// EV particles below the v2 minimum, a deviation opened by QC and not yet decided.
    ParticlesLowWithDeviation,
}

fn tests(with_particles: bool) -> Result<Vec<NewTest>, ServiceError> {
    let mut t = catalogue::safety_tests()?;
    t.extend(catalogue::content_tests()?);
    if with_particles {
        t.push(catalogue::ev_particles(1.0e9)?);
    }
    Ok(t.into_iter().map(NewTest::from).collect())
}

/// The product and specification v1, effective from `t`.
pub async fn setup(
    svc: &Service,
    admin: &Actor,
    qa: &Actor,
    t: UtcTime,
) -> Result<(), ServiceError> {
    svc.create_product(
        admin,
        t,
        NewProduct {
            id: PRODUCT.into(),
            name: "MSC conditioned medium (stem-cell culture supernatant)".into(),
            name_ja: "幹細胞培養上清液".into(),
            shelf_life_days: 365,
            storage_temperature_c: -80.0,
            // Synthetic codes for the demo: a real facility uses the ones ICCBBA issues it.
            isbt_code: Some("S0001".into()),
        },
    )
    .await?;
    svc.set_setting(admin, t, secretome_domain::site::SETTING_FIN, "G1234")
        .await?;
    let v1 = svc
        .create_specification(qa, t, PRODUCT, tests(false)?)
        .await?;
    svc.make_specification_effective(qa, t, &v1.id).await?;
    Ok(())
}

/// Specification v2 (adds EV particles ≥ 1 × 10⁹ /mL), effective from `t`; v1 is superseded.
pub async fn revise(svc: &Service, qa: &Actor, t: UtcTime) -> Result<(), ServiceError> {
    let v2 = svc
        .create_specification(qa, t, PRODUCT, tests(true)?)
        .await?;
    svc.make_specification_effective(qa, t, &v2.id).await?;
    Ok(())
}

/// A plausible result for each test of the demo specification (outcome text or value).
fn typical(code: &str, rng: &mut Lcg) -> (Option<f64>, Option<&'static str>) {
    let round = |v: f64, step: f64| (v / step).round() * step;
    match code {
        "sterility" | "mycoplasma" => (None, Some("negative")),
        "residual_cells" => (None, Some("not detected")),
        "appearance" => (None, Some("conforms")),
        "endotoxin" => (Some(round(rng.around(0.12, 0.5), 0.01)), None),
        "egf" => (Some(round(rng.around(150.0, 0.3), 0.1)), None),
        "fgf2" => (Some(round(rng.around(320.0, 0.3), 0.1)), None),
        "vegf" => (Some(round(rng.around(1800.0, 0.3), 1.0)), None),
        "tgf_b1" => (Some(round(rng.around(1200.0, 0.3), 1.0)), None),
        "bdnf" => (Some(round(rng.around(120.0, 0.3), 0.1)), None),
        "hgf" => (Some(round(rng.around(4500.0, 0.3), 1.0)), None),
        "pdgf_bb" => (Some(round(rng.around(60.0, 0.3), 0.1)), None),
        "il10" => (Some(round(rng.around(15.0, 0.3), 0.1)), None),
        "total_protein" => (Some(round(rng.around(450.0, 0.2), 1.0)), None),
        "ev_particles" => (Some(round(rng.around(3.5e9, 0.3), 1.0e7)), None),
        _ => (None, Some("conforms")),
    }
}

/// QC enters a result for every test of the lot's specification at `t`; for the particle failure,
/// QC opens a deviation covering it half a day later.
pub async fn test_lot(
    svc: &Service,
    qc: &Actor,
    t: UtcTime,
    lot: &str,
    outcome: Outcome,
) -> Result<(), ServiceError> {
    let spec_id = svc
        .lot_qc(lot)
        .await?
        .specification
        .map(|s: Specification| s.id)
        .unwrap_or_default();
    let spec: Specification =
        svc.store()
            .fetch(&spec_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "specification",
                id: spec_id.clone(),
            })?;
    let mut rng = Lcg(lot.bytes().fold(7, |h, b| h * 31 + u64::from(b)));
    for (i, test) in spec.tests.iter().enumerate() {
        let code = test.code.as_str();
        let (value, text) = match (outcome, code) {
            (Outcome::EndotoxinFail, "endotoxin") => (Some(0.8), None),
            (Outcome::ParticlesLowWithDeviation, "ev_particles") => (Some(4.2e8), None),
            _ => typical(code, &mut rng),
        };
        let from_plate = matches!(code, "egf" | "vegf" | "bdnf");
        svc.record_result(
            qc,
            t.plus_hours(i as f64 * 0.1).unwrap_or(t),
            NewResult {
                lot: lot.into(),
                test: code.into(),
                value,
                outcome: text.map(str::to_string),
                unit: None,
                assay_run: from_plate.then(|| format!("ELISA-{lot}")),
                typed: None,
            },
        )
        .await?;
    }
    if outcome == Outcome::ParticlesLowWithDeviation {
        svc.open_deviation(
            qc,
            at(t, 0.5)?,
            lot,
            Some("ev_particles"),
            "NTA 粒子数が規格下限未満 (4.2 × 10⁸ /mL < 1 × 10⁹ /mL): 測定時の希釈誤りの可能性、再測定を予定",
        )
        .await?;
    }
    Ok(())
}
