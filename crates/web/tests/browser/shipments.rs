//! A shipment in the browser, from the facility's freezer to a patient at the clinic: the operator
//! packs two vials (scanned into the box), dispatches; the clinic's physician receives them (both
//! scanned again, intact) and dispenses one to the demo clinic's patient from the patient's page.
//! Before receipt the clinic cannot dispense it (not received yet).

use crate::harness::{Backends, Lang, Page, Seen, run};
use secretome_domain::vial::{Vial, VialStatus};

const SHIPMENT: &str = "SHP-B1";

async fn shipment_state(p: &Page) -> Result<String, Seen> {
    Ok(p.id("shipment-state")
        .await?
        .attr("data-state")
        .await?
        .unwrap_or_default())
}

async fn pack_receive_dispense(p: Page) -> Result<(), Seen> {
    let vials: Vec<String> = p
        .svc
        .store()
        .list::<Vial>(Some(("lot", "L-2026-004")))
        .await?
        .into_iter()
        .filter(|v| v.status == VialStatus::Available && v.location.is_some())
        .take(2)
        .map(|v| v.id.to_string())
        .collect();
    let page = format!("/shipments/{SHIPMENT}");

    // The operator packs and dispatches.
    p.sign_in("operator").await?;
    p.open("/shipments").await?;
    p.fill("f-id", SHIPMENT).await?;
    p.fill("f-to_site", "CL-SHIBUYA").await?;
    p.fill("f-vials", &vials.join("\n")).await?;
    p.select("f-shipper", "dry_ice").await?;
    p.fill("f-logger_id", "EL-USB-2-0500").await?;
    p.submit("pack-submit", &page).await?;
    assert_eq!(shipment_state(&p).await?, "packed");
    p.submit("dispatch-submit", &page).await?;
    assert_eq!(shipment_state(&p).await?, "dispatched");
    p.wait_text(p.tr("出荷済", "Dispatched")).await?;

    // The clinic cannot dispense a vial still in transit.
    p.sign_out().await?;
    p.sign_in("clinic").await?;
    let patient = "/patients/PT-CL-0001";
    p.open(patient).await?;
    p.fill("f-vial", &vials[0]).await?;
    p.press("dispense-submit").await?;
    p.wait_text(p.tr("まだ受領されていません", "has not been received yet"))
        .await?;

    // It receives both vials, intact.
    p.open(&page).await?;
    p.fill("f-vials", &vials.join("\n")).await?;
    p.select("f-condition", "intact").await?;
    p.submit("receive-submit", &page).await?;
    assert_eq!(shipment_state(&p).await?, "received");
    p.wait_text(p.tr("受領済", "Received")).await?;

    // And dispenses one to its patient.
    p.open(patient).await?;
    p.fill("f-vial", &vials[0]).await?;
    p.press("dispense-submit").await?;
    p.css(&format!("#dispensing-table tr[data-vial=\"{}\"]", vials[0]))
        .await?;
    let v: Vial = p.svc.store().fetch(&vials[0]).await?.ok_or("vial")?;
    assert_eq!(v.status, VialStatus::Dispensed);
    Ok(())
}

#[tokio::test]
async fn a_shipment_goes_from_packing_to_receipt_to_dispensing_at_the_clinic() {
    run(
        "shipment_ja",
        Lang::Ja,
        Backends::All,
        pack_receive_dispense,
    )
    .await;
}
