//! Trace (DESIGN.md §6): from a donor, raw-material lot, lot, vial or patient, everything downstream
//! (forward) or upstream (backward), as one recursive query over the genealogy edges — the same
//! answer on SQLite and PostgreSQL.

use crate::{Service, ServiceError};
use secretome_domain::genealogy::{Edge, NodeKind};
/// Which way a trace walks (re-exported so edges need not depend on the store).
pub use secretome_store::Direction;
use secretome_store::Table;
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct TraceNode {
    pub kind: NodeKind,
    pub id: String,
}

/// `{"root":…, "nodes":[{"kind":…, "id":…}], "edges":[[from, to], …]}` with `from`/`to` as `kind:id`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Trace {
    pub root: TraceNode,
    pub nodes: Vec<TraceNode>,
    pub edges: Vec<(String, String)>,
    /// Patients taken out because the reader may not see them (`Service::trace_for`): their
    /// number, without their pseudonyms or edges.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub patients_withheld: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn key(kind: NodeKind, id: &str) -> String {
    format!("{}:{id}", kind.as_str())
}

impl Service {
    /// Which kind of record an identifier names (donor, raw-material lot, lot, vial, …).
    pub async fn resolve_node(&self, id: &str) -> Result<NodeKind, ServiceError> {
        for (table, kind) in [
            (Table::Donor, NodeKind::Donor),
            (Table::MaterialLot, NodeKind::MaterialLot),
            (Table::Lot, NodeKind::Lot),
            (Table::Vial, NodeKind::Vial),
            (Table::Batch, NodeKind::Batch),
            (Table::Harvest, NodeKind::Harvest),
            (Table::CellBank, NodeKind::CellBank),
            (Table::Tissue, NodeKind::Tissue),
            (Table::Patient, NodeKind::Patient),
        ] {
            if self.store().get(table, id).await?.is_some() {
                return Ok(kind);
            }
        }
        Err(ServiceError::NotFound {
            what: "donor, raw-material lot, lot, vial or patient",
            id: id.to_string(),
        })
    }

    /// Which record an identifier names, or else the vial or lot a scanned ISBT 128 code names
    /// (DIN with product code and division → the vial; DIN alone → the lot), with its id.
    pub async fn resolve_scanned(&self, id: &str) -> Result<(NodeKind, String), ServiceError> {
        match self.resolve_node(id).await {
            Err(e @ ServiceError::NotFound { .. }) => match self.scan(id).await {
                Ok(crate::scan::ScanFound::Vial { vial, .. }) => {
                    Ok((NodeKind::Vial, vial.id.to_string()))
                }
                Ok(crate::scan::ScanFound::Lot { lot, .. }) => {
                    Ok((NodeKind::Lot, lot.id.to_string()))
                }
                Err(ServiceError::NotFound { .. }) => Err(e),
                Err(other) => Err(other),
            },
            other => other.map(|k| (k, id.to_string())),
        }
    }

    /// Everything reachable from `id` (a record's id, or a scanned DIN) in `direction`.
    pub async fn trace(&self, direction: Direction, id: &str) -> Result<Trace, ServiceError> {
        let (kind, id) = self.resolve_scanned(id).await?;
        let id = id.as_str();
        let edges: Vec<Edge> = self.store().trace(direction, kind, id).await?;
        let mut nodes = BTreeSet::new();
        for e in &edges {
            nodes.insert(TraceNode {
                kind: e.parent_kind,
                id: e.parent_id.clone(),
            });
            nodes.insert(TraceNode {
                kind: e.child_kind,
                id: e.child_id.clone(),
            });
        }
        let root = TraceNode {
            kind,
            id: id.to_string(),
        };
        nodes.remove(&root);
        let mut pairs: Vec<(String, String)> = edges
            .iter()
            .map(|e| {
                (
                    key(e.parent_kind, &e.parent_id),
                    key(e.child_kind, &e.child_id),
                )
            })
            .collect();
        pairs.sort();
        Ok(Trace {
            root,
            nodes: nodes.into_iter().collect(),
            edges: pairs,
            patients_withheld: 0,
        })
    }
}
