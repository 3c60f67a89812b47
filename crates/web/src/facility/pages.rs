//! The facility register page (`/facility`): rooms and their grade A zones, the equipment register
//! with each instrument's due status, training and aseptic qualification records, and media fills
//! — with QA's forms to add to each. A refused form is shown again with the error by its field.

use super::inputs::{
    AddRoom, Calibrate, CloseMediaFill, RecordMediaFill, RecordQualification, RegisterEquipment,
};
use crate::kit::{Errors, Fields, Input, Refusal, fail, page, see_other};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
};
use askama::Template;
use axum::{Extension, extract::State, http::StatusCode, response::Response};
use secretome_domain::Capability;
use secretome_domain::facility::{EquipmentKind, MediaFill, Qualification, Room};
use secretome_service::facility::EquipmentStatus;

/// What was typed into one form and why it was refused.
#[derive(Default)]
pub struct Form {
    pub f: Fields,
    pub e: Errors,
}

#[derive(Template)]
#[template(path = "facility/overview.html")]
struct OverviewPage {
    c: PageCtx,
    rooms: Vec<Room>,
    equipment: Vec<EquipmentStatus>,
    quals: Vec<Qualification>,
    fills: Vec<MediaFill>,
    kinds: Vec<&'static str>,
    is_qa: bool,
    room: Form,
    eq: Form,
    cal: Form,
    qual: Form,
    mf: Form,
    close: Form,
}

/// Renders the page; `refused` puts one form's input and errors back next to it.
async fn overview_page(
    st: &AppState,
    v: &Viewer,
    refused: Option<(&str, Form)>,
    status: StatusCode,
) -> Response {
    let svc = &st.service;
    let read = async {
        let mut rooms = svc.rooms().await?;
        rooms.sort_by(|a, b| a.id.cmp(&b.id));
        Ok::<_, secretome_service::ServiceError>((
            rooms,
            svc.equipment_register(now()).await?,
            svc.qualifications().await?,
            svc.media_fills().await?,
        ))
    };
    let (rooms, equipment, quals, fills) = match read.await {
        Ok(x) => x,
        Err(e) => return fail(v, e),
    };
    // The people the qualifications and media fills name, by display name.
    let people: Vec<String> = quals
        .iter()
        .flat_map(|q| [q.operator.to_string(), q.assessed_by.to_string()])
        .chain(
            fills
                .iter()
                .flat_map(|x| x.participants.iter().map(|p| p.to_string())),
        )
        .collect();
    let names = match svc.names(people).await {
        Ok(n) => n,
        Err(e) => return fail(v, e),
    };
    let mut p = OverviewPage {
        c: PageCtx::new(v, "/facility").with_names(names),
        rooms,
        equipment,
        quals,
        fills,
        kinds: EquipmentKind::ALL.iter().map(|k| k.as_str()).collect(),
        is_qa: v.can(Capability::AssureQuality),
        room: Form::default(),
        eq: Form::default(),
        cal: Form::default(),
        qual: Form::default(),
        mf: Form::default(),
        close: Form::default(),
    };
    if let Some((which, form)) = refused {
        let slot = match which {
            "room" => &mut p.room,
            "eq" => &mut p.eq,
            "cal" => &mut p.cal,
            "qual" => &mut p.qual,
            "mf" => &mut p.mf,
            _ => &mut p.close,
        };
        *slot = form;
    }
    page(status, &p)
}

pub async fn overview(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    overview_page(&st, &v, None, StatusCode::OK).await
}

/// After a form post: back to the page, or the page again with the refusal by its field.
async fn done(
    st: &AppState,
    v: &Viewer,
    which: &str,
    f: Fields,
    res: Result<(), Refusal>,
) -> Response {
    match res {
        Ok(()) => see_other(&format!("/facility#{which}")),
        Err(r) => {
            let (e, s) = (r.errors(v.lang), r.status());
            overview_page(st, v, Some((which, Form { f, e })), s).await
        }
    }
}

/// One form's action: its typed input (`inputs`), then `$body` with the actor and the command.
macro_rules! form_action {
    ($name:ident, $which:literal, $input:ty, |$st:ident, $a:ident, $n:ident, $t:ident| $body:expr) => {
        pub async fn $name(
            State($st): State<AppState>,
            Extension(v): Extension<Viewer>,
            input: $input,
        ) -> Response {
            let res: Result<(), Refusal> = async {
                let ($a, $n) = input.acting(&v)?;
                let $t = now();
                $body
            }
            .await;
            done(&$st, &v, $which, input.fields, res).await
        }
    };
}

form_action!(add_room, "room", Input<AddRoom>, |st, a, n, t| {
    st.service.add_room(&a, t, n).await?;
    Ok(())
});

form_action!(
    register_equipment,
    "eq",
    Input<RegisterEquipment>,
    |st, a, n, t| {
        st.service.register_equipment(&a, t, n).await?;
        Ok(())
    }
);

form_action!(calibrate, "cal", Input<Calibrate>, |st, a, c, t| {
    let (due, requal) = (c.calibration_due, c.qualification_due);
    let r = st
        .service
        .calibrate_equipment(&a, t, &c.id, due, requal, &c.reason);
    r.await?;
    Ok(())
});

form_action!(
    record_qualification,
    "qual",
    Input<RecordQualification>,
    |st, a, n, t| {
        st.service.record_qualification(&a, t, n).await?;
        Ok(())
    }
);

form_action!(
    record_media_fill,
    "mf",
    Input<RecordMediaFill>,
    |st, a, n, t| {
        st.service.record_media_fill(&a, t, n).await?;
        Ok(())
    }
);

form_action!(
    close_media_fill,
    "close",
    Input<CloseMediaFill>,
    |st, a, n, t| {
        st.service.close_media_fill(&a, t, &n.0, &n.1).await?;
        Ok(())
    }
);
