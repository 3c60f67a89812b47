//! Product lots (ロット): pooling harvests, filling vials, and the lot state machine
//! `in_process → quarantine → released | rejected`, `released → recalled` (DESIGN.md §3), with the
//! segregation-of-duties rule: whoever recorded a step of a lot's manufacture may not release it.

use crate::{
    DomainError, TransitionError, UtcTime,
    batch::Harvest,
    ids::{LotNumber, UserName, VialId},
    quantity::{positive, text},
    vial::{Vial, VialStatus},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LotStatus {
    InProcess,
    Quarantine,
    Released,
    Rejected,
    Recalled,
}

impl LotStatus {
    pub const ALL: [LotStatus; 5] = [
        LotStatus::InProcess,
        LotStatus::Quarantine,
        LotStatus::Released,
        LotStatus::Rejected,
        LotStatus::Recalled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            LotStatus::InProcess => "in_process",
            LotStatus::Quarantine => "quarantine",
            LotStatus::Released => "released",
            LotStatus::Rejected => "rejected",
            LotStatus::Recalled => "recalled",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            LotStatus::InProcess => "製造中",
            LotStatus::Quarantine => "出荷判定待ち",
            LotStatus::Released => "出荷可",
            LotStatus::Rejected => "不合格",
            LotStatus::Recalled => "回収",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Lot {
    pub id: LotNumber,
    pub product: String,
    pub status: LotStatus,
    /// Pooled volume, mL.
    pub volume_ml: f64,
    pub created_at: UtcTime,
    pub filled_at: Option<UtcTime>,
    pub expires_at: Option<UtcTime>,
    pub decided_at: Option<UtcTime>,
    pub decided_by: Option<UserName>,
    pub decision_reason: Option<String>,
    /// The specification version in force when the lot was filled (`<product>/v<n>`), tested against.
    pub specification: Option<String>,
    /// The ISBT 128 DINs its vials carry (13 characters each), assigned at filling: one for up to
    /// 676 vials, the next DINs of the sequence for more (docs/isbt128.md). None before filling, and
    /// for lots filled before migration 0009 (their vials keep a DIN each).
    #[serde(default)]
    pub dins: Option<Vec<String>>,
    /// Where the lot was filled, with what and by whom (issue 14; None before migration 0016).
    #[serde(default)]
    pub fill_room: Option<String>,
    #[serde(default)]
    pub fill_equipment: Option<String>,
    #[serde(default)]
    pub filled_by: Option<UserName>,
}

/// One harvest's contribution to a pooled lot.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolPart {
    pub harvest: Harvest,
    pub volume_ml: f64,
}

impl Lot {
    /// Pools several harvests (プール) into a new lot. Each part may take at most what is left of its
    /// harvest; returns the lot and the harvests with their remaining volume reduced.
    pub fn pool(
        id: LotNumber,
        product: &str,
        parts: &[PoolPart],
        now: UtcTime,
    ) -> Result<(Lot, Vec<Harvest>), DomainError> {
        if parts.is_empty() {
            return Err(DomainError::invalid(
                "harvests",
                crate::Why::said(
                    "a lot needs at least one harvest",
                    "ロットには上清回収を 1 つ以上選んでください",
                ),
            ));
        }
        let mut total = 0.0;
        let mut used = Vec::with_capacity(parts.len());
        for (i, p) in parts.iter().enumerate() {
            let field = format!("harvests[{i}].volume_ml");
            let v = positive(&field, p.volume_ml)?;
            if used.iter().any(|h: &Harvest| h.id == p.harvest.id) {
                return Err(DomainError::invalid(
                    format!("harvests[{i}]"),
                    crate::Why::said(
                        format!("harvest {} is listed twice", p.harvest.id),
                        format!("同じ上清回収が 2 回指定されています ({})", p.harvest.id),
                    ),
                ));
            }
            if v > p.harvest.remaining_ml + 1e-9 {
                return Err(DomainError::invalid(
                    field,
                    crate::Why::said(
                        format!(
                            "harvest {} has only {} mL left (asked {v} mL)",
                            p.harvest.id, p.harvest.remaining_ml
                        ),
                        format!(
                            "上清の残量を超えています ({}: 残り {} mL, 指定 {v} mL)",
                            p.harvest.id, p.harvest.remaining_ml
                        ),
                    ),
                ));
            }
            let mut h = p.harvest.clone();
            h.remaining_ml = (h.remaining_ml - v).max(0.0);
            used.push(h);
            total += v;
        }
        let lot = Lot {
            id,
            product: text("product", product)?,
            status: LotStatus::InProcess,
            volume_ml: total,
            created_at: now,
            filled_at: None,
            expires_at: None,
            decided_at: None,
            decided_by: None,
            decision_reason: None,
            specification: None,
            dins: None,
            fill_room: None,
            fill_equipment: None,
            filled_by: None,
        };
        Ok((lot, used))
    }

    fn refuse(&self, action: &'static str) -> DomainError {
        TransitionError {
            entity: "lot",
            id: self.id.to_string(),
            from: self.status.as_str(),
            action,
        }
        .into()
    }

    /// Processing steps are recorded only while the lot is in process.
    pub fn check_in_process(&self, action: &'static str) -> Result<(), DomainError> {
        if self.status != LotStatus::InProcess {
            return Err(self.refuse(action));
        }
        Ok(())
    }

    /// Fills `count` vials of `fill_volume_ml` (充填); the lot goes to quarantine awaiting QC.
    pub fn fill(
        &self,
        count: i64,
        fill_volume_ml: f64,
        expires_at: UtcTime,
        now: UtcTime,
    ) -> Result<(Lot, Vec<Vial>), DomainError> {
        self.check_in_process("fill vials")?;
        if !(1..=100_000).contains(&count) {
            return Err(DomainError::invalid(
                "count",
                crate::Why::Between("1".into(), "100000".into()),
            ));
        }
        let v = positive("fill_volume_ml", fill_volume_ml)?;
        let needed = v * count as f64;
        if needed > self.volume_ml + 1e-9 {
            return Err(DomainError::invalid(
                "count",
                crate::Why::said(
                    format!(
                        "{count} × {v} mL = {needed} mL exceeds the lot's {} mL",
                        self.volume_ml
                    ),
                    format!(
                        "ロットの液量を超えています ({count} × {v} mL = {needed} mL > {} mL)",
                        self.volume_ml
                    ),
                ),
            ));
        }
        if expires_at <= now {
            return Err(DomainError::invalid(
                "expires_at",
                crate::Why::said("must be after filling", "充填日時より後にしてください"),
            ));
        }
        let mut lot = self.clone();
        lot.status = LotStatus::Quarantine;
        lot.filled_at = Some(now);
        lot.expires_at = Some(expires_at);
        let vials = (1..=count)
            .map(|seq| {
                Ok(Vial {
                    id: VialId::new(format!("{}-{seq:04}", self.id))?,
                    lot: self.id.clone(),
                    seq,
                    fill_volume_ml: v,
                    status: VialStatus::Quarantine,
                    location: None,
                    expires_at,
                    filled_at: now,
                    din: None,
                    product_code: None,
                })
            })
            .collect::<Result<Vec<_>, DomainError>>()?;
        Ok((lot, vials))
    }

    /// QA release (出荷判定: 出荷可). `participants` are everyone who recorded a step of this lot's
    /// manufacture; the signer must not be one of them.
    pub fn release(
        &self,
        signer: &UserName,
        participants: &[UserName],
        reason: &str,
        now: UtcTime,
    ) -> Result<Lot, DomainError> {
        if self.status != LotStatus::Quarantine {
            return Err(self.refuse("be released"));
        }
        if participants.contains(signer) {
            return Err(DomainError::Rule(crate::rule::Rule::MakerReleases {
                by: signer.to_string(),
                lot: self.id.to_string(),
            }));
        }
        self.decide(LotStatus::Released, signer, reason, now)
    }

    /// QA rejection (不合格).
    pub fn reject(
        &self,
        signer: &UserName,
        reason: &str,
        now: UtcTime,
    ) -> Result<Lot, DomainError> {
        if self.status != LotStatus::Quarantine {
            return Err(self.refuse("be rejected"));
        }
        self.decide(LotStatus::Rejected, signer, reason, now)
    }

    /// Recall (回収) of a released lot: only its state changes. The release decision (who signed,
    /// when, why) stays on the lot; who recalled it, when and why is the recall's own record,
    /// shown beside it (issue 12 item 4). `reason` is checked as every reason is.
    pub fn recall(&self, reason: &str) -> Result<Lot, DomainError> {
        if self.status != LotStatus::Released {
            return Err(self.refuse("be recalled"));
        }
        text("reason", reason)?;
        let mut lot = self.clone();
        lot.status = LotStatus::Recalled;
        Ok(lot)
    }

    fn decide(
        &self,
        to: LotStatus,
        by: &UserName,
        reason: &str,
        now: UtcTime,
    ) -> Result<Lot, DomainError> {
        let mut lot = self.clone();
        lot.status = to;
        lot.decided_at = Some(now);
        lot.decided_by = Some(by.clone());
        lot.decision_reason = Some(text("reason", reason)?);
        Ok(lot)
    }
}

#[cfg(test)]
mod tests;
