//! The release tests of DESIGN.md §4 as a facility starts its specification: safety tests with the
//! limits seen in practice (planner-defaults.md, "Release tests seen in practice": sterility no
//! growth, endotoxin < 0.5 EU/mL by gel clot, mycoplasma negative, residual cells not detected,
//! appearance) and content tests. Growth-factor content has no published acceptance limits, so those
//! tests are report-only (characterisation) until a facility sets limits.

use crate::{
    DomainError,
    ids::TestCode,
    qc::spec::{Acceptance, TestSpec},
};

fn test(
    code: &str,
    name: &str,
    name_ja: &str,
    method: &str,
    unit: Option<&str>,
    acceptance: Acceptance,
) -> Result<TestSpec, DomainError> {
    Ok(TestSpec {
        code: TestCode::new(code)?,
        name: name.to_string(),
        name_ja: name_ja.to_string(),
        method: method.to_string(),
        unit: unit.map(str::to_string),
        acceptance,
    })
}

/// Safety tests (安全性試験).
pub fn safety_tests() -> Result<Vec<TestSpec>, DomainError> {
    Ok(vec![
        test(
            "sterility",
            "Sterility",
            "無菌試験",
            "JP 4.06 membrane filtration, 14 d",
            None,
            Acceptance::pass_fail("negative"),
        )?,
        test(
            "endotoxin",
            "Endotoxin",
            "エンドトキシン試験",
            "JP 4.01 LAL gel clot",
            Some("EU/mL"),
            Acceptance::below(0.5),
        )?,
        test(
            "mycoplasma",
            "Mycoplasma",
            "マイコプラズマ否定試験",
            "JP G3 NAT (qPCR)",
            None,
            Acceptance::pass_fail("negative"),
        )?,
        test(
            "residual_cells",
            "Residual cells",
            "残存細胞",
            "microscopy after centrifugation",
            None,
            Acceptance::pass_fail("not detected"),
        )?,
        test(
            "appearance",
            "Appearance",
            "性状",
            "visual inspection: clear, colourless to pale yellow, no particles",
            None,
            Acceptance::pass_fail("conforms"),
        )?,
    ])
}

/// The source article's factors by ELISA (pg/mL, report only), total protein by BCA (µg/mL, report only).
pub fn content_tests() -> Result<Vec<TestSpec>, DomainError> {
    let factors = [
        ("egf", "EGF", "上皮成長因子 (EGF)"),
        ("fgf2", "FGF2", "線維芽細胞成長因子 (FGF2)"),
        ("vegf", "VEGF", "血管内皮成長因子 (VEGF)"),
        ("tgf_b1", "TGF-β1", "トランスフォーミング成長因子 (TGF-β1)"),
        ("bdnf", "BDNF", "脳由来神経栄養因子 (BDNF)"),
        ("hgf", "HGF", "肝細胞増殖因子 (HGF)"),
        ("pdgf_bb", "PDGF-BB", "血小板由来成長因子 (PDGF-BB)"),
        ("il10", "IL-10", "インターロイキン10 (IL-10)"),
    ];
    let mut out = Vec::with_capacity(factors.len() + 1);
    for (code, name, name_ja) in factors {
        out.push(test(
            code,
            name,
            name_ja,
            "ELISA (4PL standard curve)",
            Some("pg/mL"),
            Acceptance::ReportOnly,
        )?);
    }
    out.push(test(
        "total_protein",
        "Total protein",
        "総タンパク質",
        "BCA assay",
        Some("µg/mL"),
        Acceptance::ReportOnly,
    )?);
    Ok(out)
}

/// Extracellular-vesicle particles by NTA with a lower limit, `≥ min` particles/mL.
pub fn ev_particles(min: f64) -> Result<TestSpec, DomainError> {
    test(
        "ev_particles",
        "Extracellular-vesicle particles",
        "細胞外小胞 粒子数",
        "NTA (nanoparticle tracking analysis)",
        Some("particles/mL"),
        Acceptance::range(Some(min), None),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{UtcTime, ids::ProductCode, qc::spec::Specification};

    #[test]
    fn the_catalogue_makes_a_valid_specification() {
        let mut tests = safety_tests().unwrap();
        tests.extend(content_tests().unwrap());
        tests.push(ev_particles(1.0e9).unwrap());
        let s = Specification::draft(
            ProductCode::new("MSC-CM-01").unwrap(),
            1,
            tests,
            UtcTime::parse("t", "2026-01-01T00:00:00Z").unwrap(),
        )
        .unwrap();
        assert_eq!(s.tests.len(), 15);
        assert_eq!(s.test("endotoxin").unwrap().criterion(), "< 0.5 EU/mL");
        assert_eq!(s.test("egf").unwrap().criterion_ja(), "報告のみ");
        assert_eq!(
            s.test("ev_particles").unwrap().criterion(),
            "≥ 1000000000 particles/mL"
        );
    }
}
