//! The site's EM limits under change control (`/facility/limits`, `/api/v1/em-limits`): every
//! grade × sample type with its Annex 1 default and the limit in force now, each change with the
//! value it replaced, who set it, when, from when and why; QA's form to change one (the reason is
//! required). Page and API read the same typed input (`limit_input`), so a bad value is refused
//! naming the same field on both.

use crate::kit::{Fields, Refusal, actor, fail, json_fields, page, see_other};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::FieldErrors,
};
use askama::Template;
use axum::{
    Extension, Json,
    body::Bytes,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::{
    Role, UtcTime,
    facility::{EmSampleType, Grade},
};
use secretome_service::facility::{LimitRow, NewEmLimit};
use serde_json::json;

/// The change of one limit, read from the form's or the JSON body's fields (`grade`,
/// `sample_type`, `alert_limit` (optional), `action_limit`, `effective_from` (optional), `reason`);
/// every bad field at once.
pub fn limit_input(f: &Fields, zone: &str, now: UtcTime) -> Result<NewEmLimit, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut keep = |r: Result<(), FieldErrors>| {
        if let Err(e) = r {
            errors.0.extend(e.0);
        }
    };
    let grade = Grade::parse("grade", &f.text("grade"));
    let sample_type = EmSampleType::parse("sample_type", &f.text("sample_type"));
    let domain = |e: secretome_domain::DomainError| match e {
        secretome_domain::DomainError::Invalid { field, message } => {
            FieldErrors::one(&field, &message)
        }
        other => FieldErrors::one("", &other.to_string()),
    };
    let grade = grade.map_err(|e| keep(Err(domain(e)))).ok();
    let sample_type = sample_type.map_err(|e| keep(Err(domain(e)))).ok();
    let alert = match f.opt("alert_limit") {
        None => Some(None),
        Some(_) => f
            .number("alert_limit")
            .map(Some)
            .map_err(|e| keep(Err(e)))
            .ok(),
    };
    let action = f.number("action_limit").map_err(|e| keep(Err(e))).ok();
    let effective_from = match f.opt("effective_from") {
        None => Some(None),
        Some(_) => f
            .time("effective_from", zone, now)
            .map(Some)
            .map_err(|e| keep(Err(e)))
            .ok(),
    };
    let reason = f.opt("reason");
    if reason.is_none() {
        keep(Err(FieldErrors::one("reason", "required")));
    }
    match (grade, sample_type, alert, action, effective_from, reason) {
        (
            Some(grade),
            Some(sample_type),
            Some(alert),
            Some(action),
            Some(effective_from),
            Some(reason),
        ) if errors.is_empty() => Ok(NewEmLimit {
            grade,
            sample_type,
            alert,
            action,
            effective_from,
            reason,
        }),
        _ => Err(errors),
    }
}

#[derive(Template)]
#[template(path = "facility/limits.html")]
struct LimitsPage {
    c: PageCtx,
    rows: Vec<LimitRow>,
    types: Vec<&'static str>,
    is_qa: bool,
    f: Fields,
    e: FieldErrors,
}

async fn limits_page(
    st: &AppState,
    v: &Viewer,
    f: Fields,
    e: FieldErrors,
    status: StatusCode,
) -> Response {
    let rows = match st.service.em_limits(now()).await {
        Ok(r) => r,
        Err(e) => return fail(v, e),
    };
    let people: Vec<String> = rows
        .iter()
        .flat_map(|r| r.changes.iter().map(|c| c.set_by.to_string()))
        .collect();
    let names = match st.service.names(people).await {
        Ok(n) => n,
        Err(e) => return fail(v, e),
    };
    page(
        status,
        &LimitsPage {
            c: PageCtx::new(v, "/facility/limits").with_names(names),
            rows,
            types: EmSampleType::ALL.iter().map(|t| t.as_str()).collect(),
            is_qa: v.has_any(&[Role::Qa]),
            f,
            e,
        },
    )
}

pub async fn show(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    limits_page(
        &st,
        &v,
        Fields::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /facility/limits: QA's change; back to the page, or the form again with its errors.
pub async fn change(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let a = match actor(&v) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let f = Fields::parse(&body);
    let zone = PageCtx::new(&v, "/facility/limits").zone_name;
    let t = now();
    let res: Result<(), Refusal> = async {
        let n = limit_input(&f, &zone, t)?;
        st.service.set_em_limit(&a, t, n).await?;
        Ok(())
    }
    .await;
    match res {
        Ok(()) => see_other("/facility/limits#limits"),
        Err(r) => {
            let (e, s) = (r.errors(v.lang), r.status());
            limits_page(&st, &v, f, e, s).await
        }
    }
}

/// GET /api/v1/em-limits: every grade × sample type with default, limit in force and changes.
pub async fn api_list(State(st): State<AppState>) -> Response {
    match st.service.em_limits(now()).await {
        Ok(rows) => (StatusCode::OK, Json(rows)).into_response(),
        Err(e) => refusal(Refusal::from(e)),
    }
}

/// POST /api/v1/em-limits: `{grade, sample_type, alert_limit?, action_limit, effective_from?,
/// reason}` → 201 the change.
pub async fn api_change(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let res = async {
        let a = v.session.as_ref().map(|s| s.actor.clone()).ok_or_else(|| {
            Refusal::Fields(
                FieldErrors::one("", "sign-in required"),
                StatusCode::UNAUTHORIZED,
            )
        })?;
        let t = now();
        let n = limit_input(&json_fields(&body)?, "UTC", t)?;
        Ok::<_, Refusal>(st.service.set_em_limit(&a, t, n).await?)
    }
    .await;
    match res {
        Ok(l) => (StatusCode::CREATED, Json(l)).into_response(),
        Err(r) => refusal(r),
    }
}

fn refusal(r: Refusal) -> Response {
    let (s, field) = (r.status(), r.field());
    let body = json!({ "error": r.message(), "field": field, "status": s.as_u16() });
    (s, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_of_a_change_is_named() {
        let now = UtcTime::parse("t", "2026-11-25T00:00:00Z").unwrap();
        let f = Fields::default()
            .with("grade", "E")
            .with("sample_type", "swab")
            .with("action_limit", "ten");
        let e = limit_input(&f, "UTC", now).unwrap_err();
        for field in ["grade", "sample_type", "action_limit", "reason"] {
            assert!(e.0.contains_key(field), "{field}: {:?}", e.0);
        }
        let ok = Fields::default()
            .with("grade", "B")
            .with("sample_type", "active_air")
            .with("action_limit", "6")
            .with("reason", "trend review");
        let n = limit_input(&ok, "UTC", now).unwrap();
        assert_eq!((n.alert, n.action, n.effective_from), (None, 6.0, None));
    }
}
