//! Clinical use (DESIGN.md §5): pseudonymised patients, indications, dispensing and administration
//! of vials, adverse events graded by CTCAE v5.0, and outcome measures over follow-up visits.

mod adverse;
pub mod care;
pub mod codes;
pub mod consent;
pub mod ctcae;
pub mod reporting;
mod scale;
#[cfg(test)]
mod tests;

pub use adverse::{AdverseEvent, AeFacts, AeReport, Causality, ReportStatus};
pub use care::VialEnd;
pub use consent::Consent;
pub use scale::Scale;

use crate::{
    DomainError, UtcTime,
    ids::{PatientCode, SiteCode, UserName, VialId},
    quantity::positive,
};
use serde::{Deserialize, Serialize};

macro_rules! choice {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($var:ident => $s:literal, $en:literal, $ja:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),*];
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $s),* } }
            pub fn label_en(self) -> &'static str { match self { $($name::$var => $en),* } }
            pub fn label_ja(self) -> &'static str { match self { $($name::$var => $ja),* } }
            /// Parses the stored form; the error names `field` and lists the allowed values.
            pub fn parse(s: &str) -> Result<Self, DomainError> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s.trim()).ok_or_else(|| {
                    DomainError::invalid($field, crate::Why::OneOf { given: s.to_string(), choices: Self::ALL.iter().map(|v| v.as_str().to_string()).collect() })
                })
            }
        }
    };
}
pub(crate) use choice;

choice!(/// What a patient is treated for (the source article's applications).
    Indication, "indication" {
    Stroke => "stroke", "Stroke", "脳卒中";
    SpinalCordInjury => "spinal_cord_injury", "Spinal cord injury", "脊髄損傷";
    Osteoarthritis => "osteoarthritis", "Osteoarthritis", "変形性関節症";
    ChronicPain => "chronic_pain", "Chronic pain", "慢性疼痛";
    ChronicWound => "chronic_wound", "Chronic wound / diabetic ulcer", "難治性創傷・糖尿病性潰瘍";
    Skin => "skin", "Skin regeneration", "皮膚再生";
    HairLoss => "hair_loss", "Hair loss", "薄毛・脱毛症";
    AgeingCare => "ageing_care", "Ageing care", "エイジングケア";
});

choice!(/// How a dose is given.
    Route, "route" {
    IvDrip => "iv_drip", "IV drip", "点滴静注";
    Intranasal => "intranasal", "Intranasal", "点鼻";
    LocalInjection => "local_injection", "Local injection", "局所注射";
    ScalpInjection => "scalp_injection", "Scalp injection", "頭皮注射";
    Topical => "topical", "Topical", "外用";
});

choice!(/// Recorded sex of a pseudonymised patient.
    Sex, "sex" {
    Female => "female", "Female", "女性";
    Male => "male", "Male", "男性";
    Other => "other", "Other", "その他";
    Unknown => "unknown", "Unknown", "不明";
});

choice!(/// How an adverse event turned out.
    AeOutcome, "outcome" {
    Recovered => "recovered", "Recovered", "回復";
    Recovering => "recovering", "Recovering", "軽快";
    NotRecovered => "not_recovered", "Not recovered", "未回復";
    RecoveredWithSequelae => "recovered_with_sequelae", "Recovered with sequelae", "後遺症あり";
    Fatal => "fatal", "Fatal", "死亡";
    Unknown => "unknown", "Unknown", "不明";
});

impl Indication {
    /// The outcome scales followed for this indication (empty: none defined yet).
    pub fn scales(self) -> &'static [Scale] {
        match self {
            Indication::Stroke => &[Scale::Mrs],
            Indication::SpinalCordInjury => &[Scale::Asia],
            Indication::Osteoarthritis => &[Scale::Womac, Scale::VasPain],
            Indication::ChronicPain => &[Scale::VasPain],
            Indication::ChronicWound => &[Scale::WoundArea],
            Indication::HairLoss => &[Scale::HairCount],
            Indication::Skin | Indication::AgeingCare => &[],
        }
    }
}

/// A patient, known only by a pseudonym; the contact physician is followed up on a recall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Patient {
    pub id: PatientCode,
    pub site: SiteCode,
    pub birth_year: i64,
    pub sex: Sex,
    pub indication: Indication,
    pub physician: UserName,
    pub registered_at: UtcTime,
}

impl Patient {
    pub fn new(
        id: PatientCode,
        site: SiteCode,
        birth_year: i64,
        sex: Sex,
        indication: Indication,
        physician: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        let this_year = i64::from(jiff::tz::TimeZone::UTC.to_datetime(now.timestamp()).year());
        if !(1900..=this_year).contains(&birth_year) {
            return Err(DomainError::invalid(
                "birth_year",
                crate::Why::said(
                    format!("must be between 1900 and {this_year} (got {birth_year})"),
                    format!("1900〜{this_year} の範囲で入力してください (入力値 {birth_year})"),
                ),
            ));
        }
        Ok(Patient {
            id,
            site,
            birth_year,
            sex,
            indication,
            physician,
            registered_at: now,
        })
    }
}

/// A vial handed out for one patient (払出し). A vial returned unopened and put back in stock by
/// QA may be dispensed again: its next dispensing is `DSP-{vial}-2`, … (the first `DSP-{vial}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Dispensing {
    pub id: String,
    pub vial: VialId,
    pub patient: PatientCode,
    pub dispensed_at: UtcTime,
    pub dispensed_by: UserName,
    /// What it is dispensed for (one of the patient's consented indications); none on records
    /// made before consents were kept (the patient's indication).
    #[serde(default)]
    pub indication: Option<Indication>,
    /// Point of care (`care.rs`): thawed at, and to be given by.
    #[serde(default)]
    pub thawed_at: Option<UtcTime>,
    #[serde(default)]
    pub use_by: Option<UtcTime>,
    /// How the vial ended: administered, discarded or returned; none while at the point of care.
    #[serde(default)]
    pub ended: Option<VialEnd>,
    #[serde(default)]
    pub ended_at: Option<UtcTime>,
    #[serde(default)]
    pub ended_by: Option<UserName>,
    #[serde(default)]
    pub end_reason: Option<String>,
    /// QA's decision on a returned vial (`care.rs`): back to stock or destroyed, with the reason.
    #[serde(default)]
    pub qa_decision: Option<care::ReturnDecision>,
    #[serde(default)]
    pub qa_reason: Option<String>,
    #[serde(default)]
    pub qa_decided_at: Option<UtcTime>,
    #[serde(default)]
    pub qa_decided_by: Option<UserName>,
}

impl Dispensing {
    pub fn new(vial: VialId, patient: PatientCode, by: UserName, now: UtcTime) -> Self {
        Dispensing {
            id: format!("DSP-{vial}"),
            vial,
            patient,
            dispensed_at: now,
            dispensed_by: by,
            indication: None,
            thawed_at: None,
            use_by: None,
            ended: None,
            ended_at: None,
            ended_by: None,
            end_reason: None,
            qa_decision: None,
            qa_reason: None,
            qa_decided_at: None,
            qa_decided_by: None,
        }
    }

    /// The `n`th dispensing of a vial (1: `DSP-{vial}`, then `DSP-{vial}-2`, …).
    pub fn id_for(vial: &VialId, n: usize) -> String {
        if n <= 1 {
            format!("DSP-{vial}")
        } else {
            format!("DSP-{vial}-{n}")
        }
    }
}

/// A dose given (投与): from a vial dispensed for this patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Administration {
    pub id: String,
    pub vial: VialId,
    pub patient: PatientCode,
    pub indication: Indication,
    pub route: Route,
    pub dose_ml: f64,
    pub administered_at: UtcTime,
    pub physician: UserName,
    pub recorded_at: UtcTime,
    /// Why a dose above the route's configured maximum was given (`care::check_dose`).
    #[serde(default)]
    pub dose_reason: Option<String>,
}

impl Administration {
    /// `dispensing` must be for this patient; the dose must fit in the vial; not in the future.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        dispensing: &Dispensing,
        patient: &Patient,
        vial_volume_ml: f64,
        route: Route,
        dose_ml: f64,
        administered_at: UtcTime,
        physician: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if dispensing.patient != patient.id {
            return Err(DomainError::Rule(crate::rule::Rule::VialForOtherPatient {
                vial: dispensing.vial.to_string(),
                dispensed_for: dispensing.patient.to_string(),
                patient: patient.id.to_string(),
            }));
        }
        // Every bad field at once.
        let mut all = crate::Invalids::default();
        let dose_ml = all.keep(positive("dose_ml", dose_ml), dose_ml);
        if dose_ml > vial_volume_ml {
            all.take::<()>(Err(DomainError::invalid(
                "dose_ml",
                crate::Why::said(
                    format!("{dose_ml} mL is more than the vial holds ({vial_volume_ml} mL)"),
                    format!(
                        "投与量がバイアルの容量を超えています ({dose_ml} mL > {vial_volume_ml} mL)"
                    ),
                ),
            )));
        }
        let timely = all.take(crate::plausible::not_after_entry(
            "administered_at",
            administered_at,
            now,
        ));
        if timely.is_some() && administered_at < dispensing.dispensed_at {
            all.take::<()>(Err(DomainError::invalid(
                "administered_at",
                crate::Why::said(
                    format!(
                        "must not be before the vial was dispensed ({})",
                        dispensing.dispensed_at
                    ),
                    format!(
                        "払出し日時 ({}) より前にはできません",
                        dispensing.dispensed_at
                    ),
                ),
            )));
        }
        all.done()?;
        Ok(Administration {
            id: format!("ADM-{}", dispensing.vial),
            vial: dispensing.vial.clone(),
            patient: patient.id.clone(),
            indication: patient.indication,
            route,
            dose_ml,
            administered_at,
            physician,
            recorded_at: now,
            dose_reason: None,
        })
    }
}

/// One value of an outcome scale at a follow-up visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutcomeMeasure {
    pub id: String,
    pub patient: PatientCode,
    pub scale: Scale,
    pub value: f64,
    pub visit_at: UtcTime,
    pub recorded_at: UtcTime,
    pub recorded_by: UserName,
}

impl OutcomeMeasure {
    /// `raw` is the value as typed (`"C"` for ASIA grade C, `"3"` for mRS 3); checked against the
    /// scale's range, and the scale must be one followed for the patient's indication.
    pub fn new(
        id: String,
        patient: &Patient,
        scale: Scale,
        raw: &str,
        visit_at: UtcTime,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        // Every bad field at once.
        let mut all = crate::Invalids::default();
        if !patient.indication.scales().contains(&scale) {
            let followed: Vec<&str> = patient
                .indication
                .scales()
                .iter()
                .map(|s| s.as_str())
                .collect();
            let followed = followed.join(", ");
            all.take::<()>(Err(DomainError::invalid(
                "scale",
                crate::Why::said(
                    format!(
                        "{} is not followed for {} (use {})",
                        scale.as_str(),
                        patient.indication.as_str(),
                        followed,
                    ),
                    format!(
                        "この適応症では追跡しない評価尺度です ({}; 使う尺度: {})",
                        scale.as_str(),
                        followed,
                    ),
                ),
            )));
        }
        all.take(crate::plausible::not_after_entry("visit_at", visit_at, now));
        let value = all.take(scale.parse_value(raw));
        let (Some(value), true) = (value, all.is_empty()) else {
            return Err(all.into_error());
        };
        Ok(OutcomeMeasure {
            id,
            patient: patient.id.clone(),
            scale,
            value,
            visit_at,
            recorded_at: now,
            recorded_by: by,
        })
    }
}
