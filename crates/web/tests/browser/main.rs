//! End-to-end tests in real headless Chromium (Debian `chromium` + `chromium-driver`), driven over
//! WebDriver (thirtyfour): each flow clicks through the pages as a user would and asserts what the
//! user sees. `signin`: sign-in as every role, sign-out, a wrong password, a protected page, lot
//! list and genealogy, the language switch. `quality` (with `manufacture`): a lot made from a new
//! donor, tested (plate import), refused, its deviation approved, released with an e-signature and
//! certified — in Japanese and in English. `recall`: QA previews a recall, signs it with the
//! password, and the physician sees the alert on the patient list, page and dispensing form. `facility`: an environmental monitoring excursion entered
//! on the EM page reaches the lot as a deviation and QA's release page as a blocker.
//!
//! Run: `cargo test -p secretome-web --test browser` (PostgreSQL too with
//! `SECRETOME_TEST_DATABASE_URL`). Without a browser they are reported as SKIPPED (a failure when
//! `CI` is set); on failure a screenshot goes to `target/browser-screenshots/`.

mod checks;
#[path = "../common/mod.rs"]
mod common;
mod facility;
mod harness;
mod layout;
mod manufacture;
mod mbr;
mod quality;
mod recall;
mod screenshots;
mod shipments;
mod signin;
