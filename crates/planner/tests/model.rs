//! The growth, secretion and process model against analytic solutions and hand calculations.

use secretome_planner::kinetics::{
    concentration, concentration_checked, phi, rate_from_measurement, steady_state,
};
use secretome_planner::{
    CellSource, ConditioningSpec, DownstreamSpec, Factor, Growth, PlanError, ProcessSpec,
    SourceParams, SplitSpec, VesselKind, simulate,
};

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

/// Classical RK4 on dN/dt = μN(1 − N/K): an independent check of the closed form.
fn rk4_logistic(mu: f64, k: f64, n0: f64, t: f64, steps: usize) -> f64 {
    let f = |n: f64| mu * n * (1.0 - n / k);
    let h = t / steps as f64;
    let mut n = n0;
    for _ in 0..steps {
        let k1 = f(n);
        let k2 = f(n + h / 2.0 * k1);
        let k3 = f(n + h / 2.0 * k2);
        let k4 = f(n + h * k3);
        n += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    n
}

#[test]
fn exponential_growth_doubles_every_doubling_time_after_the_lag() {
    let g = Growth::exponential(24.0, 12.0).unwrap();
    assert_eq!(g.cells_at(1000.0, 1.0, 0.0), 1000.0);
    assert_eq!(g.cells_at(1000.0, 1.0, 12.0), 1000.0);
    assert!(close(g.cells_at(1000.0, 1.0, 36.0), 2000.0, 1e-12));
    assert!(close(
        g.cells_at(1000.0, 1.0, 12.0 + 240.0),
        1000.0 * 1024.0,
        1e-12
    ));
    assert!(close(
        g.time_to_reach(1000.0, 1.0, 8000.0).unwrap(),
        12.0 + 72.0,
        1e-12
    ));
}

#[test]
fn logistic_matches_numerical_integration_and_saturates_at_confluence() {
    let g = Growth::logistic(30.0, 0.0, 4.0e4).unwrap();
    let area = 175.0;
    let k = 4.0e4 * area;
    for t in [10.0, 50.0, 100.0, 200.0, 400.0] {
        let exact = rk4_logistic(g.mu_per_h, k, 1.75e5, t, 20_000);
        assert!(close(g.cells_at(1.75e5, area, t), exact, 1e-9), "t = {t}");
    }
    // Half of confluence at t = ln(K/N0 − 1)/μ; approaches K, never exceeds it.
    let t_half = (k / 1.75e5 - 1.0).ln() / g.mu_per_h;
    assert!(close(g.cells_at(1.75e5, area, t_half), k / 2.0, 1e-12));
    assert!(close(g.cells_at(1.75e5, area, 1.0e4), k, 1e-12));
    assert!(g.cells_at(1.75e5, area, 1.0e4) <= k);
}

#[test]
fn logistic_with_lag_is_the_shifted_curve_and_time_to_reach_inverts_it() {
    let g = Growth::logistic(40.0, 20.0, 3.0e4).unwrap();
    let g0 = Growth::logistic(40.0, 0.0, 3.0e4).unwrap();
    for t in [30.0, 90.0, 150.0] {
        assert!(close(
            g.cells_at(2.5e4, 25.0, t),
            g0.cells_at(2.5e4, 25.0, t - 20.0),
            1e-12
        ));
        let n = g.cells_at(2.5e4, 25.0, t);
        assert!(close(g.time_to_reach(2.5e4, 25.0, n).unwrap(), t, 1e-9));
    }
    assert_eq!(
        g.time_to_reach(2.5e4, 25.0, 3.0e4 * 25.0),
        None,
        "confluence itself is never reached"
    );
    assert_eq!(g.time_to_reach(2.5e4, 25.0, 1.0e4), Some(0.0));
}

#[test]
fn early_logistic_growth_is_nearly_exponential() {
    let log = Growth::logistic(24.0, 0.0, 1.0e9).unwrap();
    let exp = Growth::exponential(24.0, 0.0).unwrap();
    assert!(close(
        log.cells_at(100.0, 1.0, 48.0),
        exp.cells_at(100.0, 1.0, 48.0),
        1e-5
    ));
}

#[test]
fn secretion_without_degradation_accumulates_linearly() {
    // q = 1e-4 pg/cell/h, 1e6 cells, 10 mL, 48 h → 1e-4 · 1e6 · 48 / 10 = 480 pg/mL.
    assert!(close(
        concentration(1e-4, 1e6, 10.0, 0.0, 48.0),
        480.0,
        1e-15
    ));
    // The k → 0 limit is continuous (no division by zero, no cancellation).
    assert!(close(
        concentration(1e-4, 1e6, 10.0, 1e-12, 48.0),
        480.0,
        1e-9
    ));
    assert!(close(
        concentration(1e-4, 1e6, 10.0, 1e-6, 48.0),
        480.0 * (1.0 - 1e-6 * 48.0 / 2.0),
        1e-9
    ));
    assert_eq!(phi(0.0), 1.0);
}

#[test]
fn secretion_with_degradation_follows_the_closed_form_and_the_ode() {
    let (q, n, v, k, t) = (2e-4, 5e6, 28.0, std::f64::consts::LN_2 / 8.0, 48.0);
    let expected = q * n / (v * k) * (1.0 - (-k * t).exp());
    assert!(close(concentration(q, n, v, k, t), expected, 1e-12));
    // Euler-free check: RK4 on dC/dt = qN/V − kC.
    let steps = 10_000;
    let h = t / steps as f64;
    let mut c: f64 = 0.0;
    let f = |c: f64| q * n / v - k * c;
    for _ in 0..steps {
        let k1 = f(c);
        let k2 = f(c + h / 2.0 * k1);
        let k3 = f(c + h / 2.0 * k2);
        let k4 = f(c + h * k3);
        c += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    assert!(close(concentration(q, n, v, k, t), c, 1e-10));
    // Long conditioning approaches the steady state qN/(Vk).
    assert!(close(
        concentration(q, n, v, k, 1e4),
        steady_state(q, n, v, k),
        1e-12
    ));
    // The measured-rate inverse recovers q.
    assert!(close(rate_from_measurement(expected, n, v, k, t), q, 1e-12));
}

#[test]
fn secretion_inputs_are_checked_by_field() {
    let e = concentration_checked(1e-4, 1e6, 0.0, 0.0, 48.0).unwrap_err();
    assert!(
        matches!(&e, PlanError::NotPositive { field, .. } if field == "conditioning.volume_ml"),
        "{e}"
    );
    let e = concentration_checked(1e-4, 1e6, 10.0, 0.0, -1.0).unwrap_err();
    assert!(
        matches!(&e, PlanError::Negative { field, .. } if field == "conditioning.hours"),
        "{e}"
    );
    let e = concentration_checked(f64::NAN, 1e6, 10.0, 0.0, 1.0).unwrap_err();
    assert!(
        matches!(&e, PlanError::NonFinite { field, .. } if field == "secretion.rate"),
        "{e}"
    );
}

fn split_process(passages: u32) -> ProcessSpec {
    let split = SplitSpec {
        vessel: VesselKind::T175.into(),
        initial_vessels: 1,
        seeding_density: 1000.0,
        passages,
        split_ratio: 3,
        passage_at_confluence: 0.8,
        condition_at_confluence: 0.9,
    };
    ProcessSpec {
        stages: split.stages().unwrap(),
        start_passage: 2,
        passage_recovery: 0.9,
        feed_interval_h: 72.0,
        conditioning: ConditioningSpec {
            hours: 48.0,
            volume_ml_per_vessel: None,
        },
        downstream: DownstreamSpec {
            volume_recovery: 0.9,
            concentration_factor: 10.0,
            factor_recovery: Some(0.8),
            vial_ml: 1.0,
            doses_per_vial: 2,
            hours: 24.0,
        },
    }
}

#[test]
fn split_ratio_culture_passes_cells_forward_and_fills_vials() {
    let params = SourceParams::defaults(CellSource::UmbilicalCord);
    let out = simulate(&params, &split_process(2)).unwrap();
    assert_eq!(out.stages.len(), 3);
    assert_eq!(
        out.stages.iter().map(|s| s.vessels).collect::<Vec<_>>(),
        vec![1, 3, 9]
    );
    assert_eq!(
        out.stages.iter().map(|s| s.passage).collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
    assert!(close(out.stages[0].seeded_cells, 175_000.0, 1e-12));
    for w in out.stages.windows(2) {
        assert!(close(w[1].seeded_cells, w[0].cells_at_end * 0.9, 1e-12));
        assert_eq!(w[1].start_h, w[0].end_h);
        // Each stage ends at ≥ 80 % confluence, reached in whole hours.
        assert!(w[0].cells_at_end >= 0.8 * 4.0e4 * w[0].area_cm2 * (1.0 - 1e-12));
        assert_eq!(w[0].end_h.fract(), 0.0);
    }
    // 9 T-175 × 28 mL conditioned; 90 % recovered, concentrated 10×, 1 mL vials.
    assert!(close(out.conditioning_volume_ml, 9.0 * 28.0, 1e-12));
    assert!(close(out.harvest_volume_ml, 9.0 * 28.0 * 0.9, 1e-12));
    assert!(close(out.product_volume_ml, 9.0 * 28.0 * 0.9 / 10.0, 1e-12));
    assert_eq!(out.vials, 22);
    assert_eq!(out.doses, 44);
    assert_eq!(out.harvest_h, out.conditioning_start_h + 48.0);
    let vegf = out.factor(Factor::Vegf).unwrap();
    let sp = &params.secretion[&Factor::Vegf];
    let c = concentration(
        sp.rate.value,
        out.conditioning_cells,
        out.conditioning_volume_ml,
        sp.degradation_per_h.value,
        48.0,
    );
    assert!(close(vegf.at_harvest, c, 1e-12));
    assert!(close(vegf.in_product, c * 0.8 * 10.0, 1e-12));
    assert!(out.population_doublings > 0.0);
}

#[test]
fn bad_processes_name_the_field() {
    let params = SourceParams::defaults(CellSource::BoneMarrow);
    type Mutation = Box<dyn Fn(&mut ProcessSpec)>;
    let cases: Vec<(Mutation, &str)> = vec![
        (
            Box::new(|p| p.stages[0].vessel.area_cm2 = 0.0),
            "stages[0].vessel.area_cm2",
        ),
        (Box::new(|p| p.stages[1].vessels = 0), "stages[1].vessels"),
        (
            Box::new(|p| p.stages[0].seeded_cells = Some(f64::NAN)),
            "stages[0].seeded_cells",
        ),
        (
            Box::new(|p| p.stages[0].grow_to_confluence = 1.0),
            "stages[0].grow_to_confluence",
        ),
        (
            Box::new(|p| p.conditioning.hours = -1.0),
            "conditioning.hours",
        ),
        (Box::new(|p| p.downstream.hours = -2.0), "downstream.hours"),
        (
            Box::new(|p| p.downstream.concentration_factor = 0.5),
            "downstream.concentration_factor",
        ),
        (
            Box::new(|p| p.downstream.volume_recovery = 1.5),
            "downstream.volume_recovery",
        ),
        (
            Box::new(|p| p.downstream.vial_ml = f64::INFINITY),
            "downstream.vial_ml",
        ),
        (Box::new(|p| p.passage_recovery = 0.0), "passage_recovery"),
    ];
    for (mutate, field) in cases {
        let mut spec = split_process(1);
        mutate(&mut spec);
        let err = simulate(&params, &spec).unwrap_err();
        assert!(
            err.to_string().starts_with(field),
            "expected an error naming {field}, got: {err}"
        );
    }
    // Seeding more cells than the stage before produced is impossible.
    let mut spec = split_process(1);
    spec.stages[1].seeded_cells = Some(1e12);
    assert!(matches!(
        simulate(&params, &spec),
        Err(PlanError::Impossible { .. })
    ));
}

#[test]
fn every_source_has_labelled_defaults_for_every_factor() {
    for p in secretome_planner::all_defaults() {
        for (name, param) in p.labelled() {
            assert!(param.value.is_finite(), "{name}");
            assert!(!param.source.is_empty(), "{name} has no citation");
        }
        for f in secretome_planner::FACTORS {
            assert!(p.secretion[&f].rate.value > 0.0);
        }
        assert_eq!(
            p.secretion[&Factor::Vegf].rate.status,
            secretome_planner::Provenance::Unverified
        );
        assert_eq!(
            p.growth.doubling_time_h.status,
            secretome_planner::Provenance::Literature
        );
    }
}

#[test]
fn vessel_names_in_common_spellings_are_recognised() {
    for (name, area) in [
        ("t175", 175.0),
        ("T-175", 175.0),
        ("multilayer5", 3180.0),
        ("stack-10", 6360.0),
        ("5-layer", 3180.0),
        ("HYPERFlask", 1720.0),
    ] {
        let k: VesselKind = name.parse().unwrap();
        assert_eq!(k.vessel().area_cm2, area, "{name}");
    }
    let e = "t999".parse::<VesselKind>().unwrap_err().to_string();
    assert!(e.contains("t999") && e.contains("stack-5"), "{e}");
}

#[test]
fn cells_over_time_follow_each_stage_and_drop_at_passage() {
    let params = SourceParams::defaults(CellSource::UmbilicalCord);
    let out = simulate(&params, &split_process(1)).unwrap();
    let pts = secretome_planner::plan::cells_over_time(&out, &params, 6.0);
    assert_eq!(pts.first().unwrap().cells, 175_000.0);
    assert_eq!(pts.last().unwrap().hours, out.harvest_h);
    assert!((pts.last().unwrap().cells / out.conditioning_cells - 1.0).abs() < 1e-12);
    // At the passage hour the curve has two points: the harvest, then the lower seeding.
    let at_passage: Vec<f64> = pts
        .iter()
        .filter(|p| p.hours == out.stages[0].end_h)
        .map(|p| p.cells)
        .collect();
    assert_eq!(at_passage.len(), 2);
    assert!((at_passage[1] / (at_passage[0] * 0.9) - 1.0).abs() < 1e-12);
    assert!(
        pts.iter()
            .all(|p| p.lower95 < p.cells && p.cells < p.upper95)
    );
}
