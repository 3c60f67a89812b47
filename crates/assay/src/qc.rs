//! Control charts: Levey–Jennings statistics and Westgard multirules (1-2s warning, 1-3s, 2-2s, R-4s,
//! 4-1s, 10-x) over a control's history.
//!
//! Hand-written: no maintained crate implements Westgard rules; they are a few lines each.

use serde::Serialize;

/// One control result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ControlResult {
    /// Run (plate, day) index; results of one run share it. Results must be in chronological order.
    pub run: usize,
    /// Control level (0 = low, 1 = high, …).
    pub level: usize,
    /// Measured value.
    pub value: f64,
}

/// Target mean and SD of one control level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Target {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (> 0).
    pub sd: f64,
}

impl Target {
    /// Estimate from a history of values (mean, sample SD); `None` with fewer than 2 or zero spread.
    pub fn from_history(values: &[f64]) -> Option<Target> {
        let sd = crate::stats::sd(values);
        (sd.is_finite() && sd > 0.0).then(|| Target {
            mean: crate::stats::mean(values),
            sd,
        })
    }
}

/// Westgard rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Rule {
    /// One result beyond ±2 SD: warning only.
    #[serde(rename = "1-2s")]
    Warning12s,
    /// One result beyond ±3 SD.
    #[serde(rename = "1-3s")]
    R13s,
    /// Two consecutive results beyond the same ±2 SD (same level across runs, or two levels in a run).
    #[serde(rename = "2-2s")]
    R22s,
    /// Within a run, one result beyond +2 SD and another beyond −2 SD.
    #[serde(rename = "R-4s")]
    R4s,
    /// Four consecutive results beyond the same ±1 SD (across runs and/or levels).
    #[serde(rename = "4-1s")]
    R41s,
    /// Ten consecutive results on one side of the mean (across runs and/or levels).
    #[serde(rename = "10-x")]
    R10x,
}

impl Rule {
    /// True for rules that reject the run (all but 1-2s).
    pub fn rejects(self) -> bool {
        self != Rule::Warning12s
    }
}

/// A rule violated at a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The rule.
    pub rule: Rule,
    /// Index of the result that completed the pattern.
    pub index: usize,
    /// Run of that result.
    pub run: usize,
}

/// z-score of each result against its level's target (NaN if the level has no target).
pub fn z_scores(results: &[ControlResult], targets: &[Target]) -> Vec<f64> {
    results
        .iter()
        .map(|r| {
            targets
                .get(r.level)
                .map_or(f64::NAN, |t| (r.value - t.mean) / t.sd)
        })
        .collect()
}

/// Evaluate all rules; violations sorted by index, then rule.
pub fn westgard(results: &[ControlResult], targets: &[Target]) -> Vec<Violation> {
    let z = z_scores(results, targets);
    let mut out = Vec::new();
    let mut push = |rule, index: usize| {
        let v = Violation {
            rule,
            index,
            run: results[index].run,
        };
        if !out.contains(&v) {
            out.push(v);
        }
    };
    for (i, &zi) in z.iter().enumerate() {
        if zi.abs() > 2.0 {
            push(Rule::Warning12s, i);
        }
        if zi.abs() > 3.0 {
            push(Rule::R13s, i);
        }
    }
    // Sequences: every level on its own, and all levels together in chronological order.
    let mut sequences: Vec<Vec<usize>> = Vec::new();
    let max_level = results.iter().map(|r| r.level).max();
    if let Some(ml) = max_level {
        for l in 0..=ml {
            sequences.push(
                (0..results.len())
                    .filter(|&i| results[i].level == l)
                    .collect(),
            );
        }
    }
    sequences.push((0..results.len()).collect());
    for seq in &sequences {
        for side in [1.0, -1.0] {
            streaks(seq, &z, |v| side * v > 2.0, 2, &mut |i| push(Rule::R22s, i));
            streaks(seq, &z, |v| side * v > 1.0, 4, &mut |i| push(Rule::R41s, i));
            streaks(seq, &z, |v| side * v > 0.0, 10, &mut |i| {
                push(Rule::R10x, i)
            });
        }
    }
    // R-4s within a run.
    let mut i = 0;
    while i < results.len() {
        let run = results[i].run;
        let j = (i..results.len())
            .find(|&k| results[k].run != run)
            .unwrap_or(results.len());
        let hi = (i..j).any(|k| z[k] > 2.0);
        let lo = (i..j).any(|k| z[k] < -2.0);
        if hi && lo {
            push(Rule::R4s, j - 1);
        }
        i = j;
    }
    out.sort_by_key(|v| (v.index, v.rule));
    out
}

/// Call `hit` at each position of `seq` that ends a streak of ≥ `len` consecutive `pred` z-scores.
fn streaks(
    seq: &[usize],
    z: &[f64],
    pred: impl Fn(f64) -> bool,
    len: usize,
    hit: &mut dyn FnMut(usize),
) {
    let mut count = 0;
    for &i in seq {
        if pred(z[i]) {
            count += 1;
            if count >= len {
                hit(i);
            }
        } else {
            count = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_level(values: &[f64]) -> Vec<ControlResult> {
        values
            .iter()
            .enumerate()
            .map(|(run, &value)| ControlResult {
                run,
                level: 0,
                value,
            })
            .collect()
    }

    const T: [Target; 1] = [Target {
        mean: 100.0,
        sd: 10.0,
    }];

    fn rules(v: &[Violation]) -> Vec<(Rule, usize)> {
        v.iter().map(|v| (v.rule, v.index)).collect()
    }

    #[test]
    fn in_control_history_has_no_violation() {
        let r = one_level(&[101.0, 95.0, 108.0, 97.0, 112.0, 91.0, 103.0, 99.0]);
        assert!(westgard(&r, &T).is_empty());
    }

    #[test]
    fn single_rules() {
        assert_eq!(
            rules(&westgard(&one_level(&[100.0, 125.0]), &T)),
            [(Rule::Warning12s, 1)]
        );
        assert_eq!(
            rules(&westgard(&one_level(&[100.0, 65.0]), &T)),
            [(Rule::Warning12s, 1), (Rule::R13s, 1)]
        );
        assert_eq!(
            rules(&westgard(&one_level(&[122.0, 123.0]), &T)),
            [
                (Rule::Warning12s, 0),
                (Rule::Warning12s, 1),
                (Rule::R22s, 1)
            ]
        );
        // 2-2s needs the same side.
        assert!(
            !rules(&westgard(&one_level(&[122.0, 77.0]), &T))
                .iter()
                .any(|r| r.0 == Rule::R22s)
        );
    }

    #[test]
    fn four_one_s_and_ten_x() {
        let v = rules(&westgard(&one_level(&[112.0, 115.0, 111.0, 114.0]), &T));
        assert_eq!(v, [(Rule::R41s, 3)]);
        let v = rules(&westgard(&one_level(&[95.0; 10]), &T));
        assert_eq!(v, [(Rule::R10x, 9)]);
        assert!(westgard(&one_level(&[95.0; 9]), &T).is_empty());
    }

    #[test]
    fn r4s_within_a_run_across_levels() {
        let targets = [
            T[0],
            Target {
                mean: 200.0,
                sd: 20.0,
            },
        ];
        let r = [
            ControlResult {
                run: 0,
                level: 0,
                value: 125.0,
            },
            ControlResult {
                run: 0,
                level: 1,
                value: 155.0,
            },
        ];
        assert!(rules(&westgard(&r, &targets)).contains(&(Rule::R4s, 1)));
        // The same values in different runs are not R-4s.
        let r = [
            ControlResult { run: 0, ..r[0] },
            ControlResult { run: 1, ..r[1] },
        ];
        assert!(
            !rules(&westgard(&r, &targets))
                .iter()
                .any(|x| x.0 == Rule::R4s)
        );
    }

    #[test]
    fn target_from_history() {
        let t = Target::from_history(&[90.0, 100.0, 110.0]).expect("target");
        assert_eq!((t.mean, t.sd), (100.0, 10.0));
        assert!(Target::from_history(&[5.0, 5.0]).is_none());
    }
}
