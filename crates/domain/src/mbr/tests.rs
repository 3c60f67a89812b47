//! The document state machine, a master's shape, values against limits and the step order.

use super::*;
use crate::{
    UtcTime,
    donor::TissueSource,
    ids::{BatchId, ProductCode, UserName},
    mbr::{
        deviation::unfinished_before_filling,
        execution::{check_order, evaluate, next_step},
    },
    qc::DeviationStatus,
};

fn t(h: f64) -> UtcTime {
    UtcTime::parse("t", "2026-11-01T00:00:00Z")
        .unwrap()
        .plus_hours(h)
        .unwrap()
}
fn u(s: &str) -> UserName {
    UserName::new(s).unwrap()
}

fn param(code: &str, low: f64, high: f64, on_breach: OnBreach) -> Parameter {
    Parameter {
        code: code.into(),
        name: code.into(),
        name_ja: code.into(),
        unit: "h".into(),
        target: Some((low + high) / 2.0),
        limit: Limit {
            low: Some(low),
            high: Some(high),
        },
        on_breach,
    }
}

fn step(code: &str, stage: Stage, params: Vec<Parameter>, second: bool) -> MasterStep {
    MasterStep {
        code: code.into(),
        stage,
        name: code.into(),
        name_ja: code.into(),
        instructions: String::new(),
        instructions_ja: String::new(),
        parameters: params,
        materials: vec![],
        equipment: None,
        room_grade: None,
        needs_second_person: second,
        use_case: None,
    }
}

fn master() -> MasterRecord {
    MasterRecord::new(vec![
        step(
            "SEED",
            Stage::Culture,
            vec![param("density", 4000.0, 6000.0, OnBreach::Deviation)],
            false,
        ),
        step(
            "COND",
            Stage::Conditioning,
            vec![param("hours", 44.0, 52.0, OnBreach::Deviation)],
            true,
        ),
        step(
            "FILT",
            Stage::Processing,
            vec![param("pore", 0.0, 0.22, OnBreach::Refuse)],
            false,
        ),
        step("FILL", Stage::Filling, vec![], true),
    ])
    .unwrap()
}

fn doc() -> ControlledDocument {
    ControlledDocument::new(
        "MBR-TEST",
        DocumentKind::MasterBatchRecord,
        "Test",
        "テスト",
        Some(ProductCode::new("MSC-CM-01").unwrap()),
        Some(TissueSource::UmbilicalCord),
        &u("qa"),
        t(0.0),
    )
    .unwrap()
}

#[test]
fn a_version_goes_draft_to_superseded_and_its_author_cannot_approve_it() {
    let d = doc();
    let v1 =
        DocumentVersion::draft(&d, None, "first issue", Some(master()), &u("qa"), t(0.0)).unwrap();
    assert_eq!(v1.id, "MBR-TEST/v1");
    assert!(v1.require_effective().is_err());
    assert!(
        v1.approve(&u("qa2"), "sig", t(1.0)).is_err(),
        "not in review yet"
    );
    let v1 = v1.submit(t(1.0)).unwrap();
    let e = v1.approve(&u("qa"), "sig", t(2.0)).unwrap_err();
    assert!(e.to_string().contains("may not approve"), "{e}");
    let v1 = v1.approve(&u("qa2"), "sig", t(2.0)).unwrap();
    let v1 = v1.make_effective(t(3.0)).unwrap();
    assert!(v1.require_effective().is_ok());
    let v2 = DocumentVersion::draft(
        &d,
        Some(&v1),
        "limits widened (CC-12)",
        Some(master()),
        &u("qa"),
        t(4.0),
    )
    .unwrap();
    assert_eq!(v2.version, 2);
    assert!(
        DocumentVersion::draft(&d, Some(&v2), "again", Some(master()), &u("qa"), t(4.0)).is_err()
    );
    let old = v1.supersede(t(5.0)).unwrap();
    assert_eq!(old.status, VersionStatus::Superseded);
    assert!(
        old.require_effective()
            .unwrap_err()
            .to_string()
            .contains("superseded")
    );
    assert!(DocumentVersion::draft(&d, None, " ", Some(master()), &u("qa"), t(0.0)).is_err());
}

#[test]
fn a_master_keeps_its_stages_in_order_and_its_limits_sane() {
    let e = MasterRecord::new(vec![
        step("COND", Stage::Conditioning, vec![], false),
        step("SEED", Stage::Culture, vec![], false),
    ])
    .unwrap_err();
    assert!(e.to_string().contains("comes after"), "{e}");
    assert!(
        MasterRecord::new(vec![step(
            "A",
            Stage::Culture,
            vec![param("x", 5.0, 1.0, OnBreach::Refuse)],
            false
        )])
        .is_err()
    );
    assert!(MasterRecord::new(vec![]).is_err());
    assert!(
        MasterRecord::new(vec![
            step("A", Stage::Culture, vec![], false),
            step("A", Stage::Culture, vec![], false)
        ])
        .is_err()
    );
    assert_eq!(
        Limit {
            low: Some(44.0),
            high: Some(52.0)
        }
        .text("h"),
        "44–52 h"
    );
}

#[test]
fn values_are_judged_against_their_limits() {
    let m = master();
    let (_, seed) = m.step("SEED").unwrap();
    let v = evaluate(seed, &[("density".into(), 5000.0)]).unwrap();
    assert!(v[0].within);
    let v = evaluate(seed, &[("density".into(), 9000.0)]).unwrap();
    assert!(!v[0].within);
    assert_eq!(v[0].limit, "4000–6000 h");
    assert!(
        evaluate(seed, &[])
            .unwrap_err()
            .to_string()
            .starts_with("density")
    );
    assert!(evaluate(seed, &[("density".into(), f64::NAN)]).is_err());
    assert!(evaluate(seed, &[("density".into(), 1.0), ("other".into(), 1.0)]).is_err());
    let (_, filt) = m.step("FILT").unwrap();
    let e = evaluate(filt, &[("pore".into(), 0.45)]).unwrap_err();
    assert!(e.to_string().contains("refuses"), "{e}");
}

#[test]
fn steps_follow_the_master_and_verification_needs_a_second_person() {
    let m = master();
    let d = doc();
    let v = DocumentVersion::draft(&d, None, "first", Some(m.clone()), &u("qa"), t(0.0))
        .unwrap()
        .submit(t(0.0))
        .unwrap()
        .approve(&u("qa2"), "s", t(0.0))
        .unwrap();
    let b = BatchId::new("B-1").unwrap();
    assert!(
        BatchExecution::start(&b, &v, &u("op"), t(1.0)).is_err(),
        "approved is not effective"
    );
    let v = v.make_effective(t(0.5)).unwrap();
    let ex = BatchExecution::start(&b, &v, &u("op"), t(1.0)).unwrap();
    let mut recs = vec![];
    assert!(
        check_order(&m, &recs, "COND")
            .unwrap_err()
            .to_string()
            .contains("SEED")
    );
    let (i, s) = check_order(&m, &recs, "SEED").unwrap();
    let vals = evaluate(s, &[("density".into(), 5000.0)]).unwrap();
    recs.push(StepRecord::record(&ex, i, s, vals, t(2.0), None, &u("op"), t(2.0)).unwrap());
    assert!(check_order(&m, &recs, "SEED").is_err(), "twice");
    let (i, s) = check_order(&m, &recs, "COND").unwrap();
    let vals = evaluate(s, &[("hours".into(), 48.0)]).unwrap();
    let r = StepRecord::record(&ex, i, s, vals, t(50.0), None, &u("op"), t(50.0)).unwrap();
    assert_eq!(r.status, StepStatus::AwaitingVerification);
    recs.push(r.clone());
    assert!(
        check_order(&m, &recs, "FILT")
            .unwrap_err()
            .to_string()
            .contains("verification")
    );
    assert!(
        r.verify(&u("op"), t(51.0))
            .unwrap_err()
            .to_string()
            .contains("second")
    );
    recs[1] = r.verify(&u("op2"), t(51.0)).unwrap();
    assert_eq!(next_step(&m, &recs).unwrap().code, "FILT");
    let unfinished = unfinished_before_filling(&m, &recs, &[]);
    assert_eq!(unfinished.len(), 1, "{unfinished:?}");
    assert!(unfinished[0].contains("FILT"));
    let (i, s) = check_order(&m, &recs, "FILT").unwrap();
    recs.push(StepRecord::skipped(&ex, i, s, &u("op"), t(52.0)));
    let dev = StepDeviation::skip(&ex, s, 1, "filter lot recalled", &u("op"), t(52.0)).unwrap();
    assert_eq!(
        unfinished_before_filling(&m, &recs, std::slice::from_ref(&dev)).len(),
        1
    );
    assert!(
        dev.decide(true, &u("op"), "ok", t(53.0)).is_err(),
        "opener decides nothing"
    );
    let dev = dev
        .decide(true, &u("qa"), "re-filtered under CC-3", t(53.0))
        .unwrap();
    assert_eq!(dev.status, DeviationStatus::Approved);
    assert!(unfinished_before_filling(&m, &recs, &[dev]).is_empty());
}

#[test]
fn a_use_case_executes_its_bound_step_in_order_and_a_correction_keeps_what_it_replaced() {
    use crate::mbr::use_case::{UseCase, execute};
    let mut steps = master().steps;
    steps[0].parameters[0].code = "seeding_density".into();
    steps[0].use_case = Some(UseCase::Seeding);
    steps[1].use_case = Some(UseCase::Conditioning);
    // A bound step asks only for what its use case supplies; seeding comes first.
    let mut bad = steps.clone();
    bad[1].parameters[0].code = "volume_ml".into();
    assert!(
        MasterRecord::new(bad)
            .unwrap_err()
            .to_string()
            .contains("hours")
    );
    let mut bad = steps.clone();
    bad[1].use_case = Some(UseCase::Seeding);
    bad[1].parameters.clear();
    assert!(MasterRecord::new(bad).is_err());
    let m = MasterRecord::new(steps).unwrap();
    let v = DocumentVersion::draft(&doc(), None, "first", Some(m.clone()), &u("qa"), t(0.0))
        .unwrap()
        .submit(t(0.0))
        .unwrap()
        .approve(&u("qa2"), "s", t(0.0))
        .unwrap()
        .make_effective(t(0.0))
        .unwrap();
    let ex = BatchExecution::start(&BatchId::new("B-1").unwrap(), &v, &u("op"), t(1.0)).unwrap();
    let sup = |c: &str, x: f64| vec![(c.to_string(), x), ("other".to_string(), 1.0)];
    // Conditioning before seeding is refused; a master without a filling use case ignores it.
    let e = execute(
        &ex,
        &m,
        &[],
        0,
        UseCase::Conditioning,
        &sup("hours", 48.0),
        t(2.0),
        &u("op"),
        t(2.0),
    );
    assert!(e.unwrap_err().to_string().contains("SEED"));
    let none = execute(
        &ex,
        &m,
        &[],
        0,
        UseCase::Filling,
        &[],
        t(2.0),
        &u("op"),
        t(2.0),
    );
    assert!(none.unwrap().is_none());
    let (r, d) = execute(
        &ex,
        &m,
        &[],
        0,
        UseCase::Seeding,
        &sup("seeding_density", 9000.0),
        t(2.0),
        &u("op"),
        t(2.0),
    )
    .unwrap()
    .unwrap();
    assert_eq!((r.step.as_str(), d.len()), ("SEED", 1));
    let again = execute(
        &ex,
        &m,
        std::slice::from_ref(&r),
        1,
        UseCase::Seeding,
        &sup("seeding_density", 5000.0),
        t(3.0),
        &u("op"),
        t(3.0),
    );
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("no further seeding")
    );
    let (_, s) = m.step("SEED").unwrap();
    let fixed = r
        .correct(
            s,
            evaluate(s, &[("seeding_density".into(), 5000.0)]).unwrap(),
            "typo",
            &u("op"),
            t(4.0),
        )
        .unwrap();
    assert_eq!(fixed.corrections[0].previous[0].value, 9000.0);
    assert!(fixed.entered[0].within);
    assert!(
        r.correct(s, vec![], " ", &u("op"), t(4.0)).is_err(),
        "a reason is needed"
    );
}

#[test]
fn training_names_the_version_in_force_then() {
    use crate::mbr::document::trained_version;
    let d = doc();
    let v1 = DocumentVersion::draft(&d, None, "first", Some(master()), &u("qa"), t(0.0))
        .unwrap()
        .submit(t(0.0))
        .unwrap()
        .approve(&u("qa2"), "s", t(0.0))
        .unwrap()
        .make_effective(t(10.0))
        .unwrap();
    let v2 = DocumentVersion::draft(&d, Some(&v1), "CC-1", Some(master()), &u("qa"), t(20.0))
        .unwrap()
        .submit(t(20.0))
        .unwrap()
        .approve(&u("qa2"), "s", t(20.0))
        .unwrap()
        .make_effective(t(30.0))
        .unwrap();
    let v1 = v1.supersede(t(30.0)).unwrap();
    let all = [v1, v2];
    assert_eq!(
        trained_version("D", &all, "v1", t(15.0)).unwrap().version,
        1
    );
    assert_eq!(trained_version("D", &all, "2", t(31.0)).unwrap().version, 2);
    let e = trained_version("D", &all, "1", t(31.0))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("sop_version") && e.contains("v2 was"), "{e}");
    assert!(trained_version("D", &all, "1", t(5.0)).is_err());
}
