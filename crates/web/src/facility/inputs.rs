//! One typed input per facility action, read from named fields: the page's form and the API's JSON
//! body (flattened to the same names by `json_fields`) go through the same reader, so a bad value
//! is refused naming the same field on both. Times are `datetime-local` in `zone` or RFC 3339.

use crate::forms::{FieldErrors, Fields};
use secretome_domain::{
    DomainError, UtcTime,
    facility::{EmSampleType, EquipmentKind, Grade, QualificationKind},
};
use secretome_service::facility::{
    NewEmResult, NewEquipment, NewFiltration, NewIntegrityTest, NewMediaFill, NewQualification,
    NewRoom,
};
use serde::de::DeserializeOwned;

fn domain(e: DomainError) -> FieldErrors {
    match e {
        DomainError::Invalid { field, message } => FieldErrors::one(&field, &message),
        other => FieldErrors::one("", &other.to_string()),
    }
}

/// A snake_case choice (`cabinet`, `post_use`, …) of one of the domain's enums.
fn choice<T: DeserializeOwned>(f: &Fields, field: &str) -> Result<T, FieldErrors> {
    let s = f.text(field);
    if s.is_empty() {
        return Err(FieldErrors::one(field, "required"));
    }
    serde_json::from_value(serde_json::Value::String(s.clone()))
        .map_err(|_| FieldErrors::one(field, &format!("unknown choice {s:?}")))
}

fn required(f: &Fields, field: &str) -> Result<String, FieldErrors> {
    f.opt(field)
        .ok_or_else(|| FieldErrors::one(field, "required"))
}

fn opt_time(
    f: &Fields,
    field: &str,
    zone: &str,
    now: UtcTime,
) -> Result<Option<UtcTime>, FieldErrors> {
    if f.text(field).is_empty() {
        return Ok(None);
    }
    f.time(field, zone, now).map(Some)
}

/// A checkbox or JSON boolean.
fn flag(f: &Fields, field: &str) -> bool {
    matches!(f.text(field).as_str(), "1" | "true" | "on" | "yes")
}

pub fn room(f: &Fields) -> Result<NewRoom, FieldErrors> {
    Ok(NewRoom {
        id: required(f, "id")?,
        name: required(f, "name")?,
        kind: choice(f, "kind")?,
        grade: Grade::parse("grade", &f.text("grade")).map_err(domain)?,
        parent: f.opt("parent"),
    })
}

pub fn equipment(f: &Fields, zone: &str, now: UtcTime) -> Result<NewEquipment, FieldErrors> {
    Ok(NewEquipment {
        id: required(f, "id")?,
        name: required(f, "name")?,
        kind: EquipmentKind::parse("kind", &f.text("kind")).map_err(domain)?,
        room: f.opt("room"),
        freezer: f.opt("freezer"),
        calibration_due: opt_time(f, "calibration_due", zone, now)?,
        qualification_due: opt_time(f, "qualification_due", zone, now)?,
    })
}

/// A calibration or requalification: the instrument, its new due dates and the reason.
pub struct Calibration {
    pub id: String,
    pub calibration_due: Option<UtcTime>,
    pub qualification_due: Option<UtcTime>,
    pub reason: String,
}

pub fn calibration(f: &Fields, zone: &str, now: UtcTime) -> Result<Calibration, FieldErrors> {
    let c = Calibration {
        id: required(f, "id")?,
        calibration_due: opt_time(f, "calibration_due", zone, now)?,
        qualification_due: opt_time(f, "qualification_due", zone, now)?,
        reason: required(f, "reason")?,
    };
    if c.calibration_due.is_none() && c.qualification_due.is_none() {
        return Err(FieldErrors::one(
            "calibration_due",
            "enter the new calibration or qualification due date",
        ));
    }
    Ok(c)
}

pub fn qualification(
    f: &Fields,
    zone: &str,
    now: UtcTime,
) -> Result<NewQualification, FieldErrors> {
    Ok(NewQualification {
        operator: required(f, "operator")?,
        kind: QualificationKind::parse("kind", &f.text("kind")).map_err(domain)?,
        sop: required(f, "sop")?,
        sop_version: required(f, "sop_version")?,
        trained_at: f.required_time("trained_at", zone, now)?,
        expires_at: opt_time(f, "expires_at", zone, now)?,
    })
}

pub fn media_fill(f: &Fields, zone: &str, now: UtcTime) -> Result<NewMediaFill, FieldErrors> {
    Ok(NewMediaFill {
        product: required(f, "product")?,
        room: required(f, "room")?,
        performed_at: f.required_time("performed_at", zone, now)?,
        units_filled: f.integer("units_filled")?,
        units_positive: f.integer("units_positive")?,
        participants: f
            .text("participants")
            .split([',', ' ', '、'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// QA's closure of a failed media fill: its id and the investigation's conclusion.
pub fn closure(f: &Fields) -> Result<(String, String), FieldErrors> {
    Ok((required(f, "id")?, required(f, "reason")?))
}

pub fn em_result(f: &Fields, zone: &str, now: UtcTime) -> Result<NewEmResult, FieldErrors> {
    Ok(NewEmResult {
        room: required(f, "room")?,
        point: f.opt("point"),
        sample_type: EmSampleType::parse("sample_type", &f.text("sample_type")).map_err(domain)?,
        value: f.number("value")?,
        sampled_at: f.required_time("sampled_at", zone, now)?,
    })
}

pub fn filtration(f: &Fields, zone: &str, now: UtcTime) -> Result<NewFiltration, FieldErrors> {
    Ok(NewFiltration {
        lot: required(f, "lot")?,
        filter_maker: required(f, "filter_maker")?,
        filter_model: required(f, "filter_model")?,
        filter_lot: required(f, "filter_lot")?,
        pore_um: f.number("pore_um")?,
        sterilising_grade: flag(f, "sterilising_grade"),
        room: f.opt("room"),
        performed_at: f.time("performed_at", zone, now)?,
    })
}

pub fn integrity(f: &Fields, zone: &str, now: UtcTime) -> Result<NewIntegrityTest, FieldErrors> {
    Ok(NewIntegrityTest {
        filtration: required(f, "filtration")?,
        stage: choice(f, "stage")?,
        method: choice(f, "method")?,
        maker_limit: f.number("maker_limit")?,
        measured: f.number("measured")?,
        unit: required(f, "unit")?,
        tested_at: f.time("tested_at", zone, now)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .fold(Fields::default(), |f, (k, v)| f.with(k, v))
    }

    #[test]
    fn bad_values_name_their_field() {
        let now = UtcTime::parse("t", "2026-11-25T00:00:00Z").unwrap();
        let f = fields(&[
            ("room", "ISO-1"),
            ("sample_type", "settle_plate"),
            ("value", "two"),
            ("sampled_at", "2026-11-24T09:00"),
        ]);
        assert_eq!(
            em_result(&f, "Asia/Tokyo", now).unwrap_err().get("value"),
            "enter a number"
        );
        let f = f.with("value", "2").with("sample_type", "swab");
        assert!(
            em_result(&f, "Asia/Tokyo", now)
                .unwrap_err()
                .0
                .contains_key("sample_type")
        );
        let ok = em_result(&f.with("sample_type", "settle_plate"), "Asia/Tokyo", now).unwrap();
        assert_eq!(ok.sampled_at.to_string(), "2026-11-24T00:00:00.000000Z");
        let r = fields(&[("id", "X"), ("name", "x"), ("kind", "tent"), ("grade", "A")]);
        assert!(room(&r).unwrap_err().0.contains_key("kind"));
        let i = fields(&[
            ("filtration", "F"),
            ("stage", "post_use"),
            ("method", "bubble_point"),
            ("maker_limit", "3.2"),
            ("measured", "3.5"),
            ("unit", "bar"),
        ]);
        assert!(integrity(&i, "UTC", now).is_ok());
    }
}
