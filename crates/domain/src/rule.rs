//! The rules a use case can refuse by, as a coded enum (issue 13 item 3): each variant carries the
//! data its message needs (ids, states, limits), its English text (`Display`) and a stable `code`
//! the edges map to an HTTP status and to Japanese — nobody tells refusals apart by their text.
//!
//! To add a rule: add a variant with its English `#[error]`, its code in `Rule::code`, and its
//! Japanese in the web's `messages.rs::rule_ja` (its match is exhaustive, and a test there fails
//! for a rule whose text is not Japanese).

use thiserror::Error;

/// A rule between entities was broken. Ids and states are kept as text: they are shown, not used.
/// Not `non_exhaustive`: the web's `rule_ja` matches every variant, so a rule added without its
/// Japanese does not compile; `EnumIter` gives the catalogue test one sample of each.
#[derive(Debug, Clone, PartialEq, Eq, Error, strum::EnumIter)]
pub enum Rule {
    /// An input had nothing to refuse, yet was refused (an empty `Invalids`).
    #[error("refused")]
    Refused,
    // --- people, accounts, tokens
    #[error("user {user} is already {}", if *.active { "active" } else { "inactive" })]
    UserAlready { user: String, active: bool },
    #[error("{by} cannot deactivate their own account: ask another administrator")]
    SelfDeactivation { by: String },
    #[error("{user} is the only active administrator")]
    LastAdministrator { user: String },
    #[error("users already exist: ask an administrator to add users")]
    UsersExist,
    #[error("API token {token} is already revoked")]
    TokenRevoked { token: String },
    // --- segregation of duties
    #[error("segregation of duties: {by} assessed deviation {deviation} and may not decide on it")]
    AssessorDecides { by: String, deviation: String },
    #[error("{by} opened deviation {deviation} and may not decide it")]
    OpenerDecides { by: String, deviation: String },
    #[error(
        "segregation of duties: {by} recorded a step of lot {lot}'s manufacture and may not release it"
    )]
    MakerReleases { by: String, lot: String },
    #[error("{by} wrote {document} and may not approve it: another QA member signs the approval")]
    AuthorApproves { by: String, document: String },
    // --- donors, banks, materials
    #[error("donor {donor} is already recorded as patient {patient} (autologous use)")]
    DonorIsPatient { donor: String, patient: String },
    #[error("cell bank {bank} is a working bank: a working bank is made from a master bank")]
    WorkingBankFromWorking { bank: String },
    #[error("raw-material lot {material} expired at {at}")]
    MaterialExpired { material: String, at: String },
    // --- specifications and QC
    #[error("specification {newer} is effective and newer than {spec}: make a new version instead")]
    NewerSpecification { newer: String, spec: String },
    #[error(
        "product {product} has no effective specification: make a specification version effective before filling"
    )]
    NoEffectiveSpecification { product: String },
    #[error("lot {lot} has no specification")]
    LotWithoutSpecification { lot: String },
    #[error("lot {lot} is tested against {tested_against}, not {given}")]
    OtherSpecification {
        lot: String,
        tested_against: String,
        given: String,
    },
    #[error("lot {lot} already has a result for test {test}: correct it, giving a reason")]
    ResultExists { lot: String, test: String },
    #[error("lot {lot} is {status}: a certificate of analysis is issued for released lots only")]
    CoaNotReleased { lot: String, status: String },
    // --- filling
    #[error("lot {lot} cannot be filled: it is under recall {}", .recalls.join(", "))]
    FillUnderRecall { lot: String, recalls: Vec<String> },
    #[error("lot {lot} cannot be released: it is under recall {}", .recalls.join(", "))]
    ReleaseUnderRecall { lot: String, recalls: Vec<String> },
    #[error("lot {lot} cannot be filled: no sterilising (≤ 0.22 µm) filtration is recorded")]
    NoSterileFiltration { lot: String },
    #[error("lot {lot} cannot be filled: its sterilising filter failed an integrity test")]
    FilterIntegrityFailed { lot: String },
    #[error("lot {lot} cannot be filled: {}", .reasons.join("; "))]
    StepsBeforeFilling { lot: String, reasons: Vec<String> },
    #[error(
        "vials cannot be filled: the facility's ISBT 128 FIN (setting {setting}) is not configured"
    )]
    FinNotConfigured { setting: String },
    #[error("the facility's ISBT 128 FIN is not valid: {detail}")]
    FinInvalid { detail: String },
    #[error("vials cannot be filled: product {product} has no ISBT 128 product description code")]
    NoProductCode { product: String },
    #[error("DIN sequence for {key} is exhausted: {detail}")]
    DinExhausted { key: String, detail: String },
    #[error(
        "lot {lot}: no donor is on record upstream of it, so its ISBT 128 collection type (autologous 1 or allogeneic V) cannot be decided"
    )]
    NoDonorUpstream { lot: String },
    #[error(
        "lot {lot} pools the autologous donation of {donor} with other donors' tissue: an autologous product must come from its patient alone"
    )]
    AutologousPooled { lot: String, donor: String },
    // --- facility
    #[error("{en}: may not record an aseptic step in grade A zone {room}")]
    AsepticUnqualified {
        room: String,
        en: String,
        ja: String,
    },
    #[error("{en}: the step is refused")]
    EquipmentUnfit {
        equipment: String,
        en: String,
        ja: String,
    },
    #[error("media fill {media_fill} is already closed")]
    MediaFillClosed { media_fill: String },
    // --- batch records
    #[error("{master} has no steps")]
    MasterWithoutSteps { master: String },
    #[error("batch {batch} was started from {master} already")]
    BatchStarted { batch: String, master: String },
    #[error("{document} is still {status}: finish or withdraw it before a new version")]
    VersionOpen { document: String, status: String },
    #[error("step {step} is already recorded")]
    StepRecorded { step: String },
    #[error(
        "step {step} ({name}) comes first: steps are done in the master's order, or skipped through a recorded deviation"
    )]
    StepComesFirst { step: String, name: String },
    #[error("step {step} awaits a second person's verification")]
    StepAwaitsVerification { step: String },
    // --- vials, inventory, shipments
    #[error("position {position} is occupied by vial {vial}")]
    PositionOccupied { position: String, vial: String },
    #[error("vial {vial} cannot be dispensed: its lot {lot} is {status}")]
    LotNotReleased {
        vial: String,
        lot: String,
        status: String,
    },
    #[error("vial {vial} cannot be dispensed: it expired at {at}")]
    VialExpired { vial: String, at: String },
    #[error("vial {vial} has not expired yet")]
    VialNotExpired { vial: String },
    #[error("vial {vial} has not been dispensed for a patient")]
    VialNotDispensed { vial: String },
    #[error("vial {vial} was dispensed for patient {dispensed_for}, not {patient}")]
    VialForOtherPatient {
        vial: String,
        dispensed_for: String,
        patient: String,
    },
    #[error("vial {vial} was already thawed")]
    VialThawed { vial: String },
    #[error("vial {vial} was already {state}: it cannot {action}")]
    VialEnded {
        vial: String,
        state: String,
        action: String,
    },
    /// `state_en`/`state_ja`: quarantine, recalled, destroyed, expired.
    #[error(
        "vial {vial} is {state_en} ({state_ja}): no label is printed for it / このバイアルのラベルは発行できません"
    )]
    NoLabelInState {
        vial: String,
        state_en: String,
        state_ja: String,
    },
    #[error(
        "vial {vial} has no ISBT 128 DIN (it was filled before the facility's FIN was configured): no label can be printed for it"
    )]
    VialWithoutDin { vial: String },
    #[error("vial {vial} has no ISBT 128 product code: no label can be printed for it")]
    VialWithoutProductCode { vial: String },
    #[error("product {product} of lot {lot} is not in the product master")]
    ProductNotInMaster { product: String, lot: String },
    #[error(
        "vial {vial} is at {site} (freezer {freezer}), not at {here}: ship it and receive it there first"
    )]
    VialAtOtherSite {
        vial: String,
        site: String,
        freezer: String,
        here: String,
    },
    #[error("vial {vial} has no known site (not in a freezer, never shipped)")]
    VialWithoutSite { vial: String },
    #[error(
        "shipment {shipment} was received at {to_site}, not at {site}: vials are dispensed only where they were received"
    )]
    ShipmentElsewhere {
        shipment: String,
        to_site: String,
        site: String,
    },
    #[error("shipment {shipment} is quarantined ({why}) until QA decides")]
    ShipmentQuarantined { shipment: String, why: String },
    #[error("shipment {shipment} was rejected by QA")]
    ShipmentRejected { shipment: String },
    #[error("shipment {shipment} has not been received yet ({status})")]
    ShipmentNotReceived { shipment: String, status: String },
    // --- clinical, recall
    #[error("consent {consent} was already withdrawn")]
    ConsentWithdrawn { consent: String },
    #[error("{event} is not serious: it goes in the periodic report")]
    NotSerious { event: String },
    #[error("patient {patient} has already been followed up for recall {recall}")]
    FollowedUp { patient: String, recall: String },
    #[error("{kind} {target} has not reached any lot: there is nothing to recall")]
    NothingToRecall { kind: String, target: String },
    #[error("{kind} {id} is under recall {recall}: it cannot be used")]
    UnderRecall {
        kind: String,
        id: String,
        recall: String,
    },
    // --- documents, tools
    #[error("the document cannot be made: {detail}")]
    DocumentFailed { detail: String },
    #[error("the label cannot be made: {detail}")]
    LabelFailed { detail: String },
    #[error(
        "the database is not empty ({events} audit events): generate writes only into a new, empty database"
    )]
    DatabaseNotEmpty { events: i64 },
    #[error("{what}: bench-trace runs on a generated database")]
    NotGenerated { what: String },
    // --- master batch records, returned vials (merged after the coded refusals)
    #[error("step {step} is not recorded: skip it instead")]
    StepNotRecorded { step: String },
    #[error("step {step} is recorded by the {use_case} use case, not entered here")]
    StepByUseCase {
        step: String,
        use_case: String,
        use_case_ja: String,
    },
    #[error(
        "batch {batch}: its master has no further {use_case} step ({recorded} recorded already)"
    )]
    NoFurtherStep {
        batch: String,
        use_case: String,
        recorded: String,
    },
    #[error(
        "batch {batch}: step {step} takes the latest observation{}, and there is none: record an observation first",
        made_after(.after)
    )]
    ObservationDue {
        batch: String,
        step: String,
        /// The step before it (empty: it is the master's first step).
        after: String,
    },
    #[error(
        "master {master} is written for {} cells; batch {batch} is from {} (cell bank {bank})",
        source_en(*.master_source),
        source_en(*.batch_source)
    )]
    MasterForOtherSource {
        master: String,
        master_source: crate::donor::TissueSource,
        batch: String,
        batch_source: crate::donor::TissueSource,
        bank: String,
    },
    #[error("vial {vial} was never dispensed: there is no return to decide")]
    NeverDispensed { vial: String },
    #[error("vial {vial} was not returned: there is nothing for QA to decide")]
    NotReturned { vial: String },
    #[error("QA already decided returned vial {vial}: {decision}")]
    ReturnDecided { vial: String, decision: String },
}

/// A cell source in English words (`umbilical cord`).
fn source_en(s: crate::donor::TissueSource) -> String {
    s.as_str().replace('_', " ")
}

/// ` made after step X`, or nothing for the master's first step.
fn made_after(after: &str) -> String {
    if after.is_empty() {
        String::new()
    } else {
        format!(" made after step {after}")
    }
}

impl Rule {
    /// The stable code of the rule (`snake_case`), the key of its Japanese and of API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::Refused => "refused",
            Rule::UserAlready { .. } => "user_already",
            Rule::SelfDeactivation { .. } => "self_deactivation",
            Rule::LastAdministrator { .. } => "last_administrator",
            Rule::UsersExist => "users_exist",
            Rule::TokenRevoked { .. } => "token_revoked",
            Rule::AssessorDecides { .. } => "assessor_decides",
            Rule::OpenerDecides { .. } => "opener_decides",
            Rule::MakerReleases { .. } => "maker_releases",
            Rule::AuthorApproves { .. } => "author_approves",
            Rule::DonorIsPatient { .. } => "donor_is_patient",
            Rule::WorkingBankFromWorking { .. } => "working_bank_from_working",
            Rule::MaterialExpired { .. } => "material_expired",
            Rule::NewerSpecification { .. } => "newer_specification",
            Rule::NoEffectiveSpecification { .. } => "no_effective_specification",
            Rule::LotWithoutSpecification { .. } => "lot_without_specification",
            Rule::OtherSpecification { .. } => "other_specification",
            Rule::ResultExists { .. } => "result_exists",
            Rule::CoaNotReleased { .. } => "coa_not_released",
            Rule::FillUnderRecall { .. } => "fill_under_recall",
            Rule::ReleaseUnderRecall { .. } => "release_under_recall",
            Rule::NoSterileFiltration { .. } => "no_sterile_filtration",
            Rule::FilterIntegrityFailed { .. } => "filter_integrity_failed",
            Rule::StepsBeforeFilling { .. } => "steps_before_filling",
            Rule::FinNotConfigured { .. } => "fin_not_configured",
            Rule::FinInvalid { .. } => "fin_invalid",
            Rule::NoProductCode { .. } => "no_product_code",
            Rule::DinExhausted { .. } => "din_exhausted",
            Rule::NoDonorUpstream { .. } => "no_donor_upstream",
            Rule::AutologousPooled { .. } => "autologous_pooled",
            Rule::AsepticUnqualified { .. } => "aseptic_unqualified",
            Rule::EquipmentUnfit { .. } => "equipment_unfit",
            Rule::MediaFillClosed { .. } => "media_fill_closed",
            Rule::MasterWithoutSteps { .. } => "master_without_steps",
            Rule::BatchStarted { .. } => "batch_started",
            Rule::VersionOpen { .. } => "version_open",
            Rule::StepRecorded { .. } => "step_recorded",
            Rule::StepComesFirst { .. } => "step_comes_first",
            Rule::StepAwaitsVerification { .. } => "step_awaits_verification",
            Rule::PositionOccupied { .. } => "position_occupied",
            Rule::LotNotReleased { .. } => "lot_not_released",
            Rule::VialExpired { .. } => "vial_expired",
            Rule::VialNotExpired { .. } => "vial_not_expired",
            Rule::VialNotDispensed { .. } => "vial_not_dispensed",
            Rule::VialForOtherPatient { .. } => "vial_for_other_patient",
            Rule::VialThawed { .. } => "vial_thawed",
            Rule::VialEnded { .. } => "vial_ended",
            Rule::NoLabelInState { .. } => "no_label_in_state",
            Rule::VialWithoutDin { .. } => "vial_without_din",
            Rule::VialWithoutProductCode { .. } => "vial_without_product_code",
            Rule::ProductNotInMaster { .. } => "product_not_in_master",
            Rule::VialAtOtherSite { .. } => "vial_at_other_site",
            Rule::VialWithoutSite { .. } => "vial_without_site",
            Rule::ShipmentElsewhere { .. } => "shipment_elsewhere",
            Rule::ShipmentQuarantined { .. } => "shipment_quarantined",
            Rule::ShipmentRejected { .. } => "shipment_rejected",
            Rule::ShipmentNotReceived { .. } => "shipment_not_received",
            Rule::ConsentWithdrawn { .. } => "consent_withdrawn",
            Rule::NotSerious { .. } => "not_serious",
            Rule::FollowedUp { .. } => "followed_up",
            Rule::NothingToRecall { .. } => "nothing_to_recall",
            Rule::UnderRecall { .. } => "under_recall",
            Rule::DocumentFailed { .. } => "document_failed",
            Rule::LabelFailed { .. } => "label_failed",
            Rule::DatabaseNotEmpty { .. } => "database_not_empty",
            Rule::NotGenerated { .. } => "not_generated",
            Rule::StepNotRecorded { .. } => "step_not_recorded",
            Rule::StepByUseCase { .. } => "step_by_use_case",
            Rule::NoFurtherStep { .. } => "no_further_step",
            Rule::ObservationDue { .. } => "observation_due",
            Rule::MasterForOtherSource { .. } => "master_for_other_source",
            Rule::NeverDispensed { .. } => "never_dispensed",
            Rule::NotReturned { .. } => "not_returned",
            Rule::ReturnDecided { .. } => "return_decided",
        }
    }
}
