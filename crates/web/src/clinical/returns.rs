//! Returned vials awaiting QA (`/returns`, `/api/v1/returns`; issue 16 item 3): every vial a
//! clinic returned unopened and within temperature, with the patient it was dispensed for, who
//! returned it and when; QA puts each back in stock or destroys it, with a reason (required, kept
//! on the dispensing and in the audit event). Until then the vial stays in quarantine and cannot
//! be dispensed. Role: QA.

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
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::clinical::care::ReturnDecision;
use secretome_service::clinical_returns::ReturnedVial;
use serde_json::json;

/// The decision and its reason, read from the form's or the JSON body's fields; both errors at
/// once.
pub fn decision_input(f: &Fields) -> Result<(ReturnDecision, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let d = ReturnDecision::parse(&f.text("decision")).map_err(|_| {
        e.0.insert("decision".into(), "choose stock or destroy".into());
    });
    let reason = f.opt("reason");
    if reason.is_none() {
        e.0.insert("reason".into(), "required".into());
    }
    match (d, reason) {
        (Ok(d), Some(r)) => Ok((d, r)),
        _ => Err(e),
    }
}

#[derive(Template)]
#[template(path = "clinical/returns.html")]
struct ReturnsPage {
    c: PageCtx,
    rows: Vec<ReturnedVial>,
    /// The vial whose form was refused, what was typed and why.
    refused: Option<String>,
    f: Fields,
    e: FieldErrors,
}

impl ReturnsPage {
    /// Whether the form of `vial` is the one refused (its input and errors shown again).
    fn is_refused(&self, vial: &str) -> bool {
        self.refused.as_deref() == Some(vial)
    }
}

async fn returns_page(
    st: &AppState,
    v: &Viewer,
    refused: Option<(String, Fields, FieldErrors)>,
    status: StatusCode,
) -> Response {
    let Ok(a) = actor(v) else {
        return see_other("/login");
    };
    let rows = match st.service.returned_vials(&a).await {
        Ok(r) => r,
        Err(e) => return fail(v, e),
    };
    let people: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            [
                Some(r.dispensing.dispensed_by.to_string()),
                r.dispensing.ended_by.as_ref().map(|u| u.to_string()),
            ]
        })
        .flatten()
        .collect();
    let names = match st.service.names(people).await {
        Ok(n) => n,
        Err(e) => return fail(v, e),
    };
    let (refused, f, e) = match refused {
        Some((vial, f, e)) => (Some(vial), f, e),
        None => (None, Fields::default(), FieldErrors::default()),
    };
    page(
        status,
        &ReturnsPage {
            c: PageCtx::new(v, "/returns").with_names(names),
            rows,
            refused,
            f,
            e,
        },
    )
}

pub async fn show(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    returns_page(&st, &v, None, StatusCode::OK).await
}

/// POST /returns/{vial}/decide: QA's decision; back to the list, or the list with the errors.
pub async fn decide(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(vial): Path<String>,
    body: Bytes,
) -> Response {
    let a = match actor(&v) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let f = Fields::parse(&body);
    let res: Result<(), Refusal> = async {
        let (d, reason) = decision_input(&f)?;
        st.service
            .decide_returned_vial(&a, now(), &vial, d, &reason)
            .await?;
        Ok(())
    }
    .await;
    match res {
        Ok(()) => see_other("/returns"),
        Err(r) => {
            let (e, s) = (r.errors(v.lang), r.status());
            returns_page(&st, &v, Some((vial, f, e)), s).await
        }
    }
}

fn refusal(r: Refusal) -> Response {
    let (s, field) = (r.status(), r.field());
    let body = json!({ "error": r.message(), "field": field, "status": s.as_u16() });
    (s, Json(body)).into_response()
}

/// GET /api/v1/returns: the returned vials awaiting QA.
pub async fn api_list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    let Some(a) = v.session.as_ref().map(|s| s.actor.clone()) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match st.service.returned_vials(&a).await {
        Ok(rows) => (StatusCode::OK, Json(rows)).into_response(),
        Err(e) => refusal(Refusal::from(e)),
    }
}

/// POST /api/v1/returns/{vial}/decision: `{decision: stock|destroy, reason}` → 200 the
/// dispensing with QA's decision.
pub async fn api_decide(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(vial): Path<String>,
    body: Bytes,
) -> Response {
    let res = async {
        let a = v.session.as_ref().map(|s| s.actor.clone()).ok_or_else(|| {
            Refusal::Fields(
                FieldErrors::one("", "sign-in required"),
                StatusCode::UNAUTHORIZED,
            )
        })?;
        let (d, reason) = decision_input(&json_fields(&body)?)?;
        Ok::<_, Refusal>(
            st.service
                .decide_returned_vial(&a, now(), &vial, d, &reason)
                .await?,
        )
    }
    .await;
    match res {
        Ok(d) => (StatusCode::OK, Json(d)).into_response(),
        Err(r) => refusal(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_needs_a_choice_and_a_reason() {
        let e = decision_input(&Fields::default().with("decision", "keep")).unwrap_err();
        assert!(e.0.contains_key("decision") && e.0.contains_key("reason"));
        let ok = Fields::default()
            .with("decision", "destroy")
            .with("reason", "label torn");
        assert_eq!(
            decision_input(&ok).unwrap(),
            (ReturnDecision::Destroy, "label torn".to_string())
        );
    }
}
