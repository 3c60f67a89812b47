//! Facility control pages and API (issue 14: 衛生管理・検証・教育訓練): rooms and grade A zones,
//! the equipment register with calibration (校正) due status, training and aseptic qualification
//! records (教育訓練), media fills (無菌操作プロセスシミュレーション), environmental monitoring
//! (環境モニタリング) with trend charts and the particle counter import, and sterilising
//! filtrations with their integrity tests (完全性試験); the site's EM alert/action limits under
//! change control (`limits`).
//!
//! Roles: operators, QC, QA and admin read; QA registers rooms, equipment, qualifications and
//! media fills and changes EM limits; QC and operators record EM results; operators record filtrations and integrity
//! tests. Physicians see none of it.

mod api;
mod em;
mod filters;
mod inputs;
mod limits;
mod pages;
mod text;

use crate::guarded;
use crate::registry::{Routes, get, post};
use secretome_domain::Capability;

pub(crate) const READ: Capability = Capability::ReadProduction;
const QA: Capability = Capability::AssureQuality;
const EM: Capability = Capability::RecordEm;
const OP: Capability = Capability::Produce;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[
    ("/facility", "fac.nav", READ),
    ("/facility/em", "fac.nav.em", READ),
    ("/facility/limits", "fac.nav.limits", READ),
];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    r = guarded(r, "/facility", get(pages::overview), READ);
    r = guarded(r, "/facility/rooms", post(pages::add_room), QA);
    r = guarded(
        r,
        "/facility/equipment",
        post(pages::register_equipment),
        QA,
    );
    r = guarded(
        r,
        "/facility/equipment/calibrate",
        post(pages::calibrate),
        QA,
    );
    r = guarded(
        r,
        "/facility/qualifications",
        post(pages::record_qualification),
        QA,
    );
    r = guarded(
        r,
        "/facility/media-fills",
        post(pages::record_media_fill),
        QA,
    );
    r = guarded(
        r,
        "/facility/media-fills/close",
        post(pages::close_media_fill),
        QA,
    );
    r = guarded(r, "/facility/em", get(em::show), READ);
    r = guarded(r, "/facility/em", post(em::record), EM);
    r = guarded(r, "/facility/em/import", post(em::import), EM);
    r = guarded(r, "/facility/filtrations", get(filters::show), READ);
    r = guarded(
        r,
        "/facility/filtrations",
        post(filters::record_filtration),
        OP,
    );
    r = guarded(
        r,
        "/facility/integrity-tests",
        post(filters::record_test),
        OP,
    );
    r = guarded(r, "/facility/limits", get(limits::show), READ);
    r = guarded(r, "/facility/limits", post(limits::change), QA);
    api_routes(r)
}

/// The `/api/v1` operations, each with its OpenAPI operation.
fn api_routes(mut r: Routes) -> Routes {
    use crate::openapi::*;
    use secretome_domain::facility::{
        EmLimit, EmResult, Equipment, IntegrityTest, MediaFill, Qualification, Room,
        SterileFiltration,
    };
    use secretome_service::facility::{EmRecorded, EquipmentStatus, LimitRow};
    let f = "facility";
    let o = op(
        "listEmLimits",
        f,
        "EM alert/action limits per grade and sample type: Annex 1 default, in force now, and the site's changes",
    );
    r = guarded(
        r,
        "/api/v1/em-limits",
        get(limits::api_list).doc(o.ok::<Vec<LimitRow>>()),
        READ,
    );
    let o = op(
        "changeEmLimit",
        f,
        "Change a grade × sample type limit under change control (role qa; reason required)",
    );
    let o = o.body::<inputs::ChangeLimit>().created::<EmLimit>();
    r = guarded(r, "/api/v1/em-limits", post(limits::api_change).doc(o), QA);
    let o = op(
        "listRooms",
        f,
        "Rooms and grade A zones (cabinets, isolators)",
    );
    r = guarded(
        r,
        "/api/v1/rooms",
        get(api::rooms).doc(o.ok::<Vec<Room>>()),
        READ,
    );
    let o = op(
        "addRoom",
        f,
        "Register a room, or a cabinet/isolator inside one (role qa)",
    );
    let o = o.body::<inputs::AddRoom>().created::<Room>();
    r = guarded(r, "/api/v1/rooms", post(api::add_room).doc(o), QA);
    let o = op(
        "listEmResults",
        f,
        "A room's environmental monitoring results, oldest first",
    );
    let o = o.query::<EmResultsQuery>().ok::<Vec<EmResult>>();
    r = guarded(r, "/api/v1/em-results", get(api::em_results).doc(o), READ);
    let o = op(
        "recordEmResult",
        f,
        "Record an EM result (role qc or operator), judged against the grade's limits; an action excursion opens deviations on the lots processed there",
    );
    let o = o.body::<inputs::RecordEm>().created::<EmRecorded>();
    r = guarded(r, "/api/v1/em-results", post(api::record_em).doc(o), EM);
    let o = op(
        "importEmResults",
        f,
        "Import a particle counter CSV export (time,location,>=0.5um,>=5um), all rows or none",
    );
    let o = o.text_body().created::<Vec<EmRecorded>>();
    r = guarded(
        r,
        "/api/v1/em-results/import",
        post(api::import_em).doc(o),
        EM,
    );
    let o = op(
        "listEquipment",
        f,
        "The equipment register with each instrument's due status",
    );
    r = guarded(
        r,
        "/api/v1/equipment",
        get(api::equipment).doc(o.ok::<Vec<EquipmentStatus>>()),
        READ,
    );
    let o = op(
        "registerEquipment",
        f,
        "Register equipment with its calibration and qualification due dates (role qa)",
    );
    let o = o.body::<inputs::RegisterEquipment>().created::<Equipment>();
    r = guarded(
        r,
        "/api/v1/equipment",
        post(api::register_equipment).doc(o),
        QA,
    );
    let o = op(
        "calibrateEquipment",
        f,
        "Record a calibration or requalification: the new due dates and the reason (role qa)",
    );
    let o = post(api::calibrate).doc(o.body::<inputs::Calibrate>().ok::<Equipment>());
    r = guarded(r, "/api/v1/equipment/{id}/calibration", o, QA);
    let o = op(
        "listQualifications",
        f,
        "Training and qualification records",
    );
    r = guarded(
        r,
        "/api/v1/qualifications",
        get(api::qualifications).doc(o.ok::<Vec<Qualification>>()),
        READ,
    );
    let o = op(
        "recordQualification",
        f,
        "Record training on an SOP version, a gowning or an aseptic-process qualification (role qa)",
    );
    let o = o
        .body::<inputs::RecordQualification>()
        .created::<Qualification>();
    r = guarded(
        r,
        "/api/v1/qualifications",
        post(api::record_qualification).doc(o),
        QA,
    );
    let o = op(
        "listMediaFills",
        f,
        "Media fills (aseptic process simulations), newest first",
    );
    r = guarded(
        r,
        "/api/v1/media-fills",
        get(api::media_fills).doc(o.ok::<Vec<MediaFill>>()),
        READ,
    );
    let o = op(
        "recordMediaFill",
        f,
        "Record a media fill in a grade A zone (role qa); a failed one blocks release until closed",
    );
    let o = o.body::<inputs::RecordMediaFill>().created::<MediaFill>();
    r = guarded(
        r,
        "/api/v1/media-fills",
        post(api::record_media_fill).doc(o),
        QA,
    );
    let o = op(
        "closeMediaFill",
        f,
        "Close a failed media fill after its investigation (role qa)",
    );
    let o = post(api::close_media_fill).doc(o.body::<inputs::CloseMediaFill>().ok::<MediaFill>());
    r = guarded(r, "/api/v1/media-fills/close", o, QA);
    let o = op(
        "listLotFiltrations",
        f,
        "A lot's sterilising filtrations and integrity tests",
    );
    let o = get(api::lot_filtrations).doc(o.ok::<api::LotFiltrations>());
    r = guarded(r, "/api/v1/lots/{id}/filtrations", o, READ);
    let o = op(
        "recordFiltration",
        f,
        "Record a lot's sterilising filtration: a rated ≤ 0.22 µm filter with its lot (role operator)",
    );
    let o = o
        .body::<inputs::RecordFiltration>()
        .created::<SterileFiltration>();
    r = guarded(
        r,
        "/api/v1/filtrations",
        post(api::record_filtration).doc(o),
        OP,
    );
    let o = op(
        "recordIntegrityTest",
        f,
        "Record a pre- or post-use filter integrity test against the maker's limit (role operator)",
    );
    let o = o
        .body::<inputs::RecordIntegrityTest>()
        .created::<IntegrityTest>();
    r = guarded(
        r,
        "/api/v1/integrity-tests",
        post(api::record_integrity_test).doc(o),
        OP,
    );
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    tags: &[(
        "facility",
        "The facility: rooms, environmental monitoring and its limits, equipment, qualifications, media fills, sterilising filtration",
    )],
};
