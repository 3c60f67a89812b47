//! From a new donor to a released lot's certificate of analysis in the browser: an operator makes
//! the lot (`manufacture.rs`); QC imports a real plate-reader file and accepts a result from it,
//! enters the other results (one out of specification); QA's release is refused with the reason
//! listed; QA records the deviation, QC assesses it, QA approves it and releases with an electronic
//! signature; the certificate of analysis shows the specification, the results and the signature,
//! and its PDF link answers with a PDF. Once in Japanese (SQLite and PostgreSQL), once in English.

use crate::harness::{Backends, Lang, Page, Seen, run};
use crate::manufacture::{LOT, check_new_lot, make_lot};
use thirtyfour::prelude::*;

/// The plate file QC uploads (see `tests/data/README.md` for its source).
const PLATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/softmaxpro_ELISAtools_Assay_2.txt"
);

/// The plate's unknown that QC accepts as the lot's VEGF.
const SAMPLE: &str = "P8";

/// Results QC types in: (test, value, outcome). EV particles are below the v2 minimum (1 × 10⁹).
const MANUAL: [(&str, &str, &str); 14] = [
    ("sterility", "", "negative"),
    ("endotoxin", "0.12", ""),
    ("mycoplasma", "", "negative"),
    ("residual_cells", "", "not detected"),
    ("appearance", "", "conforms"),
    ("egf", "150", ""),
    ("fgf2", "320", ""),
    ("tgf_b1", "1200", ""),
    ("bdnf", "120", ""),
    ("hgf", "4500", ""),
    ("pdgf_bb", "60", ""),
    ("il10", "15", ""),
    ("total_protein", "450", ""),
    ("ev_particles", "4.2e8", ""),
];

fn qc_page() -> String {
    format!("/lots/{LOT}/qc")
}

fn record_page() -> String {
    format!("/lots/{LOT}/record")
}

/// The verdict shown for a test on the lot's QC page: (data-verdict, badge text).
async fn verdict(p: &Page, test: &str) -> WebDriverResult<(String, String)> {
    let row = p.id(&format!("result-{test}")).await?;
    let key = row.attr("data-verdict").await?.unwrap_or_default();
    let badge = row.find(By::Css(".badge")).await?.text().await?;
    Ok((key, badge))
}

/// Signs out and in again as `user`, then opens `path`.
async fn as_user(p: &Page, user: &str, path: &str) -> Result<(), Seen> {
    p.sign_out().await?;
    p.sign_in(user).await?;
    p.open(path).await?;
    Ok(())
}

/// QC: the plate import (one sample accepted as VEGF) and the other results by hand.
async fn qc_tests_the_lot(p: &Page) -> Result<(), Seen> {
    as_user(p, "qc", &qc_page()).await?;
    p.id("plate-file").await?.send_keys(PLATE).await?;
    p.submit("plate-submit", &format!("/lots/{LOT}/plates"))
        .await?;
    assert!(
        p.id("standard-curve-1")
            .await?
            .find(By::Tag("svg"))
            .await
            .is_ok(),
        "the standard curve is drawn"
    );
    assert_eq!(
        p.text_of("curve-accepted-1").await?,
        p.tr("適合", "accepted")
    );
    let run_id = p.text_of("assay-run").await?;
    // Unknown P8 (within the curve's range, no flags) is accepted as the lot's VEGF.
    let sample = p.css(&format!("tr.sample[data-sample='{SAMPLE}']")).await?;
    assert_eq!(
        sample.attr("data-reportable").await?.as_deref(),
        Some("true")
    );
    let mean = sample
        .find(By::Css("td:nth-child(4)"))
        .await?
        .text()
        .await?;
    let select_id = sample
        .find(By::Tag("select"))
        .await?
        .id()
        .await?
        .unwrap_or_default();
    p.select(&select_id, "vegf").await?;
    p.submit("plate-accept", &qc_page()).await?;
    let row = p.id("result-vegf").await?.text().await?;
    assert!(
        row.contains(&run_id),
        "VEGF's result names the assay run {run_id}: {row}"
    );
    assert!(
        row.contains(&mean[..5]),
        "VEGF's result is P8's mean {mean}: {row}"
    );
    assert_eq!(verdict(p, "vegf").await?.0, "reported");

    for (test, value, outcome) in MANUAL {
        p.select("f-test", test).await?;
        p.fill("f-value", value).await?;
        p.fill("f-outcome", outcome).await?;
        p.submit("result-submit", &qc_page()).await?;
    }
    assert_eq!(
        verdict(p, "endotoxin").await?,
        ("pass".into(), p.tr("適合", "Pass").into())
    );
    assert_eq!(
        verdict(p, "ev_particles").await?,
        ("fail".into(), p.tr("規格外", "Out of specification").into())
    );
    Ok(())
}

/// QA signs the batch record with `meaning` and the demo password; returns the path answered.
async fn sign(p: &Page, meaning: &str, reason: &str) -> Result<String, Seen> {
    p.select("sign-meaning", meaning).await?;
    p.fill("sign-reason", reason).await?;
    p.fill("sign-password", "demo").await?;
    p.press("sign-submit").await
}

/// The whole chain for one language: make, test, refuse, deviate, release, certify.
async fn make_test_and_release(p: Page) -> Result<(), Seen> {
    make_lot(&p).await?;
    check_new_lot(&p).await?;
    qc_tests_the_lot(&p).await?;

    // QA tries to release: refused, with the failing test named.
    as_user(&p, "qa", &record_page()).await?;
    sign(&p, "released", p.tr("出荷判定", "release")).await?;
    let blockers = p.id("release-blockers").await?;
    let reasons = blockers.text().await?;
    let ev = blockers
        .find_all(By::Css("li[data-subject='ev_particles']"))
        .await?;
    assert!(!ev.is_empty(), "the refusal names EV particles: {reasons}");
    assert_eq!(
        p.text_of("lot-state").await?,
        p.tr("出荷判定待ち", "Quarantine")
    );

    // QA records a deviation; QC assesses it; QA approves it.
    p.open(&qc_page()).await?;
    p.select("f-dev_test", "ev_particles").await?;
    p.fill(
        "f-description",
        p.tr(
            "NTA 粒子数が規格下限未満: 希釈誤りの可能性",
            "NTA particle count below the limit: possible dilution error",
        ),
    )
    .await?;
    p.submit("deviation-submit", &qc_page()).await?;
    let dev = p.css("div.deviation").await?;
    let n = dev
        .id()
        .await?
        .unwrap_or_default()
        .trim_start_matches("dev-")
        .to_string();
    assert_eq!(
        p.text_of(&format!("dev-{n}-state")).await?,
        p.tr("未評価", "Open")
    );
    as_user(&p, "qc", &qc_page()).await?;
    p.fill(
        &format!("assessment-{n}"),
        p.tr(
            "再測定で 1.3 × 10⁹ /mL、製品品質への影響なし",
            "re-measured 1.3 × 10⁹ /mL; no impact on quality",
        ),
    )
    .await?;
    p.submit(&format!("assess-{n}-submit"), &qc_page()).await?;
    as_user(&p, "qa", &qc_page()).await?;
    p.fill(
        &format!("approve-{n}-reason"),
        p.tr("評価内容を確認", "assessment checked"),
    )
    .await?;
    p.submit(&format!("approve-{n}-submit"), &qc_page()).await?;
    assert_eq!(
        p.text_of(&format!("dev-{n}-state")).await?,
        p.tr("承認", "Approved")
    );

    // Release with the electronic signature: the signature is shown with name, meaning and time.
    p.open(&record_page()).await?;
    let at = sign(
        &p,
        "released",
        p.tr(
            "全試験項目が規格に適合 (逸脱承認済)",
            "all tests meet specification (deviation approved)",
        ),
    )
    .await?;
    assert_eq!(at, record_page(), "signed");
    assert_eq!(p.text_of("lot-state").await?, p.tr("出荷可", "Released"));
    let signature = p.text_of("signature").await?;
    assert!(
        signature.contains("高橋 次郎"),
        "signer's printed name: {signature}"
    );
    assert!(
        signature.contains(p.tr("出荷可", "released")),
        "meaning: {signature}"
    );

    // The certificate of analysis.
    p.click("coa-link").await?;
    p.wait_path("the certificate of analysis", |u| {
        u == format!("/lots/{LOT}/coa")
    })
    .await?;
    assert!(
        p.h1()
            .await?
            .starts_with(p.tr("試験成績書", "Certificate of analysis"))
    );
    assert_eq!(p.text_of("coa-lot").await?, LOT);
    assert!(!p.text_of("coa-spec").await?.is_empty());
    let results = p.driver.find_all(By::Css("#coa-results tr.result")).await?;
    assert_eq!(results.len(), 15, "every test of the specification");
    assert!(p.text_of("signature").await?.contains("高橋 次郎"));
    // Its PDF link answers with a PDF document.
    let href = p
        .id("coa-pdf")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    let script = "return fetch(arguments[0]).then(async r => [r.status, r.headers.get('content-type'), new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))]);";
    let pdf = p
        .driver
        .execute(script, vec![serde_json::json!(href)])
        .await?;
    assert_eq!(
        pdf.json(),
        &serde_json::json!([200, "application/pdf", "%PDF-"]),
        "{href}"
    );

    // The vials became available.
    p.open(&format!("/lots/{LOT}")).await?;
    let vial = p.css("tr.vial .badge").await?.text().await?;
    assert_eq!(vial, p.tr("使用可", "Available"));
    Ok(())
}

#[tokio::test]
async fn a_lot_is_made_tested_refused_and_released_in_japanese() {
    run("release_ja", Lang::Ja, Backends::All, make_test_and_release).await;
}

#[tokio::test]
async fn a_lot_is_made_tested_refused_and_released_in_english() {
    run(
        "release_en",
        Lang::En,
        Backends::SqliteOnly,
        make_test_and_release,
    )
    .await;
}
