//! Plate runs as records (issue 12 item 3): `analyse_plate` imports a plate-reader export (with the
//! layout given when the export carries none) and analyses it through `secretome-assay`;
//! `accept_plate` is the one use case that keeps the raw file (content-addressed by its SHA-256),
//! the run with its layout, fits and acceptance, and every adopted sample mean as the lot's result —
//! in one transaction, every refusal at once. The kept file can be fetched back and re-analysed.

use crate::{Service, ServiceError, ctx};
use base64::{Engine, engine::general_purpose::STANDARD};
use secretome_assay::{
    analysis::{self, AnalysisOptions, PlateAnalysis},
    import::{self, layout},
    plate::Layout,
};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    lot::Lot,
    qc::{
        ResultSource, Specification, TestResult,
        plate::{Adoption, FILE_MAX, LayoutSource, PlateFile, PlateFit, PlateRun},
        result::{ResultEntry, is_numeric},
    },
};
use sha2::{Digest, Sha256};

/// The layout given with an export that carries none.
#[derive(Debug, Clone)]
pub struct LayoutInput {
    /// `File` (an uploaded TOML/CSV layout) or `Grid` (the CSV the plate-grid form produced).
    pub source: LayoutSource,
    pub name: String,
    pub text: String,
}

/// A plate export as uploaded, with its layout if the export has none.
#[derive(Debug, Clone)]
pub struct PlateUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub layout: Option<LayoutInput>,
}

/// One sample group of the plate chosen as the lot's result for `test`.
#[derive(Debug, Clone)]
pub struct Adopt {
    /// 1-based plate in the file.
    pub plate: usize,
    pub sample: String,
    pub test: String,
    /// Why a flagged value is adopted all the same.
    pub reason: Option<String>,
}

/// An export analysed: its format, each plate's analysis, and whether a layout was available.
#[derive(Debug, Clone)]
pub struct Analysed {
    pub format: String,
    pub plates: Vec<PlateAnalysis>,
    /// False when neither the export nor the upload gave a layout: nothing can be fitted.
    pub has_layout: bool,
    /// Plate rows × columns of the first plate (for the layout grid).
    pub rows: u16,
    pub cols: u16,
}

/// Why an export without a layout cannot be analysed, and what to do.
pub const NO_LAYOUT: &str =
    "the export carries no layout: upload a layout file or assign the wells on the grid";

/// The SHA-256 of `bytes`, hex.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The run's identifier: the file's digest, and the layout's when one was given, so a result names
/// exactly the file and layout it came from.
pub fn run_id(bytes: &[u8], layout: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(bytes);
    if let Some(l) = layout {
        h.update(b"\nlayout\n");
        h.update(l.as_bytes());
    }
    format!("PLATE-{}", &hex::encode(h.finalize())[..16])
}

/// Imports and analyses an export (pure: nothing is read or written). Refusals name `plate` (the
/// file) or `layout`, with file, line and column.
pub fn analyse_plate(up: &PlateUpload) -> Result<Analysed, ServiceError> {
    if up.bytes.is_empty() {
        return Err(DomainError::invalid(
            "plate",
            secretome_domain::Why::said(
                "choose a plate-reader export file",
                "プレートリーダーのエクスポートファイルを選んでください",
            ),
        )
        .into());
    }
    if up.bytes.len() > FILE_MAX {
        return Err(DomainError::invalid(
            "plate",
            secretome_domain::Why::said(
                format!("the file is larger than {} KiB", FILE_MAX / 1024),
                format!("ファイルが大きすぎます ({} KiB まで)", FILE_MAX / 1024),
            ),
        )
        .into());
    }
    let imported = import::import(&up.file_name, &up.bytes)
        .map_err(|e| DomainError::invalid("plate", import_why(e)))?;
    let given: Option<Layout> = match &up.layout {
        Some(l) => Some(
            layout::parse(&l.name, l.text.as_bytes())
                .map_err(|e| DomainError::invalid("layout", import_why(e)))?,
        ),
        None => None,
    };
    let opts = AnalysisOptions::default();
    let format = serde_json::to_value(imported.format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let has_layout = given.is_some() || imported.plates.iter().all(|p| p.layout.is_some());
    let (rows, cols) = imported
        .plates
        .first()
        .map_or((8, 12), |p| (p.rows, p.cols));
    let plates = imported
        .plates
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut a = analysis::analyse(p, i + 1, given.as_ref(), &opts);
            if given.is_none() && p.layout.is_none() {
                a.fit_error = Some(NO_LAYOUT.into());
            }
            a
        })
        .collect();
    Ok(Analysed {
        format,
        plates,
        has_layout,
        rows,
        cols,
    })
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

fn fits(a: &Analysed) -> Vec<PlateFit> {
    a.plates
        .iter()
        .map(|p| PlateFit {
            plate: p.plate,
            plate_name: p.plate_name.clone(),
            model: p.fit.as_ref().map(|f| f.model.name().to_uppercase()),
            params: p
                .fit
                .as_ref()
                .map(|f| f.params.iter().map(|v| finite(Some(*v))).collect())
                .unwrap_or_default(),
            r_squared: finite(p.fit.as_ref().map(|f| f.r_squared)),
            lloq: finite(p.lloq),
            uloq: finite(p.uloq),
            accepted: p.curve_accepted,
            fit_error: p.fit_error.clone(),
        })
        .collect()
}

/// All refusals at once, as one refusal naming every field (`a, b` with `Why::Fields`).
pub(crate) fn refuse_all(errors: Vec<DomainError>) -> ServiceError {
    if errors.len() == 1 {
        return errors
            .into_iter()
            .next()
            .map(ServiceError::from)
            .unwrap_or_else(|| ServiceError::Internal("no refusal".into()));
    }
    let all: Vec<(String, secretome_domain::Why)> = errors
        .into_iter()
        .map(|e| match e {
            DomainError::Invalid { field, message } => (field, message),
            other => (String::new(), other.into_why()),
        })
        .collect();
    let fields = all
        .iter()
        .map(|(f, _)| f.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    DomainError::invalid(fields, secretome_domain::Why::Fields(all)).into()
}

impl Service {
    /// Accepts a plate run for `lot`: the raw file (kept once per digest), the run (layout, fits,
    /// adopted samples) and one result per adopted sample, in one transaction. Only sample groups,
    /// each for a numeric test of the lot's specification still without a result; a flagged group
    /// needs a reason. Every refusal at once; nothing is written on refusal. Role: qc.
    pub async fn accept_plate(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        up: PlateUpload,
        adopt: Vec<Adopt>,
    ) -> Result<PlateRun, ServiceError> {
        actor.require_to(Capability::TestQuality, "accept a plate run")?;
        let analysed = analyse_plate(&up)?;
        if !analysed.has_layout {
            return Err(DomainError::invalid(
                "layout",
                secretome_domain::Why::said(NO_LAYOUT, "レイアウトがありません: レイアウトファイルをアップロードするかウェルを割り当ててください"),
            ).into());
        }
        let mut errors = Vec::new();
        let mut adoptions = Vec::with_capacity(adopt.len());
        for (i, a) in adopt.iter().enumerate() {
            let found = analysed
                .plates
                .iter()
                .find(|p| p.plate == a.plate)
                .and_then(|p| {
                    p.samples
                        .iter()
                        .find(|s| s.sample == a.sample)
                        .map(|s| (p, s))
                });
            let Some((p, s)) = found else {
                errors.push(DomainError::invalid(
                    format!("adopt[{i}]"),
                    secretome_domain::Why::said(
                        format!("plate {} has no sample {:?}", a.plate, a.sample),
                        format!("プレート {} に検体 {:?} がありません", a.plate, a.sample),
                    ),
                ));
                continue;
            };
            adoptions.push(Adoption {
                plate: a.plate,
                sample: s.sample.clone(),
                group: s.group.name().to_string(),
                test: a.test.clone(),
                value: finite(s.mean),
                unit: p.unit.clone(),
                n: s.n,
                cv_percent: finite(s.cv_percent),
                flags: s.flags.iter().map(|f| f.name().to_string()).collect(),
                reason: a.reason.clone(),
            });
        }
        let bytes_digest = digest(&up.bytes);
        let file = PlateFile {
            id: bytes_digest.clone(),
            name: secretome_domain::quantity::text("file_name", &up.file_name)?,
            size: i64::try_from(up.bytes.len()).unwrap_or(i64::MAX),
            content: STANDARD.encode(&up.bytes),
            stored_at: now,
            stored_by: actor.user.clone(),
        };
        let (source, layout_text) = match &up.layout {
            Some(l) => (l.source, Some(l.text.clone())),
            None => (LayoutSource::Embedded, None),
        };
        let id = run_id(&up.bytes, layout_text.as_deref());

        let mut tx = self.store.begin().await?;
        let l = tx.must_load::<Lot>(lot).await?;
        let spec = match &l.specification {
            Some(s) => Some(tx.must_load::<Specification>(s).await?),
            None => None,
        };
        for (i, a) in adoptions.iter().enumerate() {
            let field = format!("adopt[{i}]");
            match spec.as_ref().and_then(|s| s.test(&a.test)) {
                None => errors.push(DomainError::invalid(
                    field,
                    secretome_domain::Why::said(
                        format!("test {} is not in the lot's specification", a.test),
                        format!("試験 {} はロットの規格にありません", a.test),
                    ),
                )),
                Some(t) if !is_numeric(t) => errors.push(DomainError::invalid(
                    field,
                    secretome_domain::Why::said(
                        format!("test {} does not take a number", a.test),
                        format!("この試験は数値を取りません ({})", a.test),
                    ),
                )),
                Some(_) => {
                    if tx
                        .load::<TestResult>(&format!("{}/{}", l.id, a.test))
                        .await?
                        .is_some()
                    {
                        errors.push(DomainError::invalid(
                            field, secretome_domain::Why::said(format!("test {} already has a result: record a retest instead", a.test), format!("この試験には既に結果があります (再試験として記録してください): {}", a.test)),
                        ));
                    }
                }
            }
        }
        if tx.load::<PlateRun>(&id).await?.is_some() {
            errors.push(DomainError::invalid(
                "plate",
                secretome_domain::Why::said(
                    format!("this file and layout were already accepted as run {id}"),
                    format!("このファイルとレイアウトは受入れ済みです (測定 {id})"),
                ),
            ));
        }
        let run = PlateRun::accept(
            id.clone(),
            l.id.clone(),
            &file,
            &analysed.format,
            source,
            layout_text,
            fits(&analysed),
            adoptions,
            &actor.user,
            now,
        );
        let run = match run {
            Ok(run) if errors.is_empty() => run,
            Ok(_) => return Err(refuse_all(errors)),
            Err(mut more) => {
                more.extend(errors);
                return Err(refuse_all(more));
            }
        };
        let spec = spec.ok_or_else(|| {
            DomainError::Rule(secretome_domain::Rule::LotWithoutSpecification {
                lot: l.id.to_string(),
            })
        })?;
        if tx.load::<PlateFile>(&file.id).await?.is_none() {
            tx.insert_record(&file, &ctx(actor, now, "plate_file.store", None))
                .await?;
        }
        tx.insert_record(&run, &ctx(actor, now, "plate_run.accept", None))
            .await?;
        for a in &run.adopted {
            let entry = ResultEntry {
                test: a.test.clone(),
                value: a.value,
                censor: None,
                outcome: None,
                unit: a.unit.clone(),
                source: ResultSource::AssayRun {
                    assay_run: id.clone(),
                },
            };
            let result = TestResult::record(&l, &spec, entry, &actor.user, now)?;
            tx.insert_record(
                &result,
                &ctx(actor, now, "test_result.record", a.reason.as_deref()),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(run)
    }

    /// A plate run. Role: qc or qa.
    pub async fn plate_run(&self, actor: &Actor, id: &str) -> Result<PlateRun, ServiceError> {
        reader(actor)?;
        self.store
            .fetch::<PlateRun>(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "plate run",
                id: id.to_string(),
            })
    }

    /// The runs accepted for a lot, oldest first. Role: qc or qa.
    pub async fn plate_runs(
        &self,
        actor: &Actor,
        lot: &str,
    ) -> Result<Vec<PlateRun>, ServiceError> {
        reader(actor)?;
        let mut runs = self.store.list::<PlateRun>(Some(("lot", lot))).await?;
        runs.sort_by_key(|r| r.accepted_at);
        Ok(runs)
    }

    /// The raw file a run was analysed from: (name, bytes), checked against its digest. Role: qc or qa.
    pub async fn plate_file(
        &self,
        actor: &Actor,
        digest_hex: &str,
    ) -> Result<(String, Vec<u8>), ServiceError> {
        reader(actor)?;
        let f = self
            .store
            .fetch::<PlateFile>(digest_hex)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "plate file",
                id: digest_hex.to_string(),
            })?;
        let bytes = STANDARD
            .decode(f.content.as_bytes())
            .map_err(|e| ServiceError::Internal(format!("plate file {}: {e}", f.id)))?;
        if digest(&bytes) != f.id {
            return Err(ServiceError::Internal(format!(
                "plate file {} does not match its digest",
                f.id
            )));
        }
        Ok((f.name, bytes))
    }

    /// Re-analyses a run from its kept file and layout (the analysis as it would be made today).
    /// Role: qc or qa.
    pub async fn reanalyse_plate_run(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(PlateRun, Analysed), ServiceError> {
        let run = self.plate_run(actor, id).await?;
        let (name, bytes) = self.plate_file(actor, &run.file).await?;
        let up = PlateUpload {
            file_name: name,
            bytes,
            layout: run.layout.clone().map(|text| LayoutInput {
                source: run.layout_source,
                name: "layout".into(),
                text,
            }),
        };
        let a = analyse_plate(&up)?;
        Ok((run, a))
    }
}

fn reader(actor: &Actor) -> Result<(), DomainError> {
    actor.require_to(Capability::ReadPlateRuns, "read plate runs")
}

/// A plate reader's or layout's import error, its file, line and column kept as data, and what
/// is wrong there in both languages (the importer says it in each).
fn import_why(e: secretome_assay::import::ImportError) -> secretome_domain::Why {
    use secretome_domain::Why;
    let at = Why::said(
        format!("column {}: {}", e.column, e.message),
        format!("{} 列目: {}", e.column, e.message_ja),
    );
    Why::File {
        file: e.file,
        problems: vec![Why::line(e.line as u64, at)],
    }
}
