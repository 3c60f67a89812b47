//! The patient's explanation and consent (説明・同意, Act on the Safety of Regenerative Medicine
//! Art. 14): per indication, the version of the explanatory document used, when and by whom it was
//! explained, when the patient consented, and a later withdrawal (同意の撤回). Dispensing for an
//! indication needs a consent for it that is in force at that moment.

use super::Indication;
use crate::{
    DomainError, UtcTime,
    ids::{PatientCode, UserName},
    plausible::{event_time, not_before},
    quantity::text,
};
use serde::{Deserialize, Serialize};

/// One consent of one patient for one indication (`{patient}-CN-{nn}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Consent {
    pub id: String,
    pub patient: PatientCode,
    pub indication: Indication,
    /// The explanatory document and consent form as versioned by the clinic, e.g. `IC-2026-03 v2`.
    pub document_version: String,
    /// The physician (or other person) who gave the explanation.
    pub explained_by: String,
    pub explained_at: UtcTime,
    pub consented_at: UtcTime,
    pub recorded_at: UtcTime,
    pub recorded_by: UserName,
    pub withdrawn_at: Option<UtcTime>,
    pub withdrawal_reason: Option<String>,
    pub withdrawn_by: Option<UserName>,
}

impl Consent {
    /// Consent follows (or coincides with) the explanation; neither lies in the future.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        patient: PatientCode,
        indication: Indication,
        document_version: &str,
        explained_by: &str,
        explained_at: UtcTime,
        consented_at: UtcTime,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        let explained_at = event_time("explained_at", explained_at, None, now)?;
        let consented_at = event_time(
            "consented_at",
            consented_at,
            Some((explained_at, ("the explanation", "説明"))),
            now,
        )?;
        Ok(Consent {
            id,
            patient,
            indication,
            document_version: text("document_version", document_version)?,
            explained_by: text("explained_by", explained_by)?,
            explained_at,
            consented_at,
            recorded_at: now,
            recorded_by: by,
            withdrawn_at: None,
            withdrawal_reason: None,
            withdrawn_by: None,
        })
    }

    /// The patient withdrew consent at `at`; a reason is required (as the patient gave it, or
    /// "not given").
    pub fn withdraw(
        &self,
        at: UtcTime,
        reason: &str,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if self.withdrawn_at.is_some() {
            return Err(DomainError::Rule(crate::rule::Rule::ConsentWithdrawn {
                consent: self.id.to_string(),
            }));
        }
        let at = event_time("withdrawn_at", at, None, now)?;
        not_before(
            "withdrawn_at",
            at,
            self.consented_at,
            ("the consent", "同意"),
        )?;
        Ok(Consent {
            withdrawn_at: Some(at),
            withdrawal_reason: Some(text("withdrawal_reason", reason)?),
            withdrawn_by: Some(by),
            ..self.clone()
        })
    }

    /// In force at `at` for `indication`: consented by then and not withdrawn by then.
    pub fn covers(&self, indication: Indication, at: UtcTime) -> bool {
        self.indication == indication
            && self.consented_at <= at
            && self.withdrawn_at.is_none_or(|w| at < w)
    }
}

/// The indications `consents` cover at `at`, in order.
pub fn consented_indications(consents: &[Consent], at: UtcTime) -> Vec<Indication> {
    let mut out: Vec<Indication> = Indication::ALL
        .iter()
        .copied()
        .filter(|i| consents.iter().any(|c| c.covers(*i, at)))
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }
    fn consent() -> Consent {
        Consent::new(
            "PT-1-CN-01".into(),
            PatientCode::new("PT-1").unwrap(),
            Indication::Stroke,
            "IC-STROKE v3",
            "Dr. Sato",
            t("2026-11-01T01:00:00Z"),
            t("2026-11-01T02:00:00Z"),
            UserName::new("physician").unwrap(),
            t("2026-11-01T03:00:00Z"),
        )
        .unwrap()
    }

    #[test]
    fn covers_its_indication_from_consent_until_withdrawal() {
        let c = consent();
        assert!(!c.covers(Indication::Stroke, t("2026-11-01T01:30:00Z")));
        assert!(c.covers(Indication::Stroke, t("2026-11-02T00:00:00Z")));
        assert!(!c.covers(Indication::HairLoss, t("2026-11-02T00:00:00Z")));
        let w = c
            .withdraw(
                t("2026-11-10T00:00:00Z"),
                "patient's wish",
                UserName::new("physician").unwrap(),
                t("2026-11-10T01:00:00Z"),
            )
            .unwrap();
        assert!(w.covers(Indication::Stroke, t("2026-11-09T00:00:00Z")));
        assert!(!w.covers(Indication::Stroke, t("2026-11-10T00:00:00Z")));
        assert_eq!(
            consented_indications(std::slice::from_ref(&w), t("2026-11-11T00:00:00Z")),
            vec![]
        );
        assert!(
            w.withdraw(
                t("2026-11-10T00:00:00Z"),
                "again",
                UserName::new("physician").unwrap(),
                t("2026-11-10T01:00:00Z"),
            )
            .is_err()
        );
    }

    #[test]
    fn consent_before_explanation_or_empty_version_is_refused() {
        let e = Consent::new(
            "x".into(),
            PatientCode::new("PT-1").unwrap(),
            Indication::Stroke,
            "v1",
            "Dr. Sato",
            t("2026-11-01T02:00:00Z"),
            t("2026-11-01T01:00:00Z"),
            UserName::new("physician").unwrap(),
            t("2026-11-01T03:00:00Z"),
        )
        .unwrap_err();
        assert!(matches!(e, DomainError::Invalid { ref field, .. } if field == "consented_at"));
        let e = Consent::new(
            "x".into(),
            PatientCode::new("PT-1").unwrap(),
            Indication::Stroke,
            " ",
            "Dr. Sato",
            t("2026-11-01T01:00:00Z"),
            t("2026-11-01T01:00:00Z"),
            UserName::new("physician").unwrap(),
            t("2026-11-01T03:00:00Z"),
        )
        .unwrap_err();
        assert!(matches!(e, DomainError::Invalid { ref field, .. } if field == "document_version"));
    }
}
