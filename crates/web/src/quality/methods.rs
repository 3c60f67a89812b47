//! The test methods of the specification a facility starts from (`qc::catalogue`, written in
//! English by the domain) in the reader's language. A method the facility typed itself is data and
//! is shown as typed; one that is still the catalogue's own text is shown in Japanese on a Japanese
//! page (`method`). Units written as words (`particles/mL`) likewise (`unit`).

use crate::i18n::Lang;

/// (key `q.method.<test code>`, 日本語, the catalogue's English method).
pub const TEXT: &[(&str, &str, &str)] = &[
    (
        "q.method.sterility",
        "日局 4.06 メンブランフィルター法、14 日間",
        "JP 4.06 membrane filtration, 14 d",
    ),
    (
        "q.method.endotoxin",
        "日局 4.01 LAL ゲル化法",
        "JP 4.01 LAL gel clot",
    ),
    (
        "q.method.mycoplasma",
        "日局 参考情報 G3 核酸増幅法 (qPCR)",
        "JP G3 NAT (qPCR)",
    ),
    (
        "q.method.residual_cells",
        "遠心後の顕微鏡観察",
        "microscopy after centrifugation",
    ),
    (
        "q.method.appearance",
        "目視検査: 無色〜淡黄色澄明、異物を認めない",
        "visual inspection: clear, colourless to pale yellow, no particles",
    ),
    (
        "q.method.elisa",
        "ELISA 法 (4 パラメータロジスティック検量線)",
        "ELISA (4PL standard curve)",
    ),
    ("q.method.total_protein", "BCA 法", "BCA assay"),
    (
        "q.method.ev_particles",
        "NTA 法 (ナノ粒子トラッキング解析)",
        "NTA (nanoparticle tracking analysis)",
    ),
    ("q.unit.particles", "個/mL", "particles/mL"),
    (
        "q.dev.em_excursion",
        "環境モニタリングの処置基準逸脱 [{id}]: {room} {sample} = {value} が処置基準 {limit} を超過 (採取 {sampled})。このロットは {from}〜{to} にこの場所で処理されました",
        "environmental monitoring action excursion [{id}]: {room} {sample} = {value} above the action limit {limit} (sampled {sampled}); the lot was processed there between {from} and {to}",
    ),
];

/// A test's method in `lang`: the Japanese of a catalogue method, else the method as recorded.
pub fn method<'a>(lang: &Lang, code: &str, method: &'a str) -> &'a str {
    if *lang == Lang::En {
        return method;
    }
    let by_code = format!("q.method.{code}");
    TEXT.iter()
        .find(|(k, _, en)| (*k == by_code || *k == "q.method.elisa") && *en == method)
        .map(|(_, ja, _)| *ja)
        .unwrap_or(method)
}

/// A unit in `lang` (`particles/mL` → `個/mL`); codes such as `pg/mL` as they are.
pub fn unit<'a>(lang: &Lang, unit: &'a str) -> &'a str {
    match (lang, unit) {
        (Lang::Ja, "particles/mL") => "個/mL",
        _ => unit,
    }
}

/// A shown result on a Japanese page: a qualitative outcome by its Japanese term (`negative` →
/// 陰性), counts in words as 個 (`420000000 particles/mL` → `420000000 個/mL`).
pub fn counts(lang: &Lang, shown: impl AsRef<str>) -> String {
    match lang {
        Lang::Ja => {
            secretome_domain::qc::spec::outcome_ja(shown.as_ref()).replace("particles", "個")
        }
        Lang::En => shown.as_ref().to_string(),
    }
}

/// A deviation's description as shown: the one the release check writes itself for an
/// environmental-monitoring action excursion (`environmental monitoring action excursion [id]: …`)
/// said in Japanese on a Japanese page, with its times in the viewer's zone; a description a person
/// wrote, as written.
pub fn deviation_text(c: &crate::ctx::PageCtx, description: &str) -> String {
    if c.lang == Lang::En {
        return description.to_string();
    }
    excursion_ja(c, description).unwrap_or_else(|| description.to_string())
}

fn excursion_ja(c: &crate::ctx::PageCtx, d: &str) -> Option<String> {
    use secretome_domain::{UtcTime, facility::em::EmSampleType};
    let rest = d.strip_prefix("environmental monitoring action excursion [")?;
    let (id, rest) = rest.split_once("]: ")?;
    let (left, rest) = rest.split_once(" above the action limit ")?;
    let (limit, rest) = rest.split_once(" (sampled ")?;
    let (sampled, rest) = rest.split_once("); the lot was processed there between ")?;
    let (from, to) = rest.split_once(" and ")?;
    let (room_sample, value_unit) = left.split_once(" = ")?;
    let (room, sample) = room_sample.split_once(' ')?;
    let sample = EmSampleType::ALL
        .into_iter()
        .find(|t| t.name() == sample)
        .map(|t| t.name_ja())
        .unwrap_or(sample);
    let time = |t: &str| {
        UtcTime::parse("t", t)
            .map(|t| c.time(&t))
            .unwrap_or_else(|_| t.to_string())
    };
    Some(
        c.t("q.dev.em_excursion")
            .replace("{id}", id)
            .replace("{room}", room)
            .replace("{sample}", sample)
            .replace("{value}", &value_unit.replace("particles", "個"))
            .replace("{limit}", limit)
            .replace("{sampled}", &time(sampled))
            .replace("{from}", &time(from))
            .replace("{to}", &time(to.trim_end_matches('.'))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::words::english_runs;
    use secretome_domain::qc::catalogue;

    /// Every method of the catalogue a facility starts from reads in Japanese, with no English.
    #[test]
    fn every_catalogue_method_has_its_japanese() {
        let mut tests = catalogue::safety_tests().unwrap();
        tests.extend(catalogue::content_tests().unwrap());
        tests.push(catalogue::ev_particles(1e9).unwrap());
        for t in tests {
            let ja = method(&Lang::Ja, t.code.as_str(), &t.method);
            assert_ne!(ja, t.method, "{}", t.code.as_str());
            assert!(english_runs(ja).is_empty(), "{ja}");
            assert_eq!(method(&Lang::En, t.code.as_str(), &t.method), t.method);
            if let Some(u) = &t.unit {
                assert!(english_runs(unit(&Lang::Ja, u)).is_empty(), "{u}");
            }
        }
        assert_eq!(
            method(&Lang::Ja, "sterility", "自施設の方法"),
            "自施設の方法"
        );
    }

    /// The criteria the Japanese hint shows are read: 報告のみ, = 陰性 and bounds joined by かつ;
    /// and a criterion reads back in Japanese.
    #[test]
    fn a_criterion_written_as_the_japanese_hint_says_is_read() {
        use crate::quality::specs::parse_criterion;
        use secretome_domain::qc::Acceptance;
        assert_eq!(parse_criterion("報告のみ"), Ok(Acceptance::ReportOnly));
        assert_eq!(parse_criterion("= 陰性"), Ok(Acceptance::pass_fail("陰性")));
        let a = parse_criterion(">= 1 かつ < 10").unwrap();
        assert_eq!(Ok(a.clone()), parse_criterion(">= 1 and < 10"));
        assert_eq!(a.criterion_ja(Some("particles/mL")), "≥ 1 かつ < 10 個/mL");
        assert_eq!(Acceptance::pass_fail("negative").criterion_ja(None), "陰性");
    }
}
