//! Calibration recovers known growth and secretion parameters from simulated noisy batches.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};
use secretome_planner::kinetics::concentration;
use secretome_planner::{
    CalibrationError, CalibrationOptions, CellSource, ConditioningRecord, CountObservation, Factor,
    FinishedBatch, Growth, Note, Provenance, VesselKind, calibrate,
};

const K_VEGF: f64 = std::f64::consts::LN_2 / 1.5; // the default VEGF degradation (held fixed in the fit)

struct Truth {
    td: f64,
    lag: f64,
    sigma: f64,
    q_vegf: f64,
    q_hgf: f64,
}

/// A T-175 batch seeded at 1,000 cells/cm², counted every 24 h to 192 h (5 % multiplicative noise),
/// conditioned from 168 h for `hours` in `volume` mL, VEGF and HGF measured with 10 % noise.
fn batch(
    id: &str,
    donor: &str,
    t: &Truth,
    hours: f64,
    volume: f64,
    rng: &mut StdRng,
) -> FinishedBatch {
    let g = Growth::logistic(t.td, t.lag, t.sigma).unwrap();
    let count_noise = Normal::new(0.0_f64, 0.05).unwrap();
    let elisa_noise = Normal::new(0.0_f64, 0.10).unwrap();
    let seeded = 175_000.0;
    let observations = (0..=8)
        .map(|d| {
            let h = 24.0 * f64::from(d);
            CountObservation {
                hours: h,
                cells: g.cells_at(seeded, 175.0, h) * count_noise.sample(rng).exp(),
            }
        })
        .collect();
    let n = g.cells_at(seeded, 175.0, 192.0);
    let mut measured = BTreeMap::new();
    measured.insert(
        Factor::Vegf,
        concentration(t.q_vegf, n, volume, K_VEGF, hours) * elisa_noise.sample(rng).exp(),
    );
    measured.insert(
        Factor::Hgf,
        concentration(t.q_hgf, n, volume, 0.0, hours) * elisa_noise.sample(rng).exp(),
    );
    FinishedBatch {
        id: id.into(),
        source: CellSource::UmbilicalCord,
        donor: donor.into(),
        vessel: VesselKind::T175.into(),
        vessels: 1,
        seeded_cells: seeded,
        observations,
        conditioning: Some(ConditioningRecord {
            start_h: 192.0,
            hours,
            volume_ml: volume,
            cells: Some(n),
        }),
        measured,
    }
}

const TRUTH: Truth = Truth {
    td: 24.0,
    lag: 16.0,
    sigma: 3.0e4,
    q_vegf: 2.0e-4,
    q_hgf: 1.5e-4,
};

fn batches(seed: u64) -> Vec<FinishedBatch> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..6)
        .map(|i| {
            let hours = [24.0, 48.0, 72.0][i % 3];
            let volume = [20.0, 28.0][i % 2];
            batch(
                &format!("B{i}"),
                &format!("D{}", i % 2),
                &TRUTH,
                hours,
                volume,
                &mut rng,
            )
        })
        .collect()
}

#[test]
fn growth_fit_recovers_doubling_time_lag_and_confluence_within_the_interval() {
    let report = calibrate(&batches(7), &CalibrationOptions::default()).unwrap();
    let g = report
        .group(CellSource::UmbilicalCord, None)
        .unwrap()
        .growth
        .as_ref()
        .unwrap();
    assert!(g.converged);
    assert!(
        g.confluence_fitted,
        "counts reach confluence, so σ_max is fitted"
    );
    assert!(
        g.doubling_time_h.contains(TRUTH.td),
        "{:?}",
        g.doubling_time_h
    );
    assert!(g.lag_h.contains(TRUTH.lag), "{:?}", g.lag_h);
    assert!(
        g.confluence_density.contains(TRUTH.sigma),
        "{:?}",
        g.confluence_density
    );
    assert!((g.doubling_time_h.value / TRUTH.td - 1.0).abs() < 0.1);
    assert!((g.lag_h.value - TRUTH.lag).abs() < 6.0);
    assert!((g.confluence_density.value / TRUTH.sigma - 1.0).abs() < 0.05);
    // The interval is informative: narrower than the literature prior (±40 %).
    assert!(g.doubling_time_h.upper95 / g.doubling_time_h.lower95 < 1.5);
    // Residual sd ≈ the simulated 5 % count noise.
    assert!(g.count_sd > 0.025 && g.count_sd < 0.08, "{}", g.count_sd);
}

#[test]
fn secretion_fit_recovers_per_cell_rates_and_compares_measured_with_predicted() {
    let report = calibrate(&batches(11), &CalibrationOptions::default()).unwrap();
    let group = report.group(CellSource::UmbilicalCord, None).unwrap();
    for (factor, truth) in [(Factor::Vegf, TRUTH.q_vegf), (Factor::Hgf, TRUTH.q_hgf)] {
        let s = group.secretion.iter().find(|s| s.factor == factor).unwrap();
        assert!(s.rate.contains(truth), "{factor}: {:?}", s.rate);
        assert!(
            (s.rate.value / truth - 1.0).abs() < 0.15,
            "{factor}: {:?}",
            s.rate
        );
        assert_eq!(s.batches.len(), 6);
        for b in &s.batches {
            assert!((b.predicted / b.measured).ln().abs() < 0.4, "{b:?}");
        }
    }
}

#[test]
fn calibrated_parameters_replace_the_literature_defaults_and_are_labelled() {
    let report = calibrate(&batches(3), &CalibrationOptions::default()).unwrap();
    let p = report.params_for(CellSource::UmbilicalCord, None);
    assert_eq!(p.growth.doubling_time_h.status, Provenance::Calibrated);
    assert_eq!(
        p.secretion[&Factor::Vegf].rate.status,
        Provenance::Calibrated
    );
    assert!(p.growth.doubling_time_h.source.contains("6"));
    // Factors without measurements keep their (unverified) defaults.
    assert_eq!(
        p.secretion[&Factor::Bdnf].rate.status,
        Provenance::Unverified
    );
    // A source without batches gets the literature defaults.
    let bm = report.params_for(CellSource::BoneMarrow, None);
    assert_eq!(bm.growth.doubling_time_h.status, Provenance::Literature);
}

#[test]
fn donors_with_enough_batches_get_their_own_fit() {
    let mut rng = StdRng::seed_from_u64(5);
    let fast = Truth { td: 22.0, ..TRUTH };
    let slow = Truth { td: 40.0, ..TRUTH };
    let mut all = Vec::new();
    for i in 0..3 {
        all.push(batch(&format!("F{i}"), "FAST", &fast, 48.0, 28.0, &mut rng));
        all.push(batch(&format!("S{i}"), "SLOW", &slow, 48.0, 28.0, &mut rng));
    }
    all.push(batch("X0", "RARE", &TRUTH, 48.0, 28.0, &mut rng));
    let report = calibrate(&all, &CalibrationOptions::default()).unwrap();
    for (donor, truth) in [("FAST", 22.0), ("SLOW", 40.0)] {
        let g = report
            .group(CellSource::UmbilicalCord, Some(donor))
            .unwrap()
            .growth
            .as_ref()
            .unwrap();
        assert!(
            g.doubling_time_h.contains(truth),
            "{donor}: {:?}",
            g.doubling_time_h
        );
        let p = report.params_for(CellSource::UmbilicalCord, Some(donor));
        assert_eq!(p.donor.as_deref(), Some(donor));
        assert!((p.growth.doubling_time_h.value / truth - 1.0).abs() < 0.1);
    }
    // One batch is not enough for a donor: it falls back to the source-level fit.
    assert!(
        report
            .group(CellSource::UmbilicalCord, Some("RARE"))
            .is_none()
    );
    let rare = report.params_for(CellSource::UmbilicalCord, Some("RARE"));
    assert_eq!(rare.donor, None);
    assert_eq!(rare.growth.doubling_time_h.status, Provenance::Calibrated);
}

#[test]
fn too_little_data_is_reported_not_fitted() {
    let mut one = batches(1);
    one.truncate(1);
    let report = calibrate(&one, &CalibrationOptions::default()).unwrap();
    let g = report.group(CellSource::UmbilicalCord, None).unwrap();
    assert!(g.growth.is_none());
    assert!(g.secretion.is_empty());
    assert!(
        g.notes
            .iter()
            .any(|n| matches!(n, Note::GrowthData { batches: 1, .. })),
        "{:?}",
        g.notes
    );
    assert!(
        g.notes.iter().any(|n| matches!(
            n,
            Note::RateData {
                factor: Factor::Vegf,
                ..
            }
        )),
        "{:?}",
        g.notes
    );
}

#[test]
fn bad_batch_records_name_the_batch_and_field() {
    let mut b = batches(2);
    b[3].observations[2].cells = -5.0;
    let err = calibrate(&b, &CalibrationOptions::default()).unwrap_err();
    assert!(
        matches!(&err, CalibrationError::InvalidBatch { batch, field, .. } if batch == "B3" && field == "observations[2].cells"),
        "{err}"
    );
    let mut b = batches(2);
    b[0].conditioning.as_mut().unwrap().volume_ml = f64::NAN;
    let err = calibrate(&b, &CalibrationOptions::default()).unwrap_err();
    assert!(err.to_string().contains("conditioning.volume_ml"), "{err}");
}

#[test]
fn a_plan_on_calibrated_parameters_is_labelled_calibrated_and_tighter() {
    let report = calibrate(&batches(13), &CalibrationOptions::default()).unwrap();
    let params = report.params_for(CellSource::UmbilicalCord, None);
    let mut req =
        secretome_planner::PlanRequest::from_toml(include_str!("fixtures_campaign.toml")).unwrap();
    req.source = CellSource::UmbilicalCord;
    let now = jiff::civil::date(2026, 11, 25).at(12, 0, 0, 0);
    let cal = secretome_planner::plan(&req, &params, now).unwrap();
    let lit = secretome_planner::plan(
        &req,
        &secretome_planner::SourceParams::defaults(CellSource::UmbilicalCord),
        now,
    )
    .unwrap();
    let width = |p: &secretome_planner::Plan| {
        let v = p
            .predictions
            .iter()
            .find(|x| x.factor == Factor::Vegf)
            .unwrap();
        v.upper95 / v.lower95
    };
    assert!(width(&cal) < width(&lit));
    assert!(
        !cal.warnings.iter().any(|w| matches!(
            w,
            Note::RateDefault {
                factor: Factor::Vegf,
                ..
            }
        )),
        "{:?}",
        cal.warnings
    );
    assert!(lit.warnings.iter().any(|w| matches!(
        w,
        Note::RateDefault {
            factor: Factor::Vegf,
            ..
        }
    )));
    // The schedule follows the calibrated (faster) growth.
    assert!(cal.outcome.finish_h < lit.outcome.finish_h);
}

#[test]
fn measured_vs_predicted_is_plotted_and_summarised() {
    let report = calibrate(&batches(17), &CalibrationOptions::default()).unwrap();
    let group = report.group(CellSource::UmbilicalCord, None).unwrap();
    let svg = secretome_planner::calibration_svg(group).unwrap();
    assert!(svg.starts_with("<svg"));
    // 6 batches × 2 factors, plus one legend marker per factor.
    assert_eq!(svg.matches("<circle").count(), 12 + 2);
    let text = secretome_planner::render_calibration_text(&report);
    assert!(
        text.contains("doubling time") && text.contains("95 % CI") && text.contains("VEGF rate"),
        "{text}"
    );
}
