//! The counters the store keeps with every write (issue 19, migrations 0023 and 0024: a lot's vials
//! by state, freezer occupancy by state, unused vials by expiry, per-indication patients, doses and
//! adverse events) equal a recount of the rows they count — after the demo facility (fillings and
//! put-away, dispensing, doses, adverse events, a recall), after a new patient's dispensing, dose
//! and adverse events, after the expiry sweep (the set-based path), and after a generated history
//! (the bulk insert path) — on both backends; and the freezer list and indication pages built from them say what
//! a count of the rows says. Also a lot's page: its first vials by number, all counted by state.

use crate::clinical_inputs;
use crate::common;
use clinical_inputs::*;
use common::*;

use secretome_domain::{
    UtcTime,
    clinical::{Administration, AdverseEvent, Indication, Patient},
    inventory::Freezer,
    vial::{Vial, VialStatus},
};
use secretome_service::{LOT_VIALS, Service, demo, generate::GenerateSpec};
use secretome_store::{TallyKind, testing::stores};
use std::collections::BTreeMap;
use std::sync::Arc;

type Counts = BTreeMap<(&'static str, String, String), (i64, f64)>;

fn unused(s: VialStatus) -> bool {
    matches!(s, VialStatus::Quarantine | VialStatus::Available)
}

/// The counters as they should be, counted from the rows in Rust.
async fn recount(svc: &Service) -> Counts {
    let st = svc.store();
    let mut c = Counts::new();
    let mut add = |kind: TallyKind, subject: &str, key: &str, amount: f64| {
        let e = c
            .entry((kind.as_str(), subject.to_string(), key.to_string()))
            .or_insert((0, 0.0));
        e.0 += 1;
        e.1 += amount;
    };
    for v in st.list::<Vial>(None).await.unwrap() {
        add(TallyKind::LotVials, v.lot.as_str(), v.status.as_str(), 0.0);
        let Some((f, _)) = v.location.as_deref().and_then(|l| l.split_once('/')) else {
            continue;
        };
        add(TallyKind::FreezerVials, f, v.status.as_str(), 0.0);
        if unused(v.status) {
            add(
                TallyKind::FreezerUnusedExpiry,
                f,
                &v.expires_at.to_string(),
                0.0,
            );
        }
    }
    let mut indication = BTreeMap::new();
    for p in st.list::<Patient>(None).await.unwrap() {
        add(
            TallyKind::IndicationPatients,
            p.indication.as_str(),
            "",
            0.0,
        );
        indication.insert(p.id.to_string(), p.indication);
    }
    for a in st.list::<Administration>(None).await.unwrap() {
        add(
            TallyKind::IndicationDoses,
            a.indication.as_str(),
            "",
            a.dose_ml,
        );
    }
    for e in st.list::<AdverseEvent>(None).await.unwrap() {
        let key = format!("{}/{}", e.grade, i64::from(e.serious));
        let ind = indication[e.patient.as_str()];
        add(TallyKind::IndicationAdverseEvents, ind.as_str(), &key, 0.0);
    }
    c
}

/// The counters as the store keeps them.
async fn stored(svc: &Service) -> Counts {
    let mut c = Counts::new();
    for kind in TallyKind::ALL {
        for t in svc.store().tallies(*kind, None, None).await.unwrap() {
            c.insert((kind.as_str(), t.subject, t.key), (t.n, t.amount));
        }
    }
    c
}

async fn assert_counters_recount(svc: &Service, when: &str) {
    let (want, got) = (recount(svc).await, stored(svc).await);
    let counts =
        |c: &Counts| -> BTreeMap<_, i64> { c.iter().map(|(k, v)| (k.clone(), v.0)).collect() };
    assert_eq!(counts(&got), counts(&want), "{when}: counters ≠ recount");
    for (k, (_, ml)) in &want {
        assert!(
            (got[k].1 - ml).abs() < 1e-6,
            "{when}: {k:?} {} ≠ {ml}",
            got[k].1
        );
    }
    assert!(!want.is_empty(), "{when}: something to count");
}

/// The freezer list against a count of the vials: stored in it, and past expiry at `now`.
async fn assert_freezer_list(svc: &Service, now: UtcTime) {
    let vials = svc.store().list::<Vial>(None).await.unwrap();
    let listed = svc.freezers(now).await.unwrap();
    assert_eq!(
        listed.len(),
        svc.store().list::<Freezer>(None).await.unwrap().len()
    );
    for f in listed {
        let here: Vec<&Vial> = vials
            .iter()
            .filter(|v| {
                v.location
                    .as_deref()
                    .is_some_and(|l| l.starts_with(&format!("{}/", f.freezer.id)))
            })
            .collect();
        let expired = here
            .iter()
            .filter(|v| {
                v.status == VialStatus::Expired || (unused(v.status) && now >= v.expires_at)
            })
            .count();
        assert_eq!(
            (f.vials, f.expired),
            (here.len(), expired),
            "{}",
            f.freezer.id
        );
    }
}

#[tokio::test]
async fn counters_equal_a_recount_after_every_kind_of_write() {
    for (backend, store) in stores("tallies").await {
        let b = format!("{backend:?}");
        let pool = store.pool().clone();
        let svc = Service::new(Arc::new(store));
        let now = t("2026-11-25T03:00:00Z");
        demo::build(&svc, now).await.unwrap();
        assert_counters_recount(&svc, &format!("{b} demo")).await;
        assert_freezer_list(&svc, now).await;
        // Migration 0024's backfill counts a lot's vials as the writes did.
        sqlx::query("DELETE FROM tally WHERE kind = 'lot_vials'")
            .execute(&pool)
            .await
            .unwrap();
        let (_, _, sql) = secretome_store::sql::MIGRATIONS
            .iter()
            .find(|m| m.0 == 24)
            .unwrap();
        for st in secretome_store::sql::statements(sql) {
            sqlx::query(sqlx::AssertSqlSafe(st))
                .execute(&pool)
                .await
                .unwrap();
        }
        assert_counters_recount(&svc, &format!("{b} demo, lot counters backfilled")).await;

        // A new patient: registration, dispensing (the vial leaves its freezer), a dose and two
        // adverse events (one serious) — one by one through the use cases.
        let doc = svc.actor("physician").await.unwrap();
        let before = svc.indication_summary("stroke").await.unwrap();
        svc.register_patient(&doc, now, patient("PT-T-101", "stroke"))
            .await
            .unwrap();
        common::consent(&svc, &doc, "PT-T-101", "stroke", now).await;
        let v = vial(&svc, "L-2026-004", VialStatus::Available, 0).await;
        svc.dispense_vial(&doc, h(now, 1.0), v.id.as_str(), "PT-T-101")
            .await
            .unwrap();
        svc.record_administration_for(
            &doc,
            h(now, 2.0),
            "PT-T-101",
            dose(v.id.as_str(), 1.5, h(now, 2.0)),
        )
        .await
        .unwrap();
        for (grade, at) in [(1, 26.0), (4, 28.0)] {
            svc.report_adverse_event(
                &doc,
                h(now, 30.0),
                ae("PT-T-101", None, grade, "recovering", h(now, at)),
            )
            .await
            .unwrap();
        }
        assert_counters_recount(&svc, &format!("{b} new patient")).await;
        let after = svc.indication_summary("stroke").await.unwrap();
        assert_eq!(after.patients_total, before.patients_total + 1, "{b}");
        assert_eq!(after.doses, before.doses + 1, "{b}");
        assert!((after.total_ml - before.total_ml - 1.5).abs() < 1e-9, "{b}");
        assert_eq!(after.ae_by_grade[0], before.ae_by_grade[0] + 1, "{b}");
        assert_eq!(after.ae_by_grade[3], before.ae_by_grade[3] + 1, "{b}");
        assert_eq!(after.serious, before.serious + 1, "{b}: grade 4 is serious");
        let row = |rows: &[secretome_service::clinical_queries::IndicationRow]| {
            rows.iter()
                .find(|r| r.indication == Indication::Stroke)
                .map(|r| (r.patients, r.doses, r.adverse_events))
                .unwrap()
        };
        let overview = svc.indications_overview().await.unwrap();
        assert_eq!(
            row(&overview),
            (
                after.patients_total,
                after.doses,
                after.ae_by_grade.iter().sum::<usize>()
            ),
            "{b}: the overview and the page agree"
        );

        // The expiry sweep years later: every unused vial becomes expired (set-based updates).
        let later = t("2036-11-25T03:00:00Z");
        assert_freezer_list(&svc, later).await;
        let op = svc.actor("operator").await.unwrap();
        let swept = svc.expire_vials(&op, later).await.unwrap();
        assert!(!swept.is_empty(), "{b}");
        assert_counters_recount(&svc, &format!("{b} after the sweep")).await;
        assert_freezer_list(&svc, later).await;
        let due = svc
            .store()
            .tallies(
                TallyKind::FreezerUnusedExpiry,
                None,
                Some(&later.to_string()),
            )
            .await
            .unwrap();
        assert!(
            due.is_empty(),
            "{b}: nothing unused is left past expiry: {due:?}"
        );
    }
}

#[tokio::test]
async fn a_generated_history_keeps_its_counters() {
    let now = t("2026-11-25T03:00:00Z");
    for (backend, store) in stores("tallies_generate").await {
        let svc = Service::new(Arc::new(store));
        let spec = GenerateSpec {
            vials: 1_000,
            patients: 150,
            years: 2,
            sites: 2,
            seed: 3,
        };
        svc.generate(now, &spec, &|_| {}).await.unwrap();
        assert_counters_recount(&svc, &format!("{backend:?} generated")).await;
        assert_freezer_list(&svc, now).await;

        // A lot's page lists its first vials by number and counts all of them by state.
        let vials = svc.store().list::<Vial>(None).await.unwrap();
        let mut by_lot: BTreeMap<String, Vec<&Vial>> = BTreeMap::new();
        for v in &vials {
            by_lot.entry(v.lot.to_string()).or_default().push(v);
        }
        let (lot, mut of_lot) = by_lot.into_iter().max_by_key(|(_, v)| v.len()).unwrap();
        assert!(
            of_lot.len() > LOT_VIALS,
            "{backend:?}: a lot larger than a page"
        );
        of_lot.sort_by_key(|v| v.seq);
        let d = svc.lot_detail(&lot).await.unwrap();
        let shown: Vec<i64> = d.vials.iter().map(|v| v.seq).collect();
        let first: Vec<i64> = of_lot.iter().take(LOT_VIALS).map(|v| v.seq).collect();
        assert_eq!(shown, first, "{backend:?}");
        assert_eq!(d.vials_total, of_lot.len(), "{backend:?}");
        let mut states = BTreeMap::new();
        for v in &of_lot {
            *states.entry(v.status.as_str()).or_insert(0) += 1;
        }
        assert_eq!(d.vials_by_status, states, "{backend:?}");
    }
}
