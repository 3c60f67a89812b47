//! Returned vials awaiting QA (`/returns`, `/api/v1/returns`; issue 16 item 3): every vial a
//! clinic returned unopened and within temperature, with the patient it was dispensed for, who
//! returned it and when; QA puts each back in stock or destroys it, with a reason (required, kept
//! on the dispensing and in the audit event). Until then the vial stays in quarantine and cannot
//! be dispensed. Role: QA.

use crate::kit::{Action, At, Check, Errors, Fields, Input, Refusal, actor, fail, page, see_other};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::FieldErrors,
};
use askama::Template;
use axum::{
    Extension, Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::{
    Why,
    clinical::{Dispensing, care::ReturnDecision},
};
use secretome_service::clinical_returns::ReturnedVial;
use serde::Deserialize;

/// QA's decision on a returned vial (the path's) and its reason, from the page's form or the
/// API's JSON body; both errors at once.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct DecideReturn {
    pub decision: String,
    pub reason: String,
}

impl Action for DecideReturn {
    type Command = (ReturnDecision, String);
    fn command(&self, at: &At) -> Result<(ReturnDecision, String), FieldErrors> {
        let mut c = Check::new(at);
        let d = ReturnDecision::parse(self.decision.trim());
        let d = c.read(d.map_err(|_| FieldErrors::one("decision", Why::Choose)));
        let reason = c.required("reason", &self.reason);
        c.finish(|| Some((d?, reason)))
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
    e: Errors,
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
    refused: Option<(String, Fields, Errors)>,
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
        None => (None, Fields::default(), Errors::default()),
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
    input: Input<DecideReturn>,
) -> Response {
    match decided(&st, &v, &vial, &input).await {
        Ok(_) => see_other("/returns"),
        Err(r) => {
            let (e, s) = (r.errors(v.lang), r.status());
            returns_page(&st, &v, Some((vial, input.fields, e)), s).await
        }
    }
}

/// The decision on `vial`, for the page and the API alike.
async fn decided(
    st: &AppState,
    v: &Viewer,
    vial: &str,
    input: &Input<DecideReturn>,
) -> Result<Dispensing, Refusal> {
    let (a, (d, reason)) = input.acting(v)?;
    let r = st.service.decide_returned_vial(&a, now(), vial, d, &reason);
    Ok(r.await?)
}

/// GET /api/v1/returns: the returned vials awaiting QA.
pub async fn api_list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    let Some(a) = v.session.as_ref().map(|s| s.actor.clone()) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match st.service.returned_vials(&a).await {
        Ok(rows) => (StatusCode::OK, Json(rows)).into_response(),
        Err(e) => Refusal::from(e).json(),
    }
}

/// POST /api/v1/returns/{vial}/decision: `{decision: stock|destroy, reason}` → 200 the
/// dispensing with QA's decision.
pub async fn api_decide(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(vial): Path<String>,
    input: Input<DecideReturn>,
) -> Response {
    match decided(&st, &v, &vial, &input).await {
        Ok(d) => (StatusCode::OK, Json(d)).into_response(),
        Err(r) => r.json(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_needs_a_choice_and_a_reason() {
        let read = |body: &str| {
            let at = At {
                zone: "UTC".into(),
                now: now(),
            };
            let i = Input::<DecideReturn>::parse("application/json", body.as_bytes());
            i.input().ok().unwrap().command(&at)
        };
        let e = read(r#"{"decision": "keep"}"#).err().unwrap();
        assert!(e.0.contains_key("decision") && e.0.contains_key("reason"));
        let ok = read(r#"{"decision": "destroy", "reason": " label torn "}"#);
        assert_eq!(
            ok.ok().unwrap(),
            (ReturnDecision::Destroy, "label torn".to_string())
        );
    }
}
