//! The core pages in the browser: signing in as each demo role and out again, a wrong password,
//! a protected page without a session, the lot list with its state badges, a lot's genealogy back
//! to the donor, and the header's language switch.

use crate::harness::{Backends, Lang, Page, run};
use thirtyfour::prelude::*;

/// Each demo sign-in: (user, the name the header shows, the role it shows in Japanese).
const ROLES: [(&str, &str, &str); 5] = [
    ("operator", "佐藤 太郎", "製造担当者"),
    ("qc", "鈴木 花子", "品質管理担当者"),
    ("qa", "高橋 次郎", "品質保証責任者"),
    ("physician", "田中 一郎", "医師"),
    ("admin", "伊藤 三郎", "管理者"),
];

#[tokio::test]
async fn every_demo_role_signs_in_through_the_form_and_out_again() {
    run(
        "every_role_signs_in",
        Lang::Ja,
        Backends::All,
        |p: Page| async move {
            for (user, name, role) in ROLES {
                p.open("/login").await?;
                assert_eq!(p.h1().await?, "サインイン");
                p.submit_sign_in(user, "demo").await?;
                p.wait_path("the lot list", |u| u == "/lots").await?;
                let who = p.text_of("signed-in-user").await?;
                assert!(
                    who.contains(name) && who.contains(role),
                    "{user}: header shows {who:?}"
                );
                assert_eq!(p.h1().await?, "ロット一覧", "{user}");
                p.sign_out().await?;
                assert_eq!(p.h1().await?, "サインイン", "{user}: signed out");
                p.open("/lots").await?;
                p.wait_path("the sign-in page", |u| u.starts_with("/login"))
                    .await?;
                assert!(
                    p.driver
                        .find_all(By::Id("signed-in-user"))
                        .await?
                        .is_empty(),
                    "{user}: the session ended"
                );
            }
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_protected_page_asks_to_sign_in_and_a_wrong_password_is_refused_in_japanese() {
    run(
        "wrong_password",
        Lang::Ja,
        Backends::All,
        |p: Page| async move {
            p.open("/lots/L-2026-001").await?;
            let at = p
                .wait_path("the sign-in page", |u| u.starts_with("/login"))
                .await?;
            assert_eq!(at, "/login?next=%2Flots%2FL-2026-001");
            assert_eq!(p.h1().await?, "サインイン");

            p.submit_sign_in("qa", "not-the-password").await?;
            assert_eq!(
                p.text_of("login-error").await?,
                "ユーザー名またはパスワードが違います"
            );
            assert!(
                p.path().await?.starts_with("/login"),
                "still on the sign-in page"
            );
            assert!(
                p.driver
                    .find_all(By::Id("signed-in-user"))
                    .await?
                    .is_empty(),
                "not signed in"
            );

            // The right password then goes on to the page first asked for.
            p.submit_sign_in("qa", "demo").await?;
            p.wait_path("the lot page asked for", |u| u == "/lots/L-2026-001")
                .await?;
            assert!(p.h1().await?.contains("L-2026-001"));
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn the_lot_list_shows_state_badges_and_a_lot_its_genealogy_back_to_the_donor() {
    run(
        "lots_and_genealogy",
        Lang::Ja,
        Backends::All,
        |p: Page| async move {
            p.sign_in("qa").await?;
            p.wait_path("the lot list", |u| u == "/lots").await?;
            for (lot, badge) in [
                ("L-2026-001", "出荷可"),
                ("L-2026-002", "回収"),
                ("L-2026-003", "不合格"),
                ("L-2026-005", "出荷判定待ち"),
                ("L-2026-007", "製造中"),
            ] {
                let row = p
                    .driver
                    .find(By::XPath(format!("//tr[td/a[normalize-space()='{lot}']]")))
                    .await?;
                let shown = row.find(By::Css(".badge")).await?.text().await?;
                assert_eq!(shown, badge, "{lot}'s state badge");
            }

            p.driver
                .find(By::LinkText("L-2026-001"))
                .await?
                .click()
                .await?;
            p.wait_path("the lot page", |u| u == "/lots/L-2026-001")
                .await?;
            let h1 = p.h1().await?;
            assert!(
                h1.contains("L-2026-001") && h1.contains("出荷可"),
                "heading {h1:?}"
            );
            let body = p.wait_text("由来 (トレーサビリティ)").await?;
            let tree: Vec<String> = {
                let mut out = Vec::new();
                for li in p.driver.find_all(By::Css("ul.tree li")).await? {
                    out.push(li.text().await?);
                }
                out
            };
            for (kind, id) in [
                ("ドナー", "D-BM-001"),
                ("組織採取", ""),
                ("セルバンク", "WCB-BM-001"),
                ("培養バッチ", "B-2026-001"),
                ("培養バッチ", "B-2026-002"),
                ("上清回収", "H-2026-001"),
            ] {
                assert!(
                    tree.iter().any(|t| t.starts_with(kind) && t.contains(id)),
                    "genealogy lacks {kind} {id}: {tree:#?}"
                );
            }
            assert!(body.contains("バイアル"), "the vials section");
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn the_header_switches_to_english_and_back_and_the_choice_follows_across_pages() {
    run(
        "language_switch",
        Lang::Ja,
        Backends::All,
        |p: Page| async move {
            p.sign_in("operator").await?;
            assert_eq!(p.h1().await?, "ロット一覧");
            assert_eq!(p.text_of("lang-switch").await?, "English");

            p.click("lang-switch").await?;
            p.wait_text("Trace & recall").await?;
            assert_eq!(p.path().await?, "/lots", "the switch stays on the page");
            assert_eq!(p.h1().await?, "Lots");
            assert_eq!(p.text_of("lang-switch").await?, "日本語");
            assert!(p.text_of("signed-in-user").await?.contains("Operator"));

            // Another page, reached by a link, is in English too; and after signing in again.
            p.driver
                .find(By::LinkText("L-2026-003"))
                .await?
                .click()
                .await?;
            p.wait_path("the lot page", |u| u == "/lots/L-2026-003")
                .await?;
            let body = p.wait_text("Genealogy back to the donor").await?;
            assert!(p.h1().await?.contains("Rejected"), "badge in English");
            assert!(!body.contains("由来"), "no Japanese headings left");
            p.sign_out().await?;
            p.sign_in("operator").await?;
            assert_eq!(p.h1().await?, "Lots", "the choice is kept for the user");

            p.click("lang-switch").await?;
            p.wait_text("追跡・回収").await?;
            assert_eq!(p.h1().await?, "ロット一覧");
            p.open("/lots/L-2026-003").await?;
            assert!(p.h1().await?.contains("不合格"));
            p.wait_text("由来 (トレーサビリティ)").await?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn an_english_browser_gets_the_sign_in_page_and_its_refusal_in_english() {
    run(
        "english_browser",
        Lang::En,
        Backends::SqliteOnly,
        |p: Page| async move {
            p.open("/lots").await?;
            p.wait_path("the sign-in page", |u| u.starts_with("/login"))
                .await?;
            assert_eq!(p.h1().await?, "Sign in");
            p.submit_sign_in("physician", "wrong").await?;
            assert_eq!(
                p.text_of("login-error").await?,
                "wrong user name or password"
            );
            p.submit_sign_in("physician", "demo").await?;
            p.wait_path("the lot list", |u| u == "/lots").await?;
            assert_eq!(p.h1().await?, "Lots");
            assert!(p.text_of("signed-in-user").await?.contains("Physician"));
            Ok(())
        },
    )
    .await;
}
