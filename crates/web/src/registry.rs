//! The one list of the application's modules: each gives the function registering its routes
//! (`guarded`: path, handlers by method, roles), its navigation entries, its texts and its part of
//! the OpenAPI document. The router, the role × route table (`guarded_routes`, recorded by the same
//! registration that builds the router), the navigation, the catalogue and the OpenAPI document
//! are all read from `MODULES`, so a module is added in one place.

use crate::{AppState, auth::ANY};
use axum::{Router, handler::Handler, middleware, routing::MethodRouter};
use secretome_domain::Capability;
use serde_json::Value;

/// The routes being registered: the router and the role × route table it makes.
pub struct Routes {
    pub router: Router<AppState>,
    /// (method, path pattern, the capability it needs) of every guarded route.
    pub table: Vec<(&'static str, &'static str, Capability)>,
}

/// Handlers by method, written as axum's `get(h).post(h)`, remembering the methods for the table.
pub struct Methods {
    router: MethodRouter<AppState>,
    verbs: Vec<&'static str>,
}

pub fn get<H: Handler<T, AppState>, T: 'static>(h: H) -> Methods {
    let router = axum::routing::get(h);
    Methods {
        router,
        verbs: vec!["GET"],
    }
}

pub fn post<H: Handler<T, AppState>, T: 'static>(h: H) -> Methods {
    let router = axum::routing::post(h);
    Methods {
        router,
        verbs: vec!["POST"],
    }
}

impl Methods {
    pub fn post<H: Handler<T, AppState>, T: 'static>(mut self, h: H) -> Methods {
        self.router = self.router.post(h);
        self.verbs.push("POST");
        self
    }
}

/// Adds a route that only the roles with capability `cap` may use (and, for POST, only with the
/// session's CSRF token), and records it in the capability × route table.
pub fn guarded(mut r: Routes, path: &'static str, m: Methods, cap: Capability) -> Routes {
    let guard = middleware::from_fn(move |req, next| crate::auth::guard(cap, req, next));
    r.router = r.router.route(path, m.router.route_layer(guard));
    r.table.extend(m.verbs.into_iter().map(|v| (v, path, cap)));
    r
}

/// Every module's routes registered, in `MODULES` order.
pub fn routes() -> Routes {
    let r = Routes {
        router: Router::new(),
        table: Vec::new(),
    };
    MODULES.iter().fold(r, |r, m| (m.routes)(r))
}

/// The (method, path) of the routes one module's `routes` registers.
#[cfg(test)]
pub fn table_of(routes: fn(Routes) -> Routes) -> Vec<(&'static str, &'static str)> {
    let r = Routes {
        router: Router::new(),
        table: Vec::new(),
    };
    routes(r)
        .table
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect()
}

/// Texts as (key, 日本語, English).
pub type Texts = &'static [(&'static str, &'static str, &'static str)];

/// One module of the application.
pub struct Module {
    /// Registers its routes through `guarded`.
    pub routes: fn(Routes) -> Routes,
    /// Navigation entries (href, catalogue key, the capability that sees it).
    pub nav: &'static [(&'static str, &'static str, Capability)],
    pub texts: &'static [Texts],
    /// Its `/api/v1` paths for the OpenAPI document.
    pub openapi: fn() -> Value,
}

const PLANNERS: Capability = Capability::ReadProduction;

/// The core: sign-out, the lot list and page and their API, the production plan.
const CORE: Module = Module {
    routes: core_routes,
    nav: &[
        ("/lots", "nav.lots", ANY),
        ("/plan", "nav.plan", PLANNERS),
    ],
    texts: &[
        crate::i18n::CATALOGUE,
        crate::paging::TEXT,
        crate::kit::FIELD_TEXT,
        crate::i18n::audit::TEXT,
    ],
    openapi: crate::api::openapi_paths,
};

fn core_routes(mut r: Routes) -> Routes {
    use crate::{api, pages, planning};
    r = guarded(r, "/logout", post(pages::logout), ANY);
    r = guarded(r, "/lots", get(pages::lots), ANY);
    r = guarded(r, "/lots/{id}", get(pages::lot), ANY);
    r = guarded(r, "/api/v1/lots", get(api::lots), ANY);
    r = guarded(r, "/api/v1/lots/{id}", get(api::lot), ANY);
    guarded(r, "/plan", get(planning::page), PLANNERS)
}

/// Every module, in navigation order.
pub const MODULES: &[Module] = &[
    CORE,
    crate::manufacture::MODULE,
    crate::quality::MODULE,
    crate::admin::MODULE,
    crate::clinical::MODULE,
    crate::inventory::MODULE,
    crate::recall::MODULE,
    crate::shipments::MODULE,
    crate::trace::MODULE,
    crate::mbr::MODULE,
    crate::facility::MODULE,
];

/// Every module's texts.
pub fn texts() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    MODULES
        .iter()
        .flat_map(|m| m.texts.iter().flat_map(|t| t.iter()))
}
