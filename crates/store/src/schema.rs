//! The audited tables and their columns, as the code sees them. Rows are mapped generically through
//! this description (see `row.rs`); a test checks it against the live schema of both backends, so the
//! migration, the code and the two engines cannot drift apart.

/// How a column is stored and read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Real,
    /// BIGINT 0/1, read back as a JSON bool.
    Bool,
    /// JSON value stored as TEXT.
    Json,
    /// TEXT that must not appear in the audit trail (a password hash): events carry its SHA-256.
    Secret,
}

/// Every table whose rows are written through the audited path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Site,
    User,
    Donor,
    Tissue,
    CellBank,
    MaterialLot,
    Batch,
    Observation,
    MaterialUse,
    Harvest,
    Lot,
    ProcessingStep,
    Vial,
    Edge,
    Credential,
    Product,
    Specification,
    TestResult,
    Deviation,
    ApiToken,
    Setting,
    DinSequence,
    Freezer,
    VialMove,
    Patient,
    Dispensing,
    Administration,
    AdverseEvent,
    OutcomeMeasure,
    Recall,
    Exposure,
}

use Kind::*;

impl Table {
    pub const ALL: [Table; 31] = [
        Table::Site,
        Table::User,
        Table::Donor,
        Table::Tissue,
        Table::CellBank,
        Table::MaterialLot,
        Table::Batch,
        Table::Observation,
        Table::MaterialUse,
        Table::Harvest,
        Table::Lot,
        Table::ProcessingStep,
        Table::Vial,
        Table::Edge,
        Table::Credential,
        Table::Product,
        Table::Specification,
        Table::TestResult,
        Table::Deviation,
        Table::ApiToken,
        Table::Setting,
        Table::DinSequence,
        Table::Freezer,
        Table::VialMove,
        Table::Patient,
        Table::Dispensing,
        Table::Administration,
        Table::AdverseEvent,
        Table::OutcomeMeasure,
        Table::Recall,
        Table::Exposure,
    ];

    /// The SQL table name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Site => "site",
            Table::User => "app_user",
            Table::Donor => "donor",
            Table::Tissue => "tissue",
            Table::CellBank => "cell_bank",
            Table::MaterialLot => "material_lot",
            Table::Batch => "culture_batch",
            Table::Observation => "observation",
            Table::MaterialUse => "material_use",
            Table::Harvest => "harvest",
            Table::Lot => "lot",
            Table::ProcessingStep => "processing_step",
            Table::Vial => "vial",
            Table::Edge => "genealogy_edge",
            Table::Credential => "credential",
            Table::ApiToken => "api_token",
            Table::Product => "product",
            Table::Specification => "specification",
            Table::TestResult => "test_result",
            Table::Deviation => "deviation",
            Table::Setting => "setting",
            Table::DinSequence => "din_sequence",
            Table::Freezer => "freezer",
            Table::VialMove => "vial_move",
            Table::Patient => "patient",
            Table::Dispensing => "dispensing",
            Table::Administration => "administration",
            Table::AdverseEvent => "adverse_event",
            Table::OutcomeMeasure => "outcome_measure",
            Table::Recall => "recall",
            Table::Exposure => "recall_exposure",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Columns added to an audited table after trails already existed (migration 0008 onwards).
    /// Their value is left out of a snapshot's canonical text while it is NULL, so rows and events
    /// written before the column existed still compare equal after the upgrade (every later event
    /// is written the same way). Append here, never remove: the list is part of the encoding.
    pub fn added_later(self, column: &str) -> bool {
        matches!(
            (self, column),
            (Table::Harvest, "deviation") | (Table::TestResult, "censor" | "history")
        ) || matches!(
            (self, column),
            (Table::Lot, "dins") | (Table::Donor, "autologous_for")
        )
    }

    /// Columns in table order; the first is always the primary key `id`.
    pub fn columns(self) -> &'static [(&'static str, Kind)] {
        match self {
            Table::Site => &[
                ("id", Text),
                ("name", Text),
                ("time_zone", Text),
                ("created_at", Text),
            ],
            Table::User => &[
                ("id", Text),
                ("display_name", Text),
                ("site", Text),
                ("roles", Json),
                ("active", Bool),
                ("created_at", Text),
                ("language", Text),
                ("time_zone", Text),
            ],
            Table::Donor => &[
                ("id", Text),
                ("source", Text),
                ("consent_form", Text),
                ("consented_at", Text),
                ("status", Text),
                ("screening", Json),
                ("ineligible_reason", Text),
                ("registered_at", Text),
                ("autologous_for", Text),
            ],
            Table::Tissue => &[
                ("id", Text),
                ("donor", Text),
                ("kind", Text),
                ("collected_at", Text),
                ("amount", Real),
                ("amount_unit", Text),
            ],
            Table::CellBank => &[
                ("id", Text),
                ("kind", Text),
                ("tissue", Text),
                ("parent", Text),
                ("passage", Int),
                ("population_doublings", Real),
                ("vials_frozen", Int),
                ("cells_per_vial", Real),
                ("banked_at", Text),
            ],
            Table::MaterialLot => &[
                ("id", Text),
                ("material", Text),
                ("category", Text),
                ("supplier", Text),
                ("supplier_lot", Text),
                ("received_at", Text),
                ("expires_at", Text),
            ],
            Table::Batch => &[
                ("id", Text),
                ("cell_bank", Text),
                ("vessel", Text),
                ("vessel_count", Int),
                ("passage", Int),
                ("seeding_density", Real),
                ("seeded_at", Text),
                ("status", Text),
                ("conditioning_started_at", Text),
                ("conditioning_medium", Text),
                ("conditioning_hours", Real),
                ("hypoxia", Bool),
            ],
            Table::Observation => &[
                ("id", Text),
                ("batch", Text),
                ("observed_at", Text),
                ("cell_count", Real),
                ("viability_pct", Real),
                ("confluence_pct", Real),
                ("note", Text),
            ],
            Table::MaterialUse => &[
                ("id", Text),
                ("batch", Text),
                ("material_lot", Text),
                ("quantity", Real),
                ("unit", Text),
                ("used_at", Text),
            ],
            Table::Harvest => &[
                ("id", Text),
                ("batch", Text),
                ("harvested_at", Text),
                ("volume_ml", Real),
                ("remaining_ml", Real),
                ("deviation", Text),
            ],
            Table::Lot => &[
                ("id", Text),
                ("product", Text),
                ("status", Text),
                ("volume_ml", Real),
                ("created_at", Text),
                ("filled_at", Text),
                ("expires_at", Text),
                ("decided_at", Text),
                ("decided_by", Text),
                ("decision_reason", Text),
                ("specification", Text),
                ("dins", Json),
            ],
            Table::ProcessingStep => &[
                ("id", Text),
                ("lot", Text),
                ("seq", Int),
                ("kind", Text),
                ("g_force", Real),
                ("minutes", Real),
                ("pore_um", Real),
                ("cutoff_kda", Real),
                ("concentration_factor", Real),
                ("method", Text),
                ("performed_at", Text),
            ],
            Table::Vial => &[
                ("id", Text),
                ("lot", Text),
                ("seq", Int),
                ("fill_volume_ml", Real),
                ("status", Text),
                ("location", Text),
                ("expires_at", Text),
                ("filled_at", Text),
                ("din", Text),
                ("product_code", Text),
            ],
            Table::Edge => &[
                ("id", Text),
                ("parent_kind", Text),
                ("parent_id", Text),
                ("child_kind", Text),
                ("child_id", Text),
                ("relation", Text),
                ("quantity", Real),
            ],
            Table::ApiToken => &[
                ("id", Text),
                ("name", Text),
                ("role", Text),
                ("secret_hash", Secret),
                ("created_by", Text),
                ("created_at", Text),
                ("revoked_at", Text),
            ],
            Table::Credential => &[
                ("id", Text),
                ("password_hash", Secret),
                ("failed_attempts", Int),
                ("locked_until", Text),
                ("changed_at", Text),
            ],
            Table::Product => &[
                ("id", Text),
                ("name", Text),
                ("name_ja", Text),
                ("shelf_life_days", Int),
                ("storage_temperature_c", Real),
                ("created_at", Text),
                ("isbt_code", Text),
            ],
            Table::Specification => &[
                ("id", Text),
                ("product", Text),
                ("version", Int),
                ("status", Text),
                ("effective_from", Text),
                ("superseded_at", Text),
                ("tests", Json),
                ("created_at", Text),
            ],
            Table::TestResult => &[
                ("id", Text),
                ("lot", Text),
                ("specification", Text),
                ("test", Text),
                ("value", Real),
                ("outcome", Text),
                ("unit", Text),
                ("source", Text),
                ("assay_run", Text),
                ("verdict", Text),
                ("entered_at", Text),
                ("entered_by", Text),
                ("censor", Text),
                ("history", Json),
            ],
            Table::Deviation => &[
                ("id", Text),
                ("lot", Text),
                ("test", Text),
                ("description", Text),
                ("status", Text),
                ("opened_at", Text),
                ("opened_by", Text),
                ("assessment", Text),
                ("assessed_at", Text),
                ("assessed_by", Text),
                ("decided_at", Text),
                ("decided_by", Text),
                ("decision_reason", Text),
            ],
            Table::Setting => &[("id", Text), ("value", Text), ("updated_at", Text)],
            Table::DinSequence => &[("id", Text), ("next", Int)],
            Table::Freezer => &[
                ("id", Text),
                ("name", Text),
                ("site", Text),
                ("temperature_c", Real),
                ("box_rows", Int),
                ("box_cols", Int),
                ("created_at", Text),
            ],
            Table::VialMove => &[
                ("id", Text),
                ("vial", Text),
                ("from_location", Text),
                ("to_location", Text),
                ("moved_at", Text),
                ("moved_by", Text),
                ("reason", Text),
            ],
            Table::Patient => &[
                ("id", Text),
                ("site", Text),
                ("birth_year", Int),
                ("sex", Text),
                ("indication", Text),
                ("physician", Text),
                ("registered_at", Text),
            ],
            Table::Dispensing => &[
                ("id", Text),
                ("vial", Text),
                ("patient", Text),
                ("dispensed_at", Text),
                ("dispensed_by", Text),
            ],
            Table::Administration => &[
                ("id", Text),
                ("vial", Text),
                ("patient", Text),
                ("indication", Text),
                ("route", Text),
                ("dose_ml", Real),
                ("administered_at", Text),
                ("physician", Text),
                ("recorded_at", Text),
            ],
            Table::AdverseEvent => &[
                ("id", Text),
                ("patient", Text),
                ("administration", Text),
                ("term", Text),
                ("grade", Int),
                ("serious", Bool),
                ("onset_at", Text),
                ("outcome", Text),
                ("reported_at", Text),
                ("reported_by", Text),
            ],
            Table::OutcomeMeasure => &[
                ("id", Text),
                ("patient", Text),
                ("scale", Text),
                ("value", Real),
                ("visit_at", Text),
                ("recorded_at", Text),
                ("recorded_by", Text),
            ],
            Table::Recall => &[
                ("id", Text),
                ("target_kind", Text),
                ("target_id", Text),
                ("reason", Text),
                ("opened_at", Text),
                ("opened_by", Text),
                ("lots", Json),
                ("vials_blocked", Int),
            ],
            Table::Exposure => &[
                ("id", Text),
                ("recall", Text),
                ("patient", Text),
                ("vials", Json),
                ("administered", Bool),
                ("physician", Text),
                ("followed_up_at", Text),
                ("followed_up_by", Text),
                ("note", Text),
            ],
        }
    }

    pub fn column(self, name: &str) -> Option<Kind> {
        self.columns()
            .iter()
            .find(|(c, _)| *c == name)
            .map(|(_, k)| *k)
    }

    /// `col1, col2, …` for SELECT lists.
    pub fn column_list(self) -> String {
        self.columns()
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
