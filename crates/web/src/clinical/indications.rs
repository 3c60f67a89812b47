//! Indication pages: every indication with its counts, and one indication's patients, doses, adverse
//! events by CTCAE grade and, per outcome scale followed, the plot of each patient's values over
//! days since their first dose with the change first → last.

use super::{patients::label, plot::outcome_svg};
use crate::kit::{fail, page as render, path, sci};
use crate::{AppState, auth::Viewer, ctx::PageCtx};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::clinical::{Indication, Scale};
use secretome_service::{
    ServiceError,
    clinical_queries::{IndicationRow, IndicationSummary, PatientSeries},
};

#[derive(Template)]
#[template(path = "clinical/indications.html")]
struct ListPage {
    c: PageCtx,
    rows: Vec<IndicationRow>,
}

/// One scale's section: its plot (None when nothing recorded) and table.
struct ScaleView {
    scale: Scale,
    title: String,
    svg: Option<String>,
    patients: Vec<PatientSeries>,
    mean_change: Option<f64>,
    improved: usize,
    worsened: usize,
}

#[derive(Template)]
#[template(path = "clinical/indication.html")]
struct ShowPage {
    c: PageCtx,
    s: IndicationSummary,
    scales: Vec<ScaleView>,
    pager: crate::paging::Pager,
}

impl ListPage {
    fn ind(&self, i: &Indication) -> &'static str {
        label(self.c.lang, i.label_ja(), i.label_en())
    }
}

impl ShowPage {
    fn ind(&self, i: &Indication) -> &'static str {
        label(self.c.lang, i.label_ja(), i.label_en())
    }
    fn href(&self, id: &str) -> String {
        path("/patients/", id, "")
    }
    fn grades(&self) -> Vec<(usize, usize)> {
        self.s
            .ae_by_grade
            .iter()
            .enumerate()
            .map(|(i, n)| (i + 1, *n))
            .collect()
    }
    fn ml(&self) -> String {
        sci(&self.s.total_ml)
    }
    fn first(&self, sv: &ScaleView, p: &PatientSeries) -> String {
        p.points
            .first()
            .map(|x| sv.scale.show(x.1))
            .unwrap_or_default()
    }
    fn last(&self, sv: &ScaleView, p: &PatientSeries) -> String {
        p.points
            .last()
            .map(|x| sv.scale.show(x.1))
            .unwrap_or_default()
    }
    fn change(&self, c: &Option<f64>) -> String {
        c.map(|v| format!("{}{}", if v > 0.0 { "+" } else { "" }, sci(&v)))
            .unwrap_or_else(|| "—".into())
    }
}

pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    match st.service.indications_overview().await {
        Ok(rows) => render(
            StatusCode::OK,
            &ListPage {
                c: PageCtx::new(&v, "/indications"),
                rows,
            },
        ),
        Err(e) => fail(&v, e),
    }
}

pub async fn show(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(indication): Path<String>,
    Query(p): Query<crate::paging::PageParams>,
) -> Response {
    if Indication::parse(&indication).is_err() {
        let e = ServiceError::NotFound {
            what: "indication",
            id: indication,
        };
        return fail(&v, e);
    }
    let a = crate::kit::tri!(crate::kit::actor(&v));
    let s = match st
        .service
        .indication_page_for(&a, &indication, p.cursor())
        .await
    {
        Ok(s) => s,
        Err(e) => return fail(&v, e),
    };
    let c = PageCtx::new(&v, &path("/indications/", &indication, ""));
    let scales = s
        .scales
        .iter()
        .map(|sc| {
            let name = label(c.lang, sc.scale.label_ja(), sc.scale.label_en());
            let way = c.t(if sc.higher_is_better {
                "cl.higher_better"
            } else {
                "cl.lower_better"
            });
            let title = format!("{name} — {way}");
            ScaleView {
                scale: sc.scale,
                svg: outcome_svg(sc, c.t("cl.plot.days"), &title),
                title,
                patients: sc.patients.clone(),
                mean_change: sc.mean_change,
                improved: sc.improved,
                worsened: sc.worsened,
            }
        })
        .collect();
    let pager = crate::paging::Pager::from_cursors(
        c.path.as_str(),
        &[],
        s.next.as_deref(),
        s.prev.as_deref(),
    );
    render(
        StatusCode::OK,
        &ShowPage {
            c,
            s,
            scales,
            pager,
        },
    )
}
