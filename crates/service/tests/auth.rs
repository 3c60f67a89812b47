//! Sign-in on both backends: passwords, failures and back-off recorded in the audit trail (no
//! lock-out), unknown names verified against a dummy hash, the administrator's unlock, session idle
//! expiry, sign-out, e-signature password re-entry.

use secretome_domain::UtcTime;
use secretome_service::{
    Service,
    auth::{PasswordHashing, SignInError},
};
use secretome_store::{Table, VerifyOutcome, testing::stores};
use std::sync::Arc;

fn t(s: &str) -> UtcTime {
    UtcTime::parse("t", s).unwrap()
}

#[tokio::test]
async fn sign_in_back_off_and_sessions() {
    for (backend, store) in stores("auth").await {
        let svc =
            Service::new(Arc::new(store)).with_password_hashing(PasswordHashing::cheap_for_tests());
        let now = t("2026-11-25T00:00:00Z");
        let admin = svc
            .bootstrap(now, "S1", "Site", "admin", "Admin")
            .await
            .unwrap();
        svc.create_user(
            &admin,
            now,
            "qa",
            "QA",
            "S1",
            vec![secretome_domain::Role::Qa],
        )
        .await
        .unwrap();
        let e = svc
            .set_password(&admin, now, "qa", "short")
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "password: must be at least 8 characters");
        svc.set_password(&admin, now, "qa", "correct horse")
            .await
            .unwrap();
        let events = svc
            .store()
            .events_for(Table::Credential, "qa")
            .await
            .unwrap();
        assert!(
            !events[0].after.as_deref().unwrap().contains("argon2"),
            "no hash in the trail"
        );

        let ok = svc
            .sign_in(now, "qa", "correct horse")
            .await
            .unwrap()
            .unwrap();
        let info = svc
            .session(now, &ok.token)
            .await
            .unwrap()
            .expect("live session");
        assert_eq!(info.actor.user.as_str(), "qa");
        assert_eq!(info.csrf, ok.csrf);
        // a user deactivated while signed in: the live session lets nothing more through
        svc.set_user_active(&admin, now, "qa", false, "left the facility")
            .await
            .unwrap();
        assert!(
            svc.session(now, &ok.token).await.unwrap().is_none(),
            "{backend:?}"
        );
        svc.set_user_active(&admin, now, "qa", true, "returned")
            .await
            .unwrap();
        assert!(
            svc.session(now, &ok.token).await.unwrap().is_some(),
            "{backend:?}"
        );
        // idle for 31 minutes: the session is gone
        assert!(
            svc.session(now.plus_hours(31.0 / 60.0).unwrap(), &ok.token)
                .await
                .unwrap()
                .is_none(),
            "{backend:?}"
        );

        // An unknown name is verified too (against the dummy hash) and answered the same.
        let before = svc.password_verifications();
        assert_eq!(
            svc.sign_in(now, "nobody", "x").await.unwrap().unwrap_err(),
            SignInError::Wrong
        );
        assert_eq!(svc.password_verifications(), before + 1, "dummy verify ran");
        for _ in 0..5 {
            assert_eq!(
                svc.sign_in(now, "qa", "wrong password")
                    .await
                    .unwrap()
                    .unwrap_err(),
                SignInError::Wrong
            );
        }
        // The sixth failure makes the next attempt wait 1 s, the seventh 2 s: no lock-out.
        assert_eq!(
            svc.sign_in(now, "qa", "wrong password")
                .await
                .unwrap()
                .unwrap_err(),
            SignInError::Wrong
        );
        assert_eq!(
            svc.sign_in(now, "qa", "correct horse")
                .await
                .unwrap()
                .unwrap_err(),
            SignInError::Throttled {
                retry_after_secs: 1
            },
            "while waiting even the right password is not tried"
        );
        let soon = now.plus_hours(2.0 / 3600.0).unwrap();
        assert_eq!(
            svc.sign_in(soon, "qa", "wrong password")
                .await
                .unwrap()
                .unwrap_err(),
            SignInError::Wrong
        );
        assert_eq!(
            svc.sign_in(soon, "qa", "correct horse")
                .await
                .unwrap()
                .unwrap_err(),
            SignInError::Throttled {
                retry_after_secs: 2
            }
        );
        let actions: Vec<String> = svc
            .store()
            .events_for(Table::Credential, "qa")
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions
                .iter()
                .filter(|a| *a == "user.sign_in_failed")
                .count(),
            5
        );
        assert_eq!(
            actions
                .iter()
                .filter(|a| *a == "user.sign_in_throttled")
                .count(),
            2
        );
        // Only an admin unlocks; the unlock is audited with its reason and works at once.
        let qa_actor = svc.actor("qa").await.unwrap();
        assert!(
            svc.unlock_sign_in(&qa_actor, soon, "qa", "me")
                .await
                .is_err()
        );
        svc.unlock_sign_in(&admin, soon, "qa", "called the help desk")
            .await
            .unwrap();
        let last = svc
            .store()
            .events_for(Table::Credential, "qa")
            .await
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(last.action, "user.unlock");
        assert_eq!(last.reason.as_deref(), Some("called the help desk"));
        assert!(
            svc.sign_in(soon, "qa", "correct horse")
                .await
                .unwrap()
                .is_ok()
        );
        let later = now.plus_hours(0.5).unwrap();
        let again = svc
            .sign_in(later, "qa", "correct horse")
            .await
            .unwrap()
            .unwrap();
        assert!(
            svc.confirm_password(&again.actor, later, "correct horse")
                .await
                .unwrap()
        );
        assert!(
            !svc.confirm_password(&again.actor, later, "nope")
                .await
                .unwrap()
        );
        svc.sign_out(&again.token).await.unwrap();
        assert!(svc.session(later, &again.token).await.unwrap().is_none());
        assert!(matches!(
            svc.verify_audit().await.unwrap(),
            VerifyOutcome::Intact { .. }
        ));
    }
}
