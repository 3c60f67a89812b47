//! Literature defaults per cell source, each value with its citation and a literature/unverified flag
//! (transcribed from `shared/data/planner-defaults.md`; replaced by calibration from finished batches).

use std::collections::BTreeMap;

use crate::factor::{FACTORS, Factor};
use crate::params::{
    CellSource, GrowthParams, Provenance, SecretionParams, SourceParams, param, published_range_sd,
};

use Provenance::{Literature, Unverified};

const COMPILATION: &str = "BioMed Res Int 2013:901821, Table 3 (compilation)";
const HARVEST_DENSITY: &str = "de Almeida Fuzeta et al., Front Cell Dev Biol 2020;8:553444: static harvest \
     density 0.7–3.8 × 10⁴ cells/cm² (BM, AT, UC, serum-free); upper end taken as confluence";
const SEEDING: &str =
    "Regen Med 2019;14:279; Fossett & Khan, Stem Cells Int 2012:465259 (1,000 cells/cm²)";
const PER_CELL_PRIOR: &str = "per-cell secretion prior, 10⁶ cells · 24 h, normoxia (unverified): replace \
     with in-house ELISA";

/// ln 2.
const LN2: f64 = std::f64::consts::LN_2;

/// ng per 10⁶ cells per 24 h → pg per cell per h.
fn ng_per_million_day(ng: f64) -> f64 {
    ng * 1000.0 / 1.0e6 / 24.0
}

fn growth(source: CellSource) -> GrowthParams {
    let (td, td_sd, td_src) = match source {
        CellSource::BoneMarrow => (
            61.2,
            published_range_sd(17.0, 61.2),
            format!("{COMPILATION}; Higuera et al., Tissue Eng A 2009 report 17–32 h"),
        ),
        CellSource::Adipose => (
            45.2,
            published_range_sd(21.0, 45.2),
            format!(
                "{COMPILATION}; ≈ 21 h serum-free (bioreactor methods chapter, partly unverified)"
            ),
        ),
        CellSource::UmbilicalCord => (
            31.9,
            6.8 / 31.9,
            "Christodoulou et al., Stem Cells Int 2013:246134, Table 2: 31.9 ± 6.8 h (P1–10)"
                .to_owned(),
        ),
    };
    GrowthParams {
        doubling_time_h: param(td, "h", Literature, &td_src, td_sd),
        lag_h: param(
            24.0,
            "h",
            Unverified,
            "no published figure; Higuera et al., Tissue Eng A 2009: longer lag at low seeding density",
            0.5,
        ),
        confluence_density: param(
            4.0e4,
            "cells/cm²",
            Literature,
            HARVEST_DENSITY,
            published_range_sd(0.7, 3.8),
        ),
        covariance: None,
        count_sd: param(
            0.15,
            "ln units",
            Unverified,
            "assumed: cell counting CV ≈ 10 % plus flask-to-flask scatter",
            0.3,
        ),
    }
}

fn secretion(factor: Factor) -> SecretionParams {
    // Rates: geometric mean of the published prior range (ng per 10⁶ cells per 24 h).
    let (low, high): (f64, f64) = match factor {
        Factor::Vegf | Factor::TgfB1 => (0.5, 5.0),
        Factor::Hgf => (0.5, 10.0),
        // "usually < 0.5 ng": read as 0.02–0.5.
        Factor::Egf | Factor::Fgf2 | Factor::PdgfBb | Factor::Bdnf | Factor::Il10 => (0.02, 0.5),
        Factor::EvParticles => (0.0, 0.0),
    };
    let rate = if factor == Factor::EvParticles {
        // 1.4–6.0 × 10⁹ /mL from a 10-layer factory (UC) read back through C = q N T / V with an
        // assumed 2 × 10⁴ cells/cm², 0.2 mL/cm² and 48 h: q ≈ 625 particles/cell/h.
        param(
            625.0,
            Factor::EvParticles.rate_unit(),
            Unverified,
            "derived from Cell Biosci 2022;12:51, Table 3 (1.4–6.0 × 10⁹ /mL, 10-layer factory, UC) \
             assuming 2 × 10⁴ cells/cm², 0.2 mL/cm², 48 h",
            published_range_sd(1.4, 6.0).max(0.5),
        )
    } else {
        param(
            ng_per_million_day((low * high).sqrt()),
            factor.rate_unit(),
            Unverified,
            &format!("{PER_CELL_PRIOR}: {} {low}–{high} ng", factor.name()),
            published_range_sd(low, high),
        )
    };
    let degradation = match factor {
        Factor::Vegf => param(
            LN2 / 1.5,
            "1/h",
            Literature,
            "VEGF165 t½ ≈ 90 min at 37 °C (flow model): Kleinheinz, Head Face Med 2010;6:17; \
             Meneghello, Biotechnol Lett 2015;37:725. Static conditioned medium may retain VEGF longer",
            0.5,
        ),
        Factor::Fgf2 => param(
            LN2 / 8.0,
            "1/h",
            Literature,
            "FGF2 t½ ≈ 8 h at 37 °C: Kleinheinz, Head Face Med 2010;6:17; Meneghello, Biotechnol Lett 2015;37:725",
            0.3,
        ),
        Factor::Hgf => param(
            0.0,
            "1/h",
            Literature,
            "cell-secreted HGF stable at 37 °C: Kleinheinz 2010; Meneghello 2015",
            0.0,
        ),
        _ => param(
            0.0,
            "1/h",
            Unverified,
            "no published figure: assumed stable over 24–72 h",
            0.0,
        ),
    };
    SecretionParams {
        rate,
        degradation_per_h: degradation,
        downstream_recovery: param(
            0.8,
            "fraction",
            Unverified,
            "assumed recovery through clarification, 0.2 µm filtration and 3–10 kDa ultrafiltration",
            0.1,
        ),
    }
}

/// The literature defaults for one cell source.
pub(crate) fn defaults(source: CellSource) -> SourceParams {
    let (max_p, max_p_status, max_p_src) = match source {
        CellSource::BoneMarrow => (
            5.0,
            Literature,
            "> 70 % of 47 BM-MSC trials used P1–5: Ikebe & Suzuki 2014",
        ),
        CellSource::Adipose => (
            5.0,
            Unverified,
            "no clinical figure for adipose MSC; P1–5 as for bone marrow",
        ),
        CellSource::UmbilicalCord => (
            4.0,
            Literature,
            "cord MSC used below P5: Li et al., Mol Med Rep 2015",
        ),
    };
    let senescence = match source {
        CellSource::BoneMarrow => 7.0,
        CellSource::Adipose => 8.0,
        CellSource::UmbilicalCord => 16.0,
    };
    SourceParams {
        source,
        donor: None,
        growth: growth(source),
        seeding_density: param(1000.0, "cells/cm²", Literature, SEEDING, 0.0),
        max_passage: param(max_p, "passage", max_p_status, max_p_src, 0.0),
        senescence_passage: param(senescence, "passage", Literature, COMPILATION, 0.0),
        max_population_doublings: (source == CellSource::Adipose).then(|| {
            param(
                15.0,
                "doublings",
                Unverified,
                "keep population doubling level < 15: bioreactor methods chapter (partly unverified)",
                0.0,
            )
        }),
        secretion: FACTORS.into_iter().map(|f| (f, secretion(f))).collect::<BTreeMap<_, _>>(),
    }
}

/// All three sources' defaults.
pub fn all_defaults() -> Vec<SourceParams> {
    [
        CellSource::BoneMarrow,
        CellSource::Adipose,
        CellSource::UmbilicalCord,
    ]
    .into_iter()
    .map(defaults)
    .collect()
}
