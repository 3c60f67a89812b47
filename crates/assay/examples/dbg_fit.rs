//! Debug: residual/Jacobian evaluation counts of 4PL fits on synthetic curves under several tolerances.
use secretome_assay::curve::{self, Model, Weighting};
use secretome_assay::lm::{self, LmOptions, Problem};
use std::cell::Cell;

struct Count<'a> {
    p: &'a dyn Problem,
    f: Cell<usize>,
    j: Cell<usize>,
}
impl Problem for Count<'_> {
    fn n_params(&self) -> usize {
        self.p.n_params()
    }
    fn n_residuals(&self) -> usize {
        self.p.n_residuals()
    }
    fn residuals(&self, p: &[f64], out: &mut [f64]) {
        self.f.set(self.f.get() + 1);
        self.p.residuals(p, out)
    }
    fn jacobian(&self, p: &[f64], out: &mut [f64]) {
        self.j.set(self.j.get() + 1);
        self.p.jacobian(p, out)
    }
}

fn main() {
    let text = std::fs::read_to_string("/tmp/curves.csv").unwrap();
    let curves = secretome_assay::batch::parse_curves_csv("c", text.as_bytes()).unwrap();
    for tol in [1e-14, 1e-12, 1e-10] {
        let (mut nf, mut nj, mut maxdiff) = (0, 0, 0.0f64);
        for c in curves.iter().take(2000) {
            let p = curve::CurveProblem::new(Model::FourPl, &c.x, &c.y, Weighting::None).unwrap();
            let s = &curve::self_start(Model::FourPl, &c.x, &c.y).unwrap()[0];
            let cp = Count {
                p: &p,
                f: Cell::new(0),
                j: Cell::new(0),
            };
            let r = lm::solve(
                &cp,
                s,
                &LmOptions {
                    max_iterations: 200,
                    ftol: tol,
                    xtol: tol,
                    gtol: 0.0,
                },
            )
            .unwrap();
            let r0 = lm::solve(
                &p,
                s,
                &LmOptions {
                    max_iterations: 200,
                    ftol: 1e-15,
                    xtol: 1e-15,
                    gtol: 0.0,
                },
            )
            .unwrap();
            for k in 0..4 {
                maxdiff = maxdiff.max(((r.params[k] - r0.params[k]) / r0.params[k]).abs());
            }
            nf += cp.f.get();
            nj += cp.j.get();
        }
        println!(
            "tol {tol:e}: f evals/fit {:.2}, J evals/fit {:.2}, max rel param diff vs 1e-15: {maxdiff:e}",
            nf as f64 / 2000.0,
            nj as f64 / 2000.0
        );
    }
}
