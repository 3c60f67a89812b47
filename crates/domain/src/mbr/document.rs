//! Controlled documents (管理文書): an SOP or a master batch record, identified by its code, and its
//! versions. A version moves `draft → in_review → approved → effective → superseded`; each version
//! states why it was made (change control, 変更管理); QA approves it with an e-signature and its
//! author may not approve it; making a version effective supersedes the one in force. Only the
//! effective version may be used for a new batch.

use crate::{
    DomainError, TransitionError, UtcTime,
    donor::TissueSource,
    ids::{ProductCode, UserName},
    mbr::master::MasterRecord,
    quantity::text,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Standard operating procedure (標準作業手順書).
    Sop,
    /// Master batch record (製造指図書).
    MasterBatchRecord,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Sop => "sop",
            DocumentKind::MasterBatchRecord => "master_batch_record",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            DocumentKind::Sop => "標準作業手順書",
            DocumentKind::MasterBatchRecord => "製造指図書",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    Draft,
    InReview,
    Approved,
    Effective,
    Superseded,
}

impl VersionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Draft => "draft",
            VersionStatus::InReview => "in_review",
            VersionStatus::Approved => "approved",
            VersionStatus::Effective => "effective",
            VersionStatus::Superseded => "superseded",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            VersionStatus::Draft => "起案中",
            VersionStatus::InReview => "照査中",
            VersionStatus::Approved => "承認済",
            VersionStatus::Effective => "施行中",
            VersionStatus::Superseded => "廃止 (改訂済)",
        }
    }
}

/// A controlled document: its code is its id (`MBR-MSC-CM-01-UC`, `SOP-CUL-003`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ControlledDocument {
    pub id: String,
    pub kind: DocumentKind,
    pub title: String,
    pub title_ja: String,
    /// A master batch record is for one product and one cell source.
    pub product: Option<ProductCode>,
    pub cell_source: Option<TissueSource>,
    pub created_at: UtcTime,
    pub created_by: UserName,
}

impl ControlledDocument {
    /// A master batch record is used only for a batch of the cell source it is written for:
    /// `source` is the batch's, through its cell bank (`bank`) and tissue.
    pub fn require_cell_source(
        &self,
        batch: &str,
        bank: &str,
        source: TissueSource,
    ) -> Result<(), DomainError> {
        match self.cell_source {
            Some(s) if s != source => {
                Err(DomainError::Rule(crate::rule::Rule::MasterForOtherSource {
                    master: self.id.clone(),
                    master_source: s,
                    batch: batch.to_string(),
                    batch_source: source,
                    bank: bank.to_string(),
                }))
            }
            _ => Ok(()),
        }
    }
}

/// Checks a document code: 3–40 characters of A–Z, 0–9 and `-`, starting with a letter.
pub fn document_code(code: &str) -> Result<String, DomainError> {
    let c = code.trim();
    let ok = (3..=40).contains(&c.len())
        && c.starts_with(|ch: char| ch.is_ascii_uppercase())
        && c.chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-');
    if ok {
        Ok(c.to_string())
    } else {
        Err(DomainError::invalid(
            "code",
            crate::Why::said(
                "3–40 characters A–Z, 0–9 and -, starting with a letter",
                "3〜40 文字の英大文字・数字・- で、英字で始めてください",
            ),
        ))
    }
}

impl ControlledDocument {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        code: &str,
        kind: DocumentKind,
        title: &str,
        title_ja: &str,
        product: Option<ProductCode>,
        cell_source: Option<TissueSource>,
        by: &UserName,
        now: UtcTime,
    ) -> Result<ControlledDocument, DomainError> {
        if kind == DocumentKind::MasterBatchRecord {
            if product.is_none() {
                return Err(DomainError::invalid(
                    "product",
                    crate::Why::said(
                        "a master batch record names its product",
                        "製造指図書には製品を指定してください",
                    ),
                ));
            }
            if cell_source.is_none() {
                return Err(DomainError::invalid(
                    "cell_source",
                    crate::Why::said(
                        "a master batch record names its cell source",
                        "製造指図書には細胞源を指定してください",
                    ),
                ));
            }
        }
        Ok(ControlledDocument {
            id: document_code(code)?,
            kind,
            title: text("title", title)?,
            title_ja: text("title_ja", title_ja)?,
            product,
            cell_source,
            created_at: now,
            created_by: by.clone(),
        })
    }
}

/// One version of a controlled document (`<code>/v<n>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DocumentVersion {
    pub id: String,
    pub document: String,
    pub version: i64,
    pub status: VersionStatus,
    /// Why this version was made (変更管理: for v1, the first issue).
    pub change_reason: String,
    /// The instructions of a master batch record; None for an SOP.
    pub master: Option<MasterRecord>,
    pub author: UserName,
    pub created_at: UtcTime,
    pub submitted_at: Option<UtcTime>,
    pub approved_at: Option<UtcTime>,
    pub approved_by: Option<UserName>,
    /// The e-signature manifestation of the approval.
    pub signature: Option<String>,
    pub effective_at: Option<UtcTime>,
    pub superseded_at: Option<UtcTime>,
}

impl DocumentVersion {
    /// A new draft: version `previous + 1` of `doc`, with the change-control reason. A master
    /// batch record carries its (validated) master; an SOP none.
    pub fn draft(
        doc: &ControlledDocument,
        previous: Option<&DocumentVersion>,
        change_reason: &str,
        master: Option<MasterRecord>,
        by: &UserName,
        now: UtcTime,
    ) -> Result<DocumentVersion, DomainError> {
        match (doc.kind, &master) {
            (DocumentKind::MasterBatchRecord, None) => {
                return Err(DomainError::invalid(
                    "steps",
                    crate::Why::said(
                        "a master batch record needs its steps",
                        "製造指図書には工程が必要です",
                    ),
                ));
            }
            (DocumentKind::Sop, Some(_)) => {
                return Err(DomainError::invalid(
                    "steps",
                    crate::Why::said("an SOP carries no steps", "SOP には工程を付けません"),
                ));
            }
            _ => {}
        }
        if let Some(p) = previous
            && matches!(p.status, VersionStatus::Draft | VersionStatus::InReview)
        {
            return Err(DomainError::Rule(crate::rule::Rule::VersionOpen {
                document: p.id.to_string(),
                status: p.status.as_str().to_string(),
            }));
        }
        let version = previous.map_or(1, |p| p.version + 1);
        Ok(DocumentVersion {
            id: format!("{}/v{version}", doc.id),
            document: doc.id.clone(),
            version,
            status: VersionStatus::Draft,
            change_reason: text("change_reason", change_reason)?,
            master,
            author: by.clone(),
            created_at: now,
            submitted_at: None,
            approved_at: None,
            approved_by: None,
            signature: None,
            effective_at: None,
            superseded_at: None,
        })
    }

    fn refuse(&self, action: &'static str) -> DomainError {
        TransitionError {
            entity: "document version",
            id: self.id.clone(),
            from: self.status.as_str(),
            action,
        }
        .into()
    }

    /// The author (or another) sends the draft for review: `draft → in_review`.
    pub fn submit(&self, now: UtcTime) -> Result<DocumentVersion, DomainError> {
        if self.status != VersionStatus::Draft {
            return Err(self.refuse("be submitted for review"));
        }
        let mut v = self.clone();
        v.status = VersionStatus::InReview;
        v.submitted_at = Some(now);
        Ok(v)
    }

    /// QA's signed approval: `in_review → approved`. The author may not approve their own version.
    pub fn approve(
        &self,
        by: &UserName,
        signature: &str,
        now: UtcTime,
    ) -> Result<DocumentVersion, DomainError> {
        if self.status != VersionStatus::InReview {
            return Err(self.refuse("be approved"));
        }
        if by == &self.author {
            return Err(DomainError::Rule(crate::rule::Rule::AuthorApproves {
                by: by.to_string(),
                document: self.id.to_string(),
            }));
        }
        let mut v = self.clone();
        v.status = VersionStatus::Approved;
        v.approved_at = Some(now);
        v.approved_by = Some(by.clone());
        v.signature = Some(signature.to_string());
        Ok(v)
    }

    /// `approved → effective`.
    pub fn make_effective(&self, now: UtcTime) -> Result<DocumentVersion, DomainError> {
        if self.status != VersionStatus::Approved {
            return Err(self.refuse("become effective"));
        }
        let mut v = self.clone();
        v.status = VersionStatus::Effective;
        v.effective_at = Some(now);
        Ok(v)
    }

    /// `effective → superseded`, when a later version becomes effective.
    pub fn supersede(&self, now: UtcTime) -> Result<DocumentVersion, DomainError> {
        if self.status != VersionStatus::Effective {
            return Err(self.refuse("be superseded"));
        }
        let mut v = self.clone();
        v.status = VersionStatus::Superseded;
        v.superseded_at = Some(now);
        Ok(v)
    }

    /// Only the effective version is used for new work.
    pub fn require_effective(&self) -> Result<&MasterRecord, DomainError> {
        if self.status != VersionStatus::Effective {
            return Err(self.refuse("be used for a new batch (only the effective version is)"));
        }
        self.master.as_ref().ok_or_else(|| {
            DomainError::invalid(
                "master",
                crate::Why::said(
                    format!("{} is not a master batch record", self.id),
                    format!("{} は製造指図書ではありません", self.id),
                ),
            )
        })
    }
}

/// Whether `v` was the version in force at `at` (effective then, not yet superseded).
pub fn in_force_at(v: &DocumentVersion, at: UtcTime) -> bool {
    v.effective_at.is_some_and(|e| e <= at) && v.superseded_at.is_none_or(|s| at < s)
}

/// The version a training record names (`version`: `4` or `v4`) among a document's `versions`,
/// which must be the one in force when the training was given (`trained_at`): training on a draft,
/// a version not yet in force or one already superseded is refused, naming the version in force.
pub fn trained_version<'a>(
    document: &str,
    versions: &'a [DocumentVersion],
    version: &str,
    trained_at: UtcTime,
) -> Result<&'a DocumentVersion, DomainError> {
    let n = version.trim().trim_start_matches(['v', 'V']);
    let named = versions.iter().find(|v| v.version.to_string() == n);
    let in_force = versions.iter().find(|v| in_force_at(v, trained_at));
    match named {
        Some(v) if in_force_at(v, trained_at) => Ok(v),
        _ => Err(DomainError::invalid(
            "sop_version",
            crate::Why::said(
                format!(
                    "{document} v{n} was not in force at {trained_at}: {}",
                    in_force.map_or("no version was".to_string(), |v| format!(
                        "v{} was",
                        v.version
                    ))
                ),
                format!(
                    "教育訓練の時点 ({trained_at}) で {document} 第 {n} 版は施行されていませんでした ({})",
                    in_force.map_or("施行中の版なし".to_string(), |v| format!(
                        "施行中は第 {} 版",
                        v.version
                    ))
                ),
            ),
        )),
    }
}
