//! The demo facility's sterility controls: a grade B processing room with a biosafety cabinet and
//! an isolator (grade A zones), a grade C preparation room, the equipment register (the CO₂
//! incubator's calibration overdue), the operator's gowning and aseptic-process qualifications, a
//! passing media fill, and — entered at the end — a month of environmental monitoring with one
//! action excursion in the isolator on the day L-2026-007 was processed there, which opens its
//! deviation.

use super::at;
use crate::{
    Service, ServiceError,
    facility::{NewEmResult, NewEquipment, NewMediaFill, NewQualification, NewRoom},
};
use secretome_domain::{
    Actor, UtcTime,
    facility::{EmSampleType, EquipmentKind, Grade, QualificationKind, ZoneKind},
};

/// The processing room, its isolator (where sterile filtration happens) and cabinet.
pub(super) const ROOM: &str = "CPC-B1";
pub(super) const ISOLATOR: &str = "ISO-1";
pub(super) const CABINET: &str = "BSC-1";
pub(super) const CENTRIFUGE: &str = "CF-01";

/// Rooms, equipment, qualifications and a passing media fill, all at `t`; `base` is the demo's
/// day 0 (the first batch).
pub(super) async fn setup(
    svc: &Service,
    qa: &Actor,
    t: UtcTime,
    base: UtcTime,
) -> Result<(), ServiceError> {
    let rooms = [
        ("CPC-C1", "調製室", ZoneKind::Room, Grade::C, None),
        (ROOM, "細胞加工室1", ZoneKind::Room, Grade::B, None),
        (
            CABINET,
            "安全キャビネット1",
            ZoneKind::Cabinet,
            Grade::A,
            Some(ROOM),
        ),
        (
            ISOLATOR,
            "アイソレーター1",
            ZoneKind::Isolator,
            Grade::A,
            Some(ROOM),
        ),
    ];
    for (id, name, kind, grade, parent) in rooms {
        svc.add_room(
            qa,
            t,
            NewRoom {
                id: id.into(),
                name: name.into(),
                kind,
                grade,
                parent: parent.map(str::to_string),
            },
        )
        .await?;
    }
    let far = at(base, 400.0)?;
    let equipment = [
        (
            CENTRIFUGE,
            "遠心機 CF16RN (日立)",
            EquipmentKind::Centrifuge,
            Some(ROOM),
            far,
        ),
        (
            "BSC-1-EQ",
            "クラスⅡ安全キャビネット",
            EquipmentKind::Cabinet,
            Some(CABINET),
            far,
        ),
        (
            "FIT-01",
            "フィルター完全性試験機",
            EquipmentKind::FilterTester,
            Some(ISOLATOR),
            far,
        ),
        (
            "PR-01",
            "プレートリーダー",
            EquipmentKind::PlateReader,
            Some("CPC-C1"),
            far,
        ),
        // Overdue: calibration was due 100 days into the demo; nothing may be recorded with it.
        (
            "INC-02",
            "CO₂ インキュベーター2",
            EquipmentKind::Incubator,
            Some(ROOM),
            at(base, 100.0)?,
        ),
    ];
    for (id, name, kind, room, due) in equipment {
        svc.register_equipment(
            qa,
            t,
            NewEquipment {
                id: id.into(),
                name: name.into(),
                kind,
                room: room.map(str::to_string),
                freezer: None,
                calibration_due: Some(due),
                qualification_due: Some(far),
            },
        )
        .await?;
    }
    let quals = [
        (QualificationKind::Sop, "SOP-PRC-001 無菌ろ過", "4", None),
        (
            QualificationKind::Gowning,
            "SOP-GWN-002 更衣",
            "3",
            Some(far),
        ),
        (
            QualificationKind::AsepticProcess,
            "SOP-APS-003 培地充填",
            "2",
            Some(far),
        ),
    ];
    for (kind, sop, version, expires) in quals {
        svc.record_qualification(
            qa,
            t,
            NewQualification {
                operator: "operator".into(),
                kind,
                sop: sop.into(),
                sop_version: version.into(),
                trained_at: t,
                expires_at: expires,
            },
        )
        .await?;
    }
    svc.record_media_fill(
        qa,
        t,
        NewMediaFill {
            product: super::qc::PRODUCT.into(),
            room: ISOLATOR.into(),
            performed_at: at(t, -1.0)?,
            units_filled: 3000,
            units_positive: 0,
            participants: vec!["operator".into()],
        },
    )
    .await?;
    Ok(())
}

/// A month of monitoring (days 65–95 of the demo) entered by QC at `now`: daily settle plates in
/// the isolator and active air in the room, and the particle counter's export; one settle plate in
/// the isolator grows a colony on day 92.5, just after L-2026-007 was processed there.
pub(super) async fn monitoring(
    svc: &Service,
    qc: &Actor,
    now: UtcTime,
    base: UtcTime,
) -> Result<(), ServiceError> {
    let mut csv = String::from("time,location,>=0.5um,>=5um\n");
    for d in 65..=95 {
        let day = at(base, d as f64 + 0.5)?;
        let colonies = if d == 92 { 1.0 } else { 0.0 };
        let air = ((d * 7) % 4) as f64;
        for (room, t, v) in [
            (ISOLATOR, EmSampleType::SettlePlate, colonies),
            (ROOM, EmSampleType::ActiveAir, air),
        ] {
            svc.record_em_result(
                qc,
                now,
                NewEmResult {
                    room: room.into(),
                    point: None,
                    sample_type: t,
                    value: v,
                    sampled_at: day,
                },
            )
            .await?;
        }
        csv.push_str(&format!(
            "{day},{ISOLATOR},{},{}\n{day},{ROOM},{},{}\n",
            400 + (d * 37) % 900,
            (d * 3) % 6,
            30_000 + (d * 1_733) % 40_000,
            (d * 11) % 400
        ));
    }
    svc.import_particle_csv(qc, now, &csv).await?;
    Ok(())
}
