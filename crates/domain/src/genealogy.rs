//! Genealogy as a graph: every "made from" relation is an edge (parent → child), so pooling (many
//! harvests → one lot) and splitting (one lot → many vials) are the same shape, and trace is a walk.

use crate::DomainError;
use serde::{Deserialize, Serialize};

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
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Donor,
    Tissue,
    CellBank,
    MaterialLot,
    Batch,
    Harvest,
    Lot,
    Vial,
    Patient,
}

impl NodeKind {
    pub const ALL: [NodeKind; 9] = [
        NodeKind::Donor,
        NodeKind::Tissue,
        NodeKind::CellBank,
        NodeKind::MaterialLot,
        NodeKind::Batch,
        NodeKind::Harvest,
        NodeKind::Lot,
        NodeKind::Vial,
        NodeKind::Patient,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Donor => "donor",
            NodeKind::Tissue => "tissue",
            NodeKind::CellBank => "cell_bank",
            NodeKind::MaterialLot => "material_lot",
            NodeKind::Batch => "batch",
            NodeKind::Harvest => "harvest",
            NodeKind::Lot => "lot",
            NodeKind::Vial => "vial",
            NodeKind::Patient => "patient",
        }
    }
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    field,
                    crate::Why::said(
                        format!("unknown node kind {s:?}"),
                        format!("{s:?} は記録の種類にありません"),
                    ),
                )
            })
    }
}

/// How the child was made from the parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// collected from, banked from, seeded from, harvested from
    Derived,
    /// a raw-material lot used by a batch
    Used,
    /// one of several harvests pooled into a lot
    Pooled,
    /// one of the vials a lot was split into
    Split,
    /// a vial dispensed for a patient
    Dispensed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Edge {
    pub id: String,
    pub parent_kind: NodeKind,
    pub parent_id: String,
    pub child_kind: NodeKind,
    pub child_id: String,
    pub relation: Relation,
    /// Volume or quantity that went from parent to child, when meaningful (mL pooled, mL filled).
    pub quantity: Option<f64>,
}

impl Edge {
    pub fn new(
        parent: (NodeKind, &str),
        child: (NodeKind, &str),
        relation: Relation,
        quantity: Option<f64>,
    ) -> Self {
        Self {
            id: format!(
                "{}:{}>{}:{}",
                parent.0.as_str(),
                parent.1,
                child.0.as_str(),
                child.1
            ),
            parent_kind: parent.0,
            parent_id: parent.1.to_string(),
            child_kind: child.0,
            child_id: child.1.to_string(),
            relation,
            quantity,
        }
    }
}
