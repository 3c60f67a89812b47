//! Presentation helpers shared by the templates: badge colours by state, and where a genealogy
//! entry's link goes.

use crate::forms::seg;
use secretome_domain::{genealogy::NodeKind, lot::LotStatus, vial::VialStatus};

/// The page of a genealogy entry (issue 17 item 5): its own page where it has one, else the trace
/// from it (a tissue collection, a harvest).
pub fn node_href(kind: &NodeKind, id: &str) -> String {
    let id = seg(id);
    match kind {
        NodeKind::Donor => format!("/donors/{id}"),
        NodeKind::CellBank => format!("/banks/{id}"),
        NodeKind::MaterialLot => format!("/materials/{id}"),
        NodeKind::Batch => format!("/batches/{id}"),
        NodeKind::Lot => format!("/lots/{id}"),
        NodeKind::Vial => format!("/vials/{id}"),
        NodeKind::Tissue | NodeKind::Harvest | NodeKind::Patient => format!("/trace?id={id}"),
    }
}

pub fn lot_badge(s: &LotStatus) -> &'static str {
    match s {
        LotStatus::InProcess => "info",
        LotStatus::Quarantine => "warn",
        LotStatus::Released => "ok",
        LotStatus::Rejected | LotStatus::Recalled => "bad",
    }
}

pub fn vial_badge(s: &VialStatus) -> &'static str {
    match s {
        VialStatus::Available => "ok",
        VialStatus::Quarantine => "warn",
        VialStatus::Dispensed | VialStatus::Administered => "info",
        _ => "bad",
    }
}
