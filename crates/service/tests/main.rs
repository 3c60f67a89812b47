//! The service crate's integration tests, one binary: each module below was a test binary of
//! its own; one link instead of many keeps a fresh build small and quick.

mod auth;
mod clinic;
mod clinical;
mod clinical_inputs;
mod clinical_refusals;
mod common;
mod decode;
mod demo_and_tamper;
mod documents;
mod facility;
mod facility_limits;
mod facility_place;
mod fhir;
mod generate;
mod inventory;
mod isbt;
mod labels;
mod manufacture_lists;
mod mbr;
mod planning;
mod plates;
mod plausibility;
mod qc;
mod qc_records;
mod qc_rules;
mod recall;
mod recall_signed;
mod returns;
mod rules;
mod shipments;
mod tallies;
mod trace;
mod users;
mod verify_edges;
