//! The generator's plan, made before anything is written: which lots are made when and where, how
//! many vials each holds and how it ends (released, rejected, still in quarantine), which patients
//! are registered when, and which vial of which lot each of their doses comes from. Pure and
//! deterministic for a seed.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// SplitMix64: small, fast and the same on every platform and version (the plan must be
/// reproducible from its seed).
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EC7_E70E_0000_0001)
    }
    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi).
    pub(super) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform in 0..n (n > 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// How a lot's QA decision comes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    Released,
    /// Endotoxin out of specification.
    Rejected,
}

/// One lot: made at `site`, pooled at `pool_day` (days since the start of the history).
#[derive(Debug, Clone)]
pub(super) struct LotPlan {
    pub site: usize,
    /// Sequence of the lot at its site, from 1.
    pub number: usize,
    pub pool_day: f64,
    pub vials: usize,
    pub harvests: usize,
    pub fate: Fate,
    /// Days from pooling to the QA decision (results are entered a week before).
    pub decision_after: f64,
}

/// One patient: registered at `site` on `day`, with planned doses.
#[derive(Debug, Clone)]
pub(super) struct PatientPlan {
    pub site: usize,
    pub day: f64,
    pub doses: Vec<f64>,
}

/// A dose that found a vial: patient index and day of administration.
#[derive(Debug, Clone, Copy)]
pub(super) struct Dose {
    pub patient: usize,
    pub day: f64,
}

pub(super) const FILL_AFTER_POOL: f64 = 0.4;
pub(super) const SHELF_LIFE_DAYS: f64 = 365.0;
/// Vials per lot on average; a lot pools 2–4 harvests.
const MEAN_LOT_VIALS: f64 = 400.0;
/// Share of a released lot's vials that may go to patients (the rest stay as retained samples,
/// stock or expire).
const DISPENSABLE: f64 = 0.9;

/// Lots spread evenly over `span_days` (ending a day before the present), round-robin over sites,
/// vial counts summing to exactly `vials`.
pub(super) fn lots(rng: &mut Rng, vials: usize, sites: usize, span_days: f64) -> Vec<LotPlan> {
    let n = ((vials as f64 / MEAN_LOT_VIALS).round() as usize).clamp(1, vials.max(1));
    let weights: Vec<f64> = (0..n).map(|_| rng.range(0.6, 1.4)).collect();
    let total: f64 = weights.iter().sum();
    let mut left = vials;
    let mut per_site = vec![0usize; sites];
    let slot = (span_days - 1.0) / n as f64;
    (0..n)
        .map(|i| {
            let v = if i + 1 == n {
                left
            } else {
                let share = ((vials as f64 * weights[i] / total).round() as usize).max(1);
                share.min(left.saturating_sub(n - 1 - i)).max(1)
            };
            left -= v.min(left);
            let site = i % sites;
            per_site[site] += 1;
            LotPlan {
                site,
                number: per_site[site],
                pool_day: slot * (i as f64 + rng.range(0.2, 0.8)),
                vials: v,
                harvests: 2 + rng.below(3),
                fate: if rng.unit() < 0.03 {
                    Fate::Rejected
                } else {
                    Fate::Released
                },
                decision_after: rng.range(14.0, 21.0),
            }
        })
        .collect()
}

/// Patients registered evenly over the history, round-robin over sites, each with 1–6 doses two
/// to five weeks apart (only those before the present).
pub(super) fn patients(
    rng: &mut Rng,
    count: usize,
    sites: usize,
    span_days: f64,
) -> Vec<PatientPlan> {
    (0..count)
        .map(|j| {
            let day = rng.range(0.0, span_days - 2.0);
            let mut doses = Vec::new();
            let mut d = day + rng.range(3.0, 14.0);
            for _ in 0..1 + rng.below(6) {
                if d >= span_days - 0.1 {
                    break;
                }
                doses.push(d);
                d += rng.range(14.0, 35.0);
            }
            PatientPlan {
                site: j % sites,
                day,
                doses,
            }
        })
        .collect()
}

/// Gives each dose, in time order, a vial of the released lot of its site that expires first
/// among those released before the dose and not yet expired (first-expired, first-out). Doses
/// with no such vial are not given. Returns, per lot, its doses in vial order.
pub(super) fn match_doses(
    lots: &[LotPlan],
    patients: &[PatientPlan],
    sites: usize,
) -> Vec<Vec<Dose>> {
    let mut out: Vec<Vec<Dose>> = vec![Vec::new(); lots.len()];
    for site in 0..sites {
        let mut supply: Vec<(f64, f64, usize, usize)> = lots
            .iter()
            .enumerate()
            .filter(|(_, l)| l.site == site && l.fate == Fate::Released)
            .map(|(i, l)| {
                let released = l.pool_day + l.decision_after;
                let expires = l.pool_day + FILL_AFTER_POOL + SHELF_LIFE_DAYS;
                let cap = (l.vials as f64 * DISPENSABLE).floor() as usize;
                (released, expires, i, cap)
            })
            .collect();
        supply.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut doses: Vec<Dose> = patients
            .iter()
            .enumerate()
            .filter(|(_, p)| p.site == site)
            .flat_map(|(j, p)| {
                p.doses.iter().map(move |d| Dose {
                    patient: j,
                    day: *d,
                })
            })
            .collect();
        doses.sort_by(|a, b| a.day.total_cmp(&b.day));
        // Min-heap on expiry (in whole minutes, so it is an integer key), then lot index.
        let mut open: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
        let mut left: Vec<usize> = vec![0; lots.len()];
        let mut next = 0;
        for dose in doses {
            while next < supply.len() && supply[next].0 <= dose.day {
                let (_, expires, i, cap) = supply[next];
                left[i] = cap;
                open.push(Reverse(((expires * 1440.0) as i64, i)));
                next += 1;
            }
            while let Some(Reverse((exp, i))) = open.peek().copied() {
                if left[i] == 0 || (exp as f64) / 1440.0 <= dose.day + 1.0 {
                    open.pop();
                } else {
                    break;
                }
            }
            if let Some(Reverse((_, i))) = open.peek().copied() {
                out[i].push(dose);
                left[i] -= 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lots_hold_exactly_the_vials_asked_and_doses_fit_their_lots() {
        let mut rng = Rng::new(7);
        let lots = lots(&mut rng, 12_345, 3, 3.0 * 365.0);
        assert_eq!(lots.iter().map(|l| l.vials).sum::<usize>(), 12_345);
        assert!(lots.iter().all(|l| l.vials >= 1));
        let pts = patients(&mut rng, 500, 3, 3.0 * 365.0);
        let m = match_doses(&lots, &pts, 3);
        let given: usize = m.iter().map(Vec::len).sum();
        assert!(given > 500, "only {given} doses found a vial");
        for (l, doses) in lots.iter().zip(&m) {
            assert!(doses.len() <= l.vials);
            for d in doses {
                assert_eq!(pts[d.patient].site, l.site);
                assert!(d.day >= l.pool_day + l.decision_after);
                assert!(d.day < l.pool_day + FILL_AFTER_POOL + SHELF_LIFE_DAYS);
            }
        }
    }
}
