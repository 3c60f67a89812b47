//! secretome's web application: axum routes for server-rendered pages (Japanese and English labels,
//! times in Asia/Tokyo) and the JSON API under `/api/v1`. Pages and API call the same service layer;
//! no handler touches the store. Sign-in and roles arrive with the web-workflow issue: every route
//! is already built around `AppState`, where the session layer will attach.

mod api;
mod error;
mod pages;
mod view;

use axum::{Router, routing::get};
use secretome_service::Service;

pub use error::AppError;

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
}

/// The whole application.
pub fn router(service: Service) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/lots", get(pages::lots))
        .route("/lots/{id}", get(pages::lot))
        .route("/api/v1/lots", get(api::lots))
        .route("/api/v1/lots/{id}", get(api::lot))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(AppState { service })
}

/// Serves the application until Ctrl-C.
pub async fn serve(service: Service, addr: &str) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, router(service))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
