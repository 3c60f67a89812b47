//! The demo's storage: an upright −80 °C freezer (`FRZ-01`, boxes of 9 × 9) that every filled
//! lot goes into, and a vapour-phase LN₂ tank (`LN2-01`, boxes of 10 × 10) holding retained
//! samples moved there from a released lot — so the freezer map and a vial's move history have
//! something to show.

use crate::{NewFreezer, Service, ServiceError};
use secretome_domain::{Actor, UtcTime};

/// The freezer the demo's lots are filled into (`Placement::freezer`).
pub const FREEZER: &str = "FRZ-01";

/// Registers the demo's freezers at `site`.
pub async fn freezers(
    svc: &Service,
    admin: &Actor,
    t: UtcTime,
    site: &str,
) -> Result<(), ServiceError> {
    for (id, name, temp, rows, cols) in [
        (
            FREEZER,
            "超低温フリーザー −80 °C (アップライト型)",
            -80.0,
            9,
            9,
        ),
        ("LN2-01", "液体窒素タンク (気相)", -150.0, 10, 10),
    ] {
        svc.create_freezer(
            admin,
            t,
            NewFreezer {
                id: id.into(),
                name: name.into(),
                site: site.into(),
                temperature_c: temp,
                box_rows: rows,
                box_cols: cols,
            },
        )
        .await?;
    }
    Ok(())
}

/// Moves the last two vials of a released lot to the LN₂ tank as retained samples (保存サンプル).
pub async fn retain(svc: &Service, op: &Actor, t: UtcTime, lot: &str) -> Result<(), ServiceError> {
    for (seq, pos) in [(40, "A1"), (39, "A2")] {
        svc.move_vial(
            op,
            t,
            &format!("{lot}-{seq:04}"),
            &format!("LN2-01/R1/RETAIN-2026/{pos}"),
            Some("参考品として保管"),
        )
        .await?;
    }
    Ok(())
}
