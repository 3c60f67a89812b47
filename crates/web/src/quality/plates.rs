//! Plate import (QC): a plate-reader export uploaded as `multipart/form-data` (CSRF token in the
//! action's query string) is analysed by the service (`plates::analyse_plate`); the page shows the
//! standard curve (SVG), the calibrators and the per-sample results with their flags. An export
//! without a layout gets one here: a layout file, or roles assigned well by well on the plate grid.
//! Accepting hands the file (carried in the form, hex-encoded, so the values cannot drift from the
//! file), the layout and the chosen samples to the one use case `accept_plate`, which keeps them
//! all in one transaction. `download` gives a kept file back (`/plates/files/{digest}`).

use super::lot_qc::lot_page;
use crate::kit::{
    Errors, Fields, actor, fail, hex, multipart, num, opt_num, page, see_other, seg, told, tri,
    unhex,
};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors, i18n::Lang};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use secretome_assay::{
    analysis::{PlateAnalysis, StandardLevel},
    plate::{Group, Well},
};
use secretome_domain::Why;
use secretome_domain::qc::{
    Acceptance,
    plate::{FILE_MAX, LayoutSource, NO_VALUE},
};
use secretome_service::plates::{Adopt, Analysed, LayoutInput, PlateUpload, analyse_plate, run_id};

/// Largest plate file accepted (its hex copy must fit the form limit of the accept post).
pub const MAX_FILE: usize = FILE_MAX;

pub struct SampleView {
    pub key: String,
    /// The accept form's fields for this sample (`map.<key>`, `reason.<key>`).
    pub field: String,
    pub reason_field: String,
    pub plate: usize,
    pub name: String,
    pub group: &'static str,
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub cv: Option<f64>,
    pub flags: Vec<&'static str>,
    /// A sample group with a value: it may be adopted (flagged ones with a reason).
    pub reportable: bool,
    /// A control: shown, never adopted.
    pub control: bool,
}

pub struct PlateView {
    pub a: PlateAnalysis,
    pub svg: String,
    pub samples: Vec<SampleView>,
}

impl PlateView {
    pub fn standards(&self) -> &[StandardLevel] {
        &self.a.standards
    }
    pub fn unit(&self) -> &str {
        self.a.unit.as_deref().unwrap_or("")
    }
    pub fn fit(&self) -> String {
        match &self.a.fit {
            Some(f) => format!("{} · R² = {:.5}", f.model.name(), f.r_squared),
            None => self.a.fit_error.clone().unwrap_or_default(),
        }
    }
}

/// One well of the layout grid.
pub struct GridCell {
    pub well: String,
    /// Its fields: role (`g.A1`), name (`n.A1`), nominal concentration (`c.A1`).
    pub g: String,
    pub n: String,
    pub c: String,
}

#[derive(Template)]
#[template(path = "quality/plate.html")]
struct PlatePage {
    c: PageCtx,
    lot: String,
    file_name: String,
    file_hex: String,
    run_id: String,
    format: String,
    has_layout: bool,
    /// `embedded`, `file` or `grid`.
    layout_source: &'static str,
    layout_text: String,
    grid: Vec<Vec<GridCell>>,
    cols: Vec<u16>,
    plates: Vec<PlateView>,
    /// Tests of the lot's specification still without a result and taking a number: (code, name).
    tests: Vec<(String, String)>,
    f: Fields,
    e: Errors,
}

fn views(a: Analysed) -> Vec<PlateView> {
    a.plates
        .into_iter()
        .map(|a| {
            let svg = if a.fit.is_some() {
                secretome_assay::plot::curve_svg(&a).unwrap_or_default()
            } else {
                String::new()
            };
            let samples = a
                .samples
                .iter()
                .enumerate()
                .filter(|(_, s)| matches!(s.group, Group::Sample | Group::Control))
                .map(|(j, s)| {
                    let key = format!("p{}-{j}", a.plate);
                    SampleView {
                        field: format!("map.{key}"),
                        reason_field: format!("reason.{key}"),
                        key,
                        plate: a.plate,
                        name: s.sample.clone(),
                        group: s.group.name(),
                        n: s.n,
                        mean: s.mean,
                        sd: s.sd,
                        cv: s.cv_percent,
                        flags: s.flags.iter().map(|f| f.name()).collect(),
                        reportable: s.group == Group::Sample
                            && s.mean.is_some_and(f64::is_finite)
                            && !s.flags.iter().any(|f| NO_VALUE.contains(&f.name())),
                        control: s.group == Group::Control,
                    }
                })
                .collect();
            PlateView { a, svg, samples }
        })
        .collect()
}

async fn numeric_pending(
    st: &AppState,
    v: &Viewer,
    lot: &str,
) -> Result<Vec<(String, String)>, Response> {
    let q = st.service.lot_qc(lot).await.map_err(|e| fail(v, e))?;
    let ja = v.lang == Lang::Ja;
    Ok(q.rows
        .iter()
        .filter(|r| r.result.is_none() && !matches!(r.test.acceptance, Acceptance::PassFail { .. }))
        .map(|r| {
            (
                r.test.code.to_string(),
                if ja {
                    r.test.name_ja.clone()
                } else {
                    r.test.name.clone()
                },
            )
        })
        .collect())
}

/// A refusal of `accept_plate` as errors next to the sample each one names (`adopt[i]` is the
/// i-th chosen sample), every one of them.
fn placed(e: &secretome_service::ServiceError, chosen: &[String]) -> FieldErrors {
    let mut out = FieldErrors::default();
    for (field, why) in FieldErrors::from_service(e).0 {
        let target = match field
            .strip_prefix("adopt[")
            .and_then(|rest| rest.split_once(']'))
        {
            Some((i, rest)) => match i.parse::<usize>().ok().and_then(|i| chosen.get(i)) {
                Some(key) if rest == ".reason" => format!("reason.{key}"),
                Some(key) => format!("map.{key}"),
                None => String::new(),
            },
            None if field == "adopt" || field == "plate" || field == "layout" => String::new(),
            None => field,
        };
        out.add(&target, why);
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn plate_page(
    st: &AppState,
    v: &Viewer,
    lot: &str,
    up: &PlateUpload,
    f: Fields,
    mut e: FieldErrors,
    status: StatusCode,
) -> Response {
    let analysed = match analyse_plate(up) {
        Ok(x) => x,
        Err(err) => {
            let fe = FieldErrors::from_service(&err);
            let (field, m) =
                fe.0.into_iter()
                    .next()
                    .unwrap_or((String::new(), Why::Empty));
            if field == "layout" {
                // The layout was refused: show the plate again without it, the error at the layout.
                let bare = PlateUpload {
                    layout: None,
                    ..up.clone()
                };
                if analyse_plate(&bare).is_ok() {
                    e.add("layout", m);
                    return Box::pin(plate_page(
                        st,
                        v,
                        lot,
                        &bare,
                        f,
                        e,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    ))
                    .await;
                }
            }
            return lot_page(
                st,
                v,
                lot,
                Fields::default(),
                FieldErrors::one("plate", m),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let tests = match numeric_pending(st, v, lot).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let (rows, cols) = (analysed.rows.min(32), analysed.cols.min(48));
    let grid = (0..rows)
        .map(|row| {
            (0..cols)
                .map(|col| {
                    let well = Well { row, col }.to_string();
                    GridCell {
                        g: format!("g.{well}"),
                        n: format!("n.{well}"),
                        c: format!("c.{well}"),
                        well,
                    }
                })
                .collect()
        })
        .collect();
    let has_layout = analysed.has_layout;
    let format = analysed.format.clone();
    let c = PageCtx::new(v, &format!("/lots/{}/qc", seg(lot)));
    let p = PlatePage {
        c,
        lot: lot.to_string(),
        file_name: up.file_name.clone(),
        file_hex: hex(&up.bytes),
        run_id: run_id(&up.bytes, up.layout.as_ref().map(|l| l.text.as_str())),
        format,
        has_layout,
        layout_source: match up.layout.as_ref().map(|l| l.source) {
            Some(LayoutSource::File) => "file",
            Some(LayoutSource::Grid) => "grid",
            _ => "embedded",
        },
        layout_text: up
            .layout
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default(),
        grid,
        cols: (1..=cols).collect(),
        plates: views(analysed),
        tests,
        f,
        e: e.shown(v.lang),
    };
    page(status, &p)
}

/// The layout the form carries: an uploaded file, the grid's roles, or the one already applied.
fn layout_of(
    parts: &[(String, Option<String>, Vec<u8>)],
    f: &Fields,
) -> Result<Option<LayoutInput>, FieldErrors> {
    if let Some((_, name, data)) = parts
        .iter()
        .find(|(n, name, d)| n == "layout" && name.is_some() && !d.is_empty())
    {
        return Ok(Some(LayoutInput {
            source: LayoutSource::File,
            name: name.clone().unwrap_or_else(|| "layout".into()),
            text: String::from_utf8_lossy(data).into_owned(),
        }));
    }
    let roles: Vec<(&str, &str)> =
        f.0.iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("g.")?, v.as_str())))
            .filter(|(_, g)| !g.is_empty())
            .collect();
    if !roles.is_empty() {
        let mut e = FieldErrors::default();
        let unit = f.text("unit");
        let mut csv = String::from("well,group,sample,concentration,dilution,masked,unit\n");
        for (well, group) in roles {
            if Well::parse(well).is_none()
                || !["standard", "blank", "control", "sample"].contains(&group)
            {
                e.add(&format!("g.{well}"), Why::Choose);
                continue;
            }
            let name = f
                .opt(&format!("n.{well}"))
                .unwrap_or_else(|| well.to_string());
            let conc = f.text(&format!("c.{well}"));
            if group == "standard" {
                match conc.replace(',', "").parse::<f64>() {
                    Ok(c) if c.is_finite() && c >= 0.0 => {}
                    _ => {
                        let why = Why::said(
                            "enter the standard's nominal concentration (a number, not negative)",
                            "標準の公称濃度を入力してください (負でない数値)",
                        );
                        e.add(&format!("c.{well}"), why);
                        continue;
                    }
                }
            }
            let clean = |s: &str| s.replace([',', '"', '\n', '\r'], " ");
            csv.push_str(&format!(
                "{well},{group},{},{},1,false,{}\n",
                clean(&name),
                if group == "standard" {
                    clean(&conc)
                } else {
                    String::new()
                },
                clean(&unit)
            ));
        }
        if !e.is_empty() {
            return Err(e);
        }
        return Ok(Some(LayoutInput {
            source: LayoutSource::Grid,
            name: "grid".into(),
            text: csv,
        }));
    }
    Ok(applied_layout(f))
}

/// The layout applied earlier, carried in the form's hidden fields.
fn applied_layout(f: &Fields) -> Option<LayoutInput> {
    let text = f.get("layout_text");
    if text.trim().is_empty() {
        return None;
    }
    Some(LayoutInput {
        source: if f.get("layout_source") == "grid" {
            LayoutSource::Grid
        } else {
            LayoutSource::File
        },
        name: "layout".into(),
        text: text.to_string(),
    })
}

/// POST /lots/{id}/plates: analyses an uploaded export (and the layout given with it) and shows
/// the curve and results, or the layout form when the export has none.
pub async fn upload(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let parts: Vec<(String, Option<String>, Vec<u8>)> = match multipart(ct, &body) {
        Ok(p) => p
            .into_iter()
            .map(|p| (p.name, p.filename, p.data))
            .collect(),
        Err(why) => return refuse_upload(&st, &v, &id, why).await,
    };
    let f = Fields(
        parts
            .iter()
            .filter(|(n, name, _)| name.is_none() && n != "csrf")
            .map(|(n, _, d)| (n.clone(), String::from_utf8_lossy(d).into_owned()))
            .collect(),
    );
    let file = parts
        .iter()
        .find(|(n, _, d)| n == "plate" && !d.is_empty())
        .map(|(_, name, d)| (name.clone().unwrap_or_default(), d.clone()))
        .or_else(|| {
            unhex(f.get("file_hex"))
                .filter(|b| !b.is_empty())
                .map(|b| (f.text("file_name"), b))
        });
    let Some((name, bytes)) = file else {
        return refuse_upload(&st, &v, &id, told("q.plate.err.file")).await;
    };
    let name = Some(name)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "plate".into());
    let mut up = PlateUpload {
        file_name: name,
        bytes,
        layout: None,
    };
    match layout_of(&parts, &f) {
        Ok(l) => {
            up.layout = l;
            plate_page(&st, &v, &id, &up, f, FieldErrors::default(), StatusCode::OK).await
        }
        Err(e) => {
            up.layout = applied_layout(&f);
            plate_page(&st, &v, &id, &up, f, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

async fn refuse_upload(st: &AppState, v: &Viewer, id: &str, why: Why) -> Response {
    lot_page(
        st,
        v,
        id,
        Fields::default(),
        FieldErrors::one("plate", why),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// POST /lots/{id}/plates/accept: hands the file, its layout and the chosen samples to
/// `accept_plate` (one transaction); refusals are shown next to each sample they name.
pub async fn accept(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let a = tri!(actor(&v));
    let Some(bytes) = unhex(f.get("file_hex")).filter(|b| !b.is_empty() && b.len() <= MAX_FILE)
    else {
        return refuse_upload(&st, &v, &id, told("q.plate.err.resend")).await;
    };
    let up = PlateUpload {
        file_name: Some(f.text("file_name"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "plate".into()),
        bytes,
        layout: applied_layout(&f),
    };
    let Ok(analysed) = analyse_plate(&up) else {
        return plate_page(
            &st,
            &v,
            &id,
            &up,
            f,
            FieldErrors::default(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let samples: Vec<SampleView> = views(analysed)
        .into_iter()
        .flat_map(|p| p.samples)
        .collect();
    let mut keys = Vec::new();
    let mut adopt = Vec::new();
    for s in &samples {
        let Some(test) = f.opt(&s.field) else {
            continue;
        };
        keys.push(s.key.clone());
        adopt.push(Adopt {
            plate: s.plate,
            sample: s.name.clone(),
            test,
            reason: f.opt(&s.reason_field),
        });
    }
    match st
        .service
        .accept_plate(&a, now(), &id, up.clone(), adopt)
        .await
    {
        Ok(_) => see_other(&format!("/lots/{}/qc#results", seg(&id))),
        Err(err) => {
            let status = crate::forms::status_of(&err);
            let e = placed(&err, &keys);
            plate_page(&st, &v, &id, &up, f, e, status).await
        }
    }
}

/// GET /plates/files/{digest}: a kept plate file, byte for byte as uploaded (qc, qa), so the run
/// can be re-analysed outside the system too.
pub async fn download(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(digest): Path<String>,
) -> Response {
    let a = tri!(actor(&v));
    match st.service.plate_file(&a, &digest).await {
        Ok((name, bytes)) => {
            let safe: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            (
                [
                    (header::CONTENT_TYPE, "application/octet-stream".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{safe}\""),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => fail(&v, e),
    }
}

/// Numbers for the plate template.
pub fn fmt(v: &Option<f64>) -> String {
    opt_num(v)
}

pub fn fmt1(v: &f64) -> String {
    num(*v)
}
