//! A lot's sterility assurance at a glance, for QA's release page and the batch record: every
//! place the lot was handled (steps, sterilising filtrations, the filling) with its grade; the
//! environmental monitoring of those rooms and zones (and the rooms the zones stand in) from a day
//! before the first use to a day after the last, counted by outcome with every alert and action
//! result listed; the filtrations and their integrity tests; each instrument used and whether it
//! was in calibration then; each operator and whether their aseptic qualification was in force.

use crate::{Service, ServiceError};
use secretome_domain::{
    UtcTime,
    facility::{
        EmOutcome, EmResult, Equipment, IntegrityTest, Qualification, Room, SterileFiltration,
        training::aseptic_unqualified,
    },
    lot::Lot,
    processing::ProcessingStep,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// One thing done to the lot somewhere: a step, a filtration or the filling.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Use {
    pub what: String,
    pub room: String,
    pub grade: String,
    pub at: UtcTime,
    pub operator: Option<String>,
    /// Why the operator was not qualified for an aseptic step then (English, Japanese).
    pub unqualified: Option<(String, String)>,
}

/// An instrument used, and why it was unfit at the time (English, Japanese), if it was.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EquipmentUse {
    pub what: String,
    pub equipment: String,
    pub name: String,
    pub at: UtcTime,
    pub unfit: Option<(String, String)>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LotSterility {
    pub uses: Vec<Use>,
    /// The window EM results are read for, and how many fell in it per outcome.
    pub em_from: Option<UtcTime>,
    pub em_to: Option<UtcTime>,
    pub em_within: usize,
    /// Alert and action results of the window.
    pub em_out: Vec<EmResult>,
    pub filtrations: Vec<SterileFiltration>,
    pub tests: Vec<IntegrityTest>,
    pub equipment: Vec<EquipmentUse>,
}

/// (what, room, equipment, operator, when) of one thing done to the lot.
type ActRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    UtcTime,
);

impl LotSterility {
    /// One bilingual line for the certificate of analysis: the filtration and its integrity
    /// tests, the EM of the lot's rooms, the equipment and the operators.
    pub fn one_line(&self) -> String {
        let filtration = match self.filtrations.last() {
            None => "無菌ろ過の記録なし / no sterilising filtration recorded".to_string(),
            Some(f) => {
                let mine: Vec<&IntegrityTest> =
                    self.tests.iter().filter(|t| t.filtration == f.id).collect();
                let verdict = if mine.is_empty() {
                    "完全性試験なし / no integrity test"
                } else if mine.iter().all(|t| t.passed) {
                    "完全性試験適合 / integrity tests passed"
                } else {
                    "完全性試験不適合あり / an integrity test failed"
                };
                format!(
                    "無菌ろ過 / sterilising filtration {} µm ({} {}, lot {}): {verdict}",
                    f.pore_um, f.filter_maker, f.filter_model, f.filter_lot
                )
            }
        };
        let action = self
            .em_out
            .iter()
            .filter(|e| e.outcome == EmOutcome::Action)
            .count();
        let em = format!(
            "環境モニタリング / EM: 基準内 / within {}, 警報 / alert {}, 処置 / action {action}",
            self.em_within,
            self.em_out.len() - action
        );
        let eq = if self.equipment.iter().any(|e| e.unfit.is_some()) {
            "機器: 校正期限切れあり / equipment: out of calibration at use"
        } else {
            "機器: 校正有効 / equipment: in calibration"
        };
        let ops = if self.uses.iter().any(|u| u.unqualified.is_some()) {
            "作業者: 資格失効あり / operators: qualification lapsed"
        } else {
            "作業者: 資格有効 / operators: qualified"
        };
        format!("{filtration}; {em}; {eq}; {ops}")
    }
}

impl Service {
    /// The sterility summary of one lot (see the module documentation).
    pub async fn lot_sterility(&self, lot: &str) -> Result<LotSterility, ServiceError> {
        let s = &self.store;
        let l = s
            .fetch::<Lot>(lot)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "lot",
                id: lot.to_string(),
            })?;
        let steps = s.list::<ProcessingStep>(Some(("lot", lot))).await?;
        let filtrations = s.list::<SterileFiltration>(Some(("lot", lot))).await?;
        let tests = s.list::<IntegrityTest>(Some(("lot", lot))).await?;
        // (what, room, equipment, operator, at)
        let mut acts: Vec<ActRow> = steps
            .iter()
            .map(|x| {
                (
                    x.id.clone(),
                    x.room.clone(),
                    x.equipment.clone(),
                    x.operator.as_ref().map(|u| u.to_string()),
                    x.performed_at,
                )
            })
            .collect();
        acts.extend(filtrations.iter().map(|f| {
            (
                f.id.clone(),
                f.room.clone(),
                None,
                Some(f.performed_by.to_string()),
                f.performed_at,
            )
        }));
        if let Some(at) = l.filled_at {
            acts.push((
                format!("{} fill", l.id),
                l.fill_room.clone(),
                l.fill_equipment.clone(),
                l.filled_by.as_ref().map(|u| u.to_string()),
                at,
            ));
        }
        acts.sort_by_key(|a| a.4);
        let mut rooms: BTreeMap<String, Option<Room>> = BTreeMap::new();
        let mut quals: BTreeMap<String, Vec<Qualification>> = BTreeMap::new();
        let mut uses = Vec::new();
        let mut equipment = Vec::new();
        for (what, room, eq, op, at) in &acts {
            if let Some(r) = room {
                if !rooms.contains_key(r) {
                    rooms.insert(r.clone(), s.fetch::<Room>(r).await?);
                }
                let known = rooms[r].as_ref();
                let mut unqualified = None;
                if let (Some(true), Some(op)) = (known.map(Room::is_aseptic), op) {
                    if !quals.contains_key(op) {
                        let q = s
                            .list::<Qualification>(Some(("operator", op.as_str())))
                            .await?;
                        quals.insert(op.clone(), q);
                    }
                    let user = secretome_domain::ids::UserName::new(op)?;
                    unqualified = aseptic_unqualified(&user, &quals[op], *at);
                }
                uses.push(Use {
                    what: what.clone(),
                    room: r.clone(),
                    grade: known
                        .map(|k| k.grade.as_str().to_string())
                        .unwrap_or_default(),
                    at: *at,
                    operator: op.clone(),
                    unqualified,
                });
            }
            if let Some(id) = eq {
                let e = s.fetch::<Equipment>(id).await?;
                equipment.push(EquipmentUse {
                    what: what.clone(),
                    equipment: id.clone(),
                    name: e.as_ref().map(|e| e.name.clone()).unwrap_or_default(),
                    at: *at,
                    unfit: match &e {
                        Some(e) => e.unfit_at(*at),
                        None => Some((
                            format!("equipment {id} is not registered"),
                            format!("機器 {id} は未登録です"),
                        )),
                    },
                });
            }
        }
        // EM of the rooms used and the rooms their zones stand in, a day either side.
        let mut em_rooms: Vec<String> = rooms.keys().cloned().collect();
        em_rooms.extend(rooms.values().flatten().filter_map(|r| r.parent.clone()));
        em_rooms.sort();
        em_rooms.dedup();
        let from = uses
            .iter()
            .map(|u| u.at)
            .min()
            .and_then(|t| t.plus_hours(-24.0));
        let to = uses
            .iter()
            .map(|u| u.at)
            .max()
            .and_then(|t| t.plus_hours(24.0));
        let (mut em_within, mut em_out) = (0, Vec::new());
        if let (Some(a), Some(b)) = (from, to) {
            for r in &em_rooms {
                for e in s.list::<EmResult>(Some(("room", r.as_str()))).await? {
                    if e.sampled_at < a || e.sampled_at > b {
                        continue;
                    }
                    if e.outcome == EmOutcome::Within {
                        em_within += 1;
                    } else {
                        em_out.push(e);
                    }
                }
            }
        }
        em_out.sort_by_key(|e| e.sampled_at);
        Ok(LotSterility {
            uses,
            em_from: from,
            em_to: to,
            em_within,
            em_out,
            filtrations,
            tests,
            equipment,
        })
    }
}
