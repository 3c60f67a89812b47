//! Environmental monitoring (環境モニタリング): sample types, the default alert and action limits
//! per grade, a result judged against them, the window an action excursion affects, and the
//! particle counter CSV import.
//!
//! Action limits are EU GMP Annex 1 (2022) Table 6 ("Maximum action limits for viable particle
//! contamination": active air CFU/m³, settle plates ⌀90 mm CFU/4 h, contact plates ⌀55 mm
//! CFU/plate, glove prints CFU/glove; grade A "no growth", i.e. action above 0) and Table 5
//! ("Maximum permitted total particle concentration for monitoring", particles/m³ "in operation";
//! grade D in operation is "not predetermined", so none). Table 2 gives the same viable values for
//! cleanroom qualification. Annex 1 §9.26 leaves alert levels to the site, set from trend data:
//! the default alert here is half the action limit (none for grade A viable, where any growth is an
//! action) until the site sets its own (`Limits` per grade and type, under change control).

use crate::{
    DomainError, UtcTime, Why,
    facility::room::Grade,
    ids::UserName,
    quantity::{non_negative, text},
};
use serde::{Deserialize, Serialize};

/// What was sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmSampleType {
    /// Settle plate ⌀90 mm, CFU/4 h (落下菌).
    SettlePlate,
    /// Contact plate ⌀55 mm, CFU/plate (付着菌).
    ContactPlate,
    /// Active air sample, CFU/m³ (浮遊菌).
    ActiveAir,
    /// Glove print, 5 fingers, CFU/glove (手袋).
    GlovePrint,
    /// Non-viable particles ≥ 0.5 µm per m³ (浮遊微粒子).
    Particles05,
    /// Non-viable particles ≥ 5 µm per m³.
    Particles5,
}

impl EmSampleType {
    pub const ALL: [EmSampleType; 6] = [
        EmSampleType::SettlePlate,
        EmSampleType::ContactPlate,
        EmSampleType::ActiveAir,
        EmSampleType::GlovePrint,
        EmSampleType::Particles05,
        EmSampleType::Particles5,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EmSampleType::SettlePlate => "settle_plate",
            EmSampleType::ContactPlate => "contact_plate",
            EmSampleType::ActiveAir => "active_air",
            EmSampleType::GlovePrint => "glove_print",
            EmSampleType::Particles05 => "particles_0_5",
            EmSampleType::Particles5 => "particles_5",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        EmSampleType::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::invalid(
                    field,
                    crate::Why::said(
                        format!("unknown sample type {s:?}"),
                        format!("{s:?} は検体の種類にありません"),
                    ),
                )
            })
    }
    pub fn name(self) -> &'static str {
        match self {
            EmSampleType::SettlePlate => "settle plate",
            EmSampleType::ContactPlate => "contact plate",
            EmSampleType::ActiveAir => "active air",
            EmSampleType::GlovePrint => "glove print",
            EmSampleType::Particles05 => "particles ≥ 0.5 µm",
            EmSampleType::Particles5 => "particles ≥ 5 µm",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            EmSampleType::SettlePlate => "落下菌 (セトルプレート)",
            EmSampleType::ContactPlate => "付着菌 (コンタクトプレート)",
            EmSampleType::ActiveAir => "浮遊菌 (エアサンプラー)",
            EmSampleType::GlovePrint => "手袋 (グローブプリント)",
            EmSampleType::Particles05 => "浮遊微粒子 ≥ 0.5 µm",
            EmSampleType::Particles5 => "浮遊微粒子 ≥ 5 µm",
        }
    }
    pub fn unit(self) -> &'static str {
        match self {
            EmSampleType::SettlePlate => "CFU/4 h",
            EmSampleType::ContactPlate => "CFU/plate",
            EmSampleType::ActiveAir => "CFU/m³",
            EmSampleType::GlovePrint => "CFU/glove",
            EmSampleType::Particles05 | EmSampleType::Particles5 => "particles/m³",
        }
    }
    /// The unit as a Japanese page writes it (`CFU/プレート`, `個/m³`).
    pub fn unit_ja(self) -> &'static str {
        match self {
            EmSampleType::SettlePlate => "CFU/4 h",
            EmSampleType::ContactPlate => "CFU/プレート",
            EmSampleType::ActiveAir => "CFU/m³",
            EmSampleType::GlovePrint => "CFU/手袋",
            EmSampleType::Particles05 | EmSampleType::Particles5 => "個/m³",
        }
    }
    pub fn is_viable(self) -> bool {
        !matches!(self, EmSampleType::Particles05 | EmSampleType::Particles5)
    }
}

/// Alert and action limits: a value above `action` is an action excursion, above `alert` an alert.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Limits {
    pub alert: Option<f64>,
    pub action: f64,
}

/// Annex 1 (2022) Table 6 action limits, viable, per grade A, B, C, D (None: not set).
const VIABLE_ACTION: [(EmSampleType, [Option<f64>; 4]); 4] = [
    (
        EmSampleType::ActiveAir,
        [Some(0.0), Some(10.0), Some(100.0), Some(200.0)],
    ),
    (
        EmSampleType::SettlePlate,
        [Some(0.0), Some(5.0), Some(50.0), Some(100.0)],
    ),
    (
        EmSampleType::ContactPlate,
        [Some(0.0), Some(5.0), Some(25.0), Some(50.0)],
    ),
    (EmSampleType::GlovePrint, [Some(0.0), Some(5.0), None, None]),
];

/// Annex 1 (2022) Table 5, "in operation", particles/m³ per grade A, B, C, D.
const PARTICLE_ACTION: [(EmSampleType, [Option<f64>; 4]); 2] = [
    (
        EmSampleType::Particles05,
        [Some(3_520.0), Some(352_000.0), Some(3_520_000.0), None],
    ),
    (
        EmSampleType::Particles5,
        [Some(29.0), Some(2_930.0), Some(29_300.0), None],
    ),
];

/// The default limits for a sample type in a grade; None where Annex 1 sets none.
pub fn default_limits(grade: Grade, t: EmSampleType) -> Option<Limits> {
    let i = grade as usize;
    let action = VIABLE_ACTION
        .iter()
        .chain(PARTICLE_ACTION.iter())
        .find(|(s, _)| *s == t)
        .and_then(|(_, v)| v[i])?;
    let alert = if action > 0.0 {
        Some((action / 2.0).floor())
    } else {
        None
    };
    Some(Limits { alert, action })
}

/// How a result compares with its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmOutcome {
    Within,
    Alert,
    Action,
}

impl EmOutcome {
    pub fn judge(value: f64, limits: Option<Limits>) -> EmOutcome {
        match limits {
            Some(l) if value > l.action => EmOutcome::Action,
            Some(Limits { alert: Some(a), .. }) if value > a => EmOutcome::Alert,
            _ => EmOutcome::Within,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            EmOutcome::Within => "within",
            EmOutcome::Alert => "alert",
            EmOutcome::Action => "action",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            EmOutcome::Within => "基準内",
            EmOutcome::Alert => "警報基準超過",
            EmOutcome::Action => "処置基準超過",
        }
    }
}

/// One environmental monitoring result at a room or zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EmResult {
    pub id: String,
    pub room: String,
    /// The sampling point within the room/zone (free text, e.g. "BSC-1 作業面").
    pub point: Option<String>,
    pub sample_type: EmSampleType,
    pub value: f64,
    pub alert_limit: Option<f64>,
    pub action_limit: Option<f64>,
    pub outcome: EmOutcome,
    pub sampled_at: UtcTime,
    pub recorded_at: UtcTime,
    pub recorded_by: UserName,
}

impl EmResult {
    /// A result judged against `limits` (the site's or the Annex 1 defaults for the room's grade).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        room: &str,
        point: Option<&str>,
        sample_type: EmSampleType,
        value: f64,
        limits: Option<Limits>,
        sampled_at: UtcTime,
        by: &UserName,
        now: UtcTime,
    ) -> Result<EmResult, DomainError> {
        let value = non_negative("value", value)?;
        if sample_type.is_viable() && value.fract() != 0.0 {
            return Err(DomainError::invalid(
                "value",
                crate::Why::said(
                    "a colony count is a whole number",
                    "集落数は整数で入力してください",
                ),
            ));
        }
        if sampled_at > now {
            return Err(DomainError::invalid("sampled_at", crate::Why::Future));
        }
        let point = match point.map(str::trim) {
            None | Some("") => None,
            Some(p) => Some(text("point", p)?),
        };
        Ok(EmResult {
            id,
            room: room.to_string(),
            point,
            sample_type,
            value,
            alert_limit: limits.and_then(|l| l.alert),
            action_limit: limits.map(|l| l.action),
            outcome: EmOutcome::judge(value, limits),
            sampled_at,
            recorded_at: now,
            recorded_by: by.clone(),
        })
    }
}

/// When no earlier in-limit result of the same room and type exists, an action excursion reaches
/// back this many hours (a week: the facility's routine monitoring interval).
pub const DEFAULT_LOOKBACK_HOURS: f64 = 7.0 * 24.0;

/// The window an action excursion affects: from the last in-limit (or alert) result of the same
/// room and sample type before it — the last time the room was shown in control — to the moment
/// of sampling. Lots processed in that room (or its zones) in the window are affected.
pub fn affected_window(excursion: &EmResult, history: &[EmResult]) -> (UtcTime, UtcTime) {
    let start = history
        .iter()
        .filter(|r| {
            r.room == excursion.room
                && r.sample_type == excursion.sample_type
                && r.sampled_at < excursion.sampled_at
                && r.outcome != EmOutcome::Action
        })
        .map(|r| r.sampled_at)
        .max()
        .or_else(|| excursion.sampled_at.plus_hours(-DEFAULT_LOOKBACK_HOURS))
        .unwrap_or(excursion.sampled_at);
    (start, excursion.sampled_at)
}

/// One row of a particle counter export: time, location, counts ≥ 0.5 µm and ≥ 5 µm per m³.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticleRow {
    pub line: usize,
    pub time: UtcTime,
    pub location: String,
    pub p05: f64,
    pub p5: f64,
}

/// A CSV reader's error (bad quoting, bad encoding).
fn csv_error(e: &csv::Error) -> Why {
    Why::said(
        format!("the CSV cannot be read: {e}"),
        "CSV として読めません (引用符や文字コードを確認してください)",
    )
}

/// Reads the generic particle counter CSV: a header `time,location,>=0.5um,>=5um` then one row per
/// sample; `time` RFC 3339, `location` a room or zone id, counts per m³. Every bad row is reported
/// (`line N: …`), none is returned then.
pub fn parse_particle_csv(input: &str) -> Result<Vec<ParticleRow>, DomainError> {
    let mut rd = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input.as_bytes());
    let header: Vec<String> = match rd.headers() {
        Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect(),
        Err(e) => return Err(DomainError::invalid("file", csv_error(&e))),
    };
    if header != ["time", "location", ">=0.5um", ">=5um"] {
        return Err(DomainError::invalid(
            "file",
            crate::Why::said(
                "the header must be time,location,>=0.5um,>=5um",
                "CSV の見出し行が正しくありません (time,location,>=0.5um,>=5um)",
            ),
        ));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let line = i + 2;
        // A field's refusal as `field: why` within the line.
        let of = DomainError::into_why;
        let row = rec.map_err(|e| csv_error(&e)).and_then(|r| {
            let time = UtcTime::parse("time", &r[0]).map_err(of)?;
            let location = r[1].to_string();
            if location.is_empty() {
                return Err(Why::Fields(vec![("location".into(), Why::Empty)]));
            }
            let count = |f: &str, s: &str| {
                s.parse::<f64>()
                    .map_err(|_| {
                        Why::Fields(vec![(
                            f.to_string(),
                            Why::said(
                                format!("not a number ({s:?})"),
                                format!("数値として読めません ({s:?})"),
                            ),
                        )])
                    })
                    .and_then(|v| non_negative(f, v).map_err(of))
            };
            Ok(ParticleRow {
                line,
                time,
                location,
                p05: count(">=0.5um", &r[2])?,
                p5: count(">=5um", &r[3])?,
            })
        });
        match row {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(Why::line(line as u64, e)),
        }
    }
    if !errors.is_empty() {
        return Err(DomainError::invalid("file", Why::All(errors)));
    }
    if rows.is_empty() {
        return Err(DomainError::invalid(
            "file",
            crate::Why::said("no rows", "データ行がありません"),
        ));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests;
