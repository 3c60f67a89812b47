//! A plan as readable text: schedule, vessels and medium, predictions, parameters and warnings.

use std::fmt::Write;

use super::Plan;

/// The plan as a plain-text report (what `secretome plan` prints).
pub fn render_text(plan: &Plan) -> String {
    let mut s = String::new();
    let r = &plan.request;
    let o = &plan.outcome;
    let _ = writeln!(
        s,
        "Production plan: {} vials × {} mL ({} source{})",
        r.target.vials,
        r.target.vial_ml,
        r.source,
        r.donor
            .as_deref()
            .map(|d| format!(", donor {d}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "Start {}  →  vials filled {}  (deadline {}; latest start {})",
        plan.start.strftime("%Y-%m-%d %H:%M"),
        plan.finish.strftime("%Y-%m-%d %H:%M"),
        r.deadline,
        plan.latest_start.strftime("%Y-%m-%d %H:%M")
    );
    let _ = writeln!(s, "\nSchedule");
    for st in &plan.steps {
        let _ = writeln!(
            s,
            "  {}  {:>6.0} h  {:<18} {}",
            st.at.strftime("%Y-%m-%d %H:%M"),
            st.hours,
            format!("{:?}", st.kind),
            st.description
        );
    }
    let _ = writeln!(s, "\nVessels and medium");
    for v in &plan.vessels {
        let _ = writeln!(s, "  {:>5} × {}", v.count, v.vessel);
    }
    let _ = writeln!(
        s,
        "  growth medium {:.2} L, serum-free conditioning medium {:.2} L",
        plan.growth_medium_l, plan.conditioning_medium_l
    );
    let _ = writeln!(
        s,
        "  harvest {:.0} mL → product {:.1} mL ({}× concentration) → {} vials, {} doses",
        o.harvest_volume_ml,
        o.product_volume_ml,
        r.downstream.concentration_factor,
        o.vials,
        o.doses
    );
    let _ = writeln!(
        s,
        "  {} passage(s), {:.1} population doublings, conditioning {} h",
        plan.passages, o.population_doublings, plan.conditioning_hours
    );
    if plan.surplus_start_cells > 0.0 {
        let _ = writeln!(
            s,
            "  {:.3e} start cells not needed (bank or discard)",
            plan.surplus_start_cells
        );
    }
    let _ = writeln!(
        s,
        "\nPredicted concentration in the product (95 % interval)"
    );
    for p in &plan.predictions {
        let target = p
            .min_required
            .map(|m| format!("  target ≥ {m}"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  {:<13} {:>10.3e} {:<13} [{:.3e} – {:.3e}]  rate {}{}",
            p.factor.name(),
            p.in_product,
            p.unit,
            p.lower95,
            p.upper95,
            p.rate_status,
            target
        );
    }
    let _ = writeln!(s, "\nParameters");
    for lp in &plan.parameters {
        let _ = writeln!(
            s,
            "  {:<32} {:>10.4e} {:<16} [{}] {}",
            lp.name, lp.param.value, lp.param.unit, lp.param.status, lp.param.source
        );
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(s, "\nWarnings");
        for w in &plan.warnings {
            let _ = writeln!(s, "  ! {w}");
        }
    }
    s
}
