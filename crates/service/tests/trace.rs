//! Trace on both backends gives the same answer: forward from a raw-material lot reaches every vial
//! of every lot whose batches used it; backward from a vial reaches its donor.

use secretome_domain::UtcTime;
use secretome_service::{Service, demo, trace::Trace};
use secretome_store::{Direction, testing::stores};
use std::sync::Arc;

#[tokio::test]
async fn forward_and_backward_trace_agree_across_backends() {
    let mut answers: Vec<(Trace, Trace)> = Vec::new();
    for (backend, store) in stores("trace").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, UtcTime::parse("now", "2026-11-25T03:00:00Z").unwrap())
            .await
            .unwrap();
        let fwd = svc.trace(Direction::Forward, "RM-SFM-2402").await.unwrap();
        // every conditioned demo batch used the serum-free medium: all filled lots' vials
        let vials = fwd
            .nodes
            .iter()
            .filter(|n| n.kind.as_str() == "vial")
            .count();
        assert_eq!(vials, 240, "{backend:?}");
        assert!(
            fwd.nodes.iter().any(|n| n.id == "L-2026-007"),
            "in-process lot reached"
        );
        let back = svc
            .trace(Direction::Backward, "L-2026-004-0001")
            .await
            .unwrap();
        assert!(
            back.nodes.iter().any(|n| n.id == "D-UC-001"),
            "{backend:?}: donor reached"
        );
        assert!(
            back.edges
                .contains(&("lot:L-2026-004".into(), "vial:L-2026-004-0001".into()))
        );
        assert!(svc.trace(Direction::Forward, "NOPE").await.is_err());
        answers.push((fwd, back));
    }
    if let [a, b] = answers.as_slice() {
        assert_eq!(a, b, "SQLite and PostgreSQL agree");
    }
}
