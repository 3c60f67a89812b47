//! A recall with care in the browser (issue 12 item 4): QA names a raw-material lot and a reason and
//! first sees a preview — the lots, the vials by state, the patients exposed — with nothing written;
//! a wrong password opens nothing; the right one signs the recall and opens it. Then the
//! physician sees the alert for a newly exposed patient on the patient list, on the patient's page
//! and at the dispensing form. On SQLite and PostgreSQL, in Japanese.

use crate::harness::{Backends, Lang, Page, Seen, run};

/// The serum-free conditioning medium lot every demo batch used: a recall of it reaches every lot.
const TARGET: &str = "RM-SFM-2402";
/// A demo patient not treated from the demo's recalled lot L-2026-002 (no alert before).
const PATIENT: &str = "PT-000007";

async fn recall_with_preview_and_signature(p: Page) -> Result<(), Seen> {
    // Before: the physician sees no alert for the patient.
    p.sign_in("physician").await?;
    p.open("/patients").await?;
    let list = p.body().await?;
    assert!(list.contains(PATIENT), "the patient is listed");
    assert!(
        p.driver
            .find(thirtyfour::By::Id(format!("recall-alert-{PATIENT}")))
            .await
            .is_err(),
        "no alert before the recall"
    );
    p.sign_out().await?;

    // QA: the form first shows a preview; nothing is written by it.
    p.sign_in("qa").await?;
    p.open("/recalls").await?;
    p.fill("f-target", TARGET).await?;
    p.fill("f-reason", "供給元からのエンドトキシン逸脱通知")
        .await?;
    let before = p.svc.store().event_count().await?;
    p.submit("recall-submit", "/recalls").await?;
    p.id("recall-preview").await?;
    let lots = p.text_of("preview-lots").await?;
    assert!(lots.contains("L-2026-002"), "reached lots listed: {lots}");
    let vials = p.text_of("preview-vials").await?;
    for state in [p.tr("使用可", "Available"), p.tr("投与済", "Administered")] {
        assert!(vials.contains(state), "vials by state, {state}: {vials}");
    }
    let patients = p.text_of("preview-patients").await?;
    assert!(patients.contains(PATIENT), "exposed patients: {patients}");
    assert!(
        patients.contains("田中 一郎"),
        "the physician by name: {patients}"
    );
    assert_eq!(
        p.svc.store().event_count().await?,
        before,
        "the preview writes nothing"
    );

    // A wrong password: refused at the field, no recall opened (only the failed password
    // attempt is audited, on the user's credential).
    let recalls = p.svc.list_recalls().await?.len();
    p.fill("f-password", "wrong").await?;
    p.press("recall-sign").await?;
    let err = p.text_of("err-password").await?;
    assert!(!err.is_empty(), "the password is refused at its field");
    assert_eq!(p.svc.list_recalls().await?.len(), recalls);

    // The right one signs and opens it.
    p.fill("f-password", "demo").await?;
    p.press("recall-sign").await?;
    let at = p
        .wait_path("the new recall", |x| x.starts_with("/recalls/RCL-"))
        .await?;
    let body = p.body().await?;
    assert!(body.contains(TARGET), "the recall names its target");
    assert!(
        p.driver
            .find(thirtyfour::By::Css(format!("[data-patient=\"{PATIENT}\"]")))
            .await
            .is_ok(),
        "{at} lists the exposed patient"
    );
    p.sign_out().await?;

    // The physician: the alert on the list, the patient's page and the dispensing form.
    p.sign_in("physician").await?;
    p.open("/patients").await?;
    let badge = p.text_of(&format!("recall-alert-{PATIENT}")).await?;
    assert_eq!(
        badge,
        p.tr("回収対象 (要フォローアップ)", "Recall: follow up")
    );
    p.open(&format!("/patients/{PATIENT}")).await?;
    let alert = p.text_of("recall-alert").await?;
    assert!(alert.contains("RCL-"), "the page names the recall: {alert}");
    let at_dispensing = p.text_of("dispense-recall-alert").await?;
    assert!(
        at_dispensing.contains("RCL-"),
        "the dispensing form warns: {at_dispensing}"
    );
    Ok(())
}

#[tokio::test]
async fn qa_previews_and_signs_a_recall_and_the_physician_sees_the_alert() {
    run(
        "recall_ja",
        Lang::Ja,
        Backends::All,
        recall_with_preview_and_signature,
    )
    .await;
}
