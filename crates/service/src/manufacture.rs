//! Manufacturing use cases up to the cell bank here: donors and their screening, tissue, cell
//! banks, raw-material lots; culture batches with observations and material use, conditioning and
//! harvest in `culture`. Inputs arrive as plain values (as from a form) and are parsed here, so
//! errors name the field.

mod culture;
pub(crate) use culture::seed_in_tx;

use crate::{Service, ServiceError, ctx, link};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, UtcTime,
    culture::{CellBank, TissueCollection},
    donor::{Donor, ScreenResult, TissueSource},
    genealogy::{NodeKind, Relation},
    ids::{CellBankId, DonorCode, MaterialLotId, TissueId},
    material::{MaterialCategory, RawMaterialLot},
};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewTissue {
    pub id: String,
    pub donor: String,
    pub collected_at: UtcTime,
    pub amount: f64,
    pub amount_unit: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewBank {
    pub id: String,
    /// Tissue id for a master bank; master bank id for a working bank.
    pub from: String,
    pub working: bool,
    pub passage: i64,
    pub population_doublings: f64,
    pub vials_frozen: i64,
    pub cells_per_vial: f64,
    pub banked_at: UtcTime,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewMaterialLot {
    pub id: String,
    pub material: String,
    pub category: String,
    pub supplier: String,
    pub supplier_lot: String,
    pub received_at: UtcTime,
    pub expires_at: UtcTime,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewBatch {
    pub id: String,
    pub cell_bank: String,
    pub vessel: String,
    pub vessel_count: i64,
    pub seeding_density: f64,
    pub seeded_at: UtcTime,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewObservation {
    pub batch: String,
    pub observed_at: UtcTime,
    pub cell_count: f64,
    pub viability_pct: f64,
    pub confluence_pct: f64,
    pub note: Option<String>,
}

impl Service {
    /// Registers a donor under a pseudonymised code. Role: operator.
    pub async fn register_donor(
        &self,
        actor: &Actor,
        now: UtcTime,
        code: &str,
        source: &str,
        consent_form: &str,
        consented_at: UtcTime,
    ) -> Result<Donor, ServiceError> {
        actor.require_to(Capability::Produce, "register a donor")?;
        let d = Donor::register(
            DonorCode::new(code)?,
            TissueSource::parse("source", source)?,
            consent_form,
            consented_at,
            now,
        )?;
        let mut tx = self.store.begin().await?;
        tx.insert_record(&d, &ctx(actor, now, "donor.register", None))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Records that a donor's donation is for autologous use only: the donor is patient `patient`
    /// (自家). Lots made from this donor alone carry ISBT 128 collection type `1`; pooling it with
    /// other donors is refused at filling (docs/isbt128.md). Role: operator.
    pub async fn designate_autologous(
        &self,
        actor: &Actor,
        now: UtcTime,
        donor: &str,
        patient: &str,
    ) -> Result<Donor, ServiceError> {
        actor.require_to(Capability::Produce, "record an autologous donation")?;
        let patient = secretome_domain::ids::PatientCode::new(patient)?;
        let mut tx = self.store.begin().await?;
        tx.must_load::<secretome_domain::clinical::Patient>(patient.as_str())
            .await?;
        let d = tx
            .must_load::<Donor>(donor)
            .await?
            .for_autologous_use(patient)?;
        tx.update_record(&d, &ctx(actor, now, "donor.autologous", None))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Records the infectious-disease screen; the donor becomes eligible or ineligible. Role: operator.
    pub async fn record_screening(
        &self,
        actor: &Actor,
        now: UtcTime,
        code: &str,
        results: Vec<ScreenResult>,
    ) -> Result<Donor, ServiceError> {
        actor.require_to(Capability::Produce, "record a donor's screening")?;
        let mut tx = self.store.begin().await?;
        let d = tx
            .must_load::<Donor>(code)
            .await?
            .record_screening(results)?;
        tx.update_record(&d, &ctx(actor, now, "donor.screen", None))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Records a tissue collection from an eligible donor. Role: operator.
    pub async fn collect_tissue(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewTissue,
    ) -> Result<TissueCollection, ServiceError> {
        actor.require_to(Capability::Produce, "record a tissue collection")?;
        let id = TissueId::new(new.id)?;
        let mut tx = self.store.begin().await?;
        let donor = tx.must_load::<Donor>(&new.donor).await?;
        let t = TissueCollection::collect(
            id,
            &donor,
            donor.source,
            new.collected_at,
            new.amount,
            &new.amount_unit,
            now,
        )?;
        let c = ctx(actor, now, "tissue.collect", None);
        tx.insert_record(&t, &c).await?;
        link(
            &mut *tx,
            (NodeKind::Donor, donor.id.as_str()),
            (NodeKind::Tissue, t.id.as_str()),
            Relation::Derived,
            None,
            &c,
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Establishes a master bank from tissue, or a working bank from a master bank. Role: operator.
    pub async fn create_cell_bank(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewBank,
    ) -> Result<CellBank, ServiceError> {
        actor.require_to(Capability::Produce, "create a cell bank")?;
        let id = CellBankId::new(new.id)?;
        let mut tx = self.store.begin().await?;
        let (bank, parent) = if new.working {
            let master = tx.must_load::<CellBank>(&new.from).await?;
            let b = CellBank::working(
                id,
                &master,
                new.passage,
                new.population_doublings,
                new.vials_frozen,
                new.cells_per_vial,
                new.banked_at,
                now,
            )?;
            (b, (NodeKind::CellBank, master.id.to_string()))
        } else {
            let tissue = tx.must_load::<TissueCollection>(&new.from).await?;
            let b = CellBank::master(
                id,
                &tissue,
                new.passage,
                new.population_doublings,
                new.vials_frozen,
                new.cells_per_vial,
                new.banked_at,
                now,
            )?;
            (b, (NodeKind::Tissue, tissue.id.to_string()))
        };
        let c = ctx(actor, now, "cell_bank.create", None);
        tx.insert_record(&bank, &c).await?;
        link(
            &mut *tx,
            (parent.0, &parent.1),
            (NodeKind::CellBank, bank.id.as_str()),
            Relation::Derived,
            None,
            &c,
        )
        .await?;
        tx.commit().await?;
        Ok(bank)
    }

    /// Receives a raw-material lot into the facility. Role: operator.
    pub async fn receive_material(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewMaterialLot,
    ) -> Result<RawMaterialLot, ServiceError> {
        actor.require_to(Capability::Produce, "receive a raw-material lot")?;
        let lot = RawMaterialLot::receive(
            MaterialLotId::new(new.id)?,
            &new.material,
            MaterialCategory::parse("category", &new.category)?,
            &new.supplier,
            &new.supplier_lot,
            new.received_at,
            new.expires_at,
            now,
        )?;
        let mut tx = self.store.begin().await?;
        tx.insert_record(&lot, &ctx(actor, now, "material_lot.receive", None))
            .await?;
        tx.commit().await?;
        Ok(lot)
    }
}
