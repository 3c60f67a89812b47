//! People by name (issue 12 item 6), on both backends: the pages that name a person — the lot's
//! decision and audit trail, its QC record, batch record and certificate, the deviations overview,
//! the patient list and page, the recalls — show the display name (佐藤 太郎, 高橋 次郎, 田中 一郎),
//! never the login id (`operator`, `qa`, `physician`); a deactivated user's records still carry
//! the name. The administrator's user list is where the login id shows.

use crate::common;
use common::*;
use secretome_store::testing::stores;

/// The demo's login ids, as they would show if a page printed them as a cell or a name.
const LOGIN_IDS: [&str; 5] = ["operator", "qc", "qa", "physician", "admin"];

/// The page shows no login id as text (attributes such as `data-user` may carry it).
fn no_login_ids(path: &str, body: &str) {
    for id in LOGIN_IDS {
        for shown in [format!(">{id}<"), format!("({id})"), format!("· {id}<")] {
            assert!(
                !body.contains(&shown),
                "{path} shows the login id {shown:?} where a name belongs"
            );
        }
    }
}

#[tokio::test]
async fn pages_show_people_by_display_name_not_login_id() {
    for (backend, store) in stores("people_by_name").await {
        let (app, svc) = demo_app(store).await;
        let (qa, _) = session(&svc, "qa").await;
        let (dr, _) = session(&svc, "physician").await;
        // The decision, QC record, batch record and certificate of a released lot.
        for (path, who) in [
            ("/lots/L-2026-004", "高橋 次郎"),
            ("/lots/L-2026-004/qc", "鈴木 花子"),
            ("/lots/L-2026-004/record", "佐藤 太郎"),
            ("/lots/L-2026-004/coa", "高橋 次郎"),
            ("/qc", ""),
            ("/recalls", "高橋 次郎"),
            ("/recalls/RCL-0001", "田中 一郎"),
        ] {
            let r = get(&app, path, Some(&qa)).await;
            assert_eq!(r.status, 200, "{backend:?} {path}");
            assert!(r.body.contains(who), "{backend:?} {path}: shows {who}");
            no_login_ids(path, &r.body);
        }
        for path in ["/patients", "/patients/PT-000001"] {
            let r = get(&app, path, Some(&dr)).await;
            assert_eq!(r.status, 200, "{backend:?} {path}");
            assert!(
                r.body.contains("田中 一郎"),
                "{backend:?} {path}: physician"
            );
            no_login_ids(path, &r.body);
        }

        // A deactivated user's past records keep the name.
        let admin = svc.actor("admin").await.unwrap();
        svc.set_user_active(&admin, now(), "qa", false, "退職")
            .await
            .unwrap();
        let r = get(&app, "/lots/L-2026-004", Some(&dr)).await;
        assert!(r.body.contains("高橋 次郎"), "{backend:?}: still by name");

        // The administrator's user list shows the login id beside the name.
        let (ad, _) = session(&svc, "admin").await;
        let r = get(&app, "/admin/users", Some(&ad)).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("高橋 次郎") && r.body.contains(">qa<"));
    }
}
