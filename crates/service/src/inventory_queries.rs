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
use secretome_store::Table;
use serde::Serialize;
use std::collections::BTreeMap;

/// A freezer and the number of vials stored in it.
#[derive(Debug, Clone, Serialize)]
pub struct FreezerSummary {
    pub freezer: Freezer,
    pub vials: usize,
    /// Vials in it that are past expiry (swept or not yet).
    pub expired: usize,
}

/// The vial in one grid cell.
#[derive(Debug, Clone, Serialize)]
pub struct CellVial {
    pub id: String,
    pub status: VialStatus,
    pub expired: bool,
}

/// One position of a box (`A1` …).
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub position: String,
    pub vial: Option<CellVial>,
}

/// One row of a box (`A`, `B`, …).
#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub letter: char,
    pub cells: Vec<Cell>,
}

/// One box: its column numbers and its grid, row by row.
#[derive(Debug, Clone, Serialize)]
pub struct BoxMap {
    pub name: String,
    pub cols: Vec<i64>,
    pub rows: Vec<GridRow>,
    pub used: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RackMap {
    pub rack: String,
    pub boxes: Vec<BoxMap>,
}

/// A freezer's map. Vials whose stored position lies outside the freezer's grid are listed apart.
#[derive(Debug, Clone, Serialize)]
pub struct FreezerMap {
    pub freezer: Freezer,
    pub racks: Vec<RackMap>,
    pub outside_grid: Vec<Vial>,
}

/// What the vial page shows.
#[derive(Debug, Clone, Serialize)]
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
    v.status == VialStatus::Expired
        || (matches!(v.status, VialStatus::Quarantine | VialStatus::Available)
            && now >= v.expires_at)
}

impl Service {
    /// The vials stored in `freezer` (their location starts with `freezer/`), read by the database
    /// rather than by loading every vial.
    async fn stored_in(&self, freezer: &str) -> Result<Vec<Vial>, ServiceError> {
        let rows = self
            .store
            .select_prefix(Table::Vial, "location", &format!("{freezer}/"))
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let v: Vial = r.to_record()?;
            let here = v.location.as_deref().and_then(|l| Location::parse(l).ok());
            if here.is_some_and(|l| l.freezer == freezer) {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// Every registered freezer, by id, with its stored vials counted.
    pub async fn freezers(&self, now: UtcTime) -> Result<Vec<FreezerSummary>, ServiceError> {
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for f in self.store.list::<Freezer>(None).await? {
            for v in self.stored_in(f.id.as_str()).await? {
                let e = counts.entry(f.id.to_string()).or_default();
                e.0 += 1;
                e.1 += usize::from(is_expired(&v, now));
            }
        }
        Ok(self
            .store
            .list::<Freezer>(None)
            .await?
            .into_iter()
            .map(|f| {
                let (vials, expired) = counts.get(f.id.as_str()).copied().unwrap_or_default();
                FreezerSummary {
                    freezer: f,
                    vials,
                    expired,
                }
            })
            .collect())
    }

    /// A freezer's racks, boxes and grid cells, with the vial in each occupied cell.
    pub async fn freezer_map(
        &self,
        freezer: &str,
        now: UtcTime,
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
        let mut outside_grid = Vec::new();
        for v in self.stored_in(f.id.as_str()).await? {
            let Some(loc) = v.location.as_deref().and_then(|l| Location::parse(l).ok()) else {
                continue;
            };
            if f.check(&loc).is_err() {
                outside_grid.push(v);
                continue;
            }
            let cell = CellVial {
                id: v.id.to_string(),
                status: v.status,
                expired: is_expired(&v, now),
            };
            racks
                .entry(loc.rack)
                .or_default()
                .entry(loc.r#box)
                .or_default()
                .insert((loc.row, loc.col), cell);
        }
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
