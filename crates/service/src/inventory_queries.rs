//! Read models of the inventory pages: the freezers with how many vials each holds, a freezer's
//! map (racks → boxes → grid cells with the vial there, its state and whether it is past expiry),
//! and one vial's detail (lot, product, location, move history, expiry flag, label readiness).

use crate::{Service, ServiceError};
use secretome_domain::{
    UtcTime,
    inventory::{Freezer, Location, VialMove},
    lot::Lot,
    qc::Product,
    vial::{Vial, VialStatus},
};
use secretome_store::{Cond, Cursor, PageQuery, StoreError, Table, TallyKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// A freezer and the number of vials stored in it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FreezerSummary {
    pub freezer: Freezer,
    pub vials: usize,
    /// Vials in it that are past expiry (swept or not yet).
    pub expired: usize,
}

/// The vial in one grid cell.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CellVial {
    pub id: String,
    pub status: VialStatus,
    pub expired: bool,
}

/// One position of a box (`A1` …).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Cell {
    pub position: String,
    pub vial: Option<CellVial>,
}

/// One row of a box (`A`, `B`, …).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GridRow {
    pub letter: char,
    pub cells: Vec<Cell>,
}

/// One box: its column numbers and its grid, row by row.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BoxMap {
    pub name: String,
    pub cols: Vec<i64>,
    pub rows: Vec<GridRow>,
    pub used: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RackMap {
    pub rack: String,
    pub boxes: Vec<BoxMap>,
}

/// A freezer's map. Vials whose stored position lies outside the freezer's grid are listed apart.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FreezerMap {
    pub freezer: Freezer,
    pub racks: Vec<RackMap>,
    pub outside_grid: Vec<Vial>,
    /// Cursor of the map's next boxes, if any.
    pub next: Option<String>,
}

/// What the vial page shows.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VialDetail {
    pub vial: Vial,
    pub lot: Lot,
    pub product: Option<Product>,
    /// Oldest first.
    pub moves: Vec<VialMove>,
    /// Past its expiry (already marked `expired`, or unused and not yet swept).
    pub expired: bool,
    /// Why no label can be printed (no DIN), if so.
    pub label_refusal: Option<String>,
}

/// Whether a vial is past expiry in a way that matters: marked expired, or still unused at `now`.
pub fn is_expired(v: &Vial, now: UtcTime) -> bool {
    expired_at(v.status, v.expires_at, now)
}

/// `is_expired` from a vial's state and expiry alone.
fn expired_at(status: VialStatus, expires_at: UtcTime, now: UtcTime) -> bool {
    status == VialStatus::Expired
        || (matches!(status, VialStatus::Quarantine | VialStatus::Available) && now >= expires_at)
}

/// Boxes a freezer map shows at a time.
pub const MAP_BOXES: usize = 4;

/// Vials whose location is in `freezer` (a range on the location index).
fn in_freezer(freezer: &str) -> Cond {
    Cond::prefix("location", &format!("{freezer}/"))
}

impl Service {
    /// Every registered freezer, by id, with its stored vials and those past expiry, read from
    /// the counters the store keeps with every vial write (`TallyKind::FreezerVials`: vials per
    /// freezer and state; `FreezerUnusedExpiry`: unused vials per expiry time, of which only the
    /// times up to `now` are read) — a few rows per freezer, however many vials it holds.
    pub async fn freezers(&self, now: UtcTime) -> Result<Vec<FreezerSummary>, ServiceError> {
        let mut stored: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for t in self
            .store
            .tallies(TallyKind::FreezerVials, None, None)
            .await?
        {
            let n = usize::try_from(t.n).unwrap_or(0);
            let e = stored.entry(t.subject).or_default();
            e.0 += n;
            if t.key == VialStatus::Expired.as_str() {
                e.1 += n;
            }
        }
        let now = now.to_string();
        let mut out = Vec::new();
        for f in self.store.list::<Freezer>(None).await? {
            let (vials, swept) = stored.get(f.id.as_str()).copied().unwrap_or((0, 0));
            let due: i64 = self
                .store
                .tallies(
                    TallyKind::FreezerUnusedExpiry,
                    Some(f.id.as_str()),
                    Some(&now),
                )
                .await?
                .iter()
                .map(|t| t.n)
                .sum();
            out.push(FreezerSummary {
                freezer: f,
                vials,
                expired: swept + usize::try_from(due).unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// A freezer's first boxes (see `freezer_map_page`).
    pub async fn freezer_map(
        &self,
        freezer: &str,
        now: UtcTime,
    ) -> Result<FreezerMap, ServiceError> {
        self.freezer_map_page(freezer, now, None).await
    }

    /// Up to `MAP_BOXES` occupied boxes of a freezer, in location order from `cursor` (None: the
    /// first), as racks, boxes and grid cells with the vial in each occupied cell. The vials are
    /// read as one range of the location index, `MAP_BOXES` boxes' worth at most; a box cut at the
    /// end of that read starts the next page (`FreezerMap::next`).
    pub async fn freezer_map_page(
        &self,
        freezer: &str,
        now: UtcTime,
        cursor: Option<&str>,
    ) -> Result<FreezerMap, ServiceError> {
        let f: Freezer =
            self.store
                .fetch(freezer.trim())
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "freezer",
                    id: freezer.to_string(),
                })?;
        // rack → box → (row, col) → vial
        type Grid = BTreeMap<(i64, i64), CellVial>;
        let mut racks: BTreeMap<String, BTreeMap<String, Grid>> = BTreeMap::new();
        let per_box = usize::try_from((f.box_rows * f.box_cols).max(1)).unwrap_or(1);
        let mut q = PageQuery::newest("location", per_box * MAP_BOXES).at(cursor);
        q.desc = false;
        q.conds.push(in_freezer(f.id.as_str()));
        // Only what a cell shows (id, state, expiry) and where it is: four of a vial's columns.
        let page = self
            .store
            .page_columns(Table::Vial, &q, &["id", "location", "status", "expires_at"])
            .await?;
        let mut vials = Vec::with_capacity(page.rows.len());
        for r in page.rows {
            let mut cols = r.into_iter();
            let mut next_col = || cols.next().flatten();
            let (Some(id), Some(location), Some(status), Some(expires)) =
                (next_col(), next_col(), next_col(), next_col())
            else {
                continue;
            };
            let corrupt = |detail: String| StoreError::Corrupt {
                table: "vial",
                id: id.clone(),
                detail,
            };
            let status = VialStatus::ALL
                .into_iter()
                .find(|s| s.as_str() == status)
                .ok_or_else(|| corrupt(format!("status {status:?}")))?;
            let expires_at =
                UtcTime::parse("expires_at", &expires).map_err(|e| corrupt(e.to_string()))?;
            vials.push((id, location, status, expires_at));
        }
        let mut next = None;
        if page.next.is_some() {
            // The last box read may continue past the limit: it starts the next page instead
            // (unless it is the only box read).
            let box_of = |l: &str| l.rsplit_once('/').map(|(b, _)| format!("{b}/"));
            let last = vials.last().and_then(|v| box_of(&v.1));
            let first = vials.first().and_then(|v| box_of(&v.1));
            match last {
                Some(b) if first.as_ref() != Some(&b) => {
                    vials.retain(|v| box_of(&v.1).as_ref() != Some(&b));
                    next = Some(
                        Cursor::After {
                            key: b,
                            id: String::new(),
                        }
                        .encode(),
                    );
                }
                _ => next = page.next,
            }
        }
        let mut outside = Vec::new();
        for (id, location, status, expires_at) in vials {
            let Ok(loc) = Location::parse(&location) else {
                continue;
            };
            if loc.freezer != f.id.as_str() {
                continue;
            }
            if f.check(&loc).is_err() {
                outside.push(id);
                continue;
            }
            let cell = CellVial {
                expired: expired_at(status, expires_at, now),
                id,
                status,
            };
            racks
                .entry(loc.rack)
                .or_default()
                .entry(loc.r#box)
                .or_default()
                .insert((loc.row, loc.col), cell);
        }
        // Vials stored outside the grid are shown whole (rare: a grid changed after storing).
        let mut outside_grid: Vec<Vial> = self.store.fetch_many(&outside).await?;
        outside_grid.sort_by(|a, b| a.location.cmp(&b.location).then(a.id.cmp(&b.id)));
        let racks = racks
            .into_iter()
            .map(|(rack, boxes)| RackMap {
                rack,
                boxes: boxes
                    .into_iter()
                    .map(|(name, mut grid)| {
                        let used = grid.len();
                        let rows = (1..=f.box_rows)
                            .map(|row| {
                                let letter = char::from(b'A' + (row - 1) as u8);
                                let cells = (1..=f.box_cols)
                                    .map(|col| Cell {
                                        position: format!("{letter}{col}"),
                                        vial: grid.remove(&(row, col)),
                                    })
                                    .collect();
                                GridRow { letter, cells }
                            })
                            .collect();
                        let cols = (1..=f.box_cols).collect();
                        BoxMap {
                            name,
                            cols,
                            rows,
                            used,
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(FreezerMap {
            freezer: f,
            racks,
            outside_grid,
            next,
        })
    }

    /// One vial, by its id or its DIN, with its lot, product and move history.
    pub async fn vial_detail(&self, vial: &str, now: UtcTime) -> Result<VialDetail, ServiceError> {
        let v = crate::labels::find_vial(self, vial).await?;
        let lot: Lot =
            self.store
                .fetch(v.lot.as_str())
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "lot",
                    id: v.lot.to_string(),
                })?;
        let product: Option<Product> = self.store.fetch(&lot.product).await?;
        let mut moves = self
            .store
            .list::<VialMove>(Some(("vial", v.id.as_str())))
            .await?;
        moves.sort_by(|a, b| (a.moved_at, &a.id).cmp(&(b.moved_at, &b.id)));
        let label_refusal = crate::labels::label_data(&v, &lot, product.as_ref(), now)
            .err()
            .map(|e| e.to_string());
        Ok(VialDetail {
            expired: is_expired(&v, now),
            vial: v,
            lot,
            product,
            moves,
            label_refusal,
        })
    }
}
