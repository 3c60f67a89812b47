//! Cheap decoding (issue 19) on both backends: every record of the demo facility, in every audited
//! table, decodes straight from its row (`RawRow::to_record`) into exactly the record the old path
//! (`Snapshot::from_row` → `to_record`, a JSON value per cell) gives — NULLs, enums, booleans,
//! reals and JSON columns included — and a typed page equals the same page read through snapshots.

use secretome_domain::UtcTime;
use secretome_service::{Service, demo};
use secretome_store::{PageQuery, Record, Store, testing::stores};
use std::sync::Arc;

fn now() -> UtcTime {
    UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap()
}

/// Rows of `R`'s table decoded both ways; how many there were.
async fn same<R: Record>(store: &dyn Store, what: &str) -> usize {
    let raw = store.select_raw(R::TABLE, None).await.unwrap();
    for r in &raw {
        let direct: R = r.to_record().unwrap();
        let via: R = r.snapshot().unwrap().to_record().unwrap();
        assert_eq!(
            serde_json::to_value(&direct).unwrap(),
            serde_json::to_value(&via).unwrap(),
            "{what}: {}",
            r.text("id").unwrap_or_default()
        );
    }
    raw.len()
}

#[tokio::test]
async fn rows_decode_straight_into_the_records_the_snapshot_path_gives() {
    use secretome_domain::{
        batch::*, clinical::*, culture::*, donor::Donor, genealogy::Edge, inventory::*, lot::Lot,
        material::*, processing::ProcessingStep, qc::*, recall::*, site::*, vial::Vial,
    };
    for (backend, store) in stores("decode").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let st = svc.store();
        let b = format!("{backend:?}");
        let mut n = 0;
        n += same::<Site>(st, &b).await;
        n += same::<User>(st, &b).await;
        n += same::<Donor>(st, &b).await;
        n += same::<TissueCollection>(st, &b).await;
        n += same::<CellBank>(st, &b).await;
        n += same::<RawMaterialLot>(st, &b).await;
        n += same::<CultureBatch>(st, &b).await;
        n += same::<Observation>(st, &b).await;
        n += same::<MaterialUse>(st, &b).await;
        n += same::<Harvest>(st, &b).await;
        n += same::<ProcessingStep>(st, &b).await;
        n += same::<Edge>(st, &b).await;
        n += same::<Credential>(st, &b).await;
        n += same::<ApiToken>(st, &b).await;
        n += same::<Product>(st, &b).await;
        n += same::<Specification>(st, &b).await;
        n += same::<TestResult>(st, &b).await;
        n += same::<Deviation>(st, &b).await;
        n += same::<Setting>(st, &b).await;
        n += same::<DinSequence>(st, &b).await;
        n += same::<Freezer>(st, &b).await;
        n += same::<VialMove>(st, &b).await;
        n += same::<Patient>(st, &b).await;
        n += same::<Dispensing>(st, &b).await;
        n += same::<Administration>(st, &b).await;
        n += same::<AdverseEvent>(st, &b).await;
        n += same::<OutcomeMeasure>(st, &b).await;
        n += same::<Recall>(st, &b).await;
        n += same::<Exposure>(st, &b).await;
        let lots = same::<Lot>(st, &b).await;
        let vials = same::<Vial>(st, &b).await;
        assert!(
            lots >= 6 && vials >= 200 && n > 100,
            "{b}: {lots} lots, {vials} vials, {n} other rows"
        );

        let q = PageQuery::newest("id", 50);
        let direct = st.page_of::<Vial>(&q).await.unwrap();
        let via = st.page_of_via_snapshots::<Vial>(&q).await.unwrap();
        assert_eq!(
            serde_json::to_value(&direct).unwrap(),
            serde_json::to_value(&via).unwrap(),
            "{b}"
        );
        assert_eq!(direct.rows.len(), 50, "{b}");
    }
}
