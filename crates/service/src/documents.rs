//! Documents fit to send (出荷書類): the certificate of analysis of a released lot as PDF/A-2b,
//! gathered here from the records and laid out by `secretome-document` (the one PDF path; vial
//! labels reach it through `secretome-label`). Times are shown in the site's zone with the zone
//! named; results as recorded, without binary noise, large counts as `2.5 × 10⁹`.

use crate::{Service, ServiceError};
use secretome_document::coa::{Certificate, DeviationLine, SignatureLine, TestLine};
use secretome_domain::{
    DomainError, UtcTime,
    lot::LotStatus,
    qc::{DeviationStatus, Verdict},
    quantity::display_number,
    site::Site,
    vial::Vial,
};
use secretome_store::Table;

/// The zone documents show times in (the facility's; the demo and default site are in Tokyo).
pub const DOCUMENT_ZONE: &str = "Asia/Tokyo";

fn zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(DOCUMENT_ZONE)
        .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(9)))
}

/// A time for a document: `2026-11-25 21:00:05 JST (UTC+09:00)`.
pub fn document_time(t: UtcTime) -> String {
    let z = t.timestamp().to_zoned_datetime(zone());
    let name = z.strftime("%Z").to_string();
    let name = if name.starts_with(['+', '-']) {
        "JST".to_string()
    } else {
        name
    };
    format!(
        "{} {name} (UTC{})",
        z.strftime("%Y-%m-%d %H:%M:%S"),
        z.strftime("%:z")
    )
}

fn stored_time(s: &str) -> String {
    UtcTime::parse("at", s)
        .map(document_time)
        .unwrap_or_else(|_| s.to_string())
}

fn opt_time(t: Option<UtcTime>) -> String {
    t.map(document_time).unwrap_or_else(|| "—".into())
}

/// A recorded number as a person writes it: as recorded (no float noise), and counts of a million
/// or more in powers of ten (`2500000000` → `2.5 × 10⁹`).
pub fn result_number(v: f64) -> String {
    if !v.is_finite() || v.abs() < 1e6 {
        return display_number(v);
    }
    let exp = v.abs().log10().floor() as i32;
    let mantissa = v / 10f64.powi(exp);
    let sup = secretome_domain::quantity::superscript(exp);
    format!("{} × 10{sup}", display_number(mantissa))
}

/// A criterion with the long round numbers the specification spells out (`1000000000`) written
/// as powers of ten (`1 × 10⁹`), everything else as it is.
pub fn tidy_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String, next: Option<char>| {
        let whole = !out.ends_with(['.', ',']) && next != Some('.');
        match digits.parse::<f64>() {
            // Round counts only (…000): an identifier-like number is left alone.
            Ok(v) if digits.len() >= 7 && digits.ends_with("000") && whole => {
                out.push_str(&result_number(v))
            }
            _ => out.push_str(digits),
        }
        digits.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                flush(&mut digits, &mut out, Some(c));
            }
            out.push(c);
        }
    }
    if !digits.is_empty() {
        flush(&mut digits, &mut out, None);
    }
    out
}

fn verdict_text(v: Option<Verdict>) -> String {
    match v {
        Some(v) => format!("{} / {}", v.name_ja(), v.as_str()),
        None => "未入力 / missing".into(),
    }
}

fn deviation_status(s: DeviationStatus) -> String {
    format!("{} / {}", s.name_ja(), s.as_str())
}

impl Service {
    /// The certificate of analysis (試験成績書) of `lot` as PDF/A-2b bytes, made at `now`. Only a
    /// released lot (or one since recalled, for the record) has one; anything else is refused.
    pub async fn certificate_of_analysis(
        &self,
        lot: &str,
        now: UtcTime,
    ) -> Result<Vec<u8>, ServiceError> {
        let c = self.certificate(lot, now).await?;
        secretome_document::coa::render(&c).map_err(document_error)
    }

    /// What the certificate of `lot` shows, read from the records.
    pub async fn certificate(&self, lot: &str, now: UtcTime) -> Result<Certificate, ServiceError> {
        let qc = self.lot_qc(lot).await?;
        let names = self.names(qc.people()).await?;
        let l = &qc.lot;
        if !matches!(l.status, LotStatus::Released | LotStatus::Recalled) {
            return Err(DomainError::Rule(secretome_domain::Rule::CoaNotReleased {
                lot: lot.to_string(),
                status: l.status.as_str().to_string(),
            })
            .into());
        }
        let product = self
            .products()
            .await?
            .into_iter()
            .find(|p| p.id.as_str() == l.product);
        let vials = self.store.list::<Vial>(Some(("lot", lot))).await?;
        let mut sites = self.store.list::<Site>(None).await?;
        sites.sort_by_key(|s| s.created_at);
        let site = sites
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "secretome".into());
        let events = self.store.events_for(Table::Lot, lot).await?;
        let sigs = crate::batch_record::signatures(&events);

        let (name_ja, name_en, storage) = match &product {
            Some(p) => (
                p.name_ja.clone(),
                p.name.clone(),
                format!(
                    "{} °C 以下 / at or below {} °C",
                    display_number(p.storage_temperature_c),
                    display_number(p.storage_temperature_c)
                ),
            ),
            None => (l.product.clone(), l.product.clone(), "—".into()),
        };
        let fill: f64 = vials.iter().map(|v| v.fill_volume_ml).sum();
        let per_vial = vials
            .first()
            .map(|v| display_number(v.fill_volume_ml))
            .unwrap_or_default();
        let uniform = vials
            .iter()
            .all(|v| display_number(v.fill_volume_ml) == per_vial);
        let quantity = if vials.is_empty() {
            "—".to_string()
        } else if uniform {
            format!(
                "{} 本 × {per_vial} mL (計 {} mL) / {} vials × {per_vial} mL ({} mL in all)",
                vials.len(),
                display_number(fill),
                vials.len(),
                display_number(fill)
            )
        } else {
            format!(
                "{} 本 (計 {} mL) / {} vials ({} mL in all)",
                vials.len(),
                display_number(fill),
                vials.len(),
                display_number(fill)
            )
        };
        let spec = match &qc.specification {
            Some(s) => format!(
                "{} (第 {} 版 / version {}; 施行 / effective {})",
                s.id,
                s.version,
                s.version,
                opt_time(s.effective_from)
            ),
            None => "—".into(),
        };
        let decision = format!(
            "{} / {}{}",
            l.status.name_ja(),
            l.status.as_str(),
            l.decided_at
                .map(|t| format!("  ({})", document_time(t)))
                .unwrap_or_default()
        );
        let facts = vec![
            (
                "製品 / Product".to_string(),
                format!("{name_ja} / {name_en} ({})", l.product),
            ),
            ("ロット / Lot".into(), l.id.to_string()),
            (
                "数量 / Quantity".into(),
                format!(
                    "{quantity}; プール量 / pooled {} mL",
                    display_number(l.volume_ml)
                ),
            ),
            ("規格 / Specification".into(), spec.clone()),
            ("充填日時 / Filled".into(), opt_time(l.filled_at)),
            ("有効期限 / Expiry".into(), opt_time(l.expires_at)),
            ("保管条件 / Storage".into(), storage),
            ("判定 / Decision".into(), decision),
            (
                "無菌性保証 / Sterility assurance".into(),
                self.lot_sterility(lot).await?.one_line(),
            ),
        ];
        let deviation_of = |test: &str| {
            qc.deviations
                .iter()
                .find(|d| d.test.as_ref().is_some_and(|t| t.as_str() == test))
                .map(|d| d.id.clone())
        };
        let tests = qc
            .rows
            .iter()
            .map(|r| {
                let result = match &r.result {
                    Some(x) => match (x.value, &x.outcome) {
                        (Some(v), _) => match x.unit.as_deref().or(r.test.unit.as_deref()) {
                            Some(u) => format!("{} {u}", result_number(v)),
                            None => result_number(v),
                        },
                        (None, Some(o)) => o.clone(),
                        (None, None) => "—".into(),
                    },
                    None => "—".into(),
                };
                let mut verdict = verdict_text(r.verdict);
                if let Some(d) = r.covered_by.clone().or_else(|| {
                    (r.verdict == Some(Verdict::Fail))
                        .then(|| deviation_of(r.test.code.as_str()))
                        .flatten()
                }) {
                    verdict.push_str(&format!("\n逸脱 / deviation {d}"));
                }
                TestLine {
                    name_ja: r.test.name_ja.clone(),
                    name_en: r.test.name.clone(),
                    method: r.test.method.clone(),
                    criterion_ja: tidy_numbers(&r.criterion_ja),
                    criterion_en: tidy_numbers(&r.criterion),
                    result,
                    verdict,
                }
            })
            .collect();
        let deviations = qc
            .deviations
            .iter()
            .map(|d| {
                let mut outcome = deviation_status(d.status);
                if let Some(a) = &d.assessment {
                    outcome.push_str(&format!("\n評価 / assessment: {a}"));
                }
                if let (Some(by), Some(at)) = (&d.decided_by, d.decided_at) {
                    let by = names.of(by.as_str());
                    outcome.push_str(&format!("\n{by}, {}", document_time(at)));
                }
                if let Some(r) = &d.decision_reason {
                    outcome.push_str(&format!("\n理由 / reason: {r}"));
                }
                DeviationLine {
                    id: d.id.clone(),
                    test: d
                        .test
                        .as_ref()
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "—".into()),
                    description: d.description.clone(),
                    outcome,
                }
            })
            .collect();
        let signatures = sigs
            .iter()
            .map(|s| SignatureLine {
                meaning: format!("{} / {}", s.meaning_ja, s.meaning),
                // The signer's printed name (the login id only for a signature without one).
                signer: if s.signer_name.trim().is_empty() {
                    s.signer.clone()
                } else {
                    s.signer_name.clone()
                },
                at: stored_time(&s.at),
                reason: s.reason.clone(),
                event: format!("#{}  SHA-256 {}", s.seq, s.hash),
            })
            .collect();
        let release = events.iter().rev().find(|e| e.action == "lot.release");
        let mut record = vec![
            ("ロット / Lot".to_string(), l.id.to_string()),
            ("規格 / Specification".into(), spec),
        ];
        match release {
            Some(e) => record.push((
                "出荷判定の監査イベント / Release audit event".into(),
                format!("#{}  {}  SHA-256 {}", e.seq, stored_time(&e.at), e.hash),
            )),
            None => record.push((
                "出荷判定の監査イベント / Release audit event".into(),
                "—".into(),
            )),
        }
        if let Some(e) = events.iter().rev().find(|e| e.action == "lot.recall") {
            record.push((
                "回収 / Recall".into(),
                format!(
                    "#{}  {}  {}",
                    e.seq,
                    stored_time(&e.at),
                    e.reason.clone().unwrap_or_default()
                ),
            ));
        }
        let notice = (l.status == LotStatus::Recalled).then(|| {
            "このロットは回収されました。出荷・使用しないでください。 / This lot has been RECALLED: do not ship or use it.".to_string()
        });
        Ok(Certificate {
            site,
            notice,
            lot: l.id.to_string(),
            facts,
            tests,
            deviations,
            signatures,
            record,
            issued: document_time(now),
            created: now.timestamp(),
        })
    }
}

/// A document that cannot be made, as a service error naming why.
pub(crate) fn document_error(e: secretome_document::DocumentError) -> ServiceError {
    DomainError::Rule(secretome_domain::Rule::DocumentFailed {
        detail: e.to_string(),
    })
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_a_person_reads_them() {
        assert_eq!(result_number(2_500_000_000.0), "2.5 × 10⁹");
        assert_eq!(result_number(3.77e9), "3.77 × 10⁹");
        assert_eq!(result_number(89.80000000000001), "89.8");
        assert_eq!(result_number(1236.0), "1236");
        assert_eq!(
            tidy_numbers("≥ 1000000000 particles/mL"),
            "≥ 1 × 10⁹ particles/mL"
        );
        assert_eq!(tidy_numbers("< 0.5 EU/mL"), "< 0.5 EU/mL");
        assert_eq!(tidy_numbers("lot 20261125"), "lot 20261125");
    }
}
