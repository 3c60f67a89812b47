//! Plate analysis: responses, standard curve, back-calculation, per-sample statistics, recovery,
//! LLOQ/ULOQ by ICH M10, and flags. Defaults reproduce SoftMax Pro (unweighted 4PL on the per-level
//! means of the unmasked standard wells, reference wavelength subtracted, zero standard included).

mod report;

pub use report::{json_lines, text_report};

use crate::curve::{self, CurveFit, Model, Weighting};
use crate::plate::{Group, Layout, Plate, Reading, Well};
use crate::stats;
use serde::Serialize;
use std::collections::BTreeMap;

/// Analysis settings.
#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    /// Curve model (default 4PL).
    pub model: Model,
    /// Weighting (default none).
    pub weighting: Weighting,
    /// Fit the per-level means (SoftMax default) instead of every standard well.
    pub fit_on_level_means: bool,
    /// Subtract the mean blank response from every response (default off, as SoftMax).
    pub subtract_blank: bool,
    /// %CV above which a sample's replicates are flagged (default 20).
    pub cv_limit_percent: f64,
    /// Calibrator acceptance: back-calculated within ± this % of nominal (default 20).
    pub recovery_limit_percent: f64,
    /// Same at the LLOQ and ULOQ (default 25).
    pub recovery_limit_edge_percent: f64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            model: Model::FourPl,
            weighting: Weighting::None,
            fit_on_level_means: true,
            subtract_blank: false,
            cv_limit_percent: 20.0,
            recovery_limit_percent: 20.0,
            recovery_limit_edge_percent: 25.0,
        }
    }
}

/// Well-level and sample-level flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Excluded by the analyst (masked in the export or the layout).
    Masked,
    /// Detector overflow: no response.
    Overflow,
    /// Reading is not a number: no response.
    NotNumeric,
    /// The curve never reaches this response: no back-calculated value.
    NoInverse,
    /// Back-calculated value above the ULOQ (or response beyond the top asymptote).
    AboveUloq,
    /// Back-calculated value below the LLOQ (or response beyond the bottom asymptote).
    BelowLloq,
    /// The sample's replicate %CV exceeds the limit.
    HighCv,
    /// The standard curve fails ICH M10 calibrator acceptance.
    CurveFailsAcceptance,
    /// No standard curve could be fitted.
    NoCurve,
    /// Read off a curve that did not converge or has a parameter the standards do not determine (the
    /// curve's `CurveFit::flags` say which; `CurveFlag::reason_ja`/`reason_en` say why in words).
    CurveNotDetermined,
}

impl Flag {
    /// snake_case name as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Flag::Masked => "masked",
            Flag::Overflow => "overflow",
            Flag::NotNumeric => "not_numeric",
            Flag::NoInverse => "no_inverse",
            Flag::AboveUloq => "above_uloq",
            Flag::BelowLloq => "below_lloq",
            Flag::HighCv => "high_cv",
            Flag::CurveFailsAcceptance => "curve_fails_acceptance",
            Flag::NoCurve => "no_curve",
            Flag::CurveNotDetermined => "curve_not_determined",
        }
    }
}

/// One calibrator level.
#[derive(Debug, Clone, Serialize)]
pub struct StandardLevel {
    /// Level name.
    pub sample: String,
    /// Nominal concentration.
    pub nominal: f64,
    /// Mean response of the unmasked wells.
    pub mean_response: f64,
    /// Unmasked wells with a response.
    pub n_wells: usize,
    /// Concentration read off the curve at the mean response.
    pub back_calculated: Option<f64>,
    /// `100 · back_calculated / nominal` (nominal > 0).
    pub recovery_percent: Option<f64>,
    /// Meets ICH M10 (±20 %, ±25 % at LLOQ/ULOQ); zero levels are not judged.
    pub passes: bool,
}

/// One well's result.
#[derive(Debug, Clone, Serialize)]
pub struct WellResult {
    /// Position.
    pub well: Well,
    /// Role.
    pub group: Group,
    /// Sample or level name (`None` without a layout).
    pub sample: Option<String>,
    /// Response after reference (and optional blank) subtraction.
    pub response: Option<f64>,
    /// Concentration read off the curve before dilution (`None` only where no inverse exists).
    pub interpolated: Option<f64>,
    /// Dilution factor.
    pub dilution: f64,
    /// `interpolated × dilution`.
    pub concentration: Option<f64>,
    /// Flags, sorted.
    pub flags: Vec<Flag>,
}

/// Replicate statistics of one sample (or control, or standard level).
#[derive(Debug, Clone, Serialize)]
pub struct SampleSummary {
    /// Sample name.
    pub sample: String,
    /// Role.
    pub group: Group,
    /// Replicates with a back-calculated value (unmasked).
    pub n: usize,
    /// Mean back-calculated concentration before dilution.
    pub mean_interpolated: Option<f64>,
    /// Mean concentration after dilution.
    pub mean: Option<f64>,
    /// SD after dilution.
    pub sd: Option<f64>,
    /// %CV.
    pub cv_percent: Option<f64>,
    /// Flags carried by any replicate, and `high_cv`.
    pub flags: Vec<Flag>,
}

/// The analysis of one plate.
#[derive(Debug, Clone, Serialize)]
pub struct PlateAnalysis {
    /// 1-based order in the file.
    pub plate: usize,
    /// Plate name.
    pub plate_name: String,
    /// Concentration unit.
    pub unit: Option<String>,
    /// Fitted curve.
    pub fit: Option<CurveFit>,
    /// Why no curve, if none.
    pub fit_error: Option<String>,
    /// Calibrator levels, ascending concentration.
    pub standards: Vec<StandardLevel>,
    /// Lower limit of quantification.
    pub lloq: Option<f64>,
    /// Upper limit of quantification.
    pub uloq: Option<f64>,
    /// ICH M10 calibrator acceptance.
    pub curve_accepted: bool,
    /// Per-well results, row-major.
    pub wells: Vec<WellResult>,
    /// Per-sample statistics, in first-appearance order.
    pub samples: Vec<SampleSummary>,
}

/// Analyse `plate` (1-based position `index`) using `layout` if given, else the plate's own layout.
pub fn analyse(
    plate: &Plate,
    index: usize,
    layout: Option<&Layout>,
    opts: &AnalysisOptions,
) -> PlateAnalysis {
    let layout = layout.or(plate.layout.as_ref());
    let mut out = PlateAnalysis {
        plate: index,
        plate_name: plate.name.clone(),
        unit: layout.and_then(|l| l.unit.clone()),
        fit: None,
        fit_error: None,
        standards: vec![],
        lloq: None,
        uloq: None,
        curve_accepted: false,
        wells: vec![],
        samples: vec![],
    };
    let Some(layout) = layout else {
        out.fit_error = Some("the plate has no layout: give one with --layout".into());
        for well in plate.wells() {
            let r = plate.response(well);
            if matches!(r, Err(Reading::Empty)) {
                continue;
            }
            let mut w = base_result(well, Group::Sample, None, 1.0, &r, 0.0);
            w.flags.push(Flag::NoCurve);
            out.wells.push(w);
        }
        return out;
    };
    let blank = if opts.subtract_blank {
        let v: Vec<f64> = layout
            .wells
            .iter()
            .filter(|(_, r)| r.group == Group::Blank && !r.masked)
            .filter_map(|(w, _)| plate.response(*w).ok())
            .collect();
        if v.is_empty() { 0.0 } else { stats::mean(&v) }
    } else {
        0.0
    };
    for (&well, role) in &layout.wells {
        let r = plate.response(well);
        let mut w = base_result(
            well,
            role.group,
            Some(role.sample.clone()),
            role.dilution,
            &r,
            blank,
        );
        if role.masked {
            w.flags.push(Flag::Masked);
        }
        out.wells.push(w);
    }
    // Standards: per-level means of unmasked wells.
    let mut levels: BTreeMap<String, (f64, Vec<f64>)> = BTreeMap::new();
    for (w, (_, role)) in out.wells.iter().zip(&layout.wells) {
        if let (Group::Standard, Some(conc), false, Some(resp)) =
            (role.group, role.concentration, role.masked, w.response)
        {
            levels
                .entry(role.sample.clone())
                .or_insert((conc, vec![]))
                .1
                .push(resp);
        }
    }
    let (mut xs, mut ys) = (vec![], vec![]);
    for (conc, resp) in levels.values() {
        if opts.fit_on_level_means {
            xs.push(*conc);
            ys.push(stats::mean(resp));
        } else {
            for r in resp {
                xs.push(*conc);
                ys.push(*r);
            }
        }
    }
    match curve::fit(opts.model, &xs, &ys, opts.weighting) {
        Ok(f) => out.fit = Some(f),
        Err(e) => out.fit_error = Some(e.to_string()),
    }
    out.standards = levels
        .into_iter()
        .map(|(sample, (nominal, resp))| {
            let mean_response = stats::mean(&resp);
            let back = out.fit.as_ref().and_then(|f| f.inverse(mean_response));
            StandardLevel {
                sample,
                nominal,
                mean_response,
                n_wells: resp.len(),
                back_calculated: back,
                recovery_percent: back.filter(|_| nominal > 0.0).map(|b| 100.0 * b / nominal),
                passes: false,
            }
        })
        .collect();
    out.standards
        .sort_by(|a, b| a.nominal.total_cmp(&b.nominal));
    judge_calibrators(&mut out, opts);
    interpolate_wells(&mut out);
    summarise(&mut out, opts);
    out
}

fn base_result(
    well: Well,
    group: Group,
    sample: Option<String>,
    dilution: f64,
    r: &Result<f64, Reading>,
    blank: f64,
) -> WellResult {
    let mut flags = vec![];
    let response = match r {
        Ok(v) => Some(v - blank),
        Err(Reading::Overflow) => {
            flags.push(Flag::Overflow);
            None
        }
        Err(Reading::Empty) => None,
        Err(_) => {
            flags.push(Flag::NotNumeric);
            None
        }
    };
    WellResult {
        well,
        group,
        sample,
        response,
        interpolated: None,
        dilution,
        concentration: None,
        flags,
    }
}

/// ICH M10: calibrators within ±20 % (±25 % at LLOQ and ULOQ); ≥ 75 % of the non-zero levels and
/// ≥ 6 levels must pass. LLOQ/ULOQ are the lowest/highest passing non-zero levels.
fn judge_calibrators(out: &mut PlateAnalysis, opts: &AnalysisOptions) {
    let nonzero: Vec<usize> = (0..out.standards.len())
        .filter(|&i| out.standards[i].nominal > 0.0)
        .collect();
    let err = |s: &StandardLevel| s.recovery_percent.map(|r| (r - 100.0).abs());
    let within = |s: &StandardLevel, lim: f64| err(s).is_some_and(|e| e <= lim);
    let lo = nonzero
        .iter()
        .copied()
        .find(|&i| within(&out.standards[i], opts.recovery_limit_edge_percent));
    let hi = nonzero
        .iter()
        .rev()
        .copied()
        .find(|&i| within(&out.standards[i], opts.recovery_limit_edge_percent));
    if let (Some(lo), Some(hi)) = (lo, hi) {
        for &i in &nonzero {
            let lim = if i == lo || i == hi {
                opts.recovery_limit_edge_percent
            } else {
                opts.recovery_limit_percent
            };
            out.standards[i].passes = i >= lo && i <= hi && within(&out.standards[i], lim);
        }
        out.lloq = Some(out.standards[lo].nominal);
        out.uloq = Some(out.standards[hi].nominal);
    }
    let passed = out.standards.iter().filter(|s| s.passes).count();
    out.curve_accepted = out.fit.as_ref().is_some_and(|f| f.converged)
        && passed >= 6
        && (passed as f64) >= 0.75 * nonzero.len() as f64;
}

fn interpolate_wells(out: &mut PlateAnalysis) {
    let fit = out.fit.clone();
    for w in &mut out.wells {
        let Some(f) = &fit else {
            w.flags.push(Flag::NoCurve);
            continue;
        };
        if !out.curve_accepted {
            w.flags.push(Flag::CurveFailsAcceptance);
        }
        if !f.flags.is_empty() || !f.converged {
            w.flags.push(Flag::CurveNotDetermined);
        }
        let Some(resp) = w.response else { continue };
        match f.inverse(resp) {
            Some(x) => {
                w.interpolated = Some(x);
                w.concentration = Some(x * w.dilution);
                if out.lloq.is_none_or(|l| x < l) {
                    w.flags.push(Flag::BelowLloq);
                }
                if out.uloq.is_none_or(|u| x > u) {
                    w.flags.push(Flag::AboveUloq);
                }
            }
            None => {
                w.flags.push(Flag::NoInverse);
                // Which asymptote was passed: `a` is the zero-dose response.
                let (a, d) = (f.params[0], f.params[3]);
                let beyond_zero_dose = (resp - a) * (d - a) <= 0.0;
                w.flags.push(if beyond_zero_dose {
                    Flag::BelowLloq
                } else {
                    Flag::AboveUloq
                });
            }
        }
    }
}

fn summarise(out: &mut PlateAnalysis, opts: &AnalysisOptions) {
    let mut order: Vec<(String, Group)> = vec![];
    for w in &out.wells {
        if let Some(s) = &w.sample
            && !order.iter().any(|(n, g)| n == s && *g == w.group)
        {
            order.push((s.clone(), w.group));
        }
    }
    for (name, group) in order {
        let reps: Vec<&WellResult> = out
            .wells
            .iter()
            .filter(|w| {
                w.group == group
                    && w.sample.as_deref() == Some(&name)
                    && !w.flags.contains(&Flag::Masked)
            })
            .collect();
        let interp: Vec<f64> = reps.iter().filter_map(|w| w.interpolated).collect();
        let conc: Vec<f64> = reps.iter().filter_map(|w| w.concentration).collect();
        let mut flags: Vec<Flag> = reps.iter().flat_map(|w| w.flags.iter().copied()).collect();
        let cv = (conc.len() >= 2).then(|| stats::cv_percent(&conc));
        if cv.is_some_and(|c| c > opts.cv_limit_percent) && group != Group::Standard {
            flags.push(Flag::HighCv);
            for w in out
                .wells
                .iter_mut()
                .filter(|w| w.group == group && w.sample.as_deref() == Some(&name))
            {
                w.flags.push(Flag::HighCv);
            }
        }
        flags.sort();
        flags.dedup();
        out.samples.push(SampleSummary {
            sample: name,
            group,
            n: conc.len(),
            mean_interpolated: (!interp.is_empty()).then(|| stats::mean(&interp)),
            mean: (!conc.is_empty()).then(|| stats::mean(&conc)),
            sd: (conc.len() >= 2).then(|| stats::sd(&conc)),
            cv_percent: cv,
            flags,
        });
    }
    for w in &mut out.wells {
        w.flags.sort();
        w.flags.dedup();
    }
    // Standards, blanks, controls, then samples; first appearance within a group.
    out.samples.sort_by_key(|s| s.group as u8);
}
