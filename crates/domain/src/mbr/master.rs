//! A master batch record's instructions: ordered stages (tissue → bank → culture → conditioning →
//! harvest → processing → pooling → filling) and steps, each with its parameters — name, unit,
//! target, low/high limits and what a value outside them does (opens a deviation, or is refused) —
//! the materials it consumes by type, the equipment kind and room grade it needs, and whether a
//! second person verifies it. Pure checks: a master's shape, and an entered value against its limits.

use crate::{DomainError, mbr::use_case::UseCase, quantity::text};
use serde::{Deserialize, Serialize};

/// The stages of manufacture, in the order a master lists them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Tissue,
    Bank,
    Culture,
    Conditioning,
    Harvest,
    Processing,
    Pooling,
    Filling,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Tissue,
        Stage::Bank,
        Stage::Culture,
        Stage::Conditioning,
        Stage::Harvest,
        Stage::Processing,
        Stage::Pooling,
        Stage::Filling,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Tissue => "tissue",
            Stage::Bank => "bank",
            Stage::Culture => "culture",
            Stage::Conditioning => "conditioning",
            Stage::Harvest => "harvest",
            Stage::Processing => "processing",
            Stage::Pooling => "pooling",
            Stage::Filling => "filling",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            Stage::Tissue => "組織受入",
            Stage::Bank => "セルバンク",
            Stage::Culture => "培養",
            Stage::Conditioning => "馴化",
            Stage::Harvest => "上清回収",
            Stage::Processing => "加工",
            Stage::Pooling => "プール",
            Stage::Filling => "充填",
        }
    }
    pub fn parse(s: &str) -> Result<Stage, DomainError> {
        Stage::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::invalid(
                    "stage",
                    crate::Why::said(
                        format!("unknown stage {s:?}"),
                        format!("{s:?} は工程の段階にありません"),
                    ),
                )
            })
    }
}

/// What a value outside its limits does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnBreach {
    /// Recorded, with a deviation opened automatically.
    Deviation,
    /// Not accepted: the operator must not go on with it.
    Refuse,
}

impl OnBreach {
    pub fn as_str(self) -> &'static str {
        match self {
            OnBreach::Deviation => "deviation",
            OnBreach::Refuse => "refuse",
        }
    }
}

/// A parameter's limits (either may be open).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Limit {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl Limit {
    pub fn contains(self, v: f64) -> bool {
        self.low.is_none_or(|l| v >= l) && self.high.is_none_or(|h| v <= h)
    }
    /// `44–52 h`, `≥ 90 %`, `≤ 0.22 µm`.
    pub fn text(self, unit: &str) -> String {
        let u = if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        };
        match (self.low, self.high) {
            (Some(l), Some(h)) => format!("{l}–{h}{u}"),
            (Some(l), None) => format!("≥ {l}{u}"),
            (None, Some(h)) => format!("≤ {h}{u}"),
            (None, None) => "report only".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Parameter {
    /// Short code, unique within its step (`hours`, `g_force`).
    pub code: String,
    pub name: String,
    pub name_ja: String,
    pub unit: String,
    pub target: Option<f64>,
    pub limit: Limit,
    pub on_breach: OnBreach,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MasterStep {
    /// Code unique within the master (`CUL-SEED`).
    pub code: String,
    pub stage: Stage,
    pub name: String,
    pub name_ja: String,
    pub instructions: String,
    pub instructions_ja: String,
    pub parameters: Vec<Parameter>,
    /// Material categories the step consumes (`medium`, `reagent`, …).
    pub materials: Vec<String>,
    /// Equipment kind needed (`centrifuge`, `bsc`), if any.
    pub equipment: Option<String>,
    /// Cleanroom grade the step is done in (`A`–`D`), if any.
    pub room_grade: Option<String>,
    /// A second, different person verifies the step before it is complete.
    pub needs_second_person: bool,
    /// The manufacturing use case that records this step (`use_case`), or None: entered on the
    /// operator's page.
    #[serde(default)]
    pub use_case: Option<UseCase>,
}

/// The instructions of one master batch record version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MasterRecord {
    pub steps: Vec<MasterStep>,
}

fn code(field: &str, s: &str) -> Result<String, DomainError> {
    let c = s.trim();
    if c.is_empty()
        || c.len() > 40
        || !c
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        return Err(DomainError::invalid(
            field,
            crate::Why::said(
                format!("{c:?}: 1–40 characters A–Z, a–z, 0–9, - and _"),
                format!("{c:?}: 1〜40 文字の英数字・-・_ で入力してください"),
            ),
        ));
    }
    Ok(c.to_string())
}

impl Parameter {
    /// A parameter whose limits make sense: low ≤ high, the target inside them, numbers finite.
    pub fn checked(self) -> Result<Parameter, DomainError> {
        let field = format!("parameter {}", self.code);
        let c = code(&field, &self.code)?;
        for v in [self.target, self.limit.low, self.limit.high]
            .into_iter()
            .flatten()
        {
            if !v.is_finite() {
                return Err(DomainError::invalid(
                    field,
                    crate::Why::said("limits must be finite numbers", "数値を入力してください"),
                ));
            }
        }
        if let (Some(l), Some(h)) = (self.limit.low, self.limit.high)
            && l > h
        {
            return Err(DomainError::invalid(
                field,
                crate::Why::said(
                    format!("low limit {l} is above high limit {h}"),
                    format!("下限が上限を超えています ({l} > {h})"),
                ),
            ));
        }
        if let Some(t) = self.target
            && !self.limit.contains(t)
        {
            return Err(DomainError::invalid(
                field,
                crate::Why::said(
                    format!(
                        "target {t} is outside its limits {}",
                        self.limit.text(&self.unit)
                    ),
                    format!(
                        "目標値が許容範囲外です ({t}; {})",
                        self.limit.text(&self.unit)
                    ),
                ),
            ));
        }
        Ok(Parameter {
            code: c,
            name: text(&field, &self.name)?,
            name_ja: text(&field, &self.name_ja)?,
            ..self
        })
    }

    /// Whether `value` is inside the limits (a number that is not finite is refused).
    pub fn within(&self, value: f64) -> Result<bool, DomainError> {
        if !value.is_finite() {
            return Err(DomainError::invalid(
                &self.code,
                crate::Why::said("must be a number", "数値を入力してください"),
            ));
        }
        Ok(self.limit.contains(value))
    }
}

impl MasterRecord {
    /// Checks a master's shape: at least one step, unique step codes, stages in order (a later
    /// step never belongs to an earlier stage), each parameter valid and unique within its step.
    pub fn new(steps: Vec<MasterStep>) -> Result<MasterRecord, DomainError> {
        if steps.is_empty() {
            return Err(DomainError::invalid(
                "steps",
                crate::Why::said(
                    "a master needs at least one step",
                    "製造指図書には工程が必要です",
                ),
            ));
        }
        let mut out: Vec<MasterStep> = Vec::with_capacity(steps.len());
        for s in steps {
            let c = code("step", &s.code)?;
            if out.iter().any(|o| o.code == c) {
                return Err(DomainError::invalid(
                    "step",
                    crate::Why::said(
                        format!("step {c} appears twice"),
                        format!("工程 {c} が 2 回指定されています"),
                    ),
                ));
            }
            if let Some(prev) = out.last()
                && prev.stage > s.stage
            {
                return Err(DomainError::invalid(
                    "stage",
                    crate::Why::said(
                        format!(
                            "step {c} ({}) comes after step {} ({}): stages go tissue → bank → culture → conditioning → harvest → processing → pooling → filling",
                            s.stage.as_str(),
                            prev.code,
                            prev.stage.as_str()
                        ),
                        format!(
                            "工程の段階の順序が正しくありません (組織 → バンク → 培養 → 馴化 → 上清回収 → 加工 → プール → 充填): 工程 {c} ({}) が工程 {} ({}) の後にあります",
                            s.stage.as_str(),
                            prev.code,
                            prev.stage.as_str()
                        ),
                    ),
                ));
            }
            if let Some(g) = &s.room_grade
                && !matches!(g.as_str(), "A" | "B" | "C" | "D")
            {
                return Err(DomainError::invalid(
                    "room_grade",
                    crate::Why::OneOf {
                        given: g.clone(),
                        choices: ["A", "B", "C", "D"].map(String::from).to_vec(),
                    },
                ));
            }
            if s.use_case == Some(UseCase::Seeding) && !out.is_empty() {
                return Err(DomainError::invalid(
                    "use_case",
                    crate::Why::said(
                        format!(
                            "step {c}: only the first step can be the seeding (the batch starts with it)"
                        ),
                        format!("工程 {c}: 播種は最初の工程だけです"),
                    ),
                ));
            }
            if s.use_case == Some(UseCase::Observation) && s.needs_second_person {
                return Err(DomainError::invalid(
                    "needs_second_person",
                    crate::Why::said(
                        format!(
                            "step {c}: an observation step takes the latest observation as the batch moves on, so no second person verifies it"
                        ),
                        format!(
                            "工程 {c}: 観察の工程は次の工程へ進むときに最新の観察値を取るため、第二者の確認は指定できません"
                        ),
                    ),
                ));
            }
            let mut params: Vec<Parameter> = Vec::with_capacity(s.parameters.len());
            for p in s.parameters.iter().cloned() {
                let p = p.checked()?;
                if let Some(u) = s.use_case {
                    u.check_parameter(&c, &p.code)?;
                }
                if params.iter().any(|q| q.code == p.code) {
                    return Err(DomainError::invalid(
                        "parameter",
                        crate::Why::said(
                            format!("parameter {} appears twice in step {c}", p.code),
                            format!("工程 {c} でパラメータ {} が 2 回指定されています", p.code),
                        ),
                    ));
                }
                params.push(p);
            }
            out.push(MasterStep {
                code: c.clone(),
                name: text(&format!("step {c}"), &s.name)?,
                name_ja: text(&format!("step {c}"), &s.name_ja)?,
                parameters: params,
                ..s
            });
        }
        Ok(MasterRecord { steps: out })
    }

    pub fn step(&self, code: &str) -> Option<(usize, &MasterStep)> {
        self.steps.iter().enumerate().find(|(_, s)| s.code == code)
    }
}
