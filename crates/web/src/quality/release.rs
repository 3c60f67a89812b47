//! QA release (出荷判定): the batch record review page (製造記録照査) — the lot's genealogy, every step
//! of manufacture and testing with who and when, every test against its criterion, deviations, the
//! lot's audit history and its signatures — and the electronic signature form: password re-entry,
//! meaning (released / rejected / reviewed) and reason, through `Service::sign_lot`. A refused
//! release lists every reason (in the viewer's language) under `id="release-blockers"`.

use super::inputs::Sign;
use crate::kit::{Errors, Fields, Input, Refusal, actor, fail, page, see_other, seg, tri};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors, i18n::Lang};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::{DomainError, lot::LotStatus, qc::ReleaseBlocker};
use secretome_service::{ServiceError, batch_record::BatchRecord};

/// A release blocker as shown: kind, subject and the message in the viewer's language.
pub struct BlockerView {
    pub kind: String,
    pub subject: String,
    pub message: String,
}

pub fn blocker_views(lang: Lang, blockers: &[ReleaseBlocker]) -> Vec<BlockerView> {
    blockers
        .iter()
        .map(|b| BlockerView {
            kind: serde_json::to_value(b.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            subject: b.subject.clone(),
            message: if lang == Lang::Ja {
                b.message_ja.clone()
            } else {
                b.message.clone()
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "quality/record.html")]
struct RecordPage {
    c: PageCtx,
    r: BatchRecord,
    /// What would block the viewer's release now (QA, quarantine only).
    check: Vec<BlockerView>,
    /// Why the signature just posted was refused.
    refused: Vec<BlockerView>,
    f: Fields,
    e: Errors,
    can_decide: bool,
    can_review: bool,
    quarantine: bool,
    /// What departed from the master batch record, shown first (issue 15).
    x: secretome_service::mbr::LotExceptions,
    /// Rooms, EM, filtration, equipment and operators of the lot (issue 14).
    sterility: Option<secretome_service::facility::LotSterility>,
}

async fn record_page(
    st: &AppState,
    v: &Viewer,
    lot: &str,
    f: Fields,
    e: Errors,
    refused: &[ReleaseBlocker],
    status: StatusCode,
) -> Response {
    let r = match st.service.batch_record(lot).await {
        Ok(r) => r,
        Err(err) => return fail(v, err),
    };
    let x = match st.service.batch_record_exceptions(lot).await {
        Ok(x) => x,
        Err(err) => return fail(v, err),
    };
    let quarantine = r.detail.lot.status == LotStatus::Quarantine;
    let can_decide = v.can(Capability::AssureQuality);
    let mut check = Vec::new();
    if can_decide
        && quarantine
        && refused.is_empty()
        && let Some(s) = &v.session
    {
        match st.service.release_check(&s.actor, lot).await {
            Ok(b) => check = blocker_views(v.lang, &b),
            Err(err) => return fail(v, err),
        }
    }
    let sterility = match st.service.lot_sterility(lot).await {
        Ok(s) => Some(s),
        Err(err) => return fail(v, err),
    };
    let mut people: Vec<String> = r.qc.people().into_iter().collect();
    people.extend(r.detail.events.iter().map(|e| e.actor.to_string()));
    people.extend(r.participants.iter().map(|p| p.to_string()));
    if let Some(s) = &sterility {
        people.extend(s.uses.iter().filter_map(|u| u.operator.clone()));
    }
    let names = match st.service.names(people).await {
        Ok(n) => n,
        Err(err) => return fail(v, err),
    };
    let p = RecordPage {
        c: PageCtx::new(v, &format!("/lots/{}/record", seg(lot))).with_names(names),
        r,
        check,
        refused: blocker_views(v.lang, refused),
        f,
        e,
        can_decide,
        can_review: v.can(Capability::SignLot),
        quarantine,
        x,
        sterility,
    };
    page(status, &p)
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    record_page(
        &st,
        &v,
        &id,
        Fields::default(),
        Errors::default(),
        &[],
        StatusCode::OK,
    )
    .await
}

/// POST /lots/{id}/sign: the electronic signature (password, meaning, reason).
pub async fn sign(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Sign>,
) -> Response {
    let a = tri!(actor(&v));
    let res = match input.command(&v) {
        Ok((password, meaning, reason)) => {
            let r = st
                .service
                .sign_lot(&a, now(), &id, &password, &meaning, &reason);
            r.await
        }
        Err(Refusal::Service(e)) => Err(e),
        Err(Refusal::Fields(e, status)) => {
            let typed = Fields(
                input
                    .fields
                    .0
                    .into_iter()
                    .filter(|(k, _)| k != "password")
                    .collect(),
            );
            let e = e.shown(v.lang);
            return record_page(&st, &v, &id, typed, e, &[], status).await;
        }
    };
    let f = input.fields;
    // The password is never shown again.
    let typed = Fields(f.0.into_iter().filter(|(k, _)| k != "password").collect());
    match res {
        Ok(_) => see_other(&format!("/lots/{}/record#signature", seg(&id))),
        Err(ServiceError::Domain(DomainError::ReleaseBlocked { blockers, .. })) => {
            let why = secretome_domain::Why::said("release refused", "出荷判定できません");
            let e = FieldErrors::one("", why).shown(v.lang);
            record_page(&st, &v, &id, typed, e, &blockers, StatusCode::CONFLICT).await
        }
        Err(err) => {
            let status = crate::forms::status_of(&err);
            if status == StatusCode::NOT_FOUND {
                return fail(&v, err);
            }
            record_page(
                &st,
                &v,
                &id,
                typed,
                crate::kit::refused_in(v.lang, &err),
                &[],
                status,
            )
            .await
        }
    }
}
