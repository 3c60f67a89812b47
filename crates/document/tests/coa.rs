//! The certificate as a reader gets it, checked with poppler's tools: the Japanese and English
//! texts come back exactly (`TGF-β1`, `10⁹`, the signer's printed name, a JST time), long texts wrap
//! instead of being cut, every font is embedded, the XMP declares PDF/A-2b, the creation date is
//! the one given, and qpdf finds no error.

use secretome_document::coa::{Certificate, DeviationLine, SignatureLine, TestLine, render};
use secretome_document::testing::{pdffonts, pdfinfo, pdftotext_raw, qpdf_check, xmp};

fn certificate() -> Certificate {
    let test = |ja: &str, en: &str, method: &str, crit: &str, result: &str| TestLine {
        name_ja: ja.into(),
        name_en: en.into(),
        method: method.into(),
        criterion_ja: crit.into(),
        criterion_en: crit.into(),
        result: result.into(),
        verdict: "適合 / pass".into(),
    };
    Certificate {
        site: "secretome CPC".into(),
        lot: "L-2026-001".into(),
        notice: None,
        facts: vec![
            ("製品 / Product".into(), "間葉系幹細胞培養上清液 / MSC Conditioned Medium (CM-AD)".into()),
            ("ロット / Lot".into(), "L-2026-001".into()),
        ],
        tests: vec![
            test("TGF-β1", "TGF-β1", "ELISA (R&D Systems DB100C), duplicate wells, 4PL standard curve", "≥ 500 pg/mL", "812 pg/mL"),
            test("粒子数", "EV particles", "Nanoparticle tracking analysis (NanoSight NS300), five 60 s captures", "≥ 1 × 10⁹ /mL", "2.5 × 10⁹ particles/mL"),
            test("無菌", "Sterility", "Membrane filtration per JP 4.06, 14 days in FTM and SCDM, clear, colourless, no turbidity", "陰性 / negative", "陰性 / negative"),
        ],
        deviations: vec![DeviationLine {
            id: "DEV-0001".into(),
            test: "nta".into(),
            description: "NTA 粒子数が規格下限未満 (4.2 × 10⁸ /mL < 1 × 10⁹ /mL): 測定時の希釈誤りの可能性、再測定を予定".into(),
            outcome: "承認 / approved — 再測定で適合".into(),
        }],
        signatures: vec![SignatureLine {
            meaning: "出荷承認 / released".into(),
            signer: "保証 次郎 (qa)".into(),
            at: "2026-11-25 21:00:05 JST (UTC+09:00)".into(),
            reason: "全試験が規格に適合し、逸脱は承認済みのため出荷を承認する".into(),
            event: "#1234  sha256 9f2c".into(),
        }],
        record: vec![("仕様 / Specification".into(), "SPEC-CM v2".into())],
        issued: "2026-11-26 10:00 JST".into(),
        created: "2026-11-26T01:00:00Z".parse().unwrap(),
    }
}

#[test]
fn the_certificate_reads_back_exactly_with_embedded_fonts_as_pdf_a() {
    let pdf = render(&certificate()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let Some(text) = pdftotext_raw(&pdf) else {
        return;
    };
    for want in [
        "試験成績書",
        "Certificate of Analysis",
        "TGF-β1",
        "≥ 1 × 10⁹ /mL",
        "2.5 × 10⁹ particles/mL",
        "保証 次郎 (qa)",
        "2026-11-25 21:00:05 JST (UTC+09:00)",
        "全試験が規格に適合し",
        "間葉系幹細胞培養上清液",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    assert!(!text.contains('?'), "no character lost:\n{text}");
    // The long method wraps onto more lines; every word is there.
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("no turbidity"), "{flat}");
    assert!(flat.contains("clear, colourless,"), "{flat}");

    let fonts = pdffonts(&pdf).unwrap();
    assert!(!fonts.is_empty());
    for (name, kind, emb, sub, uni) in &fonts {
        assert!(
            *emb && *sub && *uni,
            "{name} ({kind}) embedded {emb} subset {sub} unicode {uni}"
        );
    }
    let info = pdfinfo(&pdf).unwrap();
    let get = |k: &str| info.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let created = get("CreationDate").unwrap();
    assert!(
        created.contains("2026") && created.contains("Nov"),
        "{created}"
    );
    assert_eq!(get("PDF subtype"), None, "not declared PDF/X");
    let meta = xmp(&pdf).unwrap();
    assert!(
        meta.contains("pdfaid:part>2<") || meta.contains("pdfaid:part=\"2\""),
        "{meta}"
    );
    assert!(
        meta.contains("pdfaid:conformance>B<") || meta.contains("pdfaid:conformance=\"B\""),
        "{meta}"
    );
    let check = qpdf_check(&pdf).unwrap();
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    assert!(String::from_utf8_lossy(&pdf).contains("/OutputIntents"));
}

#[test]
fn a_character_no_font_has_is_refused_not_printed_as_a_box() {
    let mut c = certificate();
    c.signatures[0].reason = "ok \u{1F600}".into();
    let e = render(&c).unwrap_err();
    assert!(e.to_string().contains("U+1F600"), "{e}");
}
