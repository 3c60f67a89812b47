//! Inventory pages (DESIGN.md §5): freezers and their map (racks → boxes → grid cells coloured by
//! the vial's state, past-expiry vials flagged, each cell a link to its vial), a vial's page
//! (state, DIN, product code, lot, location and move history, expiry flag, the move form), its
//! label (SVG inline, and PDF for the label printer), the expiry sweep, and the facility settings
//! (the ISBT 128 FIN).
//!
//! Roles: operator, qc, qa and admin read freezers; a physician may also open a vial and its label;
//! operators move vials; operators and qa run the expiry sweep; admin registers freezers and sets
//! settings.

mod freezers;
mod settings;
mod text;
mod vial_list;
mod vials;

use crate::guarded;
use crate::registry::{Routes, get, post};
use secretome_domain::Capability;

pub(crate) const READ: Capability = Capability::ReadProduction;
pub(crate) const VIAL: Capability = Capability::ReadVial;
const MOVE: Capability = Capability::Produce;
const EXPIRE: Capability = Capability::ExpireVials;
const ADMIN: Capability = Capability::Administer;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[
    ("/freezers", "inv.nav.freezers", READ),
    ("/vials", "inv.nav.vials", READ),
    ("/admin/settings", "inv.nav.settings", ADMIN),
];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    use crate::openapi::op;
    use secretome_domain::vial::Vial;
    use secretome_service::{Page, VialFilter};
    r = guarded(r, "/freezers", get(freezers::list), READ);
    r = guarded(r, "/freezers", post(freezers::create), ADMIN);
    r = guarded(r, "/freezers/{id}", get(freezers::map), READ);
    r = guarded(r, "/inventory/expire", post(freezers::expire), EXPIRE);
    r = guarded(r, "/vials/{id}", get(vials::show), VIAL);
    r = guarded(r, "/vials", get(vial_list::list), READ);
    r = guarded(
        r,
        "/api/v1/vials",
        get(vial_list::api).doc(
            op(
                "listVials",
                "inventory",
                "A page of vials in id order, filtered by lot, state and location prefix",
            )
            .query::<VialFilter>()
            .paged()
            .ok::<Page<Vial>>(),
        ),
        READ,
    );
    r = guarded(r, "/vials/{id}/move", post(vials::move_to), MOVE);
    r = guarded(r, "/vials/{id}/label", get(vials::label), VIAL);
    r = guarded(r, "/vials/{id}/label.pdf", get(vials::label_pdf), VIAL);
    r = guarded(r, "/admin/settings", get(settings::show), ADMIN);
    r = guarded(r, "/admin/settings", post(settings::set), ADMIN);
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    tags: &[("inventory", "Vials in storage")],
};

/// A vial move's reason as shown: the reasons the service writes itself (`filled from lot …`,
/// `packed into shipment …`, `dispensed for …`) in the page's language, a reason a person typed
/// as typed.
pub fn move_reason(lang: &crate::i18n::Lang, reason: &str) -> String {
    const WRITTEN: [(&str, &str); 3] = [
        ("filled from lot ", "inv.reason.filled"),
        ("packed into shipment ", "inv.reason.packed"),
        ("dispensed for ", "inv.reason.dispensed"),
    ];
    for (prefix, key) in WRITTEN {
        if let Some(id) = reason.strip_prefix(prefix)
            && !id.contains(' ')
        {
            return lang.t(key).replace("{id}", id);
        }
    }
    reason.to_string()
}
