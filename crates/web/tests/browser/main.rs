//! End-to-end tests in real headless Chromium (Debian `chromium` + `chromium-driver`), driven over
//! WebDriver: each flow clicks through the pages as a user would and asserts what the user sees.
//! Run: `cargo test -p secretome-web --test browser`. Without a browser they are reported as
//! SKIPPED (a failure when `CI` is set); on failure a screenshot goes to
//! `target/browser-screenshots/`.

#[path = "../common/mod.rs"]
mod common;
mod harness;
mod signin;
