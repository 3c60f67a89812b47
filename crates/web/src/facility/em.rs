//! The environmental monitoring page (`/facility/em?room=`): a room's or zone's results, newest
//! first, with a trend chart per sample type against its alert and action limits (the assay
//! crate's limit chart), the entry form and the particle counter CSV import. After an entry or an
//! import the page lists what was recorded and the deviations an action excursion opened.

use super::inputs::{ImportEm, RecordEm};
use crate::kit::{Errors, Fields, Input, Refusal, fail, page};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
};
use askama::Template;
use axum::{
    Extension,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_assay::trend::{TrendLimits, TrendPoint, limits_chart_svg};
use secretome_domain::Capability;
use secretome_domain::facility::{EmResult, EmSampleType, Room};
use secretome_service::facility::EmRecorded;
use std::collections::BTreeMap;

/// One sample type's trend chart (SVG) of the room shown.
pub struct Chart {
    pub sample_type: &'static str,
    pub svg: String,
}

#[derive(Template)]
#[template(path = "facility/em.html")]
struct EmPage {
    c: PageCtx,
    rooms: Vec<Room>,
    room: String,
    results: Vec<EmResult>,
    charts: Vec<Chart>,
    types: Vec<&'static str>,
    recorded: Vec<EmRecorded>,
    can_record: bool,
    f: Fields,
    e: Errors,
    import_e: Errors,
}

/// The trend charts of a room's results, one per sample type present (chronological).
pub fn charts(c: &PageCtx, results: &[EmResult]) -> Vec<Chart> {
    EmSampleType::ALL
        .into_iter()
        .filter_map(|t| {
            let mine: Vec<&EmResult> = results.iter().filter(|r| r.sample_type == t).collect();
            let last = mine.last()?;
            let points: Vec<TrendPoint> = mine
                .iter()
                .map(|r| TrendPoint {
                    label: c.time(&r.sampled_at).chars().skip(5).take(5).collect(),
                    value: r.value,
                })
                .collect();
            let limits = TrendLimits {
                alert: last.alert_limit,
                action: last.action_limit,
            };
            let title = format!("{} — {}", last.room, c.tk("fac.em", t.as_str()));
            limits_chart_svg(&title, c.pick(t.unit_ja(), t.unit()), &points, limits)
                .ok()
                .map(|svg| Chart {
                    sample_type: t.as_str(),
                    svg,
                })
        })
        .collect()
}

struct Shown {
    room: String,
    recorded: Vec<EmRecorded>,
    f: Fields,
    e: Errors,
    import_e: Errors,
}

async fn em_page(st: &AppState, v: &Viewer, s: Shown, status: StatusCode) -> Response {
    let mut rooms = match st.service.rooms().await {
        Ok(r) => r,
        Err(e) => return fail(v, e),
    };
    rooms.sort_by(|a, b| a.id.cmp(&b.id));
    let room = if s.room.is_empty() {
        rooms.first().map(|r| r.id.clone()).unwrap_or_default()
    } else {
        s.room
    };
    let results = if room.is_empty() {
        Vec::new()
    } else {
        match st.service.em_results(&room).await {
            Ok(r) => r,
            Err(e) => return fail(v, e),
        }
    };
    let c = PageCtx::new(v, "/facility/em");
    let charts = charts(&c, &results);
    let mut results = results;
    results.reverse();
    let f = if s.f.0.is_empty() {
        Fields::default().with("room", &room)
    } else {
        s.f
    };
    page(
        status,
        &EmPage {
            c,
            rooms,
            room,
            results,
            charts,
            types: EmSampleType::ALL.iter().map(|t| t.as_str()).collect(),
            recorded: s.recorded,
            can_record: v.can(Capability::RecordEm),
            f,
            e: s.e,
            import_e: s.import_e,
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let room = q.get("room").cloned().unwrap_or_default();
    let s = Shown {
        room,
        recorded: Vec::new(),
        f: Fields::default(),
        e: Errors::default(),
        import_e: Errors::default(),
    };
    em_page(&st, &v, s, StatusCode::OK).await
}

/// POST /facility/em: one result; the page shows it and any deviations it opened.
pub async fn record(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<RecordEm>,
) -> Response {
    let res = async {
        let (a, n) = input.acting(&v)?;
        Ok::<_, Refusal>(vec![st.service.record_em_result(&a, now(), n).await?])
    };
    let room = input.fields.text("room");
    after(&st, &v, res.await, room, input.fields, false).await
}

/// POST /facility/em/import: a particle counter's CSV export uploaded as `file`.
pub async fn import(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<ImportEm>,
) -> Response {
    let res = async {
        let (a, csv) = input.acting(&v)?;
        Ok::<_, Refusal>(st.service.import_particle_csv(&a, now(), &csv).await?)
    };
    after(&st, &v, res.await, String::new(), Fields::default(), true).await
}

/// The page after an entry or an import: what was recorded (its room shown), or the refusal by
/// its field next to the form it came from (`import`).
async fn after(
    st: &AppState,
    v: &Viewer,
    res: Result<Vec<EmRecorded>, Refusal>,
    room: String,
    f: Fields,
    import: bool,
) -> Response {
    let mut s = Shown {
        room,
        recorded: Vec::new(),
        f: Fields::default(),
        e: Errors::default(),
        import_e: Errors::default(),
    };
    let status = match res {
        Ok(recorded) => {
            if let Some(r) = recorded.first() {
                s.room = r.result.room.clone();
            }
            s.recorded = recorded;
            StatusCode::OK
        }
        Err(r) => {
            let (e, status) = (r.errors(v.lang), r.status());
            if import {
                s.import_e = e;
            } else {
                (s.f, s.e) = (f, e);
            }
            status
        }
    };
    em_page(st, v, s, status).await
}

/// The lot of a deviation id (`L-2026-005/DEV-01` → `L-2026-005`).
pub fn lot_of(id: &str) -> &str {
    id.split('/').next().unwrap_or(id)
}
