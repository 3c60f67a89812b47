//! Lot pages on the manufacturing side: harvests and pooling them into a new lot (プール), the lot's
//! processing record (遠心分離, ろ過, 限外ろ過, 滅菌) and filling vials (充填).

use super::support::{Fields, Refusal, actor, page_error, path, render, see_other};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::{Role, UtcTime, batch::Harvest, processing::StepKind};
use secretome_service::{LotDetail, Placement};

/// Rows of the pooling form.
pub const POOL_ROWS: [usize; 4] = [0, 1, 2, 3];
pub const STEP_KINDS: [&str; 4] = [
    "centrifugation",
    "filtration",
    "ultrafiltration",
    "sterilisation",
];

#[derive(Template)]
#[template(path = "manufacture/harvests.html")]
struct HarvestsPage {
    c: PageCtx,
    rows: Vec<Harvest>,
    f: Fields,
    e: FieldErrors,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "manufacture/processing.html")]
struct ProcessingPage {
    c: PageCtx,
    d: LotDetail,
    f: Fields,
    e: FieldErrors,
    can_write: bool,
}

impl HarvestsPage {
    fn field(&self, i: &usize, suffix: &str) -> String {
        format!("harvests[{i}]{suffix}")
    }
}

async fn harvests_page(
    st: &AppState,
    v: &Viewer,
    f: Fields,
    e: FieldErrors,
    status: StatusCode,
) -> Response {
    match st.service.list_harvests().await {
        Ok(rows) => render(
            status,
            &HarvestsPage {
                c: PageCtx::new(v, "/harvests"),
                rows,
                f,
                e,
                can_write: v.has_any(&[Role::Operator]),
            },
        ),
        Err(err) => page_error(v, err),
    }
}

async fn processing_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    e: FieldErrors,
    status: StatusCode,
) -> Response {
    match st.service.lot_detail(id).await {
        Ok(d) => {
            let c = PageCtx::new(v, &path("/lots/", id, "/processing"));
            render(
                status,
                &ProcessingPage {
                    c,
                    d,
                    f,
                    e,
                    can_write: v.has_any(&[Role::Operator]),
                },
            )
        }
        Err(err) => page_error(v, err),
    }
}

/// GET /harvests (`?harvest=` from a harvested batch's page: the pooling form's first row has that
/// harvest and its remaining volume).
pub async fn harvests(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(q): Query<std::collections::BTreeMap<String, String>>,
) -> Response {
    let mut f = Fields::default().with("product", "MSC-CM-01");
    if let Some(h) = q.get("harvest").map(|h| h.trim()) {
        f = f.with("harvests[0]", h);
        if let Ok(rows) = st.service.list_harvests().await
            && let Some(row) = rows.iter().find(|r| r.id.as_str() == h)
        {
            f = f.with(
                "harvests[0].volume_ml",
                &super::support::num(&row.remaining_ml),
            );
        }
    }
    harvests_page(&st, &v, f, FieldErrors::default(), StatusCode::OK).await
}

pub async fn processing(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let f = Fields::default().with("kind", "centrifugation");
    processing_page(&st, &v, &id, f, FieldErrors::default(), StatusCode::OK).await
}

/// Reads the pooling rows: (harvest, mL) for each row with a harvest chosen (the API may send up
/// to 64 rows, the form shows four).
pub fn pool_parts(f: &Fields) -> Result<Vec<(String, f64)>, Refusal> {
    let mut parts = Vec::new();
    for i in 0..64 {
        let h = f.text(&format!("harvests[{i}]"));
        if h.is_empty() {
            continue;
        }
        parts.push((h, f.number(&format!("harvests[{i}].volume_ml"))?));
    }
    Ok(parts)
}

/// POST /lots: pools harvests into a new lot, then to the lot's processing record.
pub async fn pool(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let res = async {
        let parts = pool_parts(&f)?;
        let lot = f.text("lot");
        let refs: Vec<(String, String)> = parts
            .iter()
            .enumerate()
            .map(|(i, (h, _))| (format!("harvests[{i}]"), h.clone()))
            .collect();
        let mut named: Vec<(&str, &str)> =
            refs.iter().map(|(k, h)| (k.as_str(), h.as_str())).collect();
        named.push(("lot", &lot));
        st.service
            .pool_lot(&a, now(), &lot, &f.text("product"), &parts)
            .await
            .map_err(|e| Refusal::service(e, &named))
    }
    .await;
    match res {
        Ok(l) => see_other(&path("/lots/", l.id.as_str(), "/processing")),
        Err(r) => harvests_page(&st, &v, f, r.errors(v.lang), r.status()).await,
    }
}

/// Reads the step form: the chosen kind and its parameters.
pub fn step_kind(f: &Fields) -> Result<StepKind, Refusal> {
    let mut r = f.reader();
    let kind = match f.get("kind") {
        "centrifugation" => StepKind::Centrifugation {
            g_force: r.number("g_force"),
            minutes: r.number("minutes"),
        },
        "filtration" => StepKind::Filtration {
            pore_um: r.number("pore_um"),
        },
        "ultrafiltration" => StepKind::Ultrafiltration {
            cutoff_kda: r.number("cutoff_kda"),
            concentration_factor: r.number("concentration_factor"),
        },
        "sterilisation" => StepKind::Sterilisation {
            method: f.get("method").to_string(),
        },
        _ => return Err(Refusal::bad(FieldErrors::one("kind", "choose a step"))),
    };
    r.done()?;
    Ok(kind)
}

/// POST /lots/{id}/steps: records a processing step, then back to the processing record.
pub async fn step(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let t = now();
    let res = async {
        let kind = step_kind(&f)?;
        let at = f.time("performed_at", &zone, t)?;
        st.service
            .record_processing_step(&a, t, &id, kind, at)
            .await
            .map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    match res {
        Ok(_) => see_other(&path("/lots/", &id, "/processing")),
        Err(r) => processing_page(&st, &v, &id, f, r.errors(v.lang), r.status()).await,
    }
}

/// Reads the filling form: (count, mL per vial, expiry, storage place).
pub fn fill_input(
    f: &Fields,
    zone: &str,
    t: UtcTime,
) -> Result<(i64, f64, UtcTime, Option<Placement>), Refusal> {
    let mut r = f.reader();
    let count = r.integer("count");
    let volume = r.number("fill_volume_ml");
    let expires = r.required_time("expires_at", zone, t);
    r.done()?;
    let (freezer, rack) = (f.text("freezer"), f.text("rack"));
    let place = match (freezer.is_empty(), rack.is_empty()) {
        (true, true) => None,
        (false, false) => Some(Placement { freezer, rack }),
        (true, false) => {
            return Err(Refusal::bad(FieldErrors::one(
                "freezer",
                "must not be empty (or leave the rack empty too)",
            )));
        }
        (false, true) => {
            return Err(Refusal::bad(FieldErrors::one(
                "rack",
                "must not be empty (or leave the freezer empty too)",
            )));
        }
    };
    Ok((count, volume, expires, place))
}

/// POST /lots/{id}/fill: fills vials; the lot goes to quarantine. Then to the lot's page.
pub async fn fill(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Some(a) = actor(&v) else {
        return see_other("/login");
    };
    let zone = PageCtx::new(&v, "").zone_name;
    let t = now();
    let res = async {
        let (count, volume, expires, place) = fill_input(&f, &zone, t)?;
        st.service
            .fill_vials(&a, t, &id, count, volume, expires, place.as_ref())
            .await
            .map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    match res {
        Ok(_) => see_other(&path("/lots/", &id, "")),
        Err(r) => processing_page(&st, &v, &id, f, r.errors(v.lang), r.status()).await,
    }
}
