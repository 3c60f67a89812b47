//! Registers: rooms and their grade A zones, equipment with calibration and qualification due
//! dates, training records and aseptic-process qualifications. Role: QA (the facility's controls
//! are QA's), each one audited in its own transaction.

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, UtcTime,
    facility::{Equipment, EquipmentKind, Grade, Qualification, QualificationKind, Room, ZoneKind},
    ids::UserName,
    site::User,
};
use secretome_store::Tx;

#[derive(Debug, Clone)]
pub struct NewRoom {
    pub id: String,
    pub name: String,
    pub kind: ZoneKind,
    pub grade: Grade,
    pub parent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewEquipment {
    pub id: String,
    pub name: String,
    pub kind: EquipmentKind,
    pub room: Option<String>,
    pub freezer: Option<String>,
    pub calibration_due: Option<UtcTime>,
    pub qualification_due: Option<UtcTime>,
}

#[derive(Debug, Clone)]
pub struct NewQualification {
    pub operator: String,
    pub kind: QualificationKind,
    pub sop: String,
    pub sop_version: String,
    pub trained_at: UtcTime,
    pub expires_at: Option<UtcTime>,
}

async fn exists<R: secretome_store::Record>(
    tx: &mut dyn Tx,
    what: &'static str,
    id: &str,
) -> Result<R, ServiceError> {
    tx.load::<R>(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what,
            id: id.to_string(),
        })
}

impl Service {
    /// Registers a room, or a cabinet/isolator (grade A) inside a registered room. Role: qa.
    pub async fn add_room(
        &self,
        actor: &Actor,
        now: UtcTime,
        r: NewRoom,
    ) -> Result<Room, ServiceError> {
        actor.require_to(Capability::AssureQuality, "register a room")?;
        let mut tx = self.store.begin().await?;
        let parent = match r.parent.as_deref().filter(|p| !p.trim().is_empty()) {
            Some(p) => Some(exists::<Room>(&mut *tx, "room", p.trim()).await?),
            None => None,
        };
        let room = Room::new(&r.id, &r.name, r.kind, r.grade, parent.as_ref(), now)?;
        tx.insert_record(&room, &ctx(actor, now, "room.add", None))
            .await?;
        tx.commit().await?;
        Ok(room)
    }

    /// Registers an instrument with its calibration and qualification due dates. Role: qa.
    pub async fn register_equipment(
        &self,
        actor: &Actor,
        now: UtcTime,
        e: NewEquipment,
    ) -> Result<Equipment, ServiceError> {
        actor.require_to(Capability::AssureQuality, "register equipment")?;
        let mut tx = self.store.begin().await?;
        if let Some(r) = &e.room {
            exists::<Room>(&mut *tx, "room", r).await?;
        }
        if let Some(f) = &e.freezer {
            exists::<secretome_domain::inventory::Freezer>(&mut *tx, "freezer", f).await?;
        }
        let eq = Equipment::new(
            &e.id,
            &e.name,
            e.kind,
            e.room,
            e.freezer,
            e.calibration_due,
            e.qualification_due,
            now,
        )?;
        tx.insert_record(&eq, &ctx(actor, now, "equipment.register", None))
            .await?;
        tx.commit().await?;
        Ok(eq)
    }

    /// Records a calibration or requalification: the new due dates. Role: qa.
    pub async fn calibrate_equipment(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        calibration_due: Option<UtcTime>,
        qualification_due: Option<UtcTime>,
        reason: &str,
    ) -> Result<Equipment, ServiceError> {
        actor.require_to(Capability::AssureQuality, "record a calibration")?;
        let reason = secretome_domain::quantity::text("reason", reason)?;
        let mut tx = self.store.begin().await?;
        let mut eq = exists::<Equipment>(&mut *tx, "equipment", id).await?;
        if calibration_due.is_some() {
            eq.calibration_due = calibration_due;
        }
        if qualification_due.is_some() {
            eq.qualification_due = qualification_due;
        }
        tx.update_record(&eq, &ctx(actor, now, "equipment.calibrate", Some(&reason)))
            .await?;
        tx.commit().await?;
        Ok(eq)
    }

    /// Records a user's training on an SOP version or an aseptic qualification, assessed by the
    /// acting QA user. When the SOP (its code, the first word of `sop`) is under document control,
    /// the training refers to that version, which must have been in force at the training
    /// (`mbr::trained_version`). Role: qa.
    pub async fn record_qualification(
        &self,
        actor: &Actor,
        now: UtcTime,
        q: NewQualification,
    ) -> Result<Qualification, ServiceError> {
        actor.require_to(Capability::AssureQuality, "record a qualification")?;
        let user = UserName::new(&q.operator)?;
        let mut tx = self.store.begin().await?;
        exists::<User>(&mut *tx, "user", user.as_str()).await?;
        let n = tx
            .list::<Qualification>(Some(("operator", user.as_str())))
            .await?
            .len();
        let mut rec = Qualification::new(
            format!("{user}/Q-{:03}", n + 1),
            &user,
            q.kind,
            &q.sop,
            &q.sop_version,
            q.trained_at,
            &actor.user,
            q.expires_at,
            now,
        )?;
        rec.document_version =
            crate::mbr::trained_version(&mut *tx, &q.sop, &q.sop_version, q.trained_at).await?;
        tx.insert_record(&rec, &ctx(actor, now, "qualification.record", None))
            .await?;
        tx.commit().await?;
        Ok(rec)
    }
}
