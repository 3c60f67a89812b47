//! API tokens: issued by a user for one of their own roles and bound to them, shown once, usable as
//! a bearer token on the API, refused once revoked, and never stored in clear.

use crate::common;
use common::*;
use secretome_store::{Table, testing::stores};

#[tokio::test]
async fn bearer_tokens_are_scoped_and_revocable() {
    for (backend, store) in stores("tokens").await {
        let (app, svc) = demo_app(store).await;
        let admin = svc.actor("admin").await.unwrap();
        let qa = svc.actor("qa").await.unwrap();
        let qc = svc.actor("qc").await.unwrap();
        for (who, role) in [(&qa, "qc"), (&admin, "qc"), (&admin, "operator")] {
            let e = svc
                .create_api_token(who, now(), "reader", role)
                .await
                .unwrap_err();
            assert_eq!(
                e.kind(),
                secretome_service::ErrorKind::Invalid,
                "{} may not mint a {role} token",
                who.user
            );
        }
        let t = svc
            .create_api_token(&qc, now(), "plate reader 1", "qc")
            .await
            .unwrap();
        assert_eq!(t.token.created_by.as_str(), "qc");
        let events = svc
            .store()
            .events_for(Table::ApiToken, &t.token.id)
            .await
            .unwrap();
        let secret_part = t.secret.rsplit('_').next().unwrap();
        assert!(
            !events[0].after.as_deref().unwrap().contains(secret_part),
            "secret not in the trail"
        );

        let call = |auth: String| {
            let app = app.clone();
            async move {
                let req = axum::http::Request::get("/api/v1/lots")
                    .header("authorization", auth)
                    .body(axum::body::Body::empty())
                    .unwrap();
                send(&app, req).await
            }
        };
        assert_eq!(
            call(format!("Bearer {}", t.secret)).await.status,
            200,
            "{backend:?}"
        );
        assert_eq!(call("Bearer stk_nope_nope".into()).await.status, 401);
        let wrong_secret = format!("Bearer stk_{}_{}", t.token.id, "0".repeat(64));
        assert_eq!(call(wrong_secret).await.status, 401);
        svc.revoke_api_token(&admin, now(), &t.token.id, "instrument retired")
            .await
            .unwrap();
        assert_eq!(call(format!("Bearer {}", t.secret)).await.status, 401);
    }
}
