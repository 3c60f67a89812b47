//! What the facility records say about one lot and one step: the checks made when a step is
//! recorded (room registered, equipment in calibration, operator qualified for a grade A zone),
//! the filling gate (a sterilising filtration with no failed integrity test) and the release
//! blockers (filtration and integrity, EM excursions without a deviation, equipment, operators,
//! failed media fills).

use crate::ServiceError;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    batch::Harvest,
    facility::{
        EmOutcome, EmResult, Equipment, IntegrityTest, MediaFill, Qualification, Room,
        SterileFiltration, blockers, em::affected_window, filter::fit_for_filling,
        training::aseptic_unqualified,
    },
    genealogy::{Edge, NodeKind},
    ids::{LotNumber, UserName},
    lot::Lot,
    processing::ProcessingStep,
    qc::{Deviation, ReleaseBlocker},
};
use secretome_store::{Cond, Filter, PageQuery, Record, Store, StoreError, Tx};
use std::collections::BTreeMap;

/// Reads from inside a transaction or from the store, alike.
pub(crate) enum Src<'a> {
    Tx(&'a mut dyn Tx),
    Store(&'a dyn Store),
}

impl Src<'_> {
    pub(crate) async fn list<R: Record>(&mut self, f: Filter<'_>) -> Result<Vec<R>, StoreError> {
        match self {
            Src::Tx(t) => t.list::<R>(f).await,
            Src::Store(s) => s.list::<R>(f).await,
        }
    }
    pub(crate) async fn load<R: Record>(&mut self, id: &str) -> Result<Option<R>, StoreError> {
        match self {
            Src::Tx(t) => t.load::<R>(id).await,
            Src::Store(s) => s.fetch::<R>(id).await,
        }
    }
    pub(crate) async fn page_of<R: Record>(&mut self, q: &PageQuery) -> Result<Vec<R>, StoreError> {
        match self {
            Src::Tx(t) => Ok(t.page_of::<R>(q).await?.rows),
            Src::Store(s) => Ok(s.page_of::<R>(q).await?.rows),
        }
    }
}

/// The harvests pooled into a lot (its genealogy edges harvest → lot, by the `(child_kind,
/// child_id)` index): where they were done is a use of that room too.
async fn lot_harvests(src: &mut Src<'_>, lot: &str) -> Result<Vec<Harvest>, ServiceError> {
    let q = PageQuery {
        conds: vec![
            Cond::Eq("child_kind", NodeKind::Lot.as_str().into()),
            Cond::Eq("child_id", lot.into()),
        ],
        order: "id",
        desc: false,
        cursor: None,
        limit: 1_000,
    };
    let mut out = Vec::new();
    for e in src.page_of::<Edge>(&q).await? {
        if e.parent_kind == NodeKind::Harvest
            && let Some(h) = src.load::<Harvest>(&e.parent_id).await?
        {
            out.push(h);
        }
    }
    Ok(out)
}

/// Where a lot was handled: (room, time, what) for each step and sterilising filtration that
/// records a room.
async fn lot_uses(
    src: &mut Src<'_>,
    lot: &str,
) -> Result<(Vec<ProcessingStep>, Vec<SterileFiltration>), ServiceError> {
    let steps = src.list::<ProcessingStep>(Some(("lot", lot))).await?;
    let filtrations = src.list::<SterileFiltration>(Some(("lot", lot))).await?;
    Ok((steps, filtrations))
}

/// Whether a use in `used_room` (whose parent is `parent`) at `at` lies in the excursion's room and
/// window: an excursion in a room reaches the zones inside it.
fn affected(
    e: &EmResult,
    window: (UtcTime, UtcTime),
    used_room: &str,
    parent: Option<&str>,
    at: UtcTime,
) -> bool {
    (e.room == used_room || parent == Some(e.room.as_str())) && window.0 <= at && at <= window.1
}

/// Something done to the lot somewhere: a processing step or the filling.
struct Act {
    id: String,
    room: Option<String>,
    equipment: Option<String>,
    operator: Option<UserName>,
    at: UtcTime,
}

/// A lot's sterility records, ready to be turned into release blockers.
pub(crate) struct FacilityRecords {
    filtrations: Vec<SterileFiltration>,
    tests: Vec<IntegrityTest>,
    excursions: Vec<EmResult>,
    equipment: Vec<(String, (String, String))>,
    operators: Vec<(String, (String, String))>,
    media_fills: Vec<MediaFill>,
}

impl FacilityRecords {
    pub(crate) async fn in_tx(
        tx: &mut dyn Tx,
        lot: &Lot,
        deviations: &[Deviation],
    ) -> Result<FacilityRecords, ServiceError> {
        Self::load(Src::Tx(tx), lot, deviations).await
    }

    pub(crate) async fn read(
        store: &dyn Store,
        lot: &Lot,
        deviations: &[Deviation],
    ) -> Result<FacilityRecords, ServiceError> {
        Self::load(Src::Store(store), lot, deviations).await
    }

    async fn load(
        mut src: Src<'_>,
        lot: &Lot,
        deviations: &[Deviation],
    ) -> Result<FacilityRecords, ServiceError> {
        let (steps, filtrations) = lot_uses(&mut src, lot.id.as_str()).await?;
        let tests = src
            .list::<IntegrityTest>(Some(("lot", lot.id.as_str())))
            .await?;
        // Each room used, with its parent; then the action excursions of those rooms and parents.
        let mut uses: Vec<(String, UtcTime)> = steps
            .iter()
            .filter_map(|s| s.room.clone().map(|r| (r, s.performed_at)))
            .collect();
        uses.extend(
            filtrations
                .iter()
                .filter_map(|f| f.room.clone().map(|r| (r, f.performed_at))),
        );
        // Harvests pooled into the lot and the filling are uses of their rooms too.
        let harvests = lot_harvests(&mut src, lot.id.as_str()).await?;
        uses.extend(
            harvests
                .iter()
                .filter_map(|h| h.room.clone().map(|r| (r, h.harvested_at))),
        );
        let fill = lot.filled_at.map(|at| Act {
            id: format!("{} fill", lot.id),
            room: lot.fill_room.clone(),
            equipment: lot.fill_equipment.clone(),
            operator: lot.filled_by.clone(),
            at,
        });
        if let Some(Act {
            room: Some(r), at, ..
        }) = &fill
        {
            uses.push((r.clone(), *at));
        }
        let mut parents: BTreeMap<String, Option<String>> = BTreeMap::new();
        for (r, _) in &uses {
            if !parents.contains_key(r) {
                let p = src.load::<Room>(r).await?.and_then(|x| x.parent);
                parents.insert(r.clone(), p);
            }
        }
        let mut rooms: Vec<String> = parents.keys().cloned().collect();
        rooms.extend(parents.values().flatten().cloned());
        rooms.sort();
        rooms.dedup();
        let mut excursions = Vec::new();
        for room in &rooms {
            let history = src.list::<EmResult>(Some(("room", room.as_str()))).await?;
            for e in history.iter().filter(|e| e.outcome == EmOutcome::Action) {
                let w = affected_window(e, &history);
                let hit = uses.iter().any(|(r, at)| {
                    affected(e, w, r, parents.get(r).and_then(|p| p.as_deref()), *at)
                });
                if hit
                    && !deviations
                        .iter()
                        .any(|d| d.description.contains(&format!("[{}]", e.id)))
                {
                    excursions.push(e.clone());
                }
            }
        }
        let mut equipment = Vec::new();
        let mut operators = Vec::new();
        let mut quals: BTreeMap<String, Vec<Qualification>> = BTreeMap::new();
        let acts = steps
            .iter()
            .map(|s| Act {
                id: s.id.clone(),
                room: s.room.clone(),
                equipment: s.equipment.clone(),
                operator: s.operator.clone(),
                at: s.performed_at,
            })
            .chain(harvests.iter().map(|h| Act {
                id: h.id.to_string(),
                room: h.room.clone(),
                equipment: h.equipment.clone(),
                operator: h.operator.clone(),
                at: h.harvested_at,
            }))
            .chain(fill);
        for s in acts {
            if let Some(id) = &s.equipment {
                match src.load::<Equipment>(id).await? {
                    Some(eq) => {
                        if let Some(why) = eq.unfit_at(s.at) {
                            equipment.push((s.id.clone(), why));
                        }
                    }
                    None => equipment.push((
                        s.id.clone(),
                        (
                            format!("equipment {id} is not registered"),
                            format!("機器 {id} は未登録です"),
                        ),
                    )),
                }
            }
            let aseptic = match &s.room {
                Some(r) => src.load::<Room>(r).await?.is_some_and(|r| r.is_aseptic()),
                None => false,
            };
            if let (true, Some(op)) = (aseptic, &s.operator) {
                if !quals.contains_key(op.as_str()) {
                    let q = src
                        .list::<Qualification>(Some(("operator", op.as_str())))
                        .await?;
                    quals.insert(op.to_string(), q);
                }
                if let Some(why) = aseptic_unqualified(op, &quals[op.as_str()], s.at) {
                    operators.push((s.id.clone(), why));
                }
            }
        }
        let media_fills = src
            .list::<MediaFill>(Some(("product", lot.product.as_str())))
            .await?
            .into_iter()
            .filter(MediaFill::blocks)
            .collect();
        Ok(FacilityRecords {
            filtrations,
            tests,
            excursions,
            equipment,
            operators,
            media_fills,
        })
    }

    /// Every sterility reason the lot may not be released.
    pub(crate) fn blockers(&self, lot: &LotNumber) -> Vec<ReleaseBlocker> {
        let mut out = blockers::filtration_blockers(lot, &self.filtrations, &self.tests);
        out.extend(self.excursions.iter().map(blockers::excursion_blocker));
        out.extend(
            self.equipment
                .iter()
                .map(|(s, why)| blockers::equipment_blocker(s, why.clone())),
        );
        out.extend(
            self.operators
                .iter()
                .map(|(s, why)| blockers::operator_blocker(s, why.clone())),
        );
        out.extend(self.media_fills.iter().map(blockers::media_fill_blocker));
        out
    }
}

/// Checks a step's place before it is recorded: the room/zone is registered, the equipment is
/// registered and in calibration and qualification at `at`, and in a grade A zone the acting
/// operator holds gowning and aseptic-process qualifications in force. Refusals name the reason.
pub(crate) async fn check_place(
    tx: &mut dyn Tx,
    actor: &Actor,
    room: Option<&str>,
    equipment: Option<&str>,
    at: UtcTime,
) -> Result<(), ServiceError> {
    if let Some(r) = room {
        let room = tx.load::<Room>(r).await?.ok_or_else(|| {
            DomainError::invalid(
                "room",
                secretome_domain::Why::said(
                    format!("room {r} is not registered"),
                    format!("部屋 {r} は登録されていません (管理者が登録します)"),
                ),
            )
        })?;
        if room.is_aseptic() {
            let q = tx
                .list::<Qualification>(Some(("operator", actor.user.as_str())))
                .await?;
            if let Some((en, ja)) = aseptic_unqualified(&actor.user, &q, at) {
                return Err(
                    DomainError::Rule(secretome_domain::Rule::AsepticUnqualified {
                        room: r.to_string(),
                        en,
                        ja,
                    })
                    .into(),
                );
            }
        }
    }
    if let Some(e) = equipment {
        let eq = tx.load::<Equipment>(e).await?.ok_or_else(|| {
            DomainError::invalid(
                "equipment",
                secretome_domain::Why::said(
                    format!("equipment {e} is not registered"),
                    format!("機器 {e} は登録されていません (管理者が登録します)"),
                ),
            )
        })?;
        if let Some((en, ja)) = eq.unfit_at(at) {
            return Err(DomainError::Rule(secretome_domain::Rule::EquipmentUnfit {
                equipment: e.to_string(),
                en,
                ja,
            })
            .into());
        }
    }
    Ok(())
}

/// Filling needs a sterilising (≤ 0.22 µm, rated) filtration of the lot with no failed integrity
/// test.
pub(crate) async fn require_sterile_filtration(
    tx: &mut dyn Tx,
    lot: &str,
) -> Result<(), ServiceError> {
    let fs = tx.list::<SterileFiltration>(Some(("lot", lot))).await?;
    let tests = tx.list::<IntegrityTest>(Some(("lot", lot))).await?;
    if fs.iter().any(|f| fit_for_filling(f, &tests)) {
        return Ok(());
    }
    let lot = lot.to_string();
    Err(DomainError::Rule(if fs.is_empty() {
        secretome_domain::Rule::NoSterileFiltration { lot }
    } else {
        secretome_domain::Rule::FilterIntegrityFailed { lot }
    })
    .into())
}
