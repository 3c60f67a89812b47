//! Annex 1 limits, judging, the excursion window and the particle CSV.

use super::*;
use proptest::prelude::*;

fn t(s: &str) -> UtcTime {
    UtcTime::parse("t", s).unwrap()
}

fn result(id: &str, value: f64, at: &str) -> EmResult {
    let user = UserName::new("op1").unwrap();
    let limits = default_limits(Grade::B, EmSampleType::SettlePlate);
    EmResult::new(
        id.into(),
        "CPC-1",
        None,
        EmSampleType::SettlePlate,
        value,
        limits,
        t(at),
        &user,
        t("2026-12-01T00:00:00Z"),
    )
    .unwrap()
}

#[test]
fn annex1_defaults() {
    let a = default_limits(Grade::A, EmSampleType::SettlePlate).unwrap();
    assert_eq!(a.action, 0.0);
    assert_eq!(a.alert, None);
    assert_eq!(EmOutcome::judge(1.0, Some(a)), EmOutcome::Action);
    assert_eq!(EmOutcome::judge(0.0, Some(a)), EmOutcome::Within);
    let b = default_limits(Grade::B, EmSampleType::ActiveAir).unwrap();
    assert_eq!((b.alert, b.action), (Some(5.0), 10.0));
    assert_eq!(EmOutcome::judge(10.0, Some(b)), EmOutcome::Alert);
    assert_eq!(EmOutcome::judge(11.0, Some(b)), EmOutcome::Action);
    let c = default_limits(Grade::C, EmSampleType::Particles05).unwrap();
    assert_eq!(c.action, 3_520_000.0);
    assert_eq!(
        default_limits(Grade::A, EmSampleType::Particles5)
            .unwrap()
            .action,
        29.0
    );
    assert!(default_limits(Grade::D, EmSampleType::Particles05).is_none());
    assert!(default_limits(Grade::C, EmSampleType::GlovePrint).is_none());
}

#[test]
fn colony_counts_are_whole_and_not_in_future() {
    let user = UserName::new("op1").unwrap();
    let now = t("2026-12-01T00:00:00Z");
    let e = EmResult::new(
        "x".into(),
        "R",
        None,
        EmSampleType::ActiveAir,
        1.5,
        None,
        now,
        &user,
        now,
    );
    assert!(e.unwrap_err().to_string().starts_with("value:"));
    let later = t("2026-12-02T00:00:00Z");
    let e = EmResult::new(
        "x".into(),
        "R",
        None,
        EmSampleType::ActiveAir,
        1.0,
        None,
        later,
        &user,
        now,
    );
    assert!(e.unwrap_err().to_string().starts_with("sampled_at:"));
}

#[test]
fn window_reaches_back_to_the_last_result_in_control() {
    let h = vec![
        result("1", 0.0, "2026-11-10T00:00:00Z"),
        result("2", 3.0, "2026-11-20T00:00:00Z"),
        result("3", 9.0, "2026-11-22T00:00:00Z"),
    ];
    let x = result("4", 9.0, "2026-11-25T00:00:00Z");
    assert_eq!(x.outcome, EmOutcome::Action);
    let (from, to) = affected_window(&x, &h);
    assert_eq!(from, t("2026-11-20T00:00:00Z"));
    assert_eq!(to, t("2026-11-25T00:00:00Z"));
    let (from, _) = affected_window(&x, &[]);
    assert_eq!(from, t("2026-11-18T00:00:00Z"));
}

#[test]
fn particle_csv() {
    let ok = "time,location,>=0.5um,>=5um\n2026-11-25T01:00:00Z,BSC-1,1200,0\n2026-11-25T02:00:00Z, CPC-1 ,350000,3100\n";
    let rows = parse_particle_csv(ok).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].location, "CPC-1");
    assert_eq!(rows[1].p5, 3100.0);
    let bad = "time,location,>=0.5um,>=5um\nyesterday,BSC-1,1,0\n2026-11-25T02:00:00Z,BSC-1,-4,0\n";
    let e = parse_particle_csv(bad).unwrap_err().to_string();
    assert!(
        e.contains("line 2: time:") && e.contains("line 3: >=0.5um:"),
        "{e}"
    );
    assert!(parse_particle_csv("a,b\n1,2\n").is_err());
}

proptest! {
    /// A larger value never judges better than a smaller one, for every grade and type.
    #[test]
    fn judging_is_monotone(a in 0.0f64..5e6, b in 0.0f64..5e6, g in 0usize..4, s in 0usize..6) {
        let limits = default_limits(Grade::ALL[g], EmSampleType::ALL[s]);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let rank = |o: EmOutcome| o as u8;
        prop_assert!(rank(EmOutcome::judge(lo, limits)) <= rank(EmOutcome::judge(hi, limits)));
    }
}
