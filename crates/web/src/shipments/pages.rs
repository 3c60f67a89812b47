//! The shipment pages: the list (paged, filtered) with the packing form, and a shipment's page with
//! the forms of the step it is at — dispatch, receipt, the logger upload (`multipart/form-data`,
//! the CSRF token in the query) and QA's decision — and its temperature plot. A refused form is
//! shown again with the refusal next to its field, in the page's language.

use super::input::{DecideShipment, LogFile, Pack, Receive};
use super::plot::{Labels, temperature_svg};
use crate::kit::{Errors, Fields, Input, Refusal, actor, fail, page, see_other, seg, tri};
use crate::paging::{PageParams, Pager};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::status_of,
    i18n::Lang,
};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::shipment::{ArrivalCondition, Shipment, ShipmentStatus, ShipperType};
use secretome_service::{ShipmentDetail, ShipmentFilter};

/// A choice's label in the page's language.
fn label(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Ja { ja } else { en }
}

pub fn status_badge(s: &ShipmentStatus) -> &'static str {
    match s {
        ShipmentStatus::Received | ShipmentStatus::Released => "ok",
        ShipmentStatus::Quarantined => "warn",
        ShipmentStatus::Rejected => "bad",
        ShipmentStatus::Packed | ShipmentStatus::Dispatched => "info",
    }
}

#[derive(Template)]
#[template(path = "shipments/list.html")]
struct ListPage {
    c: PageCtx,
    rows: Vec<Shipment>,
    filter: ShipmentFilter,
    pager: Pager,
    can_pack: bool,
    f: Fields,
    e: Errors,
}

impl ListPage {
    fn status(&self, s: &ShipmentStatus) -> &'static str {
        label(self.c.lang, s.label_ja(), s.label_en())
    }
    fn statuses(&self) -> &'static [ShipmentStatus] {
        ShipmentStatus::ALL
    }
    fn shippers(&self) -> Vec<(&'static str, &'static str)> {
        ShipperType::ALL
            .iter()
            .map(|s| (s.as_str(), label(self.c.lang, s.label_ja(), s.label_en())))
            .collect()
    }
    fn is(&self, v: &Option<String>, s: &str) -> bool {
        v.as_deref() == Some(s)
    }
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "shipments/show.html")]
struct ShowPage {
    c: PageCtx,
    d: ShipmentDetail,
    svg: Option<String>,
    can_dispatch: bool,
    can_receive: bool,
    can_log: bool,
    can_decide: bool,
    /// The form that was refused (`receive`, `log`, `decide`, `dispatch`), and why.
    e_for: String,
    f: Fields,
    e: Errors,
}

impl ShowPage {
    fn status(&self) -> &'static str {
        let s = self.d.shipment.status;
        label(self.c.lang, s.label_ja(), s.label_en())
    }
    fn badge(&self) -> &'static str {
        status_badge(&self.d.shipment.status)
    }
    fn shipper(&self) -> &'static str {
        let s = self.d.shipment.shipper;
        label(self.c.lang, s.label_ja(), s.label_en())
    }
    fn condition(&self) -> &'static str {
        match self.d.shipment.condition {
            Some(c) => label(self.c.lang, c.label_ja(), c.label_en()),
            None => "—",
        }
    }
    fn conditions(&self) -> Vec<(&'static str, &'static str)> {
        ArrivalCondition::ALL
            .iter()
            .map(|s| (s.as_str(), label(self.c.lang, s.label_ja(), s.label_en())))
            .collect()
    }
    /// The errors of form `name` (none when another form was refused).
    fn err(&self, name: &str) -> Errors {
        if self.e_for == name {
            self.e.clone()
        } else {
            Errors::default()
        }
    }
}

/// GET /shipments: a page of shipments (`?status=&site=&vial=&lot=`), the packing form for operators.
pub async fn list(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Query(filter): Query<ShipmentFilter>,
    Query(p): Query<PageParams>,
) -> Response {
    let f = Fields::default().with("id", &suggested_id());
    list_page(&st, &v, filter, p, f, Errors::default(), StatusCode::OK).await
}

/// A fresh shipment id for the packing form: `SHP-` and the time in UTC to the second.
fn suggested_id() -> String {
    let t = now().to_string();
    let digits: String = t.chars().filter(char::is_ascii_digit).take(14).collect();
    format!(
        "SHP-{}-{}",
        &digits[..8.min(digits.len())],
        &digits[8.min(digits.len())..]
    )
}

async fn list_page(
    st: &AppState,
    v: &Viewer,
    filter: ShipmentFilter,
    p: PageParams,
    f: Fields,
    e: Errors,
    s: StatusCode,
) -> Response {
    let rows = match st
        .service
        .shipments_page(&filter, p.cursor(), p.limit)
        .await
    {
        Ok(r) => r,
        Err(err) => return fail(v, err),
    };
    let pager = Pager::new(
        "/shipments",
        &[
            ("status", filter.status.as_deref()),
            ("site", filter.site.as_deref()),
            ("vial", filter.vial.as_deref()),
            ("lot", filter.lot.as_deref()),
        ],
        &rows,
    );
    page(
        s,
        &ListPage {
            c: PageCtx::new(v, "/shipments"),
            rows: rows.rows,
            filter,
            pager,
            can_pack: v.can(Capability::Produce),
            f,
            e,
        },
    )
}

/// POST /shipments: packs the scanned vials; the shipment's page on success.
pub async fn pack(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    input: Input<Pack>,
) -> Response {
    let a = tri!(actor(&v));
    let f = input.fields.clone();
    let new = match input.command(&v) {
        Ok(new) => new,
        Err(r) => {
            let (s, p) = (r.status(), PageParams::default());
            let e = r.errors(v.lang);
            return list_page(&st, &v, ShipmentFilter::default(), p, f, e, s).await;
        }
    };
    match st.service.pack_shipment(&a, now(), new).await {
        Ok(s) => see_other(&format!("/shipments/{}", seg(&s.id))),
        Err(err) => {
            let s = status_of(&err);
            let e = crate::kit::refused_in(v.lang, &err);
            let p = PageParams::default();
            list_page(&st, &v, ShipmentFilter::default(), p, f, e, s).await
        }
    }
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    id: &str,
    e_for: &str,
    f: Fields,
    e: Errors,
    s: StatusCode,
) -> Response {
    let d = match st.service.shipment_detail(id).await {
        Ok(d) => d,
        Err(err) => return fail(v, err),
    };
    let labels = Labels {
        x: v.lang.t("shp.plot.x"),
        y: v.lang.t("shp.plot.y"),
        limit: v.lang.t("shp.plot.limit"),
        storage: v.lang.t("shp.plot.storage"),
        readings: v.lang.t("shp.plot.readings"),
    };
    let svg = temperature_svg(&d.shipment, &d.products, &labels);
    // The people the shipment names (packed, dispatched, received, decided by), by display name.
    let sh = &d.shipment;
    let people: Vec<String> = std::iter::once(sh.packed_by.to_string())
        .chain(sh.dispatched_by.iter().map(|u| u.to_string()))
        .chain(sh.received_by.iter().map(|u| u.to_string()))
        .chain(sh.decided_by.iter().map(|u| u.to_string()))
        .collect();
    let names = match st.service.names(people).await {
        Ok(n) => n,
        Err(err) => return fail(v, err),
    };
    let st_ = d.shipment.status;
    let in_transit = st_ == ShipmentStatus::Dispatched
        || (st_ == ShipmentStatus::Quarantined && d.shipment.received_at.is_none());
    page(
        s,
        &ShowPage {
            c: PageCtx::new(v, "/shipments").with_names(names),
            svg,
            can_dispatch: st_ == ShipmentStatus::Packed && v.can(Capability::Produce),
            can_receive: in_transit && v.can(Capability::ReceiveShipment),
            can_log: matches!(
                st_,
                ShipmentStatus::Dispatched | ShipmentStatus::Received | ShipmentStatus::Quarantined
            ) && v.can(Capability::LogShipment),
            can_decide: st_ == ShipmentStatus::Quarantined && v.can(Capability::AssureQuality),
            d,
            e_for: e_for.to_string(),
            f,
            e,
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let (f, e) = (Fields::default(), Errors::default());
    show_page(&st, &v, &id, "", f, e, StatusCode::OK).await
}

/// After an action: back to the shipment, or its page with the refusal on form `form`.
async fn after(
    st: &AppState,
    v: &Viewer,
    id: &str,
    form: &str,
    f: Fields,
    r: Result<Shipment, Refusal>,
) -> Response {
    match r {
        Ok(s) => see_other(&format!("/shipments/{}", seg(&s.id))),
        Err(Refusal::Service(err))
            if matches!(
                status_of(&err),
                StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
            ) =>
        {
            fail(v, err)
        }
        Err(r) => {
            let e = r.errors(v.lang);
            show_page(st, v, id, form, f, e, r.status()).await
        }
    }
}

/// POST …/dispatch.
pub async fn dispatch(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let a = tri!(actor(&v));
    let r = st.service.dispatch_shipment(&a, now(), &id).await;
    let r = r.map_err(Refusal::from);
    after(&st, &v, &id, "dispatch", Fields::default(), r).await
}

/// POST …/receive: the vials scanned at the clinic and the condition on arrival.
pub async fn receive(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<Receive>,
) -> Response {
    let a = tri!(actor(&v));
    let r = match input.command(&v) {
        Ok((vials, condition)) => {
            let r = st
                .service
                .receive_shipment(&a, now(), &id, &vials, &condition);
            r.await.map_err(Refusal::from)
        }
        Err(r) => Err(r),
    };
    let f = input.fields;
    after(&st, &v, &id, "receive", f, r).await
}

/// POST …/log?csrf=…: the logger's CSV export as a file (`file`) or pasted (`csv`).
pub async fn log(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<LogFile>,
) -> Response {
    let r = async {
        let (a, (name, csv)) = input.acting(&v)?;
        let r = st.service.import_shipment_log(&a, now(), &id, &name, &csv);
        Ok(r.await?)
    };
    after(&st, &v, &id, "log", Fields::default(), r.await).await
}

/// POST …/decide: QA releases (with a reason) or rejects a quarantined shipment.
pub async fn decide(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    input: Input<DecideShipment>,
) -> Response {
    let a = tri!(actor(&v));
    let r = match input.command(&v) {
        Ok((release, reason)) => {
            let r = st.service.decide_shipment(&a, now(), &id, release, &reason);
            r.await.map_err(Refusal::from)
        }
        Err(r) => Err(r),
    };
    let f = input.fields;
    after(&st, &v, &id, "decide", f, r).await
}
