//! Least privilege over patients: who may read which patient, applied by the use cases every edge
//! calls. Roles outside `PATIENT_READERS` (operators, QC) see traces and vials without patients —
//! a count instead of the pseudonyms —; a physician reads and writes only the patients registered at
//! their own site; QA (pharmacovigilance) and the administrator hold the explicit "all sites"
//! capability (`ALL_SITES_READERS`). The read models themselves (`clinical_queries`, `trace`,
//! `inventory_queries`) stay role-free; the `*_for` functions here wrap them with the actor.

use crate::clinical_queries::{IndicationSummary, PatientDetail, PatientSummary};
use crate::inventory_queries::VialDetail;
use crate::paging::PatientFilter;
use crate::trace::{Direction, Trace};
use crate::{Service, ServiceError};
use secretome_domain::{
    Actor, DomainError, UtcTime,
    clinical::{Dispensing, Patient},
    genealogy::NodeKind,
    ids::SiteCode,
    site::User,
};
use secretome_store::{Page, Table};
use std::collections::BTreeSet;

/// Which patients an actor may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientScope {
    /// None (operators, QC, API tokens of those roles).
    Nobody,
    /// Those registered at this site (physicians).
    Site(SiteCode),
    /// Every patient (QA, admin).
    AllSites,
}

impl PatientScope {
    pub fn sees(&self, p: &Patient) -> bool {
        match self {
            PatientScope::Nobody => false,
            PatientScope::Site(s) => &p.site == s,
            PatientScope::AllSites => true,
        }
    }

    /// Refuses (403) a patient outside the scope.
    pub fn require(&self, actor: &Actor, p: &Patient) -> Result<(), ServiceError> {
        if self.sees(p) {
            return Ok(());
        }
        let (needed, action) = match self {
            PatientScope::Nobody => ("physician", "read a patient"),
            _ => ("qa", "read or record a patient of another site"),
        };
        Err(DomainError::Forbidden {
            user: actor.user.to_string(),
            needed,
            action,
        }
        .into())
    }
}

impl Service {
    /// The patients `actor` may read (a physician's site is read from their user record).
    pub async fn patient_scope(&self, actor: &Actor) -> Result<PatientScope, ServiceError> {
        if actor.reads_all_sites() {
            return Ok(PatientScope::AllSites);
        }
        if !actor.reads_patients() {
            return Ok(PatientScope::Nobody);
        }
        Ok(match self.store.fetch::<User>(actor.user.as_str()).await? {
            Some(u) => PatientScope::Site(u.site),
            None => PatientScope::Nobody,
        })
    }

    /// A trace as `actor` may see it: patients outside their scope are taken out with their edges
    /// and counted in `patients_withheld`; a trace from such a patient is refused.
    pub async fn trace_for(
        &self,
        actor: &Actor,
        direction: Direction,
        id: &str,
    ) -> Result<Trace, ServiceError> {
        let scope = self.patient_scope(actor).await?;
        let mut t = self.trace(direction, id).await?;
        if scope == PatientScope::AllSites {
            return Ok(t);
        }
        if t.root.kind == NodeKind::Patient {
            let p = self.fetch_patient(&t.root.id).await?;
            scope.require(actor, &p)?;
        }
        // Only the patients this trace reaches are read (by id), never a site's whole register.
        let visible: BTreeSet<String> = match &scope {
            PatientScope::Site(s) => {
                let ids: Vec<String> = t
                    .nodes
                    .iter()
                    .filter(|n| n.kind == NodeKind::Patient)
                    .map(|n| n.id.clone())
                    .collect();
                let mut seen = BTreeSet::new();
                for snap in self.store.get_many(Table::Patient, &ids).await? {
                    let p: Patient = snap.to_record()?;
                    if &p.site == s {
                        seen.insert(p.id.to_string());
                    }
                }
                seen
            }
            _ => BTreeSet::new(),
        };
        let hidden: BTreeSet<String> = t
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Patient && !visible.contains(&n.id))
            .map(|n| format!("{}:{}", NodeKind::Patient.as_str(), n.id))
            .collect();
        t.nodes
            .retain(|n| n.kind != NodeKind::Patient || visible.contains(&n.id));
        t.edges
            .retain(|(a, b)| !hidden.contains(a) && !hidden.contains(b));
        t.patients_withheld = hidden.len();
        Ok(t)
    }

    async fn fetch_patient(&self, id: &str) -> Result<Patient, ServiceError> {
        self.store
            .fetch::<Patient>(id.trim())
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "patient",
                id: id.to_string(),
            })
    }

    /// A vial's page as `actor` may see it: when the vial went to a patient outside their scope,
    /// the move reasons naming that patient are withheld.
    pub async fn vial_detail_for(
        &self,
        actor: &Actor,
        vial: &str,
        now: UtcTime,
    ) -> Result<VialDetail, ServiceError> {
        let mut d = self.vial_detail(vial, now).await?;
        let scope = self.patient_scope(actor).await?;
        if scope == PatientScope::AllSites {
            return Ok(d);
        }
        let given = self
            .store
            .list::<Dispensing>(Some(("vial", d.vial.id.as_str())))
            .await?;
        for g in given {
            let p = self.fetch_patient(g.patient.as_str()).await?;
            if !scope.sees(&p) {
                for m in &mut d.moves {
                    if m.reason
                        .as_deref()
                        .is_some_and(|r| r.contains(p.id.as_str()))
                    {
                        m.reason = None;
                    }
                }
            }
        }
        Ok(d)
    }

    /// A page of the patient list as `actor` may read it: a physician's filter is pinned to their
    /// own site; roles that read no patients are refused.
    pub async fn patients_page_for(
        &self,
        actor: &Actor,
        filter: &PatientFilter,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<PatientSummary>, ServiceError> {
        let filter = self.scoped_filter(actor, filter).await?;
        self.patients_page(&filter, cursor, n).await
    }

    /// `filter` narrowed to what `actor` may read.
    async fn scoped_filter(
        &self,
        actor: &Actor,
        filter: &PatientFilter,
    ) -> Result<PatientFilter, ServiceError> {
        let mut filter = filter.clone();
        match self.patient_scope(actor).await? {
            PatientScope::AllSites => {}
            PatientScope::Site(s) => filter.site = Some(s.to_string()),
            PatientScope::Nobody => {
                return Err(DomainError::Forbidden {
                    user: actor.user.to_string(),
                    needed: "physician",
                    action: "read a patient",
                }
                .into());
            }
        }
        Ok(filter)
    }

    /// A patient's record, if `actor` may read that patient.
    pub async fn patient_detail_for(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<PatientDetail, ServiceError> {
        let scope = self.patient_scope(actor).await?;
        scope.require(actor, &self.fetch_patient(id).await?)?;
        self.patient_detail(id).await
    }

    /// An indication's page: the counts over every patient, the patients listed (and their
    /// outcome series) only those `actor` may read.
    pub async fn indication_page_for(
        &self,
        actor: &Actor,
        indication: &str,
        cursor: Option<&str>,
    ) -> Result<IndicationSummary, ServiceError> {
        let site = match self.patient_scope(actor).await? {
            PatientScope::AllSites => None,
            PatientScope::Site(s) => Some(s.to_string()),
            PatientScope::Nobody => {
                return Err(DomainError::Forbidden {
                    user: actor.user.to_string(),
                    needed: "physician",
                    action: "read a patient",
                }
                .into());
            }
        };
        self.indication_page_at(indication, site, cursor).await
    }
}
