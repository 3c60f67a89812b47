//! The one list of the application's modules: each gives the function registering its routes
//! (`guarded`: path, handlers by method — an API handler with its `openapi::Op` — and roles), its
//! navigation entries, its texts and its OpenAPI tags. The router, the role × route table
//! (`guarded_routes`, recorded by the same registration that builds the router), the navigation,
//! the catalogue and the OpenAPI document are all read from `MODULES`, so a module is added in one
//! place.

use crate::openapi::Op;
use crate::{AppState, auth::ANY};
use axum::{Router, handler::Handler, middleware, routing::MethodRouter};
use secretome_domain::{Capability, Role};

/// The routes being registered: the router and the role × route table it makes.
pub struct Routes {
    pub router: Router<AppState>,
    /// (method, path pattern, the capability it needs) of every guarded route.
    pub table: Vec<(&'static str, &'static str, Capability)>,
    /// (method, path pattern, roles, operation) of every documented (API) route.
    pub docs: Vec<(&'static str, &'static str, &'static [Role], Op)>,
}

/// Handlers by method, written as axum's `get(h).post(h)`, remembering the methods for the table.
pub struct Methods {
    router: MethodRouter<AppState>,
    verbs: Vec<(&'static str, Option<Op>)>,
}

pub fn get<H: Handler<T, AppState>, T: 'static>(h: H) -> Methods {
    let router = axum::routing::get(h);
    Methods {
        router,
        verbs: vec![("GET", None)],
    }
}

pub fn post<H: Handler<T, AppState>, T: 'static>(h: H) -> Methods {
    let router = axum::routing::post(h);
    Methods {
        router,
        verbs: vec![("POST", None)],
    }
}

impl Methods {
    pub fn post<H: Handler<T, AppState>, T: 'static>(mut self, h: H) -> Methods {
        self.router = self.router.post(h);
        self.verbs.push(("POST", None));
        self
    }
    /// Documents the handler added last (an `/api/v1` route) in the OpenAPI document.
    pub fn doc(mut self, op: Op) -> Methods {
        if let Some(last) = self.verbs.last_mut() {
            last.1 = Some(op);
        }
        self
    }
}

/// Adds a route that only the roles with capability `cap` may use (and, for POST, only with the
/// session's CSRF token), and records it in the capability × route table.
pub fn guarded(mut r: Routes, path: &'static str, m: Methods, cap: Capability) -> Routes {
    let guard = middleware::from_fn(move |req, next| crate::auth::guard(cap, req, next));
    r.router = r.router.route(path, m.router.route_layer(guard));
    for (verb, op) in m.verbs {
        r.table.push((verb, path, cap));
        if let Some(op) = op {
            r.docs.push((verb, path, cap.roles(), op));
        }
    }
    r
}

/// Every module's routes registered, in `MODULES` order.
pub fn routes() -> Routes {
    let r = Routes {
        router: Router::new(),
        table: Vec::new(),
        docs: Vec::new(),
    };
    MODULES.iter().fold(r, |r, m| (m.routes)(r))
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
    /// The OpenAPI tags its API operations use: (name, description).
    pub tags: &'static [(&'static str, &'static str)],
}

const PLANNERS: Capability = Capability::ReadProduction;

/// The core: sign-out, the lot list and page and their API, the production plan.
const CORE: Module = Module {
    routes: core_routes,
    nav: &[("/lots", "nav.lots", ANY), ("/plan", "nav.plan", PLANNERS)],
    texts: &[
        crate::i18n::CATALOGUE,
        crate::planning::TEXT,
        crate::paging::TEXT,
        crate::i18n::audit::TEXT,
        crate::i18n::tables::TEXT,
    ],
    tags: &[(
        "lots",
        "Lots: their state, genealogy, steps, vials and audit history",
    )],
};

fn core_routes(mut r: Routes) -> Routes {
    use crate::{api, pages, planning};
    r = guarded(r, "/logout", post(pages::logout), ANY);
    r = guarded(r, "/lots", get(pages::lots), ANY);
    r = guarded(r, "/lots/{id}", get(pages::lot), ANY);
    use crate::openapi::op;
    use secretome_service::{LotDetail, LotFilter, LotSummary, Page};
    let list = op(
        "listLots",
        "lots",
        "A page of lots, newest first, with their state and vial counts",
    );
    let list = list.query::<LotFilter>().paged().ok::<Page<LotSummary>>();
    r = guarded(r, "/api/v1/lots", get(api::lots).doc(list), ANY);
    let one = op(
        "getLot",
        "lots",
        "A lot with genealogy, steps, vials and audit history",
    );
    r = guarded(
        r,
        "/api/v1/lots/{id}",
        get(api::lot).doc(one.ok::<LotDetail>()),
        ANY,
    );
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

/// The OpenAPI document of `/api/v1`, from every module's documented routes and tags.
pub fn openapi() -> serde_json::Value {
    let tags: Vec<_> = MODULES
        .iter()
        .flat_map(|m| m.tags.iter().copied())
        .collect();
    crate::openapi::document(&routes(), &tags)
}

/// Every module's texts.
pub fn texts() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    MODULES
        .iter()
        .flat_map(|m| m.texts.iter().flat_map(|t| t.iter()))
}
