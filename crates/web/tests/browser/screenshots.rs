//! The README's screenshots (issue 17): five key pages of the demo in Japanese at 1280 × 800, taken
//! by the browser as a user sees them, written to `docs/screenshots/`. Not part of the suite (it
//! rewrites files in the repository): run it when the pages change with
//! `cargo test -p secretome-web --test browser readme_screenshots -- --ignored`.

use crate::harness::{Backends, Lang, Page, run};
use std::path::Path;

/// (file name, who takes it, the page).
const SHOTS: [(&str, &str, &str); 5] = [
    ("lots", "qa", "/lots"),
    ("lot", "qa", "/lots/L-2026-001"),
    ("batch", "operator", "/batches/B-2026-001"),
    ("release", "qa", "/lots/L-2026-005/record"),
    ("trace", "qa", "/trace?id=L-2026-002&dir=forward"),
];

#[tokio::test]
#[ignore = "rewrites docs/screenshots/: run by hand when the pages change"]
async fn readme_screenshots() {
    run(
        "screenshots",
        Lang::Ja,
        Backends::SqliteOnly,
        |p: Page| async move {
            p.driver.set_window_rect(0, 0, 1280, 800).await?;
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
            std::fs::create_dir_all(&dir)?;
            let mut signed_in = "";
            for (name, user, path) in SHOTS {
                if signed_in != user {
                    if !signed_in.is_empty() {
                        p.sign_out().await?;
                    }
                    p.sign_in(user).await?;
                    signed_in = user;
                }
                p.open(path).await?;
                p.css("h1").await?;
                p.driver
                    .screenshot(&dir.join(format!("{name}.png")))
                    .await?;
            }
            Ok(())
        },
    )
    .await;
}
