//! What each role may do: the one capability table of the application (DESIGN.md §1). The use
//! cases check it (`Actor::require_to`, `Actor::may`), the web's route guard admits by it (every
//! route is registered with a capability) and the pages show a form or a link by it — so a role
//! that gains or loses a right changes here, once.

use crate::role::Role;
use serde::Serialize;

/// A thing some roles may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// What every signed-in user reads: lots, documents, products, sign-out.
    Read,
    /// Production and facility records, stock and plans (not the physician).
    ReadProduction,
    /// Manufacturing: donors to vials, guided steps, filtrations, packing, moving vials.
    Produce,
    /// QC: entering and revising results, plate runs.
    TestQuality,
    /// QA: release, deviations' decisions, recalls, shipments' disposition, the facility's
    /// registers, approving masters.
    AssureQuality,
    /// Users, sites, freezers, tokens.
    Administer,
    /// The physician's work: patients, consents, dispensing, doses, outcomes.
    Treat,
    /// Reading patients (pseudonyms, who received which vial).
    ReadPatients,
    /// Reading the patients of every site (a physician without it reads their own site's).
    ReadAllSites,
    /// Adverse-event reports (疾病等報告): the physician reports, QA submits.
    ReportAdverseEvents,
    /// Following up a recall's patients.
    FollowRecall,
    /// Clinical records beyond one's patients: a clinical trace, a FHIR export.
    ReadClinical,
    /// Writing specifications.
    WriteSpecifications,
    /// Opening a deviation.
    OpenDeviation,
    /// Signing a lot's record (QC's review, QA's release).
    SignLot,
    /// Recording environmental monitoring results.
    RecordEm,
    /// Receiving a shipment at the clinic.
    ReceiveShipment,
    /// Attaching a shipment's temperature log.
    LogShipment,
    /// Writing and submitting master batch records.
    AuthorMasters,
    /// Verifying a guided step as the second person.
    VerifyStep,
    /// Expiring vials out of stock.
    ExpireVials,
    /// A vial's page (every role: the physician sees the vials they dispense).
    ReadVial,
    /// Plate runs and their kept raw files.
    ReadPlateRuns,
}

use Capability::*;
use Role::{Admin, Operator, Physician, Qa, Qc};

impl Capability {
    /// Every capability, in declaration order.
    pub const ALL: [Capability; 23] = [
        Read,
        ReadProduction,
        Produce,
        TestQuality,
        AssureQuality,
        Administer,
        Treat,
        ReadPatients,
        ReadAllSites,
        ReportAdverseEvents,
        FollowRecall,
        ReadClinical,
        WriteSpecifications,
        OpenDeviation,
        SignLot,
        RecordEm,
        ReceiveShipment,
        LogShipment,
        AuthorMasters,
        VerifyStep,
        ExpireVials,
        ReadVial,
        ReadPlateRuns,
    ];

    /// The table: the roles that have it, and those roles as words for a refusal.
    const fn row(self) -> (&'static [Role], &'static str) {
        match self {
            Read | ReadVial => (&Role::ALL, "any"),
            ReadProduction => (&[Operator, Qc, Qa, Admin], "operator, qc, qa or admin"),
            Produce => (&[Operator], "operator"),
            TestQuality => (&[Qc], "qc"),
            AssureQuality => (&[Qa], "qa"),
            Administer => (&[Admin], "admin"),
            Treat => (&[Physician], "physician"),
            ReadPatients => (&[Physician, Qa, Admin], "physician, qa or admin"),
            ReadAllSites => (&[Qa, Admin], "qa or admin"),
            ReportAdverseEvents | ReadClinical => (&[Physician, Qa], "physician or qa"),
            FollowRecall => (&[Qa, Physician], "qa or physician"),
            WriteSpecifications => (&[Admin, Qa], "admin or qa"),
            OpenDeviation => (&[Qc, Qa, Operator], "qc, qa or operator"),
            SignLot => (&[Qa, Qc], "qa or qc"),
            RecordEm => (&[Qc, Operator], "qc or operator"),
            ReceiveShipment => (&[Operator, Physician], "operator or physician"),
            LogShipment => (&[Operator, Physician, Qa], "operator, physician or qa"),
            AuthorMasters => (&[Operator, Qa], "operator or qa"),
            VerifyStep => (&[Operator, Qc, Qa], "operator, qc or qa"),
            ExpireVials => (&[Operator, Qa], "operator or qa"),
            ReadPlateRuns => (&[Qc, Qa], "qc or qa"),
        }
    }
    /// The roles that have it.
    pub const fn roles(self) -> &'static [Role] {
        self.row().0
    }
    /// Those roles as words (`qa or qc`), for a refusal.
    pub const fn needed(self) -> &'static str {
        self.row().1
    }
    /// Whether a holder of `roles` has it.
    pub fn granted_to(self, roles: &[Role]) -> bool {
        self.roles().iter().any(|r| roles.contains(r))
    }
}

impl Role {
    /// Everything this role may do.
    pub fn capabilities(self) -> impl Iterator<Item = Capability> {
        (Capability::ALL.into_iter()).filter(move |c| c.roles().contains(&self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_capability_is_listed_once_and_names_its_roles() {
        for (i, c) in Capability::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i, "{c:?} out of order");
            for r in c.roles() {
                let needed = c.needed();
                assert!(
                    needed == "any" || needed.contains(r.as_str()),
                    "{c:?}: {needed} omits {r:?}"
                );
            }
        }
        assert_eq!(Capability::ALL.len(), ReadPlateRuns as usize + 1);
    }

    #[test]
    fn a_role_has_what_the_table_grants() {
        assert!(Capability::AssureQuality.granted_to(&[Role::Qa]));
        assert!(!Capability::AssureQuality.granted_to(&[Role::Qc, Role::Operator]));
        let op: Vec<Capability> = Role::Operator.capabilities().collect();
        assert!(op.contains(&Capability::Produce) && !op.contains(&Capability::ReadPatients));
        assert_eq!(Capability::SignLot.needed(), "qa or qc");
    }
}
