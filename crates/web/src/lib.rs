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
mod kit;
mod manufacture;
mod mbr;
mod messages;
mod openapi;
mod pages;
mod paging;
mod planning;
mod quality;
mod recall;
mod registry;
pub mod security;
mod shipments;
mod trace;
mod view;

use axum::{
    Router, middleware,
    routing::{get, post},
};
use secretome_domain::{Capability, Role};
use secretome_service::Service;

pub use error::AppError;
pub(crate) use registry::guarded;
pub use security::{SecureCookies, WebConfig};

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
}

/// Every guarded route as (method, path pattern), as the registration made them: the role ×
/// route test must cover each of them.
pub fn guarded_routes() -> Vec<(&'static str, &'static str)> {
    role_routes().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// The role × route table: every guarded route with the roles it admits (its capability's).
pub fn role_routes() -> Vec<(&'static str, &'static str, &'static [Role])> {
    let table = capability_routes().into_iter();
    table.map(|(m, p, c)| (m, p, c.roles())).collect()
}

/// Every guarded route with the capability it needs (`secretome_domain::Capability`).
pub fn capability_routes() -> Vec<(&'static str, &'static str, Capability)> {
    registry::routes().table
}

/// The OpenAPI 3.1 document of `/api/v1` (served at `/api/v1/openapi.json`), assembled from the
/// route registration and the handlers' Rust types (`openapi`).
pub fn openapi() -> serde_json::Value {
    registry::openapi()
}

/// The whole application, with the default network configuration (`WebConfig::default`).
pub fn router(service: Service) -> Router {
    router_with(service, WebConfig::default())
}

/// The whole application: every response passes through `security::doors` (headers, cookies,
/// client address).
pub fn router_with(service: Service, config: WebConfig) -> Router {
    let state = AppState { service };
    let r = registry::routes()
        .router
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/lang", post(pages::set_lang))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/openapi.json", get(api::openapi_json));
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
