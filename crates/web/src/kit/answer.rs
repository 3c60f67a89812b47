//! Answers every page module gives: a page rendered with a status, a redirect after a post, an
//! error page in the viewer's language, and the signed-in actor; `path` builds `/x/{id}` links.

use crate::{auth::Viewer, pages::PageError};
use askama::Template;
use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use secretome_domain::Actor;
use secretome_service::ServiceError;

pub use crate::forms::seg;

/// Renders a page with a status (500, logged, if the template fails).
pub fn page<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            let body = Html("template error".to_string());
            (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
        }
    }
}

/// A service failure as an error page in the viewer's language.
pub fn fail(v: &Viewer, e: ServiceError) -> Response {
    PageError::new(e, v).into_response()
}

/// After a successful form post: back to a page (303).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The signed-in actor (the guard lets no request without one through).
pub fn actor(v: &Viewer) -> Result<Actor, Box<Response>> {
    v.session.as_ref().map(|s| s.actor.clone()).ok_or_else(|| {
        let msg = "sign-in required";
        Box::new(
            (
                StatusCode::UNAUTHORIZED,
                Html(crate::pages::error_html(v, StatusCode::UNAUTHORIZED, msg)),
            )
                .into_response(),
        )
    })
}

/// The signed-in actor, or a 401 refusal (the guard lets no request without one through).
pub fn who(v: &Viewer) -> Result<Actor, super::Refusal> {
    signed_in(v).ok_or_else(|| {
        let why = secretome_domain::Why::said("sign-in required", "サインインしてください");
        let e = crate::forms::FieldErrors::one("", why);
        super::Refusal::Fields(e, StatusCode::UNAUTHORIZED)
    })
}

/// The signed-in actor (the guard has already admitted the request).
pub fn signed_in(v: &Viewer) -> Option<Actor> {
    v.session.as_ref().map(|s| s.actor.clone())
}

/// `/x/{id}` with the id percent-encoded as a path segment.
pub fn path(prefix: &str, id: &str, suffix: &str) -> String {
    format!("{prefix}{}{suffix}", seg(id))
}

/// Unwraps a `Result<_, Box<Response>>` (`actor`, `Input::acting_api`) or returns the refusal as
/// the handler's response.
macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return *r,
        }
    };
}
pub(crate) use tri;
