//! Where the time of `secretome assay fit` goes, phase by phase, on one thread: CSV parsing, fitting,
//! JSON output. Usage: `cargo run --release -p secretome-assay --example fit_phases -- FILE [REPEATS]`
//! (FILE: a `curve,x,y` CSV such as the one `bench/peers.py gen` writes).

use secretome_assay::batch;
use secretome_assay::curve::{self, Model, Weighting};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: fit_phases FILE [REPEATS]")?;
    let repeats: usize = args.get(2).map_or(Ok(5), |s| s.parse())?;
    let bytes = std::fs::read(path)?;
    let (mut parse, mut fit, mut json, mut all) = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
    let mut iterations = 0;
    for _ in 0..repeats {
        let t0 = Instant::now();
        let curves = batch::parse_curves_csv(path, &bytes)?;
        let t1 = Instant::now();
        let mut fits = Vec::with_capacity(curves.len());
        for c in &curves {
            fits.push(curve::fit(Model::FourPl, &c.x, &c.y, Weighting::None).ok());
        }
        let t2 = Instant::now();
        iterations = fits.iter().flatten().map(|f| f.iterations).sum::<usize>();
        let out = batch::fit_json_lines_serial(&curves, Model::FourPl, Weighting::None);
        let t3 = Instant::now();
        std::hint::black_box(out);
        let t4 = Instant::now();
        let out = batch::fit_json_lines(&curves, Model::FourPl, Weighting::None);
        std::hint::black_box(out);
        let t5 = Instant::now();
        parse = parse.min((t1 - t0).as_secs_f64());
        fit = fit.min((t2 - t1).as_secs_f64());
        json = json.min((t3 - t2).as_secs_f64() - (t2 - t1).as_secs_f64());
        all = all.min((t5 - t4).as_secs_f64());
        let _ = t4;
    }
    println!("parse CSV            {:8.2} ms", parse * 1e3);
    println!("fit (one thread)     {:8.2} ms   ({iterations} iterations)", fit * 1e3);
    println!("JSON lines (approx.) {:8.2} ms", json * 1e3);
    println!("fit_json_lines (all threads) {:8.2} ms", all * 1e3);
    Ok(())
}
