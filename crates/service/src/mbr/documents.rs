//! Document control use cases: a controlled document (SOP or master batch record) and its
//! versions, `draft → in_review → approved → effective → superseded`. Production (operators) or QA
//! write and submit versions; QA approves and puts them in force. Approval is an e-signature (password re-entered, meaning `approved`, bound
//! into the `document.approve` event's reason) and is refused to the version's author.

use crate::{
    Service, ServiceError, ctx,
    esign::{SIGNATURE_PREFIX, SIGNATURE_SEPARATOR},
};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, UtcTime,
    donor::TissueSource,
    ids::ProductCode,
    mbr::{
        ControlledDocument, DocumentKind, DocumentVersion, MasterRecord, MasterStep, VersionStatus,
    },
    qc::Product,
};
use serde::{Deserialize, Serialize};

/// A new controlled document (its first version is drafted with it).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewDocument {
    pub code: String,
    pub kind: DocumentKind,
    pub title: String,
    pub title_ja: String,
    pub product: Option<String>,
    pub cell_source: Option<TissueSource>,
}

/// A document with its versions, newest first.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocumentSummary {
    pub document: ControlledDocument,
    pub versions: Vec<DocumentVersion>,
}

impl DocumentSummary {
    /// The version in force, if any.
    pub fn effective(&self) -> Option<&DocumentVersion> {
        self.versions
            .iter()
            .find(|v| v.status == VersionStatus::Effective)
    }
}

/// Writing and submitting documents: production (operators) or QA.
fn require_author(actor: &Actor, action: &'static str) -> Result<(), DomainError> {
    actor.require_to(Capability::AuthorMasters, action)
}

fn master_of(steps: Option<Vec<MasterStep>>) -> Result<Option<MasterRecord>, DomainError> {
    steps.map(MasterRecord::new).transpose()
}

impl Service {
    /// Creates a controlled document and drafts its version 1 (`change_reason`: why it is issued).
    /// Roles: operator or qa.
    pub async fn create_document(
        &self,
        actor: &Actor,
        now: UtcTime,
        new: NewDocument,
        change_reason: &str,
        steps: Option<Vec<MasterStep>>,
    ) -> Result<DocumentVersion, ServiceError> {
        require_author(actor, "write a controlled document")?;
        let product = new.product.as_deref().map(ProductCode::new).transpose()?;
        let doc = ControlledDocument::new(
            &new.code,
            new.kind,
            &new.title,
            &new.title_ja,
            product,
            new.cell_source,
            &actor.user,
            now,
        )?;
        let v = DocumentVersion::draft(
            &doc,
            None,
            change_reason,
            master_of(steps)?,
            &actor.user,
            now,
        )?;
        let mut tx = self.store.begin().await?;
        if let Some(p) = &doc.product
            && tx.load::<Product>(p.as_str()).await?.is_none()
        {
            return Err(DomainError::invalid(
                "product",
                secretome_domain::Why::said(
                    format!("no product {p}"),
                    format!("製品 {p} がありません"),
                ),
            )
            .into());
        }
        if tx.load::<ControlledDocument>(&doc.id).await?.is_some() {
            return Err(DomainError::invalid(
                "code",
                secretome_domain::Why::Exists(doc.id.to_string()),
            )
            .into());
        }
        let c = ctx(actor, now, "document.create", Some(change_reason.trim()));
        tx.insert_record(&doc, &c).await?;
        tx.insert_record(&v, &c).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Drafts the next version of a document under change control: the reason says why. Refused
    /// while an earlier version is still a draft or in review. Roles: operator or qa.
    pub async fn revise_document(
        &self,
        actor: &Actor,
        now: UtcTime,
        document: &str,
        change_reason: &str,
        steps: Option<Vec<MasterStep>>,
    ) -> Result<DocumentVersion, ServiceError> {
        require_author(actor, "revise a controlled document")?;
        let mut tx = self.store.begin().await?;
        let doc = tx.must_load::<ControlledDocument>(document).await?;
        let mut versions = tx
            .list::<DocumentVersion>(Some(("document", document)))
            .await?;
        versions.sort_by_key(|v| v.version);
        let v = DocumentVersion::draft(
            &doc,
            versions.last(),
            change_reason,
            master_of(steps)?,
            &actor.user,
            now,
        )?;
        tx.insert_record(
            &v,
            &ctx(actor, now, "document.revise", Some(change_reason.trim())),
        )
        .await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Sends a draft for review. Roles: operator or qa.
    pub async fn submit_version(
        &self,
        actor: &Actor,
        now: UtcTime,
        version: &str,
    ) -> Result<DocumentVersion, ServiceError> {
        require_author(actor, "submit a document for review")?;
        let mut tx = self.store.begin().await?;
        let v = tx
            .must_load::<DocumentVersion>(version)
            .await?
            .submit(now)?;
        tx.update_record(&v, &ctx(actor, now, "document.submit", None))
            .await?;
        tx.commit().await?;
        Ok(v)
    }

    /// QA's signed approval of a version in review; refused to its author (checked before the
    /// password). Role: qa.
    pub async fn approve_version(
        &self,
        actor: &Actor,
        now: UtcTime,
        version: &str,
        password: &str,
        reason: &str,
    ) -> Result<DocumentVersion, ServiceError> {
        actor.require_to(Capability::AssureQuality, "approve a controlled document")?;
        let current = self
            .store
            .fetch::<DocumentVersion>(version)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "document version",
                id: version.to_string(),
            })?;
        current.approve(&actor.user, "", now)?;
        let name = self.confirm_signature(actor, now, password, reason).await?;
        let text = [
            format!("{SIGNATURE_PREFIX} (approved)"),
            name.replace(SIGNATURE_SEPARATOR, " / "),
            reason.trim().to_string(),
        ]
        .join(SIGNATURE_SEPARATOR);
        let mut tx = self.store.begin().await?;
        let v = tx
            .must_load::<DocumentVersion>(version)
            .await?
            .approve(&actor.user, &text, now)?;
        tx.update_record(&v, &ctx(actor, now, "document.approve", Some(&text)))
            .await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Puts an approved version in force; the version in force until now is superseded in the
    /// same transaction. Role: qa.
    pub async fn make_effective(
        &self,
        actor: &Actor,
        now: UtcTime,
        version: &str,
    ) -> Result<DocumentVersion, ServiceError> {
        actor.require_to(Capability::AssureQuality, "put a document version in force")?;
        let mut tx = self.store.begin().await?;
        let v = tx
            .must_load::<DocumentVersion>(version)
            .await?
            .make_effective(now)?;
        let c = ctx(actor, now, "document.effective", None);
        for old in tx
            .list::<DocumentVersion>(Some(("document", v.document.as_str())))
            .await?
            .into_iter()
            .filter(|o| o.status == VersionStatus::Effective)
        {
            let s = old.supersede(now)?;
            tx.update_record(&s, &ctx(actor, now, "document.supersede", Some(&v.id)))
                .await?;
        }
        tx.update_record(&v, &c).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Every controlled document with its versions (a facility has tens, not thousands).
    pub async fn documents(&self) -> Result<Vec<DocumentSummary>, ServiceError> {
        let mut versions = self.store.list::<DocumentVersion>(None).await?;
        versions.sort_by_key(|v| std::cmp::Reverse(v.version));
        let mut docs = self.store.list::<ControlledDocument>(None).await?;
        docs.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(docs
            .into_iter()
            .map(|d| DocumentSummary {
                versions: versions
                    .iter()
                    .filter(|v| v.document == d.id)
                    .cloned()
                    .collect(),
                document: d,
            })
            .collect())
    }

    /// One document with its versions.
    pub async fn document(&self, id: &str) -> Result<DocumentSummary, ServiceError> {
        let document = self
            .store
            .fetch::<ControlledDocument>(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "document",
                id: id.to_string(),
            })?;
        let mut versions = self
            .store
            .list::<DocumentVersion>(Some(("document", id)))
            .await?;
        versions.sort_by_key(|v| std::cmp::Reverse(v.version));
        Ok(DocumentSummary { document, versions })
    }
}

/// The controlled document version a training record names: None when the SOP (the first word of
/// `sop`) is not under document control; else `<code>/v<n>`, refused unless that version was in
/// force at `trained_at`.
pub(crate) async fn trained_version(
    tx: &mut dyn secretome_store::Tx,
    sop: &str,
    version: &str,
    trained_at: UtcTime,
) -> Result<Option<String>, ServiceError> {
    let Some(code) = sop.split_whitespace().next() else {
        return Ok(None);
    };
    if tx.load::<ControlledDocument>(code).await?.is_none() {
        return Ok(None);
    }
    let versions = tx.list::<DocumentVersion>(Some(("document", code))).await?;
    let v = secretome_domain::mbr::document::trained_version(code, &versions, version, trained_at)?;
    Ok(Some(v.id.clone()))
}
