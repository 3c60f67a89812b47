//! The certificate of analysis (試験成績書) of a released lot as an A4 PDF/A document: Japanese
//! first with English beside it, the lot's facts, every specification test (method, criterion,
//! result with unit, verdict), deviations and their outcome, the release e-signature manifested as
//! 21 CFR 11.50 asks (printed name, date and time with the zone, meaning) and the record it was
//! made from (lot, specification version, digest of the releasing audit event). The service fills
//! in the texts (times already in the site's zone, numbers as recorded); this module lays them out.

use crate::flow::{Column, Flow};
use crate::{DocumentError, Meta, Page, Weight};

/// One specification test and its result.
#[derive(Debug, Clone, PartialEq)]
pub struct TestLine {
    pub name_ja: String,
    pub name_en: String,
    pub method: String,
    pub criterion_ja: String,
    pub criterion_en: String,
    /// Value with unit (`2.5 × 10⁹ particles/mL`) or outcome (`陰性 / negative`), `—` if none.
    pub result: String,
    /// `適合 / pass`, …, with the covering deviation if one accepts it.
    pub verdict: String,
}

/// A deviation on the lot and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviationLine {
    pub id: String,
    /// The test it concerns, or `—`.
    pub test: String,
    pub description: String,
    /// Status, assessment and decision with its reason, who and when.
    pub outcome: String,
}

/// An electronic signature on the lot's decision, as 21 CFR 11.50 wants it shown.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureLine {
    /// `出荷承認 / released`.
    pub meaning: String,
    /// The signer's printed name (as at signing) and user name.
    pub signer: String,
    /// Date and time with the zone named (`2026-11-25 21:00:05 JST (UTC+09:00)`).
    pub at: String,
    pub reason: String,
    /// `#1234  sha256 …` of the audit event the signature is bound into.
    pub event: String,
}

/// Everything the certificate shows, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub site: String,
    pub lot: String,
    /// A warning printed under the title in bold (e.g. that the lot has since been recalled).
    pub notice: Option<String>,
    /// Label–value facts (product, lot, quantities, dates, storage, decision), labels bilingual.
    pub facts: Vec<(String, String)>,
    pub tests: Vec<TestLine>,
    pub deviations: Vec<DeviationLine>,
    pub signatures: Vec<SignatureLine>,
    /// Label–value lines naming the record: lot id, specification version, release event digest.
    pub record: Vec<(String, String)>,
    /// When the certificate was made, in the site's zone (also the PDF's creation date).
    pub issued: String,
    pub created: jiff::Timestamp,
}

const BODY: f32 = 8.5;
const TABLE: f32 = 7.5;

/// The certificate's pages.
pub fn layout(c: &Certificate) -> Result<Vec<Page>, DocumentError> {
    let mut f = Flow::a4(&format!(
        "試験成績書 / Certificate of Analysis  {}  —  発行 / issued {}",
        c.lot, c.issued
    ));
    f.paragraph("試験成績書", 18.0, Weight::Bold)?;
    f.paragraph("Certificate of Analysis", 13.0, Weight::Bold)?;
    f.paragraph(
        &format!(
            "{} — 幹細胞培養上清液 / stem-cell culture supernatant (MSC conditioned medium)",
            c.site
        ),
        BODY,
        Weight::Regular,
    )?;
    if let Some(n) = &c.notice {
        f.space(2.0);
        f.paragraph(n, 11.0, Weight::Bold)?;
    }
    f.space(3.0);
    f.facts(&c.facts, 52.0, BODY)?;

    f.heading("試験結果 / Test results", 11.0)?;
    let w = f.width();
    let cols = [
        ("試験 / Test", 0.21),
        ("試験方法 / Method", 0.25),
        ("規格 / Acceptance criterion", 0.21),
        ("結果 / Result", 0.17),
        ("判定 / Verdict", 0.16),
    ]
    .map(|(t, share)| Column {
        title: t.to_owned(),
        width: w * share,
    });
    let rows: Vec<Vec<String>> = c
        .tests
        .iter()
        .map(|t| {
            let criterion = if t.criterion_ja == t.criterion_en {
                t.criterion_ja.clone()
            } else {
                format!("{}\n{}", t.criterion_ja, t.criterion_en)
            };
            vec![
                format!("{}\n{}", t.name_ja, t.name_en),
                t.method.clone(),
                criterion,
                t.result.clone(),
                t.verdict.clone(),
            ]
        })
        .collect();
    f.table(&cols, &rows, TABLE)?;

    f.heading("逸脱 / Deviations", 11.0)?;
    if c.deviations.is_empty() {
        f.paragraph("なし / None", BODY, Weight::Regular)?;
    } else {
        let cols = [
            ("番号 / No.", 0.14),
            ("試験 / Test", 0.12),
            ("内容 / Description", 0.37),
            ("結果 / Outcome", 0.37),
        ]
        .map(|(t, share)| Column {
            title: t.to_owned(),
            width: w * share,
        });
        let rows: Vec<Vec<String>> = c
            .deviations
            .iter()
            .map(|d| {
                vec![
                    d.id.clone(),
                    d.test.clone(),
                    d.description.clone(),
                    d.outcome.clone(),
                ]
            })
            .collect();
        f.table(&cols, &rows, TABLE)?;
    }

    f.heading(
        "電子署名 (21 CFR 11.50) / Electronic signatures (21 CFR 11.50)",
        11.0,
    )?;
    if c.signatures.is_empty() {
        f.paragraph(
            "この判定には電子署名の記録がありません。 / No electronic signature is recorded for this decision.",
            BODY,
            Weight::Regular,
        )?;
    }
    for s in &c.signatures {
        f.facts(
            &[
                ("署名の意味 / Meaning".into(), s.meaning.clone()),
                ("署名者 / Signed by".into(), s.signer.clone()),
                ("日時 / Date and time".into(), s.at.clone()),
                ("理由 / Reason".into(), s.reason.clone()),
                ("監査イベント / Audit event".into(), s.event.clone()),
            ],
            52.0,
            BODY,
        )?;
        f.space(2.0);
    }

    f.heading("記録 / Record", 11.0)?;
    f.facts(&c.record, 52.0, BODY)?;
    f.space(3.0);
    f.paragraph(
        "本書は上記の記録から作成された電子文書です。記録は監査証跡 (SHA-256 ハッシュチェーン) により保護されています。",
        7.5,
        Weight::Regular,
    )?;
    f.paragraph(
        "This document was generated from the records named above, which the audit trail (a SHA-256 hash chain) protects.",
        7.5,
        Weight::Regular,
    )?;
    Ok(f.finish())
}

/// The certificate as PDF/A-2b bytes.
pub fn render(c: &Certificate) -> Result<Vec<u8>, DocumentError> {
    let meta = Meta {
        title: format!("試験成績書 / Certificate of Analysis {}", c.lot),
        language: "ja".into(),
        author: Some(c.site.clone()),
        created: c.created,
    };
    crate::render(&layout(c)?, &meta)
}
