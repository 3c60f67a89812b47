//! Where the time of `secretome assay fit` goes, phase by phase: CSV parsing, fitting on one thread,
//! JSON lines on one thread, and the whole fit-and-write on every core. Best of REPEATS runs each.
//! Usage: `cargo run --release -p secretome-assay --example fit_phases -- FILE [REPEATS]`
//! (FILE: a `curve,x,y` CSV such as `python3 bench/peers.py gen 10000 FILE` writes).

use secretome_assay::batch;
use secretome_assay::curve::{self, Model, Weighting};
use std::time::Instant;

fn best<T>(repeats: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut t_best = f64::MAX;
    let mut out = None;
    for _ in 0..repeats.max(1) {
        let t0 = Instant::now();
        let r = f();
        t_best = t_best.min(t0.elapsed().as_secs_f64());
        out = Some(r);
    }
    (t_best * 1e3, out.expect("ran at least once"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: fit_phases FILE [REPEATS]")?;
    let repeats: usize = args.get(2).map_or(Ok(5), |s| s.parse())?;
    let bytes = std::fs::read(path)?;
    let (t_parse, curves) = best(repeats, || batch::parse_curves_csv(path, &bytes));
    let curves = curves?;
    let (t_fit, iterations) = best(repeats, || {
        curves
            .iter()
            .filter_map(|c| curve::fit(Model::FourPl, &c.x, &c.y, Weighting::None).ok())
            .map(|f| f.iterations)
            .sum::<usize>()
    });
    let (t_json, out) = best(repeats, || {
        batch::fit_json_lines_serial(&curves, Model::FourPl, Weighting::None)
    });
    let (t_all, _) = best(repeats, || {
        batch::write_fit_json_lines(
            &curves,
            Model::FourPl,
            Weighting::None,
            &mut std::io::sink(),
        )
    });
    let n = curves.len() as f64;
    println!(
        "{} curves, {} bytes of output, {iterations} iterations",
        curves.len(),
        out.len()
    );
    println!(
        "parse CSV                       {t_parse:8.2} ms  {:6.2} µs/curve",
        t_parse * 1e3 / n
    );
    println!(
        "fit, one thread                 {t_fit:8.2} ms  {:6.2} µs/curve",
        t_fit * 1e3 / n
    );
    println!(
        "fit + JSON lines, one thread    {t_json:8.2} ms  {:6.2} µs/curve",
        t_json * 1e3 / n
    );
    println!(
        "fit + JSON lines, every core    {t_all:8.2} ms  {:6.2} µs/curve",
        t_all * 1e3 / n
    );
    Ok(())
}
