//! Sterilising filtration of a lot with its filter's integrity tests, and media fills (aseptic
//! process simulations) with QA's closure of a failed one.

use super::checks::check_place;
use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    facility::{
        IntegrityMethod, IntegrityStage, IntegrityTest, MediaFill, Room, SterileFiltration,
    },
    lot::Lot,
    qc::Product,
};

#[derive(Debug, Clone)]
pub struct NewFiltration {
    pub lot: String,
    pub filter_maker: String,
    pub filter_model: String,
    pub filter_lot: String,
    pub pore_um: f64,
    pub sterilising_grade: bool,
    pub room: Option<String>,
    pub performed_at: UtcTime,
}

#[derive(Debug, Clone)]
pub struct NewIntegrityTest {
    pub filtration: String,
    pub stage: IntegrityStage,
    pub method: IntegrityMethod,
    pub maker_limit: f64,
    pub measured: f64,
    pub unit: String,
    pub tested_at: UtcTime,
}

#[derive(Debug, Clone)]
pub struct NewMediaFill {
    pub product: String,
    pub room: String,
    pub performed_at: UtcTime,
    pub units_filled: i64,
    pub units_positive: i64,
    pub participants: Vec<String>,
}

impl Service {
    /// Records a lot's sterilising filtration (無菌ろ過): a rated ≤ 0.22 µm filter with its lot,
    /// in a registered room/zone (a grade A zone needs the operator's aseptic qualification).
    /// Role: operator.
    pub async fn record_sterile_filtration(
        &self,
        actor: &Actor,
        now: UtcTime,
        n: NewFiltration,
    ) -> Result<SterileFiltration, ServiceError> {
        actor.require_to(Capability::Produce, "record a sterilising filtration")?;
        let mut tx = self.store.begin().await?;
        let lot = tx.must_load::<Lot>(&n.lot).await?;
        let room = n.room.as_deref().filter(|r| !r.trim().is_empty());
        check_place(&mut *tx, actor, room, None, n.performed_at).await?;
        let k = tx
            .list::<SterileFiltration>(Some(("lot", lot.id.as_str())))
            .await?
            .len();
        let mut f = SterileFiltration::new(
            format!("{}/SF-{:02}", lot.id, k + 1),
            &lot,
            &n.filter_maker,
            &n.filter_model,
            &n.filter_lot,
            n.pore_um,
            n.sterilising_grade,
            n.performed_at,
            &actor.user,
            now,
        )?;
        f.room = room.map(str::to_string);
        tx.insert_record(&f, &ctx(actor, now, "filtration.record", None))
            .await?;
        tx.commit().await?;
        Ok(f)
    }

    /// Records a pre- or post-use integrity test (完全性試験) of a sterilising filtration's
    /// filter, judged against the maker's limit. A failed test is recorded too (it blocks filling
    /// and release). Role: operator.
    pub async fn record_integrity_test(
        &self,
        actor: &Actor,
        now: UtcTime,
        n: NewIntegrityTest,
    ) -> Result<IntegrityTest, ServiceError> {
        actor.require_to(Capability::Produce, "record an integrity test")?;
        let mut tx = self.store.begin().await?;
        let f = tx.must_load::<SterileFiltration>(&n.filtration).await?;
        let k = tx
            .list::<IntegrityTest>(Some(("filtration", f.id.as_str())))
            .await?
            .len();
        let t = IntegrityTest::new(
            format!("{}/IT-{:02}", f.id, k + 1),
            &f,
            n.stage,
            n.method,
            n.maker_limit,
            n.measured,
            &n.unit,
            n.tested_at,
            &actor.user,
            now,
        )?;
        tx.insert_record(&t, &ctx(actor, now, "integrity.record", None))
            .await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Records a media fill of a product's process in a grade A zone; a failed one (any positive
    /// unit) blocks release of the product's lots until QA closes it. Role: qa.
    pub async fn record_media_fill(
        &self,
        actor: &Actor,
        now: UtcTime,
        n: NewMediaFill,
    ) -> Result<MediaFill, ServiceError> {
        actor.require_to(Capability::AssureQuality, "record a media fill")?;
        let mut tx = self.store.begin().await?;
        tx.must_load::<Product>(&n.product).await?;
        let room = tx.load::<Room>(&n.room).await?.ok_or_else(|| {
            DomainError::invalid(
                "room",
                secretome_domain::Why::said(
                    format!("room {} is not registered", n.room),
                    format!("部屋 {} は登録されていません (管理者が登録します)", n.room),
                ),
            )
        })?;
        if !room.is_aseptic() {
            return Err(DomainError::invalid(
                "room",
                secretome_domain::Why::said(
                    format!(
                        "{} is grade {}: a media fill simulates a grade A process",
                        room.id,
                        room.grade.as_str()
                    ),
                    format!(
                        "培地充填試験はグレード A の工程を模擬します ({} はグレード {})",
                        room.id,
                        room.grade.as_str()
                    ),
                ),
            )
            .into());
        }
        let k = tx
            .list::<MediaFill>(Some(("product", n.product.as_str())))
            .await?
            .len();
        let m = MediaFill::new(
            format!("{}/MF-{:03}", n.product, k + 1),
            &n.product,
            &room.id,
            n.performed_at,
            n.units_filled,
            n.units_positive,
            n.participants,
            &actor.user,
            now,
        )?;
        tx.insert_record(&m, &ctx(actor, now, "media_fill.record", None))
            .await?;
        tx.commit().await?;
        Ok(m)
    }

    /// QA closes a failed media fill after its investigation. Role: qa.
    pub async fn close_media_fill(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        reason: &str,
    ) -> Result<MediaFill, ServiceError> {
        actor.require_to(Capability::AssureQuality, "close a media fill")?;
        let mut tx = self.store.begin().await?;
        let m = tx.must_load::<MediaFill>(id).await?;
        let closed = m.close(&actor.user, reason, now)?;
        tx.update_record(&closed, &ctx(actor, now, "media_fill.close", Some(reason)))
            .await?;
        tx.commit().await?;
        Ok(closed)
    }

    /// A lot's sterilising filtrations and their integrity tests.
    pub async fn lot_filtrations(
        &self,
        lot: &str,
    ) -> Result<(Vec<SterileFiltration>, Vec<IntegrityTest>), ServiceError> {
        Ok((
            self.store
                .list::<SterileFiltration>(Some(("lot", lot)))
                .await?,
            self.store.list::<IntegrityTest>(Some(("lot", lot))).await?,
        ))
    }
}
