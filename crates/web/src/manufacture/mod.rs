//! Manufacturing pages (DESIGN.md §2): donors and eligibility, tissue, cell banks, culture batches
//! with observations and a growth plot, raw materials, conditioning and harvest, lots, processing,
//! filling. Each page is a form that calls one service use case; `api` offers the same under /api/v1.
//! Everyone signed in may read these pages; only operators (製造担当者) see and post the forms.

mod api;
mod banks;
mod batches;
mod donors;
mod inputs;
mod lots;
mod materials;
mod plot;
mod text;

use crate::registry::{Routes, get, post};
use crate::{auth::ANY, guarded};
use secretome_domain::Capability;

const OP: Capability = Capability::Produce;

/// Navigation entries (href, catalogue key, roles that see it).
pub const NAV: &[(&str, &str, Capability)] = &[
    ("/donors", "mf.nav.donors", ANY),
    ("/batches", "mf.nav.batches", ANY),
    ("/materials", "mf.nav.materials", ANY),
    ("/harvests", "mf.nav.harvests", ANY),
];

/// This module's texts (key, 日本語, English).
pub const TEXT: &[(&str, &str, &str)] = text::TEXT;

pub fn routes(mut r: Routes) -> Routes {
    r = guarded(r, "/donors", get(donors::list), ANY);
    r = guarded(r, "/donors", post(donors::register), OP);
    r = guarded(r, "/donors/{id}", get(donors::show), ANY);
    r = guarded(r, "/donors/{id}/screening", post(donors::screening), OP);
    r = guarded(r, "/donors/{id}/tissues", post(donors::tissue), OP);
    r = guarded(r, "/donors/{id}/banks", post(donors::master_bank), OP);
    r = guarded(r, "/banks/{id}", get(banks::show), ANY);
    r = guarded(r, "/banks/{id}/working", post(banks::working), OP);
    r = guarded(r, "/batches", get(batches::list), ANY);
    r = guarded(r, "/batches", post(batches::seed), OP);
    r = guarded(r, "/batches/{id}", get(batches::show), ANY);
    r = guarded(
        r,
        "/batches/{id}/observations",
        post(batches::observation),
        OP,
    );
    r = guarded(
        r,
        "/batches/{id}/materials",
        post(batches::material_use),
        OP,
    );
    r = guarded(
        r,
        "/batches/{id}/conditioning",
        post(batches::conditioning),
        OP,
    );
    r = guarded(r, "/batches/{id}/harvest", post(batches::harvest), OP);
    r = guarded(r, "/materials", get(materials::list), ANY);
    r = guarded(r, "/materials", post(materials::receive), OP);
    r = guarded(r, "/materials/{id}", get(materials::show), ANY);
    r = guarded(r, "/harvests", get(lots::harvests), ANY);
    r = guarded(r, "/lots", post(lots::pool), OP);
    r = guarded(r, "/lots/{id}/processing", get(lots::processing), ANY);
    r = guarded(r, "/lots/{id}/steps", post(lots::step), OP);
    r = guarded(r, "/lots/{id}/fill", post(lots::fill), OP);
    api_routes(r)
}

/// The `/api/v1` twins, each with its OpenAPI operation.
fn api_routes(mut r: Routes) -> Routes {
    use crate::openapi::op;
    use inputs::*;
    use secretome_domain::batch::{CultureBatch, Harvest as Harvested, Observation};
    use secretome_domain::material::{MaterialUse, RawMaterialLot};
    use secretome_domain::{culture::*, donor::Donor, lot::Lot, processing::*, vial::Vial};
    use secretome_service::manufacture_queries::*;
    use secretome_service::{BatchFilter, DonorFilter, HarvestFilter, MaterialFilter, Page};
    let d = "donors";
    let o = op(
        "listDonors",
        d,
        "A page of donors by code, with their eligibility and tissue count",
    );
    let o = o.query::<DonorFilter>().paged().ok::<Page<DonorSummary>>();
    r = guarded(r, "/api/v1/donors", get(api::donors).doc(o), ANY);
    let o = op(
        "registerDonor",
        d,
        "Register a donor (ドナー登録) under a pseudonymised code",
    );
    let o = o.body::<RegisterDonor>().created::<Donor>();
    r = guarded(r, "/api/v1/donors", post(api::register_donor).doc(o), OP);
    let o = op(
        "getDonor",
        d,
        "A donor with screening, tissue collections and cell banks",
    );
    r = guarded(
        r,
        "/api/v1/donors/{id}",
        get(api::donor).doc(o.ok::<DonorDetail>()),
        ANY,
    );
    let o = op(
        "recordScreening",
        d,
        "Record the infectious-disease screen; decides eligibility",
    );
    let o = o.body::<Screening>().ok::<Donor>();
    r = guarded(
        r,
        "/api/v1/donors/{id}/screening",
        post(api::screening).doc(o),
        OP,
    );
    let o = op(
        "collectTissue",
        d,
        "Record a tissue collection from an eligible donor",
    );
    let o = o.body::<CollectTissue>().created::<TissueCollection>();
    r = guarded(
        r,
        "/api/v1/donors/{id}/tissues",
        post(api::tissue).doc(o),
        OP,
    );
    let b = "cell banks";
    let o = op(
        "createBank",
        b,
        "Establish a master bank from tissue or a working bank from a master bank",
    );
    let o = o.body::<CreateBank>().created::<CellBank>();
    r = guarded(r, "/api/v1/banks", post(api::create_bank).doc(o), OP);
    let o = op(
        "getBank",
        b,
        "A cell bank with its working banks and batches",
    );
    r = guarded(
        r,
        "/api/v1/banks/{id}",
        get(api::bank).doc(o.ok::<BankDetail>()),
        ANY,
    );
    let c = "batches";
    let o = op(
        "listBatches",
        c,
        "A page of culture batches, newest seeding first, with observation count, latest count and harvest",
    );
    let o = o.query::<BatchFilter>().paged().ok::<Page<BatchSummary>>();
    r = guarded(r, "/api/v1/batches", get(api::batches).doc(o), ANY);
    let o = op("seedBatch", c, "Seed a culture batch from a cell bank");
    let o = o.body::<SeedBatch>().created::<CultureBatch>();
    r = guarded(r, "/api/v1/batches", post(api::seed).doc(o), OP);
    let o = op(
        "getBatch",
        c,
        "A batch with observations, material use, harvests and lots",
    );
    r = guarded(
        r,
        "/api/v1/batches/{id}",
        get(api::batch).doc(o.ok::<BatchDetail>()),
        ANY,
    );
    let o = op(
        "recordObservation",
        c,
        "Record a count / viability / confluence observation",
    );
    let o = o.body::<Observe>().created::<Observation>();
    r = guarded(
        r,
        "/api/v1/batches/{id}/observations",
        post(api::observation).doc(o),
        OP,
    );
    let o = op(
        "recordMaterialUse",
        c,
        "Record that the batch used a raw-material lot",
    );
    let o = o.body::<UseMaterial>().created::<MaterialUse>();
    r = guarded(
        r,
        "/api/v1/batches/{id}/materials",
        post(api::material_use).doc(o),
        OP,
    );
    let o = op(
        "startConditioning",
        c,
        "Start conditioning in serum-free medium",
    );
    let o = o.body::<Condition>().ok::<CultureBatch>();
    r = guarded(
        r,
        "/api/v1/batches/{id}/conditioning",
        post(api::conditioning).doc(o),
        OP,
    );
    let o = op("harvest", c, "Harvest the conditioned medium");
    let o = o.body::<Harvest>().created::<Harvested>();
    r = guarded(
        r,
        "/api/v1/batches/{id}/harvest",
        post(api::harvest).doc(o),
        OP,
    );
    let m = "raw materials";
    let o = op(
        "listMaterials",
        m,
        "A page of raw-material lots by id, with their use count",
    );
    let o = o.query::<MaterialFilter>().paged();
    r = guarded(
        r,
        "/api/v1/materials",
        get(api::materials).doc(o.ok::<Page<MaterialSummary>>()),
        ANY,
    );
    let o = op("receiveMaterial", m, "Receive a raw-material lot");
    let o = o.body::<ReceiveMaterial>().created::<RawMaterialLot>();
    r = guarded(r, "/api/v1/materials", post(api::receive).doc(o), OP);
    let o = op(
        "getMaterial",
        m,
        "A raw-material lot with every batch that used it",
    );
    r = guarded(
        r,
        "/api/v1/materials/{id}",
        get(api::material).doc(o.ok::<MaterialDetail>()),
        ANY,
    );
    let l = "lots";
    let o = op(
        "listHarvests",
        l,
        "A page of harvests, newest first, with the volume left to pool",
    );
    let o = o.query::<HarvestFilter>().paged();
    r = guarded(
        r,
        "/api/v1/harvests",
        get(api::harvests).doc(o.ok::<Page<Harvested>>()),
        ANY,
    );
    let o = op("poolLot", l, "Pool harvests into a new lot");
    let o = o.body::<Pool>().created::<Lot>();
    r = guarded(r, "/api/v1/lots", post(api::pool).doc(o), OP);
    let o = op(
        "recordStep",
        l,
        "Record a processing step (centrifugation, filtration, ultrafiltration, sterilisation)",
    );
    let o = o.body::<Step>().created::<ProcessingStep>();
    r = guarded(r, "/api/v1/lots/{id}/steps", post(api::step).doc(o), OP);
    let o = op("fillVials", l, "Fill vials; the lot goes to quarantine");
    let o = o.body::<Fill>().created::<Vec<Vial>>();
    r = guarded(r, "/api/v1/lots/{id}/fill", post(api::fill).doc(o), OP);
    r
}

/// This module in the registry (`crate::registry`).
pub const MODULE: crate::registry::Module = crate::registry::Module {
    routes,
    nav: NAV,
    texts: &[TEXT],
    tags: &[
        (
            "donors",
            "Donors: registration, infectious-disease screening, tissue collection",
        ),
        ("cell banks", "Master and working cell banks"),
        (
            "batches",
            "Culture batches: seeding, observations, materials, conditioning, harvest",
        ),
        ("raw materials", "Raw-material lots and their use"),
    ],
};
