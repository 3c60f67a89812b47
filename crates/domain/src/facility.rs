//! Sterility assurance and facility control (issue 14): rooms and their grade A zones
//! (`room`), environmental monitoring with EU GMP Annex 1 limits (`em`) and the site's own limits under change control (`limits`), sterilising filtration
//! and filter integrity tests (`filter`), the equipment register with calibration and
//! qualification due dates (`equipment`), training records, aseptic-process qualification and
//! media fills (`training`), and the release blockers all of them raise (`blockers`).
//!
//! Pure rules: the time and the acting user are parameters.

pub mod blockers;
pub mod em;
pub mod equipment;
pub mod filter;
pub mod limits;
pub mod room;
pub mod training;

pub use em::{EmOutcome, EmResult, EmSampleType, Limits};
pub use equipment::{Equipment, EquipmentKind};
pub use filter::{IntegrityMethod, IntegrityStage, IntegrityTest, SterileFiltration};
pub use limits::{EmLimit, effective_limits};
pub use room::{Grade, Room, ZoneKind};
pub use training::{MediaFill, Qualification, QualificationKind};
