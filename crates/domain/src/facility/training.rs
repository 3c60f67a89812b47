//! People (教育訓練): training records (which SOP, which version, when, assessed by whom) and
//! aseptic-process qualification — gowning and media-fill participation — with expiry. An
//! operator without both in force cannot record aseptic (grade A) steps. Media fills (無菌操作
//! プロセスシミュレーション) are recorded with their result; a failed one blocks release of the
//! product's lots until QA closes it.

use crate::{
    DomainError, UtcTime,
    ids::UserName,
    quantity::{non_negative, text},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QualificationKind {
    /// Training on an SOP version.
    Sop,
    /// Gowning qualification (更衣認定).
    Gowning,
    /// Aseptic-process qualification by media-fill participation (無菌操作認定).
    AsepticProcess,
}

impl QualificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QualificationKind::Sop => "sop",
            QualificationKind::Gowning => "gowning",
            QualificationKind::AsepticProcess => "aseptic_process",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        [
            QualificationKind::Sop,
            QualificationKind::Gowning,
            QualificationKind::AsepticProcess,
        ]
        .into_iter()
        .find(|k| k.as_str() == s.trim())
        .ok_or_else(|| {
            DomainError::invalid(
                field,
                crate::Why::said(
                    format!("unknown qualification {s:?}"),
                    format!("{s:?} は適格性の種類にありません"),
                ),
            )
        })
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            QualificationKind::Sop => "SOP教育訓練",
            QualificationKind::Gowning => "更衣認定",
            QualificationKind::AsepticProcess => "無菌操作認定",
        }
    }
}

/// One training or qualification record of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Qualification {
    pub id: String,
    pub operator: UserName,
    pub kind: QualificationKind,
    pub sop: String,
    pub sop_version: String,
    pub trained_at: UtcTime,
    pub assessed_by: UserName,
    pub expires_at: Option<UtcTime>,
    /// The controlled document version trained on (`<code>/v<n>`, issue 15), when the SOP is
    /// under document control.
    #[serde(default)]
    pub document_version: Option<String>,
}

impl Qualification {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        user: &UserName,
        kind: QualificationKind,
        sop: &str,
        sop_version: &str,
        trained_at: UtcTime,
        assessed_by: &UserName,
        expires_at: Option<UtcTime>,
        now: UtcTime,
    ) -> Result<Qualification, DomainError> {
        if trained_at > now {
            return Err(DomainError::invalid("trained_at", crate::Why::Future));
        }
        if expires_at.is_some_and(|e| e <= trained_at) {
            return Err(DomainError::invalid(
                "expires_at",
                crate::Why::said(
                    "must be after trained_at",
                    "教育訓練の日時より後にしてください",
                ),
            ));
        }
        if kind != QualificationKind::Sop && expires_at.is_none() {
            return Err(DomainError::invalid(
                "expires_at",
                crate::Why::said(
                    "a gowning or aseptic-process qualification expires",
                    "更衣・無菌操作の認定には有効期限が必要です",
                ),
            ));
        }
        if assessed_by == user {
            return Err(DomainError::invalid(
                "assessed_by",
                crate::Why::said("nobody assesses themselves", "自分自身は評価できません"),
            ));
        }
        Ok(Qualification {
            id,
            operator: user.clone(),
            kind,
            sop: text("sop", sop)?,
            sop_version: text("sop_version", sop_version)?,
            trained_at,
            assessed_by: assessed_by.clone(),
            expires_at,
            document_version: None,
        })
    }

    fn in_force(&self, at: UtcTime) -> bool {
        self.trained_at <= at && self.expires_at.is_none_or(|e| at < e)
    }
}

/// Why `user` may not record an aseptic step at `at` (English, Japanese), or None: both a gowning
/// and an aseptic-process qualification must be in force.
pub fn aseptic_unqualified(
    user: &UserName,
    records: &[Qualification],
    at: UtcTime,
) -> Option<(String, String)> {
    let missing: Vec<QualificationKind> = [
        QualificationKind::Gowning,
        QualificationKind::AsepticProcess,
    ]
    .into_iter()
    .filter(|k| {
        !records
            .iter()
            .any(|q| &q.operator == user && q.kind == *k && q.in_force(at))
    })
    .collect();
    if missing.is_empty() {
        return None;
    }
    Some((
        format!(
            "operator {user} has no {} qualification in force at {at}",
            missing
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        format!(
            "無菌操作資格なし: 作業者 {user} の {} が {at} に有効ではありません",
            missing
                .iter()
                .map(|k| k.name_ja())
                .collect::<Vec<_>>()
                .join("・")
        ),
    ))
}

/// A media fill (aseptic process simulation) of a product's process in a zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MediaFill {
    pub id: String,
    pub product: String,
    pub room: String,
    pub performed_at: UtcTime,
    pub units_filled: i64,
    pub units_positive: i64,
    /// No positive unit (PIC/S Annex 1 §9.42: the target is zero growth).
    pub passed: bool,
    pub participants: Vec<String>,
    /// A failed media fill stays open until QA closes it (investigation and CAPA done).
    pub closed_at: Option<UtcTime>,
    pub closed_by: Option<UserName>,
    pub closure: Option<String>,
    pub recorded_by: UserName,
}

impl MediaFill {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        product: &str,
        room: &str,
        performed_at: UtcTime,
        units_filled: i64,
        units_positive: i64,
        participants: Vec<String>,
        by: &UserName,
        now: UtcTime,
    ) -> Result<MediaFill, DomainError> {
        if units_filled <= 0 {
            return Err(DomainError::invalid(
                "units_filled",
                crate::Why::AtLeast("1".into()),
            ));
        }
        non_negative("units_positive", units_positive as f64)?;
        if units_positive > units_filled {
            return Err(DomainError::invalid(
                "units_positive",
                crate::Why::said("must not exceed units_filled", "充填数を超えています"),
            ));
        }
        if performed_at > now {
            return Err(DomainError::invalid("performed_at", crate::Why::Future));
        }
        let passed = units_positive == 0;
        Ok(MediaFill {
            id,
            product: product.to_string(),
            room: room.to_string(),
            performed_at,
            units_filled,
            units_positive,
            passed,
            participants,
            closed_at: if passed { Some(now) } else { None },
            closed_by: if passed { Some(by.clone()) } else { None },
            closure: None,
            recorded_by: by.clone(),
        })
    }

    /// QA closes a failed media fill after its investigation.
    pub fn close(
        &self,
        by: &UserName,
        reason: &str,
        now: UtcTime,
    ) -> Result<MediaFill, DomainError> {
        if self.closed_at.is_some() {
            return Err(DomainError::Rule(crate::rule::Rule::MediaFillClosed {
                media_fill: self.id.to_string(),
            }));
        }
        let mut m = self.clone();
        m.closure = Some(text("reason", reason)?);
        m.closed_at = Some(now);
        m.closed_by = Some(by.clone());
        Ok(m)
    }

    pub fn blocks(&self) -> bool {
        !self.passed && self.closed_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lapsed_qualification_is_named() {
        let t = |s| UtcTime::parse("t", s).unwrap();
        let op = UserName::new("op1").unwrap();
        let qa = UserName::new("qa").unwrap();
        let q = |k, exp| {
            Qualification::new(
                "q".into(),
                &op,
                k,
                "SOP-ASEP-01",
                "3",
                t("2026-01-01T00:00:00Z"),
                &qa,
                Some(t(exp)),
                t("2026-11-01T00:00:00Z"),
            )
            .unwrap()
        };
        let recs = vec![
            q(QualificationKind::Gowning, "2027-01-01T00:00:00Z"),
            q(QualificationKind::AsepticProcess, "2026-07-01T00:00:00Z"),
        ];
        assert!(aseptic_unqualified(&op, &recs, t("2026-06-01T00:00:00Z")).is_none());
        let (en, _) = aseptic_unqualified(&op, &recs, t("2026-08-01T00:00:00Z")).unwrap();
        assert!(
            en.contains("aseptic_process") && !en.contains("gowning"),
            "{en}"
        );
        assert!(aseptic_unqualified(&qa, &recs, t("2026-06-01T00:00:00Z")).is_some());
    }

    #[test]
    fn failed_media_fill_blocks_until_closed() {
        let t = |s| UtcTime::parse("t", s).unwrap();
        let qa = UserName::new("qa").unwrap();
        let now = t("2026-11-01T00:00:00Z");
        let m =
            MediaFill::new("MF-1".into(), "P", "BSC-1", now, 3000, 1, vec![], &qa, now).unwrap();
        assert!(m.blocks());
        let c = m.close(&qa, "root cause found, CAPA-12", now).unwrap();
        assert!(!c.blocks());
        let ok =
            MediaFill::new("MF-2".into(), "P", "BSC-1", now, 3000, 0, vec![], &qa, now).unwrap();
        assert!(!ok.blocks());
    }
}
