//! QC and QA pages (DESIGN.md §3–4, §7): products and versioned specifications, result entry, plate
//! import through the assay engine, deviations, the batch record review and release with an
//! electronic signature, the certificate of analysis.

use crate::AppState;
use axum::Router;
use secretome_domain::Role;

/// This module's guarded routes (method, path pattern).
pub const ROUTES: &[(&str, &str)] = &[];

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, &[Role])] = &[];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = &[];

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r
}

/// This module's part of the OpenAPI document: a JSON object of `paths` entries.
pub fn openapi_paths() -> serde_json::Value {
    serde_json::json!({})
}
