//! Counters kept by the store in the same transaction as the writes they count (migrations 0023
//! and 0024, issue 19): a lot's vials by state, freezer occupancy by vial state, a freezer's
//! unused vials by expiry time, and per indication its patients, doses (count and mL) and adverse
//! events by `grade/serious`. The pages that show these totals read a few counter rows instead of
//! counting a lot's, a freezer's or an indication's rows on every request.
//!
//! Every insert and update of a vial, patient, administration or adverse event — one by one or in
//! bulk — passes through `Deltas::add` with the row before (if any) and after, and the net changes
//! are written by `sql/tally.rs` before the transaction can commit: a counter cannot disagree with
//! the rows it counts after any commit (tests recount after each kind of change). Rows are never
//! deleted by the application. A patient's indication is fixed at registration (no use case
//! changes it); the adverse-event counters take the patient's indication at the time of the write.

use crate::{row::Snapshot, schema::Table};
use serde_json::Value;
use std::collections::BTreeMap;

/// What a counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TallyKind {
    /// subject: a freezer id; key: a vial state; n: vials whose location is in that freezer.
    FreezerVials,
    /// subject: a freezer id; key: an expiry time; n: vials in quarantine or available there.
    FreezerUnusedExpiry,
    /// subject: an indication; key: ''; n: patients.
    IndicationPatients,
    /// subject: an indication; key: ''; n: administrations; amount: their mL.
    IndicationDoses,
    /// subject: an indication (the patient's); key: `grade/serious` (`3/1`); n: adverse events.
    IndicationAdverseEvents,
    /// subject: a lot; key: a vial state; n: the lot's vials in that state (migration 0024).
    LotVials,
}

impl TallyKind {
    pub const ALL: &'static [TallyKind] = &[
        TallyKind::FreezerVials,
        TallyKind::FreezerUnusedExpiry,
        TallyKind::IndicationPatients,
        TallyKind::IndicationDoses,
        TallyKind::IndicationAdverseEvents,
        TallyKind::LotVials,
    ];

    /// The `kind` column's text.
    pub fn as_str(self) -> &'static str {
        match self {
            TallyKind::FreezerVials => "freezer_vials",
            TallyKind::FreezerUnusedExpiry => "freezer_unused_expiry",
            TallyKind::IndicationPatients => "indication_patients",
            TallyKind::IndicationDoses => "indication_doses",
            TallyKind::IndicationAdverseEvents => "indication_adverse_events",
            TallyKind::LotVials => "lot_vials",
        }
    }
}

/// One counter row.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub subject: String,
    pub key: String,
    pub n: i64,
    pub amount: f64,
}

/// Whether writes of `table` change a counter.
pub fn tallied(table: Table) -> bool {
    matches!(
        table,
        Table::Vial | Table::Patient | Table::Administration | Table::AdverseEvent
    )
}

/// The net changes of one write call, to be added to the counters.
#[derive(Debug, Default)]
pub struct Deltas {
    /// (kind, subject, key) → (n, amount).
    pub(crate) changes: BTreeMap<(TallyKind, String, String), (i64, f64)>,
    /// Adverse-event changes whose subject is their patient's indication: (patient, key, ±1),
    /// resolved against the patient rows when written.
    pub(crate) by_patient: Vec<(String, String, i64)>,
}

fn text<'a>(s: &'a Snapshot, col: &str) -> Option<&'a str> {
    s.values.get(col).and_then(Value::as_str)
}

impl Deltas {
    /// Counts out `before` (the row as it was, None for an insert) and counts in `after`.
    pub fn add(&mut self, before: Option<&Snapshot>, after: &Snapshot) {
        if !tallied(after.table) {
            return;
        }
        if let Some(b) = before {
            self.count(b, -1);
        }
        self.count(after, 1);
    }

    /// Whether nothing is to be written.
    pub fn is_empty(&self) -> bool {
        self.changes.values().all(|(n, a)| *n == 0 && *a == 0.0) && self.by_patient.is_empty()
    }

    pub(crate) fn bump(&mut self, kind: TallyKind, subject: &str, key: &str, n: i64, amount: f64) {
        let e = self
            .changes
            .entry((kind, subject.to_string(), key.to_string()))
            .or_insert((0, 0.0));
        e.0 += n;
        e.1 += amount;
    }

    fn count(&mut self, s: &Snapshot, sign: i64) {
        match s.table {
            Table::Vial => {
                if let (Some(lot), Some(status)) = (text(s, "lot"), text(s, "status")) {
                    self.bump(TallyKind::LotVials, lot, status, sign, 0.0);
                }
                let Some((freezer, _)) = text(s, "location").and_then(|l| l.split_once('/')) else {
                    return;
                };
                if freezer.is_empty() {
                    return;
                }
                let status = text(s, "status").unwrap_or("");
                self.bump(TallyKind::FreezerVials, freezer, status, sign, 0.0);
                if matches!(status, "quarantine" | "available")
                    && let Some(exp) = text(s, "expires_at")
                {
                    self.bump(TallyKind::FreezerUnusedExpiry, freezer, exp, sign, 0.0);
                }
            }
            Table::Patient => {
                if let Some(ind) = text(s, "indication") {
                    self.bump(TallyKind::IndicationPatients, ind, "", sign, 0.0);
                }
            }
            Table::Administration => {
                if let Some(ind) = text(s, "indication") {
                    let ml = s
                        .values
                        .get("dose_ml")
                        .and_then(Value::as_f64)
                        .unwrap_or(0.0);
                    self.bump(TallyKind::IndicationDoses, ind, "", sign, sign as f64 * ml);
                }
            }
            Table::AdverseEvent => {
                let grade = s.values.get("grade").and_then(Value::as_i64);
                let serious = match s.values.get("serious") {
                    Some(Value::Bool(b)) => Some(i64::from(*b)),
                    Some(v) => v.as_i64(),
                    None => None,
                };
                if let (Some(p), Some(g), Some(se)) = (text(s, "patient"), grade, serious) {
                    self.by_patient
                        .push((p.to_string(), format!("{g}/{se}"), sign));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vial(status: &str, location: Option<&str>) -> Snapshot {
        Snapshot::from_object(
            Table::Vial,
            json!({"id": "L-1-0001", "lot": "L-1", "seq": 1, "fill_volume_ml": 2.0,
                   "status": status, "location": location,
                   "expires_at": "2027-01-01T00:00:00.000000Z",
                   "filled_at": "2026-01-01T00:00:00.000000Z"}),
        )
        .unwrap()
    }

    fn net(d: &Deltas) -> Vec<(TallyKind, &str, &str, i64)> {
        d.changes
            .iter()
            .filter(|(_, (n, _))| *n != 0)
            .map(|((k, s, key), (n, _))| (*k, s.as_str(), key.as_str(), *n))
            .collect()
    }

    #[test]
    fn a_vial_counts_in_its_freezer_by_state_and_unused_by_expiry() {
        let mut d = Deltas::default();
        d.add(None, &vial("quarantine", Some("F1/R1/B1/A1")));
        let exp = "2027-01-01T00:00:00.000000Z";
        assert_eq!(
            net(&d),
            vec![
                (TallyKind::FreezerVials, "F1", "quarantine", 1),
                (TallyKind::FreezerUnusedExpiry, "F1", exp, 1),
                (TallyKind::LotVials, "L-1", "quarantine", 1),
            ]
        );
        // Moved to another freezer and released: out of F1, into F2 as available.
        d.add(
            Some(&vial("quarantine", Some("F1/R1/B1/A1"))),
            &vial("available", Some("F2/R1/B1/A1")),
        );
        // Dispensed: it leaves storage (no location) and is no longer unused.
        d.add(
            Some(&vial("available", Some("F2/R1/B1/A1"))),
            &vial("dispensed", None),
        );
        assert_eq!(
            net(&d),
            vec![(TallyKind::LotVials, "L-1", "dispensed", 1)],
            "in, moved, out: nothing left in storage; the lot counts it dispensed"
        );
    }

    #[test]
    fn locations_without_a_freezer_count_only_in_the_lot() {
        let mut d = Deltas::default();
        d.add(None, &vial("available", Some("nowhere")));
        d.add(None, &vial("available", None));
        assert_eq!(net(&d), vec![(TallyKind::LotVials, "L-1", "available", 2)]);
    }
}
