//! Users (issue 12, item 5) through the use cases, on both backends: an administrator deactivates,
//! reactivates and changes roles, each audited with its reason; a deactivated user cannot sign in
//! or sign, and their past signatures stay on the records; an administrator cannot lock themselves
//! (or the facility) out.

use crate::common;
use common::*;

use secretome_domain::{Role, UtcTime};
use secretome_service::{ErrorKind, Service, demo};
use secretome_store::{Table, testing::stores};
use std::sync::Arc;

fn now() -> UtcTime {
    t("2026-11-25T03:00:00Z")
}

#[tokio::test]
async fn deactivate_reactivate_and_roles_are_audited_and_keep_past_signatures() {
    for (_backend, store) in stores("users_admin").await {
        let svc = Service::new(Arc::new(store));
        demo::build(&svc, now()).await.unwrap();
        let admin = svc.actor("admin").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        let signed_before = svc.lot_signatures("L-2026-001").await.unwrap();
        assert!(
            signed_before.iter().any(|s| s.signer == "qa"),
            "{signed_before:?}"
        );

        // Only an administrator, and only with a reason.
        refused(
            &svc,
            svc.set_user_active(&qa, now(), "qc", false, "left"),
            ErrorKind::Forbidden,
            "deactivate or reactivate a user",
        )
        .await;
        refused(
            &svc,
            svc.set_user_active(&admin, now(), "qa", false, " "),
            ErrorKind::Invalid,
            "reason",
        )
        .await;
        // Not yourself, and never the last administrator.
        refused(
            &svc,
            svc.set_user_active(&admin, now(), "admin", false, "test"),
            ErrorKind::Conflict,
            "cannot deactivate their own account",
        )
        .await;
        refused(
            &svc,
            svc.set_user_roles(&admin, now(), "admin", vec![Role::Qa], "test"),
            ErrorKind::Invalid,
            "roles: you cannot remove your own admin role",
        )
        .await;

        let u = svc
            .set_user_active(&admin, now(), "qa", false, "退職 (left the facility)")
            .await
            .unwrap();
        assert!(!u.active);
        // They cannot sign in, act or sign; the actor they held before is refused at signing.
        assert!(svc.sign_in(now(), "qa", "demo").await.unwrap().is_err());
        assert!(svc.actor("qa").await.is_err());
        let e = svc
            .sign_lot(&qa, now(), "L-2026-005", "demo", "released", "ok")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("qa"), "{e}");
        // Their earlier signatures stay on the records.
        let seqs = |v: &[secretome_service::batch_record::Signature]| {
            v.iter()
                .map(|s| (s.seq, s.hash.clone(), s.signer.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            seqs(&svc.lot_signatures("L-2026-001").await.unwrap()),
            seqs(&signed_before)
        );

        let u = svc
            .set_user_active(&admin, now(), "qa", true, "returned")
            .await
            .unwrap();
        assert!(u.active);
        assert!(svc.sign_in(now(), "qa", "demo").await.unwrap().is_ok());

        // Roles change with a reason; the user then holds exactly those.
        let u = svc
            .set_user_roles(
                &admin,
                now(),
                "qc",
                vec![Role::Qc, Role::Qa],
                "cover during leave",
            )
            .await
            .unwrap();
        let mut want = vec![Role::Qc, Role::Qa];
        want.sort();
        assert_eq!(u.roles, want);
        assert!(svc.actor("qc").await.unwrap().has(Role::Qa));
        refused(
            &svc,
            svc.set_user_roles(&admin, now(), "qc", vec![], "none"),
            ErrorKind::Invalid,
            "roles: a user needs at least one role",
        )
        .await;

        let events = svc.store().events_for(Table::User, "qa").await.unwrap();
        let tail: Vec<_> = events
            .iter()
            .rev()
            .take(2)
            .map(|e| (e.action.as_str(), e.reason.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            tail,
            [
                ("user.reactivate", "returned"),
                ("user.deactivate", "退職 (left the facility)")
            ]
        );
        let events = svc.store().events_for(Table::User, "qc").await.unwrap();
        assert_eq!(events.last().unwrap().action, "user.roles");
    }
}
