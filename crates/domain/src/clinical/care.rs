//! Point of care (投与の現場): a dispensed vial is thawed (its post-thaw use-by starts), and ends
//! in exactly one way — administered, discarded (with the reason) or returned (only unopened and
//! kept within temperature, never after thawing). A dose is checked against the configured maximum
//! volume for its route: above it the dose is refused unless the physician gives a reason.

use super::{Dispensing, Route, choice};
use crate::{
    DomainError, UtcTime,
    ids::UserName,
    plausible::{event_time, not_before},
    quantity::text,
};

/// Hours a thawed vial may wait before it must be given (or discarded).
pub const POST_THAW_USE_HOURS: f64 = 4.0;

/// The setting (`Setting` id) holding the maximum dose for a route, e.g. `dose.max_ml.intranasal`.
pub fn max_dose_setting(route: Route) -> String {
    format!("dose.max_ml.{}", route.as_str())
}

/// The maximum volume per dose for each route until the facility sets its own (mL). An intranasal
/// dose is a few sprays (0.1–0.2 mL each), never a whole 2 mL vial.
pub fn default_max_dose_ml(route: Route) -> f64 {
    match route {
        Route::IvDrip => 20.0,
        Route::Intranasal => 0.5,
        Route::LocalInjection => 5.0,
        Route::ScalpInjection => 4.0,
        Route::Topical => 10.0,
    }
}

/// A dose above `max_ml` for its route needs a reason (kept with the administration); within it,
/// a reason given is kept too. The error names `dose_ml`.
pub fn check_dose(
    route: Route,
    dose_ml: f64,
    max_ml: f64,
    reason: Option<&str>,
) -> Result<Option<String>, DomainError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if dose_ml > max_ml && reason.is_none() {
        return Err(DomainError::invalid(
            "dose_ml",
            crate::Why::said(
                format!(
                    "{dose_ml} mL is above the maximum of {max_ml} mL for a {} dose: give a reason to go above it",
                    route.label_en()
                ),
                format!(
                    "投与経路の上限を超えています ({dose_ml} mL > {max_ml} mL, {})。理由を入力してください",
                    route.label_ja()
                ),
            ),
        ));
    }
    reason.map(|r| text("dose_reason", r)).transpose()
}

choice!(/// How a dispensed vial ended.
    VialEnd, "end" {
    Administered => "administered", "Administered", "投与";
    Discarded => "discarded", "Discarded", "廃棄";
    Returned => "returned", "Returned", "返品";
});

choice!(/// QA's decision on a vial returned unopened from the point of care.
    ReturnDecision, "decision" {
    Stock => "stock", "Returned to stock", "在庫に戻す";
    Destroy => "destroy", "Destroyed", "廃棄";
});

impl Dispensing {
    /// Returned and not yet decided by QA (the vial waits in quarantine).
    pub fn awaits_qa(&self) -> bool {
        self.ended == Some(VialEnd::Returned) && self.qa_decision.is_none()
    }

    /// QA decides a returned vial: back to stock (available, can be dispensed again) or destroyed,
    /// always with the reason. Only once, and only for a returned vial.
    pub fn decide_return(
        &self,
        decision: ReturnDecision,
        reason: &str,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        if self.ended != Some(VialEnd::Returned) {
            return Err(DomainError::Rule(crate::rule::Rule::NotReturned {
                vial: self.vial.to_string(),
            }));
        }
        if let Some(d) = self.qa_decision {
            return Err(DomainError::Rule(crate::rule::Rule::ReturnDecided {
                vial: self.vial.to_string(),
                decision: d.label_en().to_string(),
            }));
        }
        let reason = text("reason", reason)?;
        Ok(Dispensing {
            qa_decision: Some(decision),
            qa_reason: Some(reason),
            qa_decided_at: Some(now),
            qa_decided_by: Some(by),
            ..self.clone()
        })
    }

    /// The vial was thawed at `at`: it must then be given by `at` + [`POST_THAW_USE_HOURS`].
    pub fn thaw(&self, at: UtcTime, now: UtcTime) -> Result<Self, DomainError> {
        self.open("be thawed")?;
        if self.thawed_at.is_some() {
            return Err(DomainError::Rule(crate::rule::Rule::VialThawed {
                vial: self.vial.to_string(),
            }));
        }
        let at = event_time(
            "thawed_at",
            at,
            Some((self.dispensed_at, ("dispensing", "払出し"))),
            now,
        )?;
        let use_by = at.plus_hours(POST_THAW_USE_HOURS).ok_or_else(|| {
            DomainError::invalid(
                "thawed_at",
                crate::Why::said("out of range", "範囲外の日時です"),
            )
        })?;
        Ok(Dispensing {
            thawed_at: Some(at),
            use_by: Some(use_by),
            ..self.clone()
        })
    }

    /// A dose is given at `at`: refused after the post-thaw use-by.
    pub fn administered(&self, at: UtcTime, by: UserName) -> Result<Self, DomainError> {
        self.open("be administered")?;
        if let Some(use_by) = self.use_by
            && at > use_by
        {
            return Err(DomainError::invalid(
                "administered_at",
                crate::Why::said(
                    format!(
                        "vial {} was thawed at {}: it had to be given by {use_by} (discard it)",
                        self.vial,
                        self.thawed_at.map(|t| t.to_string()).unwrap_or_default()
                    ),
                    format!(
                        "解凍後の使用期限を過ぎています。廃棄してください (バイアル {}, 解凍 {}, 期限 {use_by})",
                        self.vial,
                        self.thawed_at.map(|t| t.to_string()).unwrap_or_default()
                    ),
                ),
            ));
        }
        Ok(self.ended(VialEnd::Administered, at, by, None))
    }

    /// Discarded at the point of care, with the reason.
    pub fn discard(
        &self,
        at: UtcTime,
        reason: &str,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        self.open("be discarded")?;
        let at = self.end_time(at, now)?;
        let reason = text("reason", reason)?;
        Ok(self.ended(VialEnd::Discarded, at, by, Some(reason)))
    }

    /// Returned to stock: only a vial never thawed, unopened, and kept within its temperature.
    pub fn return_unopened(
        &self,
        at: UtcTime,
        unopened: bool,
        within_temperature: bool,
        by: UserName,
        now: UtcTime,
    ) -> Result<Self, DomainError> {
        self.open("be returned")?;
        if self.thawed_at.is_some() {
            return Err(DomainError::invalid(
                "unopened",
                crate::Why::said(
                    format!(
                        "vial {} was thawed: it cannot be returned (discard it)",
                        self.vial
                    ),
                    format!(
                        "返品できません (未開封かつ保管温度を保ったもののみ): バイアル {} は解凍済みです。廃棄してください",
                        self.vial
                    ),
                ),
            ));
        }
        if !unopened {
            return Err(DomainError::invalid(
                "unopened",
                crate::Why::said(
                    "only an unopened vial can be returned (discard it)",
                    "返品できません (未開封かつ保管温度を保ったもののみ)。廃棄してください",
                ),
            ));
        }
        if !within_temperature {
            return Err(DomainError::invalid(
                "within_temperature",
                crate::Why::said(
                    "only a vial kept within its storage temperature can be returned (discard it)",
                    "返品できません (未開封かつ保管温度を保ったもののみ)。廃棄してください",
                ),
            ));
        }
        let at = self.end_time(at, now)?;
        Ok(self.ended(
            VialEnd::Returned,
            at,
            by,
            Some("unopened, kept within temperature".into()),
        ))
    }

    fn open(&self, action: &'static str) -> Result<(), DomainError> {
        match self.ended {
            None => Ok(()),
            Some(end) => Err(DomainError::Rule(crate::rule::Rule::VialEnded {
                vial: self.vial.to_string(),
                state: end.as_str().to_string(),
                action: action.to_string(),
            })),
        }
    }

    fn end_time(&self, at: UtcTime, now: UtcTime) -> Result<UtcTime, DomainError> {
        let at = event_time("ended_at", at, None, now)?;
        not_before("ended_at", at, self.dispensed_at, ("dispensing", "払出し"))
    }

    fn ended(&self, end: VialEnd, at: UtcTime, by: UserName, reason: Option<String>) -> Self {
        Dispensing {
            ended: Some(end),
            ended_at: Some(at),
            ended_by: Some(by),
            end_reason: reason,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{PatientCode, VialId};

    fn t(s: &str) -> UtcTime {
        UtcTime::parse("t", s).unwrap()
    }
    fn dr() -> UserName {
        UserName::new("physician").unwrap()
    }
    fn dispensed() -> Dispensing {
        Dispensing::new(
            VialId::new("L-1-0001").unwrap(),
            PatientCode::new("PT-1").unwrap(),
            dr(),
            t("2026-11-01T01:00:00Z"),
        )
    }

    #[test]
    fn a_thawed_vial_must_be_given_by_its_use_by() {
        let d = dispensed()
            .thaw(t("2026-11-01T01:30:00Z"), t("2026-11-01T01:31:00Z"))
            .unwrap();
        assert_eq!(d.use_by, Some(t("2026-11-01T05:30:00Z")));
        assert!(d.administered(t("2026-11-01T05:30:00Z"), dr()).is_ok());
        let e = d.administered(t("2026-11-01T05:31:00Z"), dr()).unwrap_err();
        assert!(matches!(e, DomainError::Invalid { ref field, .. } if field == "administered_at"));
        let e = d
            .return_unopened(
                t("2026-11-01T02:00:00Z"),
                true,
                true,
                dr(),
                t("2026-11-01T02:00:00Z"),
            )
            .unwrap_err();
        assert!(e.to_string().contains("was thawed"), "{e}");
    }

    #[test]
    fn a_vial_ends_once_and_returns_only_unopened_within_temperature() {
        let d = dispensed();
        let now = t("2026-11-01T03:00:00Z");
        assert!(
            d.return_unopened(now, false, true, dr(), now)
                .unwrap_err()
                .to_string()
                .contains("unopened")
        );
        assert!(
            d.return_unopened(now, true, false, dr(), now)
                .unwrap_err()
                .to_string()
                .contains("within_temperature")
        );
        let r = d.return_unopened(now, true, true, dr(), now).unwrap();
        assert_eq!(r.ended, Some(VialEnd::Returned));
        assert!(r.discard(now, "dropped", dr(), now).is_err());
        assert!(
            d.discard(now, " ", dr(), now).is_err(),
            "a reason is required"
        );
        let x = d.discard(now, "vial cracked", dr(), now).unwrap();
        assert_eq!(x.end_reason.as_deref(), Some("vial cracked"));
    }

    #[test]
    fn qa_decides_a_returned_vial_once_with_a_reason() {
        let now = t("2026-11-01T03:00:00Z");
        let qa = UserName::new("qa").unwrap();
        let d = dispensed();
        assert!(
            d.decide_return(ReturnDecision::Stock, "ok", qa.clone(), now)
                .is_err(),
            "not returned"
        );
        let r = d.return_unopened(now, true, true, dr(), now).unwrap();
        assert!(r.awaits_qa());
        assert!(
            r.decide_return(ReturnDecision::Stock, " ", qa.clone(), now)
                .is_err(),
            "a reason is required"
        );
        let k = r
            .decide_return(ReturnDecision::Stock, "seal intact", qa.clone(), now)
            .unwrap();
        assert!(!k.awaits_qa());
        assert!(
            k.decide_return(ReturnDecision::Destroy, "again", qa, now)
                .is_err()
        );
    }

    #[test]
    fn a_dose_above_the_route_maximum_needs_a_reason() {
        let max = default_max_dose_ml(Route::Intranasal);
        assert_eq!(check_dose(Route::Intranasal, 0.4, max, None).unwrap(), None);
        let e = check_dose(Route::Intranasal, 2.0, max, None).unwrap_err();
        assert!(matches!(e, DomainError::Invalid { ref field, .. } if field == "dose_ml"));
        assert_eq!(
            check_dose(
                Route::Intranasal,
                2.0,
                max,
                Some("protocol 2 mL split over a day")
            )
            .unwrap()
            .as_deref(),
            Some("protocol 2 mL split over a day")
        );
    }
}
