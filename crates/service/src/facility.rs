//! Sterility assurance and facility control (issue 14) as use cases: the register of rooms and
//! zones, equipment and qualifications (`register`), environmental monitoring with the
//! particle-counter import and the deviations an action excursion opens (`em`), the site's EM
//! limits under change control (`limits`), sterilising
//! filtration, integrity tests and media fills (`sterile`), and what a lot's release and a step's
//! recording check against all of it (`checks`); the registers as the pages read them
//! (`queries`), and a lot's sterility summary for the release page (`summary`).

mod checks;
mod em;
mod limits;
mod queries;
mod register;
mod sterile;
mod summary;

pub(crate) use checks::{FacilityRecords, check_place, require_sterile_filtration};
pub use em::{EmRecorded, NewEmResult};
pub use limits::{LimitRow, NewEmLimit};
pub use queries::{DUE_SOON_DAYS, DueStatus, EquipmentStatus};
pub use register::{NewEquipment, NewQualification, NewRoom};
pub use sterile::{NewFiltration, NewIntegrityTest, NewMediaFill};
pub use summary::{EquipmentUse, LotSterility, Use};

/// Where a step was done and with what (both optional; a room that is a grade A zone requires the
/// operator's aseptic qualification, equipment must be in calibration).
#[derive(Debug, Clone, Default)]
pub struct StepPlace {
    pub room: Option<String>,
    pub equipment: Option<String>,
}

impl StepPlace {
    /// The room and equipment ids, trimmed, None when empty.
    pub fn parts(&self) -> (Option<&str>, Option<&str>) {
        (clean(&self.room), clean(&self.equipment))
    }
}

fn clean(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|r| !r.is_empty())
}
