//! What every page template gets as `c`: the language and its catalogue, the signed-in user, the
//! CSRF token for forms, the navigation their roles allow, the zone times are shown in, and the
//! display names of the people the page's records name (`c.who(id)`, issue 12 item 6).

use crate::{auth::Viewer, i18n::Lang};
use jiff::tz::TimeZone;
use secretome_domain::{Capability, Role, UtcTime};
use secretome_service::names::Names;

pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
}

/// A menu of the header: its entries the viewer's roles allow, under one heading (issue 17 item 4:
/// grouped menus keep the header on one line at 1280 px in both languages).
pub struct NavGroup {
    pub key: &'static str,
    pub items: Vec<NavItem>,
}

/// The menu an entry belongs to, by its address.
fn group_of(href: &str) -> &'static str {
    const GROUPS: &[(&str, &[&str])] = &[
        (
            "nav.g.make",
            &[
                "/lots",
                "/plan",
                "/donors",
                "/batches",
                "/materials",
                "/harvests",
                "/masters",
            ],
        ),
        ("nav.g.quality", &["/qc", "/products", "/facility"]),
        ("nav.g.stock", &["/freezers", "/vials", "/shipments"]),
        (
            "nav.g.clinical",
            &["/patients", "/indications", "/ae-reports"],
        ),
        ("nav.g.trace", &["/trace", "/recalls"]),
    ];
    GROUPS
        .iter()
        .find(|(_, prefixes)| {
            prefixes
                .iter()
                .any(|p| href == *p || href.starts_with(&format!("{p}/")))
        })
        .map(|(key, _)| *key)
        .unwrap_or("nav.g.admin")
}

/// The menus in their order, each with the entries `roles` allow; empty menus left out.
const GROUP_ORDER: [&str; 6] = [
    "nav.g.make",
    "nav.g.quality",
    "nav.g.stock",
    "nav.g.clinical",
    "nav.g.trace",
    "nav.g.admin",
];

pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<String>,
    pub roles: String,
    pub csrf: String,
    pub zone_name: String,
    pub nav: Vec<NavGroup>,
    pub path: String,
    zone: TimeZone,
    names: Names,
    /// The viewer's roles, for `c.may(…)`: a link is shown only where the viewer may follow it.
    role_set: Vec<Role>,
}

impl PageCtx {
    pub fn new(v: &Viewer, path: &str) -> PageCtx {
        let zone_name = v
            .session
            .as_ref()
            .and_then(|s| s.time_zone.clone())
            .unwrap_or_else(|| "Asia/Tokyo".to_string());
        let zone =
            TimeZone::get(&zone_name).unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(9)));
        let mut nav: Vec<NavGroup> = GROUP_ORDER
            .iter()
            .map(|key| NavGroup {
                key,
                items: Vec::new(),
            })
            .collect();
        for (href, key, _) in crate::registry::MODULES
            .iter()
            .flat_map(|m| m.nav.iter())
            .filter(|(_, _, cap)| v.can(*cap))
        {
            let g = group_of(href);
            if let Some(group) = nav.iter_mut().find(|n| n.key == g) {
                group.items.push(NavItem { href, key });
            }
        }
        nav.retain(|g| !g.items.is_empty());
        PageCtx {
            lang: v.lang,
            user: v.session.as_ref().map(|s| s.display_name.clone()),
            roles: v
                .session
                .as_ref()
                .map(|s| {
                    s.actor
                        .roles
                        .iter()
                        .map(|r| v.lang.t(&format!("role.{}", r.as_str())))
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
                .unwrap_or_default(),
            csrf: v
                .session
                .as_ref()
                .map(|s| s.csrf.clone())
                .unwrap_or_default(),
            zone_name,
            nav,
            path: path.to_string(),
            zone,
            names: Names::default(),
            role_set: v
                .session
                .as_ref()
                .map(|s| s.actor.roles.clone())
                .unwrap_or_default(),
        }
    }
    /// The same page context, showing these users by name.
    pub fn with_names(mut self, names: Names) -> PageCtx {
        self.names = names;
        self
    }
    /// A person on a record by display name (`Service::names` read them for this page); the
    /// login id itself only when no such user exists (a system actor).
    pub fn who(&self, id: impl std::fmt::Display) -> String {
        let id = id.to_string();
        self.names.of(&id).to_string()
    }
    /// Whether the viewer's roles grant `cap` (the capability a route needs, e.g.
    /// `crate::recall::READ`): pages show a link or a form only where the viewer may use it
    /// (issue 17 item 4).
    pub fn may(&self, cap: Capability) -> bool {
        cap.granted_to(&self.role_set)
    }
    /// The text of a catalogue key in the page's language.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
    /// One of a record's two names by the page's language (`c.pick(v.name_ja(), v.name_en())`).
    pub fn pick<'a>(&self, ja: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            crate::i18n::Lang::Ja => ja,
            crate::i18n::Lang::En => en,
        }
    }
    /// An audit event's action as a reader names it (`lot.release` → 出荷判定 (出荷可)); the code
    /// itself for an action the catalogue does not name yet.
    pub fn action(&self, code: &str) -> String {
        self.lang
            .get(&format!("audit.{code}"))
            .map(str::to_string)
            .unwrap_or_else(|| code.to_string())
    }
    /// A status/kind label, e.g. `c.tk("lot.status", "released")`.
    pub fn tk(&self, prefix: &str, key: &str) -> &'static str {
        self.lang.t(&format!("{prefix}.{key}"))
    }
    pub fn time(&self, t: &UtcTime) -> String {
        t.display_in(&self.zone)
    }
    pub fn opt_time(&self, t: &Option<UtcTime>) -> String {
        t.as_ref()
            .map(|t| self.time(t))
            .unwrap_or_else(|| "—".into())
    }
    /// Parses a stored time text and shows it in the zone (the text itself if unreadable).
    pub fn time_text(&self, s: &str) -> String {
        UtcTime::parse("at", s)
            .map(|t| self.time(&t))
            .unwrap_or_else(|_| s.to_string())
    }
}
