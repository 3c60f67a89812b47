//! A plate run (プレート測定) as a record (issue 12 item 3): the raw export kept by its SHA-256
//! (`PlateFile`), and the run that names it with the layout used, each plate's fit and its
//! acceptance, and the sample means adopted as the lot's results (`PlateRun`).
//!
//! The rules of adoption live here: only a **sample** well group can become a lot's result (never a
//! standard, blank or control); a group without a reportable value (no curve, no inverse, outside
//! the limits of quantification) cannot be adopted at all; a group or curve the assay flagged
//! otherwise (curve parameters not determined, calibrators failing acceptance, high replicate %CV)
//! is adopted only with a recorded reason; a test takes at most one sample of a run.

use crate::{
    DomainError, UtcTime,
    ids::{LotNumber, UserName},
};
use serde::{Deserialize, Serialize};

/// Flags that leave a sample group without a reportable value: never adopted.
pub const NO_VALUE: [&str; 4] = ["no_curve", "no_inverse", "above_uloq", "below_lloq"];

/// Flags that need a recorded reason before the value is adopted.
pub const NEEDS_REASON: [&str; 4] = [
    "curve_not_determined",
    "curve_fails_acceptance",
    "high_cv",
    "masked",
];

/// Longest reason kept with an adoption (characters).
pub const REASON_MAX: usize = 500;

/// Largest raw plate file kept (bytes).
pub const FILE_MAX: usize = 400 * 1024;

/// A raw plate-reader export, kept as it was uploaded. `id` is the SHA-256 of the bytes (hex), so
/// the same file is stored once and a run names exactly the bytes it was analysed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlateFile {
    pub id: String,
    pub name: String,
    pub size: i64,
    /// The bytes, base64 (standard alphabet, padded).
    pub content: String,
    pub stored_at: UtcTime,
    pub stored_by: UserName,
}

/// Where the layout of a run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LayoutSource {
    /// The export carried its own layout.
    Embedded,
    /// An uploaded layout file (TOML or CSV).
    File,
    /// Wells assigned on the plate grid of the web page (kept as the CSV it produced).
    Grid,
}

/// One plate's standard curve as the run was judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlateFit {
    /// 1-based order in the file.
    pub plate: usize,
    pub plate_name: String,
    /// `4PL`, `5PL`… (`None` when no curve could be fitted).
    pub model: Option<String>,
    /// The curve's parameters (`None` where not a finite number).
    pub params: Vec<Option<f64>>,
    pub r_squared: Option<f64>,
    pub lloq: Option<f64>,
    pub uloq: Option<f64>,
    /// ICH M10 calibrator acceptance.
    pub accepted: bool,
    /// Why there is no curve, if none.
    pub fit_error: Option<String>,
}

/// A sample group of the plate proposed as a lot's result for `test`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Adoption {
    pub plate: usize,
    /// The sample name in the layout.
    pub sample: String,
    /// Its group in the layout: `standard`, `blank`, `control` or `sample`.
    pub group: String,
    pub test: String,
    /// Mean concentration after dilution.
    pub value: Option<f64>,
    pub unit: Option<String>,
    /// Replicates with a value, and their %CV.
    pub n: usize,
    pub cv_percent: Option<f64>,
    /// The assay's flags on the group (snake_case names).
    pub flags: Vec<String>,
    /// Why a flagged value is adopted all the same.
    pub reason: Option<String>,
}

impl Adoption {
    /// Checks this adoption; `field` names the form field it came from.
    pub fn check(&self, field: &str) -> Result<(), DomainError> {
        if self.group != "sample" {
            return Err(DomainError::invalid(
                field,
                crate::Why::said(
                    format!(
                        "{} is a {} well group: only sample wells can be adopted as the lot's result",
                        self.sample, self.group
                    ),
                    format!(
                        "検体ウェルのみ採用できます (標準・管理試料は不可): {} ({})",
                        self.sample, self.group
                    ),
                ),
            ));
        }
        let blocking: Vec<&str> = self
            .flags
            .iter()
            .map(String::as_str)
            .filter(|f| NO_VALUE.contains(f))
            .collect();
        if !blocking.is_empty() || !self.value.is_some_and(f64::is_finite) {
            return Err(DomainError::invalid(
                field,
                crate::Why::said(
                    format!(
                        "{} has no reportable value (flags: {})",
                        self.sample,
                        blocking.join(", ")
                    ),
                    format!(
                        "報告可能な値がありません: {} ({})",
                        self.sample,
                        blocking.join(", ")
                    ),
                ),
            ));
        }
        let reason = self.reason.as_deref().map(str::trim).unwrap_or("");
        if reason.chars().count() > REASON_MAX {
            return Err(DomainError::invalid(
                format!("{field}.reason"),
                crate::Why::TooLong(REASON_MAX),
            ));
        }
        let flagged: Vec<&str> = self
            .flags
            .iter()
            .map(String::as_str)
            .filter(|f| NEEDS_REASON.contains(f))
            .collect();
        if !flagged.is_empty() && reason.is_empty() {
            return Err(DomainError::invalid(
                format!("{field}.reason"),
                crate::Why::said(
                    format!(
                        "{} is flagged by the assay ({}): give the reason it is adopted",
                        self.sample,
                        flagged.join(", ")
                    ),
                    format!(
                        "アッセイのフラグがあるため採用理由が必要です: {} ({})",
                        self.sample,
                        flagged.join(", ")
                    ),
                ),
            ));
        }
        Ok(())
    }
}

/// A plate run accepted for a lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlateRun {
    /// `PLATE-<16 hex>` of the file and layout: the `assay_run` its results name.
    pub id: String,
    pub lot: LotNumber,
    /// The raw file (`PlateFile::id`).
    pub file: String,
    pub file_name: String,
    /// The export format the importer recognised.
    pub format: String,
    pub layout_source: LayoutSource,
    /// The layout text used when the export had none (TOML or CSV).
    pub layout: Option<String>,
    pub fits: Vec<PlateFit>,
    pub adopted: Vec<Adoption>,
    pub accepted_at: UtcTime,
    pub accepted_by: UserName,
}

impl PlateRun {
    /// Builds a run, checking every adoption; all refusals at once (`adopt[i]` fields), as
    /// `DomainError::Invalid` of the first and the rest in `errors`.
    #[allow(clippy::too_many_arguments)]
    pub fn accept(
        id: String,
        lot: LotNumber,
        file: &PlateFile,
        format: &str,
        layout_source: LayoutSource,
        layout: Option<String>,
        fits: Vec<PlateFit>,
        adopted: Vec<Adoption>,
        by: &UserName,
        now: UtcTime,
    ) -> Result<PlateRun, Vec<DomainError>> {
        let mut errors = Vec::new();
        if adopted.is_empty() {
            errors.push(DomainError::invalid(
                "adopt",
                crate::Why::said(
                    "choose a test for at least one sample",
                    "少なくとも1つの検体に試験項目を選んでください",
                ),
            ));
        }
        for (i, a) in adopted.iter().enumerate() {
            let field = format!("adopt[{i}]");
            if let Err(e) = a.check(&field) {
                errors.push(e);
            } else if adopted[..i].iter().any(|b| b.test == a.test) {
                errors.push(DomainError::invalid(
                    field,
                    crate::Why::said(
                        format!("test {} is chosen for two samples", a.test),
                        format!("同じ試験項目が2つの検体に選ばれています ({})", a.test),
                    ),
                ));
            }
        }
        if layout_source != LayoutSource::Embedded && layout.as_deref().is_none_or(str::is_empty) {
            errors.push(DomainError::invalid(
                "layout", crate::Why::said("the export carries no layout: upload a layout file or assign the wells", "レイアウトがありません: レイアウトファイルをアップロードするかウェルを割り当ててください"),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PlateRun {
            id,
            lot,
            file: file.id.clone(),
            file_name: file.name.clone(),
            format: format.to_string(),
            layout_source,
            layout,
            fits,
            adopted: adopted
                .into_iter()
                .map(|mut a| {
                    a.reason = a
                        .reason
                        .map(|r| r.trim().to_string())
                        .filter(|r| !r.is_empty());
                    a
                })
                .collect(),
            accepted_at: now,
            accepted_by: by.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adoption(group: &str, flags: &[&str], reason: Option<&str>) -> Adoption {
        Adoption {
            plate: 1,
            sample: "S1".into(),
            group: group.into(),
            test: "VEGF".into(),
            value: Some(120.0),
            unit: Some("pg/mL".into()),
            n: 2,
            cv_percent: Some(3.0),
            flags: flags.iter().map(|f| f.to_string()).collect(),
            reason: reason.map(str::to_string),
        }
    }

    #[test]
    fn only_sample_groups_are_adopted() {
        assert!(adoption("sample", &[], None).check("a").is_ok());
        for g in ["control", "standard", "blank"] {
            let e = adoption(g, &[], None).check("a").unwrap_err().to_string();
            assert!(e.contains("only sample wells"), "{e}");
        }
    }

    #[test]
    fn flagged_groups_need_a_reason_and_unreportable_ones_are_refused() {
        let e = adoption("sample", &["curve_not_determined"], None)
            .check("a")
            .unwrap_err();
        assert!(e.to_string().starts_with("a.reason:"), "{e}");
        assert!(
            adoption(
                "sample",
                &["curve_not_determined"],
                Some("bottom fixed by SOP")
            )
            .check("a")
            .is_ok()
        );
        assert!(
            adoption("sample", &["above_uloq"], Some("anyway"))
                .check("a")
                .is_err()
        );
    }
}
