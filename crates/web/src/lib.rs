//! secretome's web application: axum routes for server-rendered pages (Japanese and English, times
//! in the user's zone) and the JSON API under `/api/v1`. Pages and API call the same service layer;
//! no handler touches the store. Every route is registered with the roles it admits (`guarded`).

mod admin;
mod api;
pub mod auth;
mod clinical;
mod ctx;
mod error;
mod facility;
pub mod forms;
pub mod i18n;
mod idempotency;
mod inventory;
mod json;
mod manufacture;
mod mbr;
mod messages;
mod pages;
mod paging;
mod planning;
mod quality;
mod recall;
pub mod security;
mod shipments;
mod trace;
mod view;

use auth::ANY;
use axum::{
    Router, middleware,
    routing::{MethodRouter, get, post},
};
use secretome_domain::Role;
use secretome_service::Service;

pub use error::AppError;
pub use security::{SecureCookies, WebConfig};

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
}

/// The core's guarded routes as (method, path pattern).
const CORE_ROUTES: &[(&str, &str)] = &[
    ("POST", "/logout"),
    ("GET", "/lots"),
    ("GET", "/lots/{id}"),
    ("GET", "/api/v1/lots"),
    ("GET", "/api/v1/lots/{id}"),
    ("GET", "/plan"),
];

/// Every guarded route as (method, path pattern): the role × route test must cover each of them.
pub fn guarded_routes() -> Vec<(&'static str, &'static str)> {
    [
        CORE_ROUTES,
        manufacture::ROUTES,
        quality::ROUTES,
        admin::ROUTES,
        clinical::ROUTES,
        inventory::ROUTES,
        recall::ROUTES,
        shipments::ROUTES,
        trace::ROUTES,
        mbr::ROUTES,
        facility::ROUTES,
    ]
    .concat()
}

/// Adds a route that only `roles` may use (and, for POST, only with the session's CSRF token).
/// Every path registered here must be listed in `guarded_routes()`.
pub(crate) fn guarded(
    r: Router<AppState>,
    path: &'static str,
    m: MethodRouter<AppState>,
    roles: &'static [Role],
) -> Router<AppState> {
    debug_assert!(
        guarded_routes().iter().any(|(_, p)| *p == path),
        "{path} missing from guarded_routes()"
    );
    r.route(
        path,
        m.route_layer(middleware::from_fn(move |req, next| {
            auth::guard(roles, req, next)
        })),
    )
}

/// The whole application, with the default network configuration (`WebConfig::default`).
pub fn router(service: Service) -> Router {
    router_with(service, WebConfig::default())
}

/// The whole application: every response passes through `security::doors` (headers, cookies,
/// client address).
pub fn router_with(service: Service, config: WebConfig) -> Router {
    let state = AppState { service };
    let mut r = Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/lang", post(pages::set_lang))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/openapi.json", get(api::openapi_json));
    r = guarded(r, "/logout", post(pages::logout), ANY);
    r = guarded(r, "/lots", get(pages::lots), ANY);
    r = guarded(r, "/lots/{id}", get(pages::lot), ANY);
    r = guarded(r, "/api/v1/lots", get(api::lots), ANY);
    r = guarded(r, "/api/v1/lots/{id}", get(api::lot), ANY);
    r = guarded(
        r,
        "/plan",
        get(planning::page),
        &[Role::Operator, Role::Qc, Role::Qa, Role::Admin],
    );
    r = manufacture::routes(r);
    r = quality::routes(r);
    r = admin::routes(r);
    r = clinical::routes(r);
    r = inventory::routes(r);
    r = recall::routes(r);
    r = shipments::routes(r);
    r = trace::routes(r);
    r = facility::routes(r);
    r = mbr::routes(r);
    r.fallback(pages::not_found)
        .layer(middleware::from_fn(pages::plain_refusals))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), auth::context))
        .layer(middleware::from_fn_with_state(config, security::doors))
        .with_state(state)
}

/// Serves the application until Ctrl-C (network configuration from the environment:
/// `WebConfig::from_env`).
pub async fn serve(service: Service, addr: &str) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let app = router_with(service, WebConfig::from_env());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
