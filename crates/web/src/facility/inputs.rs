//! One typed input per facility action, read by `kit::Input` from the page's form and the API's JSON
//! body alike (same field names; the particle counter's CSV as the page's upload or the API's
//! body), each turned into the service's command with every bad field at once. Times are
//! `datetime-local` in the input's zone or RFC 3339.

use crate::kit::{Action, At, Check, FieldErrors, opt_text};
use secretome_domain::{
    DomainError, UtcTime, Why,
    facility::{EmSampleType, EquipmentKind, Grade, QualificationKind},
};
use secretome_service::facility::{
    NewEmLimit, NewEmResult, NewEquipment, NewFiltration, NewIntegrityTest, NewMediaFill,
    NewQualification, NewRoom,
};
use serde::Deserialize;

fn domain<T>(r: Result<T, DomainError>) -> Result<T, FieldErrors> {
    r.map_err(|e| FieldErrors::from_service(&e.into()))
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct AddRoom {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub grade: String,
    pub parent: String,
}

impl Action for AddRoom {
    type Command = NewRoom;
    fn command(&self, at: &At) -> Result<NewRoom, FieldErrors> {
        let mut c = Check::new(at);
        let (id, name) = (c.required("id", &self.id), c.required("name", &self.name));
        let kind = c.choice("kind", &self.kind);
        let grade = c.read(domain(Grade::parse("grade", self.grade.trim())));
        let parent = opt_text(&self.parent);
        c.finish(|| {
            Some(NewRoom {
                id,
                name,
                kind: kind?,
                grade: grade?,
                parent,
            })
        })
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RegisterEquipment {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub room: String,
    pub freezer: String,
    pub calibration_due: String,
    pub qualification_due: String,
}

impl Action for RegisterEquipment {
    type Command = NewEquipment;
    fn command(&self, at: &At) -> Result<NewEquipment, FieldErrors> {
        let mut c = Check::new(at);
        let (id, name) = (c.required("id", &self.id), c.required("name", &self.name));
        let kind = c.read(domain(EquipmentKind::parse("kind", self.kind.trim())));
        let calibration_due = c.opt_time("calibration_due", &self.calibration_due);
        let qualification_due = c.opt_time("qualification_due", &self.qualification_due);
        c.finish(|| {
            Some(NewEquipment {
                id,
                name,
                kind: kind?,
                room: opt_text(&self.room),
                freezer: opt_text(&self.freezer),
                calibration_due,
                qualification_due,
            })
        })
    }
}

/// A calibration or requalification: the instrument (the page's field, the API's path), its new
/// due dates and the reason.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Calibrate {
    pub id: String,
    pub calibration_due: String,
    pub qualification_due: String,
    pub reason: String,
}

pub struct Calibration {
    pub id: String,
    pub calibration_due: Option<UtcTime>,
    pub qualification_due: Option<UtcTime>,
    pub reason: String,
}

impl Action for Calibrate {
    type Command = Calibration;
    fn command(&self, at: &At) -> Result<Calibration, FieldErrors> {
        let mut c = Check::new(at);
        let id = c.required("id", &self.id);
        let calibration_due = c.opt_time("calibration_due", &self.calibration_due);
        let qualification_due = c.opt_time("qualification_due", &self.qualification_due);
        let reason = c.required("reason", &self.reason);
        if self.calibration_due.trim().is_empty() && self.qualification_due.trim().is_empty() {
            c.read::<()>(Err(FieldErrors::one("calibration_due", Why::Time)));
        }
        c.done(Calibration {
            id,
            calibration_due,
            qualification_due,
            reason,
        })
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RecordQualification {
    pub operator: String,
    pub kind: String,
    pub sop: String,
    pub sop_version: String,
    pub trained_at: String,
    pub expires_at: String,
}

impl Action for RecordQualification {
    type Command = NewQualification;
    fn command(&self, at: &At) -> Result<NewQualification, FieldErrors> {
        let mut c = Check::new(at);
        let operator = c.required("operator", &self.operator);
        let kind = c.read(domain(QualificationKind::parse("kind", self.kind.trim())));
        let sop = c.required("sop", &self.sop);
        let sop_version = c.required("sop_version", &self.sop_version);
        let trained_at = c.required_time("trained_at", &self.trained_at);
        let expires_at = c.opt_time("expires_at", &self.expires_at);
        c.finish(|| {
            Some(NewQualification {
                operator,
                kind: kind?,
                sop,
                sop_version,
                trained_at,
                expires_at,
            })
        })
    }
}

/// A media fill; `participants` are login ids separated by commas or spaces.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RecordMediaFill {
    pub product: String,
    pub room: String,
    pub performed_at: String,
    pub units_filled: String,
    pub units_positive: String,
    pub participants: String,
}

impl Action for RecordMediaFill {
    type Command = NewMediaFill;
    fn command(&self, at: &At) -> Result<NewMediaFill, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewMediaFill {
            product: c.required("product", &self.product),
            room: c.required("room", &self.room),
            performed_at: c.required_time("performed_at", &self.performed_at),
            units_filled: c.integer("units_filled", &self.units_filled),
            units_positive: c.integer("units_positive", &self.units_positive),
            participants: (self.participants.split([',', ' ', '、']))
                .filter_map(opt_text)
                .collect(),
        };
        c.done(new)
    }
}

/// QA's closure of a failed media fill: its id and the investigation's conclusion.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct CloseMediaFill {
    pub id: String,
    pub reason: String,
}

impl Action for CloseMediaFill {
    type Command = (String, String);
    fn command(&self, at: &At) -> Result<(String, String), FieldErrors> {
        let mut c = Check::new(at);
        let id = c.required("id", &self.id);
        let reason = c.required("reason", &self.reason);
        c.done((id, reason))
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RecordEm {
    pub room: String,
    pub point: String,
    pub sample_type: String,
    pub value: String,
    pub sampled_at: String,
}

impl Action for RecordEm {
    type Command = NewEmResult;
    fn command(&self, at: &At) -> Result<NewEmResult, FieldErrors> {
        let mut c = Check::new(at);
        let room = c.required("room", &self.room);
        let sample_type = c.read(domain(EmSampleType::parse(
            "sample_type",
            self.sample_type.trim(),
        )));
        let value = c.number("value", &self.value);
        let sampled_at = c.required_time("sampled_at", &self.sampled_at);
        c.finish(|| {
            Some(NewEmResult {
                room,
                point: opt_text(&self.point),
                sample_type: sample_type?,
                value,
                sampled_at,
            })
        })
    }
}

/// A particle counter's CSV export: the page's upload (`file`) or the API's `text/csv` body.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImportEm {
    pub file: String,
}

impl Action for ImportEm {
    type Command = String;
    fn command(&self, _: &At) -> Result<String, FieldErrors> {
        if self.file.trim().is_empty() {
            return Err(FieldErrors::one("file", Why::Choose));
        }
        Ok(self.file.clone())
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RecordFiltration {
    pub lot: String,
    pub filter_maker: String,
    pub filter_model: String,
    pub filter_lot: String,
    pub pore_um: String,
    #[serde(deserialize_with = "crate::kit::flag")]
    pub sterilising_grade: bool,
    pub room: String,
    pub performed_at: String,
}

impl Action for RecordFiltration {
    type Command = NewFiltration;
    fn command(&self, at: &At) -> Result<NewFiltration, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewFiltration {
            lot: c.required("lot", &self.lot),
            filter_maker: c.required("filter_maker", &self.filter_maker),
            filter_model: c.required("filter_model", &self.filter_model),
            filter_lot: c.required("filter_lot", &self.filter_lot),
            pore_um: c.number("pore_um", &self.pore_um),
            sterilising_grade: self.sterilising_grade,
            room: opt_text(&self.room),
            performed_at: c.time("performed_at", &self.performed_at),
        };
        c.done(new)
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RecordIntegrityTest {
    pub filtration: String,
    pub stage: String,
    pub method: String,
    pub maker_limit: String,
    pub measured: String,
    pub unit: String,
    pub tested_at: String,
}

impl Action for RecordIntegrityTest {
    type Command = NewIntegrityTest;
    fn command(&self, at: &At) -> Result<NewIntegrityTest, FieldErrors> {
        let mut c = Check::new(at);
        let filtration = c.required("filtration", &self.filtration);
        let stage = c.choice("stage", &self.stage);
        let method = c.choice("method", &self.method);
        let maker_limit = c.number("maker_limit", &self.maker_limit);
        let measured = c.number("measured", &self.measured);
        let unit = c.required("unit", &self.unit);
        let tested_at = c.time("tested_at", &self.tested_at);
        c.finish(|| {
            Some(NewIntegrityTest {
                filtration,
                stage: stage?,
                method: method?,
                maker_limit,
                measured,
                unit,
                tested_at,
            })
        })
    }
}

/// The change of one EM limit under change control: `alert_limit` and `effective_from` may be
/// left empty; the reason is required.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct ChangeLimit {
    pub grade: String,
    pub sample_type: String,
    pub alert_limit: String,
    pub action_limit: String,
    pub effective_from: String,
    pub reason: String,
}

impl Action for ChangeLimit {
    type Command = NewEmLimit;
    fn command(&self, at: &At) -> Result<NewEmLimit, FieldErrors> {
        let mut c = Check::new(at);
        let grade = c.read(domain(Grade::parse("grade", self.grade.trim())));
        let sample_type = c.read(domain(EmSampleType::parse(
            "sample_type",
            self.sample_type.trim(),
        )));
        let alert = opt_text(&self.alert_limit).map(|s| c.number("alert_limit", &s));
        let action = c.number("action_limit", &self.action_limit);
        let effective_from = c.opt_time("effective_from", &self.effective_from);
        let reason = c.required("reason", &self.reason);
        c.finish(|| {
            Some(NewEmLimit {
                grade: grade?,
                sample_type: sample_type?,
                alert,
                action,
                effective_from,
                reason,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::Input;

    fn at() -> At {
        let now = UtcTime::parse("t", "2026-11-25T00:00:00Z").unwrap();
        At {
            zone: "Asia/Tokyo".into(),
            now,
        }
    }

    fn form<T: Action>(body: &str) -> Result<T::Command, FieldErrors> {
        let input = Input::<T>::parse("application/x-www-form-urlencoded", body.as_bytes());
        input
            .input()
            .map_err(|_| FieldErrors::one("", Why::Empty))?
            .command(&at())
    }

    #[test]
    fn bad_values_name_their_field() {
        let em = "room=ISO-1&sample_type=settle_plate&value=two&sampled_at=2026-11-24T09:00";
        let e = form::<RecordEm>(em).err().unwrap();
        assert_eq!(e.0["value"], Why::Number);
        let em = "room=ISO-1&sample_type=swab&value=2&sampled_at=2026-11-24T09:00";
        assert!(
            form::<RecordEm>(em)
                .err()
                .unwrap()
                .0
                .contains_key("sample_type")
        );
        let em = "room=ISO-1&sample_type=settle_plate&value=2&sampled_at=2026-11-24T09:00";
        let ok = form::<RecordEm>(em).ok().unwrap();
        assert_eq!(ok.sampled_at.to_string(), "2026-11-24T00:00:00.000000Z");
        let e = form::<AddRoom>("id=X&name=x&kind=tent&grade=A")
            .err()
            .unwrap();
        assert!(e.0.contains_key("kind"));
        let i =
            "filtration=F&stage=post_use&method=bubble_point&maker_limit=3.2&measured=3.5&unit=bar";
        assert!(form::<RecordIntegrityTest>(i).is_ok());
    }

    #[test]
    fn every_bad_field_at_once() {
        let e = form::<RegisterEquipment>("kind=oven").err().unwrap();
        let fields: Vec<&String> = e.0.keys().collect();
        assert_eq!(fields, ["id", "kind", "name"]);
        let e = form::<Calibrate>("id=PC-01").err().unwrap();
        assert!(e.0.contains_key("calibration_due") && e.0.contains_key("reason"));
        let e = form::<ChangeLimit>("grade=E&sample_type=swab&action_limit=ten").err();
        let e = e.unwrap();
        for field in ["grade", "sample_type", "action_limit", "reason"] {
            assert!(e.0.contains_key(field), "{field}: {:?}", e.0);
        }
        let ok = "grade=B&sample_type=active_air&action_limit=6&reason=trend+review";
        let n = form::<ChangeLimit>(ok).ok().unwrap();
        assert_eq!((n.alert, n.action, n.effective_from), (None, 6.0, None));
    }
}
