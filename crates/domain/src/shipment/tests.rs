//! Shipment state machine, excursion detection and the logger readers.

use super::logger::{Format, Reading, parse};
use super::*;
use jiff::tz::TimeZone;

fn t(s: &str) -> UtcTime {
    UtcTime::parse("t", s).unwrap()
}
fn vid(s: &str) -> VialId {
    VialId::new(s).unwrap()
}
fn site(s: &str) -> SiteCode {
    SiteCode::new(s).unwrap()
}
fn user() -> UserName {
    UserName::new("operator").unwrap()
}
fn packed() -> Shipment {
    Shipment::pack(
        "SHP-001",
        site("CPC-TOKYO"),
        site("CL-OSAKA"),
        vec![vid("L-1-0001"), vid("L-1-0002")],
        ShipperType::DryIce,
        "EL-123",
        &[-80.0],
        user(),
        t("2026-11-01T00:00:00Z"),
    )
    .unwrap()
}
fn reading(at: &str, c: f64) -> Reading {
    Reading {
        at: t(at),
        temperature_c: c,
    }
}

#[test]
fn packing_refuses_repeats_no_vials_and_the_same_site_at_once() {
    let e = Shipment::pack(
        "SHP-1",
        site("CPC-TOKYO"),
        site("CPC-TOKYO"),
        vec![vid("L-1-0001"), vid("L-1-0001")],
        ShipperType::DryIce,
        " ",
        &[-80.0],
        user(),
        t("2026-11-01T00:00:00Z"),
    )
    .unwrap_err()
    .to_string();
    for part in ["scanned twice: L-1-0001", "to_site", "logger_id"] {
        assert!(e.contains(part), "{e} should name {part}");
    }
    assert_eq!(packed().limit_c, -70.0, "−80 °C product + 10 °C allowance");
}

#[test]
fn receipt_needs_every_packed_vial_and_no_other_at_the_destination() {
    let s = packed()
        .dispatch(user(), t("2026-11-01T01:00:00Z"))
        .unwrap();
    let now = t("2026-11-02T00:00:00Z");
    let e = s
        .receive(
            &site("CPC-TOKYO"),
            &[vid("L-1-0001"), vid("L-1-0009")],
            ArrivalCondition::Intact,
            user(),
            now,
        )
        .unwrap_err()
        .to_string();
    for part in [
        "addressed to CL-OSAKA",
        "not scanned: L-1-0002",
        "not in this shipment: L-1-0009",
    ] {
        assert!(e.contains(part), "{e} should say {part}");
    }
    let ok = s
        .receive(
            &site("CL-OSAKA"),
            &[vid("L-1-0002"), vid("L-1-0001")],
            ArrivalCondition::Intact,
            user(),
            now,
        )
        .unwrap();
    assert_eq!(ok.status, ShipmentStatus::Received);
    assert!(ok.usable_at(&site("CL-OSAKA")).is_ok());
    assert!(ok.usable_at(&site("CPC-TOKYO")).is_err());
    let damaged = s
        .receive(
            &site("CL-OSAKA"),
            &[vid("L-1-0001"), vid("L-1-0002")],
            ArrivalCondition::CoolantDepleted,
            user(),
            now,
        )
        .unwrap();
    assert_eq!(damaged.status, ShipmentStatus::Quarantined);
}

#[test]
fn a_reading_above_the_limit_in_the_window_quarantines_until_qa_decides() {
    let s = packed()
        .dispatch(user(), t("2026-11-01T01:00:00Z"))
        .unwrap()
        .receive(
            &site("CL-OSAKA"),
            &[vid("L-1-0001"), vid("L-1-0002")],
            ArrivalCondition::Intact,
            user(),
            t("2026-11-02T00:00:00Z"),
        )
        .unwrap();
    // warm readings before packing and after receipt are not the shipment's
    let outside = vec![
        reading("2026-10-31T23:00:00Z", 20.0),
        reading("2026-11-01T12:00:00Z", -70.0),
        reading("2026-11-02T01:00:00Z", 20.0),
    ];
    let fine = s.import_log("ok.csv", outside).unwrap();
    assert_eq!(
        (fine.status, fine.excursion),
        (ShipmentStatus::Received, None)
    );
    let warm = vec![
        reading("2026-11-01T12:00:00Z", -69.9),
        reading("2026-11-01T13:00:00Z", -40.0),
    ];
    let q = s.import_log("warm.csv", warm).unwrap();
    assert_eq!(q.status, ShipmentStatus::Quarantined);
    let x = q.excursion.clone().unwrap();
    assert_eq!((x.readings, x.temperature_c), (2, -40.0));
    assert!(
        q.usable_at(&site("CL-OSAKA"))
            .unwrap_err()
            .to_string()
            .contains("quarantined")
    );
    assert!(
        q.decide(true, " ", user(), t("2026-11-03T00:00:00Z"))
            .is_err(),
        "reason required"
    );
    let r = q
        .decide(
            true,
            "stability data cover 2 h at −40 °C",
            user(),
            t("2026-11-03T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(r.status, ShipmentStatus::Released);
    assert!(r.usable_at(&site("CL-OSAKA")).is_ok());
    let j = q
        .decide(false, "excursion", user(), t("2026-11-03T00:00:00Z"))
        .unwrap();
    assert_eq!(j.status, ShipmentStatus::Rejected);
    assert!(
        j.decide(true, "again", user(), t("2026-11-03T00:00:00Z"))
            .is_err()
    );
}

#[test]
fn generic_csv_with_offsets_and_local_times() {
    let tz = TimeZone::get("Asia/Tokyo").unwrap();
    let (f, r) = parse(
        "log.csv",
        "time,temperature_c\n2026-11-01T09:00:00+09:00,-79.5\n2026-11-01 09:05,-79.0\n\n",
        &tz,
    )
    .unwrap();
    assert_eq!(f, Format::Generic);
    assert_eq!(r[0].at, t("2026-11-01T00:00:00Z"));
    assert_eq!(r[1].at, t("2026-11-01T00:05:00Z"), "local time read in JST");
    assert_eq!(r[1].temperature_c, -79.0);
}

#[test]
fn easylog_export_in_celsius_and_fahrenheit() {
    let tz = TimeZone::get("Asia/Tokyo").unwrap();
    let body = "\u{feff}Shipper 12,Time,Celsius(°C),Serial Number\n\
                1,2026-11-01 09:00:00,-79.5,012345678\n\
                2,01/11/2026 09:05:00,-78.0\n";
    let (f, r) = parse("EL-USB-1.csv", body, &tz).unwrap();
    assert_eq!(f, Format::EasyLog);
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].at, t("2026-11-01T00:05:00Z"), "DD/MM/YYYY");
    let (_, r) = parse(
        "f.csv",
        "X,Time,Fahrenheit(°F),Serial Number\n1,2026-11-01 09:00:00,-112,1\n",
        &tz,
    )
    .unwrap();
    assert!((r[0].temperature_c + 80.0).abs() < 1e-9);
}

#[test]
fn every_bad_cell_is_named_with_line_and_column() {
    let tz = TimeZone::UTC;
    let e = parse(
        "bad.csv",
        "time,temperature_c\n2026-11-01T00:00:00Z,-80\nyesterday,-80\n2026-11-01T00:10:00Z,cold\n",
        &tz,
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("file: bad.csv:"), "{e}");
    assert!(e.contains("line 3, column 1 (time)"), "{e}");
    assert!(e.contains("line 4, column 2 (temperature)"), "{e}");
    let e = parse("x.csv", "a,b\n1,2\n", &tz).unwrap_err().to_string();
    assert!(e.contains("line 1"), "{e}");
    assert!(parse("e.csv", "time,temperature_c\n", &tz).is_err());
}

#[test]
fn a_shipment_quarantined_in_transit_is_still_received_and_stays_quarantined() {
    let s = packed()
        .dispatch(user(), t("2026-11-01T01:00:00Z"))
        .unwrap()
        .import_log("warm.csv", vec![reading("2026-11-01T05:00:00Z", -30.0)])
        .unwrap();
    assert_eq!(
        (s.status, s.received_at),
        (ShipmentStatus::Quarantined, None)
    );
    let both = [vid("L-1-0001"), vid("L-1-0002")];
    let r = s
        .receive(
            &site("CL-OSAKA"),
            &both,
            ArrivalCondition::Intact,
            user(),
            t("2026-11-02T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(r.status, ShipmentStatus::Quarantined, "QA has not decided");
    assert!(r.received_at.is_some());
    assert!(
        r.receive(
            &site("CL-OSAKA"),
            &both,
            ArrivalCondition::Intact,
            user(),
            t("2026-11-02T00:00:00Z")
        )
        .is_err(),
        "received once"
    );
    let released = r
        .decide(
            true,
            "stability study covers it",
            user(),
            t("2026-11-03T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(released.status, ShipmentStatus::Released);
    assert!(released.usable_at(&site("CL-OSAKA")).is_ok());
}
