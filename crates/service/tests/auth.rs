//! Sign-in on both backends: passwords, failures and lock-out recorded in the audit trail, session
//! idle expiry, sign-out, e-signature password re-entry.

use secretome_domain::UtcTime;
use secretome_service::{Service, auth::SignInError};
use secretome_store::{Table, VerifyOutcome, testing::stores};
use std::sync::Arc;

fn t(s: &str) -> UtcTime {
    UtcTime::parse("t", s).unwrap()
}

#[tokio::test]
async fn sign_in_lock_out_and_sessions() {
    for (backend, store) in stores("auth").await {
        let svc = Service::new(Arc::new(store));
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
        // idle for 31 minutes: the session is gone
        assert!(
            svc.session(now.plus_hours(31.0 / 60.0).unwrap(), &ok.token)
                .await
                .unwrap()
                .is_none(),
            "{backend:?}"
        );

        assert_eq!(
            svc.sign_in(now, "nobody", "x").await.unwrap().unwrap_err(),
            SignInError::Wrong
        );
        for _ in 0..4 {
            assert_eq!(
                svc.sign_in(now, "qa", "wrong password")
                    .await
                    .unwrap()
                    .unwrap_err(),
                SignInError::Wrong
            );
        }
        assert!(matches!(
            svc.sign_in(now, "qa", "wrong password").await.unwrap(),
            Err(SignInError::Locked(_))
        ));
        // locked: even the right password is refused until the lock ends
        assert!(matches!(
            svc.sign_in(now, "qa", "correct horse").await.unwrap(),
            Err(SignInError::Locked(_))
        ));
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
            4
        );
        assert_eq!(actions.last().map(String::as_str), Some("user.lockout"));
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
