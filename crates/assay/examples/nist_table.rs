//! Prints the NIST StRD LRE table (min parameter LRE and RSS LRE, both starts) as Markdown.
//! Usage: cargo run --release -p secretome-assay --example nist_table [DIR]

use secretome_assay::{lm, nist};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/nist-strd").to_string()
    });
    let mut names: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "dat"))
        .collect();
    names.sort();
    println!(
        "| problem | start 1: min LRE params | start 1: LRE RSS | start 2: min LRE params | start 2: LRE RSS | iters (1/2) |"
    );
    println!("|---|---|---|---|---|---|");
    for path in names {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let ds = nist::parse(&name, &std::fs::read(&path)?)?;
        let mut cells = vec![];
        let mut iters = vec![];
        for start in [&ds.start1, &ds.start2] {
            match lm::solve(&ds, start, &lm::LmOptions::default()) {
                Ok(r) => {
                    let p = r
                        .params
                        .iter()
                        .zip(&ds.certified)
                        .map(|(&e, &c)| nist::lre(e, c))
                        .fold(15.0f64, f64::min);
                    cells.push(format!("{p:.1}"));
                    cells.push(format!("{:.1}", nist::lre(r.rss, ds.certified_rss)));
                    iters.push(format!(
                        "{}{}",
                        r.iterations,
                        if r.converged { "" } else { "*" }
                    ));
                }
                Err(e) => {
                    cells.push(format!("error: {e}"));
                    cells.push("-".into());
                    iters.push("-".into());
                }
            }
        }
        println!(
            "| {} | {} | {} |",
            ds.name,
            cells.join(" | "),
            iters.join("/")
        );
    }
    Ok(())
}
