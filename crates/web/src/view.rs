//! Presentation helpers shared by the templates: badge colours by state.

use secretome_domain::{lot::LotStatus, vial::VialStatus};

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
