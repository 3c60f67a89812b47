//! Rooms and zones (清浄度区分): a room has a grade A–D; biosafety cabinets and isolators are
//! grade A zones inside a room. Processing steps record the room or zone they were done in.

use crate::{DomainError, UtcTime, quantity::text};
use serde::{Deserialize, Serialize};

/// EU GMP Annex 1 cleanroom grade.
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
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::A, Grade::B, Grade::C, Grade::D];
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Grade, DomainError> {
        Grade::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                DomainError::invalid(
                    field,
                    crate::Why::OneOf {
                        given: s.to_string(),
                        choices: ["A", "B", "C", "D"].map(String::from).to_vec(),
                    },
                )
            })
    }
}

/// What kind of place: a room, or a grade A zone inside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    Room,
    /// Biosafety cabinet (安全キャビネット).
    Cabinet,
    Isolator,
}

impl ZoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::Room => "room",
            ZoneKind::Cabinet => "cabinet",
            ZoneKind::Isolator => "isolator",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            ZoneKind::Room => "部屋",
            ZoneKind::Cabinet => "安全キャビネット",
            ZoneKind::Isolator => "アイソレータ",
        }
    }
}

/// A room or zone of the facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Room {
    pub id: String,
    pub name: String,
    pub kind: ZoneKind,
    pub grade: Grade,
    /// The room a cabinet or isolator stands in; None for a room.
    pub parent: Option<String>,
    pub created_at: UtcTime,
}

impl Room {
    /// A room (no parent) or a cabinet/isolator inside `parent` (a room), which is always grade A.
    pub fn new(
        id: &str,
        name: &str,
        kind: ZoneKind,
        grade: Grade,
        parent: Option<&Room>,
        now: UtcTime,
    ) -> Result<Room, DomainError> {
        let id = text("id", id)?;
        if id.len() > 40 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(DomainError::invalid(
                "id",
                crate::Why::said(
                    "must be at most 40 letters, digits or '-'",
                    "40 文字以内の英数字と - で入力してください",
                ),
            ));
        }
        match (kind, parent) {
            (ZoneKind::Room, Some(_)) => {
                return Err(DomainError::invalid(
                    "parent",
                    crate::Why::said(
                        "a room stands in no other room",
                        "部屋は他の部屋の中に置けません",
                    ),
                ));
            }
            (ZoneKind::Cabinet | ZoneKind::Isolator, None) => {
                return Err(DomainError::invalid(
                    "parent",
                    crate::Why::said(
                        "a cabinet or isolator must name the room it stands in",
                        "安全キャビネット・アイソレータは設置する部屋を指定してください",
                    ),
                ));
            }
            (ZoneKind::Cabinet | ZoneKind::Isolator, Some(p)) if p.kind != ZoneKind::Room => {
                return Err(DomainError::invalid(
                    "parent",
                    crate::Why::said(
                        format!("{} is a {}, not a room", p.id, p.kind.as_str()),
                        format!("{} は部屋ではありません ({})", p.id, p.kind.as_str()),
                    ),
                ));
            }
            _ => {}
        }
        if kind != ZoneKind::Room && grade != Grade::A {
            return Err(DomainError::invalid(
                "grade",
                crate::Why::said(
                    "a cabinet or isolator is a grade A zone",
                    "安全キャビネット・アイソレータはグレード A 区域です",
                ),
            ));
        }
        Ok(Room {
            id,
            name: text("name", name)?,
            kind,
            grade,
            parent: parent.map(|p| p.id.clone()),
            created_at: now,
        })
    }

    /// Open aseptic manipulation happens here (grade A): only qualified operators may record it.
    pub fn is_aseptic(&self) -> bool {
        self.grade == Grade::A
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> UtcTime {
        UtcTime::parse("t", "2026-11-01T00:00:00Z").unwrap()
    }

    #[test]
    fn cabinets_are_grade_a_zones_inside_a_room() {
        let room = Room::new(
            "CPC-1",
            "細胞培養室1",
            ZoneKind::Room,
            Grade::B,
            None,
            now(),
        )
        .unwrap();
        let bsc = Room::new(
            "BSC-1",
            "BSC 1",
            ZoneKind::Cabinet,
            Grade::A,
            Some(&room),
            now(),
        );
        assert_eq!(bsc.unwrap().parent.as_deref(), Some("CPC-1"));
        let e = Room::new(
            "BSC-2",
            "BSC 2",
            ZoneKind::Cabinet,
            Grade::B,
            Some(&room),
            now(),
        );
        assert!(e.unwrap_err().to_string().starts_with("grade:"));
        let e = Room::new("BSC-3", "BSC 3", ZoneKind::Isolator, Grade::A, None, now());
        assert!(e.unwrap_err().to_string().starts_with("parent:"));
        assert!(Room::new("bad id", "x", ZoneKind::Room, Grade::D, None, now()).is_err());
        assert_eq!(Grade::parse("grade", "c").unwrap(), Grade::C);
    }
}
