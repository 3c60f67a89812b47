//! From a target to a process: conditioning vessels from the volume needed, expansion stages worked
//! backwards from the cells needed, conditioning hours from the concentration target.

use crate::culture::{ConditioningSpec, DownstreamSpec, Outcome, ProcessSpec, StagePlan, simulate};
use crate::error::{PlanError, Said};
use crate::params::SourceParams;
use crate::plan::request::PlanRequest;

/// Most expansion stages the planner tries before declaring the cells unable to expand.
const MAX_STAGES: usize = 40;

/// The stages chosen for a request.
pub(crate) struct Layout {
    pub spec: ProcessSpec,
    pub passages: u32,
    pub surplus_start_cells: f64,
}

/// Cells to seed at each stage, worked back from the conditioning stage, for `k` expansion stages.
fn backward(req: &PlanRequest, params: &SourceParams, k: usize, cond_seed: f64) -> Vec<(u32, f64)> {
    let e = &req.expansion;
    let v = e.vessel.vessel();
    let s = e.seeding_density.unwrap_or(params.seeding_density.value);
    let per_vessel = e.passage_at_confluence
        * params.growth.confluence_density.value
        * v.area_cm2
        * e.passage_recovery;
    let mut out = vec![(0, 0.0); k];
    let mut need = cond_seed;
    for j in (0..k).rev() {
        let n = (need / per_vessel - 1e-9).ceil().max(1.0);
        let vessels = n.min(f64::from(u32::MAX)) as u32;
        need = f64::from(vessels) * v.area_cm2 * s;
        out[j] = (vessels, need);
    }
    out
}

/// Lay out the process for `req`: conditioning vessels, expansion stages and their sizes.
pub(crate) fn layout(
    req: &PlanRequest,
    params: &SourceParams,
    hours: f64,
) -> Result<Layout, PlanError> {
    let e = &req.expansion;
    let s = e.seeding_density.unwrap_or(params.seeding_density.value);
    let sigma = params.growth.confluence_density.value;
    let exp_vessel = e.vessel.vessel();
    let cond_vessel = req
        .conditioning
        .vessel
        .as_ref()
        .unwrap_or(&e.vessel)
        .vessel();
    let per_vessel_ml = req
        .conditioning
        .volume_ml_per_vessel
        .unwrap_or(cond_vessel.working_volume_ml);
    let d = &req.downstream;
    let product_ml = f64::from(req.target.vials) * req.target.vial_ml;
    let cond_ml = product_ml * d.concentration_factor / d.volume_recovery;
    let n_cond = (cond_ml / per_vessel_ml - 1e-9).ceil().max(1.0);
    if n_cond > f64::from(u32::MAX) {
        return Err(PlanError::Impossible {
            field: "target.vials".into(),
            reason: Said::new(
                format!("needs {n_cond:.3e} conditioning vessels"),
                format!("馴化培養容器が {n_cond:.3e} 個必要になります"),
            ),
        });
    }
    let n_cond = n_cond as u32;
    let cond_seed = f64::from(n_cond) * cond_vessel.area_cm2 * s;
    let fold = e.passage_at_confluence * sigma * e.passage_recovery / s;
    if fold <= 1.0 {
        return Err(PlanError::Impossible {
            field: "expansion.passage_at_confluence".into(),
            reason: Said::new(
                format!(
                    "passaging at {:.0} % of {sigma:.3e} cells/cm² with {:.0} % recovery gives fewer cells than \
                     seeding at {s} cells/cm²: the culture never expands",
                    e.passage_at_confluence * 100.0,
                    e.passage_recovery * 100.0
                ),
                format!(
                    "{sigma:.3e} 個/cm² の {:.0} % で継代し回収率 {:.0} % では、{s} 個/cm² の播種より細胞が減ります: 培養が拡大しません",
                    e.passage_at_confluence * 100.0,
                    e.passage_recovery * 100.0
                ),
            ),
        });
    }
    let max_passage = req
        .expansion
        .max_passage
        .unwrap_or(params.max_passage.value as u32);
    let start = &req.start_cells;
    let one_vessel = exp_vessel.area_cm2 * s;
    if start.cells < one_vessel && start.cells < cond_seed {
        return Err(PlanError::Impossible {
            field: "start_cells.cells".into(),
            reason: Said::new(
                format!(
                    "{} cells are fewer than one {} seeded at {s} cells/cm² needs ({one_vessel:.3e}); \
                     start in a smaller vessel or with more cells",
                    start.cells, exp_vessel.name
                ),
                format!(
                    "{} 個では {} 1 個に {s} 個/cm² で播種する細胞数 ({one_vessel:.3e}) に足りません: \
                     より小さい容器か、より多い細胞数で開始してください",
                    start.cells, exp_vessel.name
                ),
            ),
        });
    }
    let mut chosen = None;
    for k in 0..MAX_STAGES {
        let chain = backward(req, params, k, cond_seed);
        let first_need = chain.first().map_or(cond_seed, |c| c.1);
        if first_need <= start.cells * (1.0 + 1e-9) {
            chosen = Some((k, chain, first_need));
            break;
        }
    }
    let (k, chain, first_need) = chosen.ok_or_else(|| PlanError::Impossible {
        field: "start_cells.cells".into(),
        reason: Said::new(
            format!(
                "{} cells cannot be expanded to {cond_seed:.3e} within {MAX_STAGES} passages",
                start.cells
            ),
            format!(
                "{} 個から {MAX_STAGES} 回以内の継代では {cond_seed:.3e} 個まで増やせません",
                start.cells
            ),
        ),
    })?;
    let final_passage = start.passage + k as u32;
    if final_passage > max_passage {
        let allowed = max_passage.saturating_sub(start.passage) as usize;
        let chain = backward(req, params, allowed, cond_seed);
        let needed = chain.first().map_or(cond_seed, |c| c.1);
        return Err(PlanError::Impossible {
            field: "target.vials".into(),
            reason: Said::new(
                format!(
                    "{} vials need {k} passages from P{}, conditioning at P{final_passage} > maximum P{max_passage}; \
                     start with ≥ {needed:.3e} cells at P{} or plan fewer vials",
                    req.target.vials, start.passage, start.passage
                ),
                format!(
                    "{} 本には P{} から {k} 回の継代が必要で、馴化培養が P{final_passage} となり上限 P{max_passage} を超えます: \
                     P{} で {needed:.3e} 個以上から開始するか、本数を減らしてください",
                    req.target.vials, start.passage, start.passage
                ),
            ),
        });
    }
    let mut stages: Vec<StagePlan> = chain
        .iter()
        .map(|&(vessels, seeded)| StagePlan {
            vessel: exp_vessel.clone(),
            vessels,
            seeded_cells: Some(seeded),
            grow_to_confluence: e.passage_at_confluence,
        })
        .collect();
    stages.push(StagePlan {
        vessel: cond_vessel,
        vessels: n_cond,
        seeded_cells: Some(cond_seed),
        grow_to_confluence: req.conditioning.start_at_confluence,
    });
    Ok(Layout {
        spec: ProcessSpec {
            stages,
            start_passage: start.passage,
            passage_recovery: e.passage_recovery,
            feed_interval_h: e.feed_interval_h,
            conditioning: ConditioningSpec {
                hours,
                volume_ml_per_vessel: Some(per_vessel_ml),
            },
            downstream: DownstreamSpec {
                volume_recovery: d.volume_recovery,
                concentration_factor: d.concentration_factor,
                factor_recovery: d.factor_recovery,
                vial_ml: req.target.vial_ml,
                doses_per_vial: req.target.doses_per_vial,
                hours: d.hours,
            },
        },
        passages: k as u32,
        surplus_start_cells: start.cells - first_need,
    })
}

/// Simulate a laid-out process with `hours` of conditioning.
pub(crate) fn run(
    params: &SourceParams,
    layout: &Layout,
    hours: f64,
) -> Result<Outcome, PlanError> {
    let mut spec = layout.spec.clone();
    spec.conditioning.hours = hours;
    simulate(params, &spec)
}
