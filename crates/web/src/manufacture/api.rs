//! The manufacturing operations as JSON under /api/v1, through the same service functions and the
//! same field readers as the forms: a JSON body is flattened to named fields, so a bad value is
//! refused with the same field name (422), a broken rule or taken identifier with 409.

use super::support::{Fields, Refusal};
use super::{donors, materials};
use crate::{AppState, auth::Viewer, auth::now};
use axum::{
    Extension, Json,
    body::Bytes,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use secretome_domain::Actor;
use secretome_service::{NewTissue, ServiceError};
use serde::Serialize;
use serde_json::Value;

/// Times in API bodies are RFC 3339; a time without offset is read as UTC.
const ZONE: &str = "UTC";

fn refused(r: Refusal) -> Response {
    let status = r.status();
    let field = r.field();
    let body =
        serde_json::json!({ "error": r.message(), "field": field, "status": status.as_u16() });
    (status, Json(body)).into_response()
}

fn ok<T: Serialize>(res: Result<T, Refusal>) -> Response {
    match res {
        Ok(v) => Json(v).into_response(),
        Err(r) => refused(r),
    }
}

/// 201 with the record and its location.
fn created<T: Serialize>(res: Result<T, Refusal>, location: impl FnOnce(&T) -> String) -> Response {
    match res {
        Ok(v) => (
            StatusCode::CREATED,
            [(header::LOCATION, location(&v))],
            Json(v),
        )
            .into_response(),
        Err(r) => refused(r),
    }
}

fn read<T: Serialize>(res: Result<T, ServiceError>) -> Response {
    ok(res.map_err(Refusal::from))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Flattens a JSON object into form fields: scalars by name, arrays of objects as `name[i].key`.
pub fn json_fields(body: &[u8]) -> Result<Fields, Refusal> {
    let bad = |m: &str| Refusal::bad(crate::forms::FieldErrors::one("body", m));
    let v: Value = serde_json::from_slice(body).map_err(|e| bad(&format!("not JSON: {e}")))?;
    let Value::Object(obj) = v else {
        return Err(bad("expected a JSON object"));
    };
    let mut f = Fields::default();
    for (k, v) in obj {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Object(o) => {
                            for (k2, v2) in o {
                                f = f.with(&format!("{k}[{i}].{k2}"), &scalar(v2));
                            }
                        }
                        other => f = f.with(&format!("{k}[{i}]"), &scalar(other)),
                    }
                }
            }
            Value::Object(_) => {
                return Err(Refusal::bad(crate::forms::FieldErrors::one(
                    &k,
                    "expected a value, not an object",
                )));
            }
            other => f = f.with(&k, &scalar(&other)),
        }
    }
    Ok(f)
}

/// The acting user and the body's fields, or the refusal.
fn input(v: &Viewer, body: &[u8]) -> Result<(Actor, Fields), Refusal> {
    let a = v.session.as_ref().map(|s| s.actor.clone());
    let a = a.ok_or_else(|| {
        let e = crate::forms::FieldErrors::one("", "sign-in required");
        Refusal::Fields(e, axum::http::StatusCode::UNAUTHORIZED)
    })?;
    json_fields(body).map(|f| (a, f))
}

/// The acting user and fields of a request, or its refusal returned at once.
macro_rules! take {
    ($v:expr, $body:expr) => {
        match input(&$v, &$body) {
            Ok(x) => x,
            Err(r) => return refused(r),
        }
    };
}

mod process;
pub use process::*;

pub async fn donors(State(st): State<AppState>) -> Response {
    read(st.service.list_donors().await)
}

pub async fn donor(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    read(st.service.donor_detail(&id).await)
}

pub async fn register_donor(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let at = f.time("consented_at", ZONE, t)?;
        let code = f.text("donor");
        st.service
            .register_donor(&a, t, &code, &f.text("source"), f.get("consent_form"), at)
            .await
            .map_err(|e| Refusal::service(e, &[("donor", &code)]))
    }
    .await;
    created(res, |d| format!("/api/v1/donors/{}", d.id))
}

/// `{"hbv": "negative", …}` or `{"results": [{"marker": "hbv", "outcome": "negative"}, …]}`.
pub async fn screening(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (a, mut f) = take!(v, body);
    for i in 0..donors::MARKERS.len() * 2 {
        let (m, o) = (
            f.text(&format!("results[{i}].marker")),
            f.text(&format!("results[{i}].outcome")),
        );
        if !m.is_empty() {
            f = f.with(&m, &o);
        }
    }
    let res = async {
        let results = donors::screen_results(&f)?;
        st.service
            .record_screening(&a, now(), &id, results)
            .await
            .map_err(|e| Refusal::service(e, &[]))
    }
    .await;
    ok(res)
}

pub async fn tissue(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let new = NewTissue {
            id: f.text("tissue"),
            donor: id.clone(),
            collected_at: f.time("collected_at", ZONE, t)?,
            amount: f.number("amount")?,
            amount_unit: f.text("amount_unit"),
        };
        let tid = new.id.clone();
        st.service
            .collect_tissue(&a, t, new)
            .await
            .map_err(|e| Refusal::service(e, &[("tissue", &tid)]))
    }
    .await;
    created(res, |x| format!("/api/v1/donors/{}", x.donor))
}

pub async fn bank(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    read(st.service.bank_detail(&id).await)
}

/// `{"cell_bank", "from", "working": false|true, …}`: master from tissue, working from master.
pub async fn create_bank(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let working = match f.get("working") {
            "true" => true,
            "false" | "" => false,
            _ => {
                return Err(Refusal::bad(crate::forms::FieldErrors::one(
                    "working",
                    "expected true or false",
                )));
            }
        };
        let from = f.text("from");
        let new = donors::new_bank(&f, from.clone(), working, ZONE, t)?;
        let id = new.id.clone();
        st.service
            .create_cell_bank(&a, t, new)
            .await
            .map_err(|e| Refusal::service(e, &[("cell_bank", &id), ("from", &from)]))
    }
    .await;
    created(res, |b| format!("/api/v1/banks/{}", b.id))
}

pub async fn materials(State(st): State<AppState>) -> Response {
    read(st.service.list_materials().await)
}

pub async fn material(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    read(st.service.material_detail(&id).await)
}

pub async fn receive(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let (a, f) = take!(v, body);
    let t = now();
    let res = async {
        let new = materials::new_material(&f, ZONE, t)?;
        let id = new.id.clone();
        st.service
            .receive_material(&a, t, new)
            .await
            .map_err(|e| Refusal::service(e, &[("material_lot", &id)]))
    }
    .await;
    created(res, |m| format!("/api/v1/materials/{}", m.id))
}
