//! Plate import (QC): a plate-reader export uploaded as `multipart/form-data` (CSRF token in the
//! action's query string) goes through `secretome_assay::import` and `analysis`; the page shows the
//! standard curve (SVG), the calibrators and the per-sample results with their flags, and QC maps
//! chosen samples to tests of the lot's specification. Accepting re-analyses the same file (carried
//! in the form, hex-encoded, so the values cannot drift from the file) and records each chosen
//! sample's mean through `record_result`, with the assay run named by the file's SHA-256 digest.

use super::lot_qc::lot_page;
use super::support::{Fields, actor, hex, multipart, num, opt_num, page, see_other, seg, unhex};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::Response,
};
use secretome_assay::{
    analysis::{self, AnalysisOptions, Flag, PlateAnalysis, StandardLevel},
    import,
    plate::Group,
};
use secretome_domain::qc::Acceptance;
use secretome_service::NewResult;
use sha2::{Digest, Sha256};

/// Largest plate file accepted (its hex copy must fit the form limit of the accept post).
pub const MAX_FILE: usize = 400 * 1024;

/// Flags that leave a sample without a reportable value (never accepted silently).
const UNREPORTABLE: [Flag; 5] = [
    Flag::NoInverse,
    Flag::AboveUloq,
    Flag::BelowLloq,
    Flag::NoCurve,
    Flag::CurveFailsAcceptance,
];

pub struct SampleView {
    pub key: String,
    /// The accept form's field for this sample (`map.<key>`).
    pub field: String,
    pub name: String,
    pub group: &'static str,
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub cv: Option<f64>,
    pub flags: Vec<&'static str>,
    pub reportable: bool,
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

#[derive(Template)]
#[template(path = "quality/plate.html")]
struct PlatePage {
    c: PageCtx,
    lot: String,
    file_name: String,
    file_hex: String,
    run_id: String,
    format: String,
    plates: Vec<PlateView>,
    /// Tests of the lot's specification still without a result and taking a number: (code, name).
    tests: Vec<(String, String)>,
    f: Fields,
    e: FieldErrors,
}

/// The assay run's identifier: the file's digest, so a result names exactly the file it came from.
pub fn run_id(bytes: &[u8]) -> String {
    format!("PLATE-{}", &hex(&Sha256::digest(bytes))[..16])
}

/// Imports and analyses a file: (format, analyses); the error names file, line and column.
pub fn analyse(name: &str, bytes: &[u8]) -> Result<(String, Vec<PlateView>), String> {
    let imported = import::import(name, bytes).map_err(|e| e.to_string())?;
    let opts = AnalysisOptions::default();
    let format = serde_json::to_value(imported.format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let views = imported
        .plates
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let a = analysis::analyse(p, i + 1, None, &opts);
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
                .map(|(j, s)| SampleView {
                    key: format!("p{}-{j}", i + 1),
                    field: format!("map.p{}-{j}", i + 1),
                    name: s.sample.clone(),
                    group: s.group.name(),
                    n: s.n,
                    mean: s.mean,
                    sd: s.sd,
                    cv: s.cv_percent,
                    flags: s.flags.iter().map(|f| f.name()).collect(),
                    reportable: s.mean.is_some_and(f64::is_finite)
                        && !s.flags.iter().any(|f| UNREPORTABLE.contains(f)),
                })
                .collect();
            PlateView { a, svg, samples }
        })
        .collect();
    Ok((format, views))
}

async fn numeric_pending(
    st: &AppState,
    v: &Viewer,
    lot: &str,
) -> Result<Vec<(String, String)>, Response> {
    let q = st
        .service
        .lot_qc(lot)
        .await
        .map_err(|e| super::support::fail(v, e))?;
    let ja = v.lang == crate::i18n::Lang::Ja;
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

async fn plate_page(
    st: &AppState,
    v: &Viewer,
    lot: &str,
    name: String,
    bytes: &[u8],
    f: Fields,
    e: FieldErrors,
    status: StatusCode,
) -> Response {
    let (format, plates) = match analyse(&name, bytes) {
        Ok(x) => x,
        Err(m) => {
            return lot_page(
                st,
                v,
                lot,
                Fields::default(),
                FieldErrors::one("plate", &m),
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
    let c = PageCtx::new(v, &format!("/lots/{}/qc", seg(lot)));
    let p = PlatePage {
        c,
        lot: lot.to_string(),
        file_name: name,
        file_hex: hex(bytes),
        run_id: run_id(bytes),
        format,
        plates,
        tests,
        f,
        e,
    };
    page(status, &p)
}

/// POST /lots/{id}/plates: analyses an uploaded export and shows the curve and results.
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
    let file = multipart(ct, &body).and_then(|parts| {
        let p = parts
            .into_iter()
            .find(|p| p.name == "plate")
            .ok_or("choose a plate-reader export file")?;
        if p.data.is_empty() {
            return Err("choose a plate-reader export file".into());
        }
        if p.data.len() > MAX_FILE {
            return Err(format!("the file is larger than {} KiB", MAX_FILE / 1024));
        }
        Ok(p)
    });
    match file {
        Ok(p) => {
            let name = p
                .filename
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| "plate".into());
            plate_page(
                &st,
                &v,
                &id,
                name,
                &p.data,
                Fields::default(),
                FieldErrors::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(m) => {
            lot_page(
                &st,
                &v,
                &id,
                Fields::default(),
                FieldErrors::one("plate", &m),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// POST /lots/{id}/plates/accept: records the chosen samples' means as results of the mapped tests.
pub async fn accept(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let a = match actor(&v) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let Some(bytes) = unhex(f.get("file_hex")).filter(|b| !b.is_empty() && b.len() <= MAX_FILE)
    else {
        let e = FieldErrors::one(
            "plate",
            "the plate file did not come with the form: upload it again",
        );
        return lot_page(
            &st,
            &v,
            &id,
            Fields::default(),
            e,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let name = Some(f.text("file_name"))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "plate".into());
    let plates = match analyse(&name, &bytes) {
        Ok((_, p)) => p,
        Err(m) => {
            return lot_page(
                &st,
                &v,
                &id,
                Fields::default(),
                FieldErrors::one("plate", &m),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let pending = match numeric_pending(&st, &v, &id).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let mut e = FieldErrors::default();
    let mut chosen: Vec<(String, &SampleView, Option<String>)> = Vec::new();
    for p in &plates {
        for s in &p.samples {
            let field = s.field.clone();
            let Some(test) = f.opt(&field) else { continue };
            if !s.reportable {
                e.0.insert(
                    field,
                    format!(
                        "{}: no reportable value (flags: {})",
                        s.name,
                        s.flags.join(", ")
                    ),
                );
            } else if !pending.iter().any(|(c, _)| *c == test) {
                e.0.insert(
                    field,
                    format!("test {test} is not awaiting a numeric result on this lot"),
                );
            } else if chosen.iter().any(|(t, _, _)| *t == test) {
                e.0.insert(field, format!("test {test} is chosen for two samples"));
            } else {
                chosen.push((test, s, p.a.unit.clone()));
            }
        }
    }
    if chosen.is_empty() && e.is_empty() {
        e.0.insert(
            String::new(),
            "choose a test for at least one sample".into(),
        );
    }
    if e.is_empty() {
        let run = run_id(&bytes);
        for (test, s, unit) in &chosen {
            let r = NewResult {
                lot: id.clone(),
                test: test.clone(),
                value: s.mean,
                outcome: None,
                unit: unit.clone(),
                assay_run: Some(run.clone()),
                typed: None,
            };
            if let Err(err) = st.service.record_result(&a, now(), r).await {
                let msg = FieldErrors::from_service(&err)
                    .0
                    .into_values()
                    .next()
                    .unwrap_or_default();
                e.0.insert(s.field.clone(), msg);
            }
        }
        if e.is_empty() {
            return see_other(&format!("/lots/{}/qc#results", seg(&id)));
        }
    }
    plate_page(
        &st,
        &v,
        &id,
        name,
        &bytes,
        f,
        e,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Numbers for the plate template.
pub fn fmt(v: &Option<f64>) -> String {
    opt_num(v)
}

pub fn fmt1(v: &f64) -> String {
    num(*v)
}
