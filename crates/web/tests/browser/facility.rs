//! An environmental monitoring excursion walked through the browser (issue 14): QC enters a settle
//! plate with growth in the isolator ISO-1 on the EM page, sampled the day releasable lot
//! L-2026-005 was processed there; the page reports the action excursion and the deviation it
//! opened on the lot; the link leads to the lot's QC page, which lists the deviation with the
//! excursion named; QA's release page lists the open deviation as a release blocker.

use crate::harness::{Backends, Lang, Page, Seen, run};
use thirtyfour::prelude::*;

const LOT: &str = "L-2026-005";

/// A `datetime-local` value in Asia/Tokyo (the demo users' zone) for a UTC time.
fn tokyo_of(t: secretome_domain::UtcTime) -> String {
    let ts: jiff::Timestamp = t.to_string().parse().expect("a timestamp");
    ts.in_tz("Asia/Tokyo")
        .expect("Asia/Tokyo")
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn excursion_to_release_page(p: Page) -> Result<(), Seen> {
    // Sampled two hours after the lot's last step in the isolator.
    let d = p.svc.lot_detail(LOT).await.map_err(|e| e.to_string())?;
    let last = d
        .steps
        .iter()
        .map(|s| s.performed_at)
        .max()
        .ok_or("no steps")?;
    let sampled = tokyo_of(last.plus_hours(2.0).ok_or("time out of range")?);

    p.sign_in("qc").await?;
    p.open("/facility/em?room=ISO-1").await?;
    p.select("f-room", "ISO-1").await?;
    p.select("f-sample_type", "settle_plate").await?;
    p.fill("f-point", "作業面 (work surface)").await?;
    p.fill("f-value", "2").await?;
    p.pick("f-sampled_at", &sampled).await?;
    p.submit("em-submit", "/facility/em").await?;
    let rec = p.css("#em-recorded li").await?;
    assert_eq!(rec.attr("data-outcome").await?.as_deref(), Some("action"));
    assert!(
        rec.text().await?.contains(p.tr("処置基準超過", "Action")),
        "the excursion is named on the page"
    );
    let dev = format!("{LOT}/DEV-01");
    let link = p.css(".em-deviation").await?;
    assert_eq!(
        link.attr("data-deviation").await?.as_deref(),
        Some(dev.as_str())
    );
    // The new result is in the table and on the settle plate trend chart.
    assert!(
        p.id("trend-settle_plate")
            .await?
            .find(By::Tag("svg"))
            .await
            .is_ok()
    );

    // The deviation on the lot's QC page names the excursion.
    link.click().await?;
    p.wait_path("the lot's QC page", |at| at == format!("/lots/{LOT}/qc"))
        .await?;
    let body = p.wait_text(&dev).await?;
    assert!(
        body.contains("環境モニタリング 処置基準超過 [ISO-1/EM-"),
        "the deviation names the excursion: {body}"
    );

    // QA's release page lists it as a blocker.
    p.sign_out().await?;
    p.sign_in("qa").await?;
    p.open(&format!("/lots/{LOT}/record")).await?;
    let blocker = p
        .css(&format!("#release-check li[data-subject='{dev}']"))
        .await?;
    assert_eq!(
        blocker.attr("data-kind").await?.as_deref(),
        Some("open_deviation")
    );
    assert!(blocker.text().await?.contains(&dev));
    Ok(())
}

#[tokio::test]
async fn an_em_excursion_reaches_the_lot_and_qa_release_page_ja() {
    run("browser_em_ja", Lang::Ja, Backends::All, |p| async move {
        excursion_to_release_page(p).await
    })
    .await;
}

#[tokio::test]
async fn an_em_excursion_reaches_the_lot_and_qa_release_page_en() {
    run(
        "browser_em_en",
        Lang::En,
        Backends::SqliteOnly,
        |p| async move { excursion_to_release_page(p).await },
    )
    .await;
}
