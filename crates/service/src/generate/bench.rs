//! The trace benchmark (`secretome bench-trace`, hidden): a forward trace from a donor or a
//! raw-material lot, timed against fetching the same result rows — the genealogy edges it found —
//! by primary key (`WHERE id IN (…)`, 500 keys a statement: the cheapest way to read rows whose
//! keys are already known, so the stricter yardstick; one-by-one reads would be dominated by round
//! trips). Both are repeated and the medians compared.

use crate::{Service, ServiceError};
use secretome_domain::{
    DomainError,
    donor::{Donor, DonorStatus},
    genealogy::Edge,
    material::RawMaterialLot,
};
use secretome_store::{Direction, Snapshot, Table};
use std::time::Instant;

/// One starting point's timings (milliseconds).
#[derive(Debug, Clone)]
pub struct TraceTiming {
    pub id: String,
    pub edges: usize,
    pub nodes: usize,
    pub trace_ms: f64,
    pub fetch_ms: f64,
}

impl TraceTiming {
    /// How many times the fetch by primary key the trace takes.
    pub fn ratio(&self) -> f64 {
        self.trace_ms / self.fetch_ms.max(1e-9)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

impl Service {
    /// Default starting points: the eligible donor and the DMEM raw-material lot in the middle of
    /// their lists (typical, neither the first nor the last).
    pub async fn bench_trace_roots(&self) -> Result<Vec<String>, ServiceError> {
        let donors: Vec<Donor> = self.store().list(None).await?;
        let eligible: Vec<&Donor> = donors
            .iter()
            .filter(|d| d.status == DonorStatus::Eligible)
            .collect();
        let lots: Vec<RawMaterialLot> = self.store().list(None).await?;
        let dmem: Vec<&RawMaterialLot> = lots
            .iter()
            .filter(|l| l.id.as_str().starts_with("RM-DMEM-"))
            .collect();
        match (eligible.get(eligible.len() / 2), dmem.get(dmem.len() / 2)) {
            (Some(d), Some(m)) => Ok(vec![d.id.to_string(), m.id.to_string()]),
            _ => Err(DomainError::Rule(secretome_domain::Rule::NotGenerated {
                what: "no eligible donor or DMEM lot".into(),
            })
            .into()),
        }
    }

    /// Times `trace(Forward, id)` and the primary-key fetch of its edges, `repeat` times each
    /// (alternating, after one warm-up of each).
    pub async fn bench_trace(&self, id: &str, repeat: usize) -> Result<TraceTiming, ServiceError> {
        let first = self.trace(Direction::Forward, id).await?;
        let keys: Vec<String> = first
            .edges
            .iter()
            .map(|(from, to)| format!("{from}>{to}"))
            .collect();
        let got = self.edges_by_key(&keys).await?;
        if got.len() != keys.len() {
            return Err(ServiceError::Internal(format!(
                "fetched {} of {} edges by key",
                got.len(),
                keys.len()
            )));
        }
        let (mut trace_ms, mut fetch_ms) = (Vec::new(), Vec::new());
        for _ in 0..repeat.max(1) {
            let t = Instant::now();
            let tr = self.trace(Direction::Forward, id).await?;
            trace_ms.push(t.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(tr);
            let t = Instant::now();
            let rows = self.edges_by_key(&keys).await?;
            fetch_ms.push(t.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(rows);
        }
        Ok(TraceTiming {
            id: id.to_string(),
            edges: first.edges.len(),
            nodes: first.nodes.len(),
            trace_ms: median(trace_ms),
            fetch_ms: median(fetch_ms),
        })
    }

    /// Genealogy edges by primary key (the benchmark's yardstick).
    pub async fn edges_by_key(&self, keys: &[String]) -> Result<Vec<Edge>, ServiceError> {
        let rows = self.store().get_many(Table::Edge, keys).await?;
        Ok(rows
            .iter()
            .map(Snapshot::to_record::<Edge>)
            .collect::<Result<Vec<Edge>, _>>()?)
    }
}
