//! Presentation helpers shared by the templates: times in the viewer's zone, bilingual state names,
//! badge colours.

use jiff::tz::TimeZone;
use secretome_domain::{UtcTime, lot::LotStatus, vial::VialStatus};

/// The display zone (per-user zones arrive with sign-in); Asia/Tokyo by default.
pub fn zone() -> TimeZone {
    TimeZone::get("Asia/Tokyo").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(9)))
}

pub fn time(t: &UtcTime) -> String {
    t.display_in(&zone())
}

pub fn opt_time(t: &Option<UtcTime>) -> String {
    t.as_ref().map(time).unwrap_or_else(|| "—".into())
}

pub fn lot_badge(s: LotStatus) -> &'static str {
    match s {
        LotStatus::InProcess => "info",
        LotStatus::Quarantine => "warn",
        LotStatus::Released => "ok",
        LotStatus::Rejected | LotStatus::Recalled => "bad",
    }
}

pub fn vial_ja(s: VialStatus) -> &'static str {
    match s {
        VialStatus::Quarantine => "出荷判定待ち",
        VialStatus::Available => "使用可",
        VialStatus::Dispensed => "払出し済",
        VialStatus::Administered => "投与済",
        VialStatus::Expired => "期限切れ",
        VialStatus::Destroyed => "廃棄",
        VialStatus::Recalled => "回収",
    }
}

pub fn vial_badge(s: VialStatus) -> &'static str {
    match s {
        VialStatus::Available => "ok",
        VialStatus::Quarantine => "warn",
        VialStatus::Dispensed | VialStatus::Administered => "info",
        _ => "bad",
    }
}
