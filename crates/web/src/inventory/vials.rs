//! A vial's page — state, DIN with its boxed check character, ISBT 128 product code, lot,
//! location and move history, the expiry flag, the move form (operators) — and its label: the
//! SVG inline with the fields it carries, and the PDF for the label printer. A vial without a DIN
//! gets the reason instead of a label (409), never a blank one.

use crate::kit::{Errors, Fields, actor, fail, page, see_other, seg, tri};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::status_of,
};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use secretome_domain::Capability;
use secretome_domain::{isbt::Din, vial::VialStatus};
use secretome_service::{LabelData, inventory_queries::VialDetail};

/// The DIN as printed: eye-readable groups, flag, check character (shown boxed).
pub struct DinView {
    pub eye: String,
    pub flag: String,
    pub check: String,
}

fn din_view(d: &VialDetail) -> Option<DinView> {
    let din = Din::parse(d.vial.din.as_deref()?).ok()?;
    Some(DinView {
        eye: din.eye_readable(),
        flag: format!("{:02}", din.flag()),
        check: din.check_character().to_string(),
    })
}

#[derive(Template)]
#[template(path = "inventory/vial.html")]
struct VialPage {
    c: PageCtx,
    d: VialDetail,
    din: Option<DinView>,
    /// The freezer of the vial's location, for the link to its map.
    freezer: Option<String>,
    can_move: bool,
    f: Fields,
    e: Errors,
}

async fn vial_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    f: Fields,
    e: Errors,
    status: StatusCode,
) -> Response {
    let a = crate::kit::tri!(crate::kit::actor(v));
    let mut d = match st.service.vial_detail_for(&a, id, now()).await {
        Ok(d) => d,
        Err(err) => return fail(v, err),
    };
    // Why no label can be made, in the page's language: the coded refusal, read again.
    if d.label_refusal.is_some()
        && let Err(err) = st.service.vial_label(id, now()).await
    {
        d.label_refusal = Some(crate::messages::tell(&err).text(v.lang).to_string());
    }
    match st
        .service
        .names(d.moves.iter().map(|m| m.moved_by.to_string()))
        .await
    {
        Ok(names) => {
            let stored = !d.vial.status.is_terminal() && d.vial.status != VialStatus::Dispensed;
            page(
                status,
                &VialPage {
                    c: PageCtx::new(v, &format!("/vials/{}", seg(d.vial.id.as_str())))
                        .with_names(names),
                    din: din_view(&d),
                    freezer: d
                        .vial
                        .location
                        .as_deref()
                        .and_then(|l| l.split('/').next())
                        .map(str::to_string),
                    can_move: stored && v.can(Capability::Produce),
                    d,
                    f,
                    e,
                },
            )
        }
        Err(err) => fail(v, err),
    }
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let (f, e) = (Fields::default(), Errors::default());
    vial_page(&st, &v, &id, f, e, StatusCode::OK).await
}

/// POST /vials/{id}/move: moves the vial; refused moves are shown next to the location field.
pub async fn move_to(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let reason = f.opt("reason");
    match st
        .service
        .move_vial(&a, now(), &id, f.get("location"), reason.as_deref())
        .await
    {
        Ok(_) => see_other(&format!("/vials/{}", seg(&id))),
        Err(err) => {
            let mut e = crate::kit::refused_in(v.lang, &err);
            // A clash names the occupant; show it at the field the operator typed into.
            if let Some(m) = e.0.remove("") {
                e.0.insert("location".into(), m);
            }
            vial_page(&st, &v, &id, f, e, status_of(&err)).await
        }
    }
}

#[derive(Template)]
#[template(path = "inventory/label.html")]
struct LabelPage {
    c: PageCtx,
    l: LabelData,
    svg: String,
    din: DinView,
}

/// GET /vials/{id}/label: the label page.
pub async fn label(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let made = async {
        let now = crate::auth::now();
        let l = st.service.vial_label(&id, now).await?;
        let svg = st.service.vial_label_svg(&id, now).await?;
        Ok::<_, secretome_service::ServiceError>((l, svg))
    }
    .await;
    match made {
        Ok((l, svg)) => {
            let din = DinView {
                eye: l.din.eye_readable(),
                flag: format!("{:02}", l.din.flag()),
                check: l.din.check_character().to_string(),
            };
            page(
                StatusCode::OK,
                &LabelPage {
                    c: PageCtx::new(&v, &format!("/vials/{}/label", seg(&id))),
                    l,
                    svg,
                    din,
                },
            )
        }
        Err(err) => fail(&v, err),
    }
}

/// GET /vials/{id}/label.pdf: one 50 × 30 mm page for the label printer.
pub async fn label_pdf(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    match st.service.vial_label_pdf(&id, crate::auth::now()).await {
        Ok(bytes) => {
            let name = format!("inline; filename=\"label-{}.pdf\"", seg(&id));
            (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_string()),
                    (header::CONTENT_DISPOSITION, name),
                ],
                bytes,
            )
                .into_response()
        }
        Err(err) => fail(&v, err),
    }
}
