//! Donors: pseudonymised code, tissue source, consent, infectious-disease screen, and the donor state
//! machine `screening → eligible | ineligible` (DESIGN.md §3). Only eligible donors' tissue may be banked.

use crate::{
    DomainError, TransitionError, UtcTime,
    ids::{DonorCode, PatientCode},
    quantity::text,
};
use serde::{Deserialize, Serialize};

/// The kind of tissue MSCs are derived from (骨髄 / 脂肪 / 臍帯 / 歯髄 / other). `Default` (other)
/// exists only so `Rule`'s `EnumIter` can make a sample of each refusal; no input defaults to it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TissueSource {
    BoneMarrow,
    Adipose,
    UmbilicalCord,
    DentalPulp,
    #[default]
    Other,
}

impl TissueSource {
    pub const ALL: [TissueSource; 5] = [
        TissueSource::BoneMarrow,
        TissueSource::Adipose,
        TissueSource::UmbilicalCord,
        TissueSource::DentalPulp,
        TissueSource::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TissueSource::BoneMarrow => "bone_marrow",
            TissueSource::Adipose => "adipose",
            TissueSource::UmbilicalCord => "umbilical_cord",
            TissueSource::DentalPulp => "dental_pulp",
            TissueSource::Other => "other",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            TissueSource::BoneMarrow => "骨髄",
            TissueSource::Adipose => "脂肪",
            TissueSource::UmbilicalCord => "臍帯",
            TissueSource::DentalPulp => "歯髄",
            TissueSource::Other => "その他",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|t| t.as_str() == s).ok_or_else(|| {
            DomainError::invalid(
                field, crate::Why::said(format!("unknown tissue source {s:?} (expected bone_marrow, adipose, umbilical_cord, dental_pulp or other)"), format!("組織の由来を選択してください (入力値 {s:?})")),
            )
        })
    }
}

/// Infectious-disease markers a donor is screened for (感染症検査).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Marker {
    Hbv,
    Hcv,
    Hiv,
    Htlv1,
    Syphilis,
    ParvovirusB19,
}

impl Marker {
    /// Every marker an eligibility decision needs.
    pub const REQUIRED: [Marker; 6] = [
        Marker::Hbv,
        Marker::Hcv,
        Marker::Hiv,
        Marker::Htlv1,
        Marker::Syphilis,
        Marker::ParvovirusB19,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Marker::Hbv => "HBV",
            Marker::Hcv => "HCV",
            Marker::Hiv => "HIV-1/2",
            Marker::Htlv1 => "HTLV-1",
            Marker::Syphilis => "syphilis",
            Marker::ParvovirusB19 => "parvovirus B19",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScreenOutcome {
    Negative,
    Positive,
    Indeterminate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScreenResult {
    pub marker: Marker,
    pub outcome: ScreenOutcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DonorStatus {
    Screening,
    Eligible,
    Ineligible,
}

impl DonorStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DonorStatus::Screening => "screening",
            DonorStatus::Eligible => "eligible",
            DonorStatus::Ineligible => "ineligible",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            DonorStatus::Screening => "適格性判定中",
            DonorStatus::Eligible => "適格",
            DonorStatus::Ineligible => "不適格",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Donor {
    pub id: DonorCode,
    pub source: TissueSource,
    /// Version of the consent form the donor signed (同意書の版).
    pub consent_form: String,
    pub consented_at: UtcTime,
    pub status: DonorStatus,
    /// The infectious-disease screen, once recorded.
    pub screening: Vec<ScreenResult>,
    /// Why the donor is ineligible, when they are.
    pub ineligible_reason: Option<String>,
    pub registered_at: UtcTime,
    /// The patient this donor is, when the donation is for autologous use only (自家): the lot's
    /// ISBT 128 collection type is then `1`, else `V` (docs/isbt128.md).
    #[serde(default)]
    pub autologous_for: Option<PatientCode>,
}

impl Donor {
    /// A newly registered donor, in `screening`. Consent cannot be dated after registration.
    pub fn register(
        id: DonorCode,
        source: TissueSource,
        consent_form: &str,
        consented_at: UtcTime,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if consented_at > now {
            return Err(DomainError::invalid(
                "consented_at",
                crate::Why::said(
                    "consent cannot be dated in the future",
                    "同意日時を未来にはできません",
                ),
            ));
        }
        Ok(Self {
            id,
            source,
            consent_form: text("consent_form", consent_form)?,
            consented_at,
            status: DonorStatus::Screening,
            screening: Vec::new(),
            ineligible_reason: None,
            registered_at: now,
            autologous_for: None,
        })
    }

    /// Records the screen and decides eligibility: eligible only if every required marker is
    /// negative. An incomplete screen is refused (nothing is decided on partial results).
    pub fn record_screening(&self, results: Vec<ScreenResult>) -> Result<Self, DomainError> {
        if self.status != DonorStatus::Screening {
            return Err(TransitionError {
                entity: "donor",
                id: self.id.to_string(),
                from: self.status.as_str(),
                action: "record an eligibility decision",
            }
            .into());
        }
        let missing: Vec<&str> = Marker::REQUIRED
            .iter()
            .filter(|m| !results.iter().any(|r| r.marker == **m))
            .map(|m| m.label())
            .collect();
        if !missing.is_empty() {
            return Err(DomainError::invalid(
                "screening",
                crate::Why::said(
                    format!("incomplete screen: missing {}", missing.join(", ")),
                    format!("検査項目が不足しています: {}", missing.join(", ")),
                ),
            ));
        }
        let not_negative: Vec<String> = results
            .iter()
            .filter(|r| r.outcome != ScreenOutcome::Negative)
            .map(|r| format!("{} {:?}", r.marker.label(), r.outcome).to_lowercase())
            .collect();
        let mut next = self.clone();
        next.screening = results;
        if not_negative.is_empty() {
            next.status = DonorStatus::Eligible;
        } else {
            next.status = DonorStatus::Ineligible;
            next.ineligible_reason = Some(not_negative.join(", "));
        }
        Ok(next)
    }

    /// Records that the donation is for autologous use only: the donor is `patient` (自家). Set once;
    /// a different patient later is refused, the same one again changes nothing.
    pub fn for_autologous_use(&self, patient: PatientCode) -> Result<Self, DomainError> {
        match &self.autologous_for {
            Some(p) if *p != patient => Err(DomainError::Rule(crate::rule::Rule::DonorIsPatient {
                donor: self.id.to_string(),
                patient: p.to_string(),
            })),
            _ => Ok(Self {
                autologous_for: Some(patient),
                ..self.clone()
            }),
        }
    }

    /// Tissue may be collected for banking only from an eligible donor.
    pub fn check_can_donate(&self) -> Result<(), DomainError> {
        match self.status {
            DonorStatus::Eligible => Ok(()),
            other => Err(TransitionError {
                entity: "donor",
                id: self.id.to_string(),
                from: other.as_str(),
                action: "donate tissue (only eligible donors' tissue may be banked)",
            }
            .into()),
        }
    }
}

/// A complete screen with every required marker negative (test and demo helper).
pub fn all_negative() -> Vec<ScreenResult> {
    Marker::REQUIRED
        .iter()
        .map(|m| ScreenResult {
            marker: *m,
            outcome: ScreenOutcome::Negative,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }
    fn donor() -> Donor {
        Donor::register(
            DonorCode::new("D-001").unwrap(),
            TissueSource::Adipose,
            "IC-v3",
            t("2026-01-01T00:00:00Z"),
            t("2026-01-02T00:00:00Z"),
        )
        .unwrap()
    }

    #[test]
    fn negative_screen_makes_donor_eligible() {
        let d = donor().record_screening(all_negative()).unwrap();
        assert_eq!(d.status, DonorStatus::Eligible);
        assert!(d.check_can_donate().is_ok());
    }

    #[test]
    fn positive_marker_makes_donor_ineligible_with_reason() {
        let mut r = all_negative();
        r[1].outcome = ScreenOutcome::Positive;
        let d = donor().record_screening(r).unwrap();
        assert_eq!(d.status, DonorStatus::Ineligible);
        assert_eq!(d.ineligible_reason.as_deref(), Some("hcv positive"));
        let e = d.check_can_donate().unwrap_err().to_string();
        assert!(
            e.starts_with("donor D-001 is ineligible: cannot donate"),
            "{e}"
        );
    }

    #[test]
    fn incomplete_screen_decides_nothing() {
        let mut r = all_negative();
        r.retain(|x| x.marker != Marker::Htlv1);
        let e = donor().record_screening(r).unwrap_err().to_string();
        assert_eq!(e, "screening: incomplete screen: missing HTLV-1");
    }

    #[test]
    fn decision_cannot_be_made_twice() {
        let d = donor().record_screening(all_negative()).unwrap();
        assert!(matches!(
            d.record_screening(all_negative()),
            Err(DomainError::Transition(_))
        ));
    }

    #[test]
    fn screening_donor_cannot_donate_and_future_consent_is_refused() {
        assert!(donor().check_can_donate().is_err());
        let e = Donor::register(
            DonorCode::new("D-2").unwrap(),
            TissueSource::BoneMarrow,
            "IC-v3",
            t("2027-01-01T00:00:00Z"),
            t("2026-01-01T00:00:00Z"),
        );
        assert!(e.is_err());
    }
}
