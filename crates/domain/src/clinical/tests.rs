//! Clinical rules: ranges, grades, which patient a vial was dispensed for.

use super::*;

fn t(s: &str) -> UtcTime {
    UtcTime::parse("t", s).unwrap()
}

fn patient(ind: Indication) -> Patient {
    Patient::new(
        PatientCode::new("PT-000001").unwrap(),
        SiteCode::new("CLINIC-1").unwrap(),
        1960,
        Sex::Female,
        ind,
        UserName::new("dr.sato").unwrap(),
        t("2026-01-01T00:00:00Z"),
    )
    .unwrap()
}

#[test]
fn birth_year_in_the_future_is_refused_naming_the_field() {
    let e = Patient::new(
        PatientCode::new("PT-1").unwrap(),
        SiteCode::new("S").unwrap(),
        2030,
        Sex::Male,
        Indication::Stroke,
        UserName::new("dr").unwrap(),
        t("2026-01-01T00:00:00Z"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("birth_year"), "{e}");
}

#[test]
fn scales_check_their_ranges_and_asia_reads_letters() {
    assert_eq!(Scale::Asia.parse_value("c").unwrap(), 3.0);
    assert_eq!(Scale::Asia.show(3.0), "C");
    assert!(Scale::Asia.parse_value("F").is_err());
    assert!(Scale::Mrs.parse_value("7").is_err());
    assert!(Scale::Mrs.parse_value("2.5").is_err());
    assert_eq!(Scale::VasPain.parse_value("41.5").unwrap(), 41.5);
    assert!(Scale::VasPain.parse_value("101").is_err());
    assert!(
        Scale::Womac
            .parse_value("x")
            .unwrap_err()
            .to_string()
            .contains("value")
    );
}

#[test]
fn an_outcome_must_use_a_scale_of_the_patients_indication() {
    let p = patient(Indication::Stroke);
    let by = UserName::new("dr.sato").unwrap();
    let now = t("2026-02-01T00:00:00Z");
    assert!(OutcomeMeasure::new("o1".into(), &p, Scale::Mrs, "3", now, by.clone(), now).is_ok());
    let e = OutcomeMeasure::new("o2".into(), &p, Scale::Womac, "3", now, by, now).unwrap_err();
    assert!(e.to_string().contains("mrs"), "{e}");
}

#[test]
fn administration_checks_patient_dose_and_time() {
    let p = patient(Indication::Stroke);
    let dr = UserName::new("dr.sato").unwrap();
    let d = Dispensing::new(
        VialId::new("L1-0001").unwrap(),
        p.id.clone(),
        dr.clone(),
        t("2026-02-01T09:00:00Z"),
    );
    let now = t("2026-02-01T10:00:00Z");
    let ok = Administration::new(&d, &p, 2.0, Route::IvDrip, 2.0, now, dr.clone(), now).unwrap();
    assert_eq!(ok.indication, Indication::Stroke);
    assert!(Administration::new(&d, &p, 2.0, Route::IvDrip, 2.5, now, dr.clone(), now).is_err());
    let before = t("2026-02-01T08:00:00Z");
    assert!(Administration::new(&d, &p, 2.0, Route::IvDrip, 1.0, before, dr.clone(), now).is_err());
    let mut other = p.clone();
    other.id = PatientCode::new("PT-000002").unwrap();
    assert!(Administration::new(&d, &other, 2.0, Route::IvDrip, 1.0, now, dr, now).is_err());
}

#[test]
fn ctcae_grades_are_1_to_5_and_grade_4_is_serious() {
    let p = patient(Indication::Stroke);
    let dr = UserName::new("dr.sato").unwrap();
    let now = t("2026-02-01T10:00:00Z");
    let ae = |g, o| {
        AdverseEvent::new(
            "a".into(),
            &p,
            None,
            AeFacts {
                term: "Fever".into(),
                grade: g,
                serious: false,
                criteria: vec![],
                causality: Causality::Possibly,
                onset_at: now,
                aware_at: None,
                outcome: o,
            },
            dr.clone(),
            now,
        )
    };
    assert!(ae(0, AeOutcome::Recovered).is_err());
    assert!(ae(6, AeOutcome::Recovered).is_err());
    assert!(ae(4, AeOutcome::Recovering).unwrap().serious);
    assert!(!ae(1, AeOutcome::Recovered).unwrap().serious);
    assert!(ae(5, AeOutcome::Recovered).is_err());
    assert!(ae(5, AeOutcome::Fatal).is_ok());
    assert!(
        Indication::parse("strok")
            .unwrap_err()
            .to_string()
            .contains("stroke")
    );
}
