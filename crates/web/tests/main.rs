//! The web crate's integration tests, one binary: each module below was a test binary of
//! its own; one link instead of many keeps a fresh build small and quick.

mod admin_pages;
mod catalogue;
mod clinical_api;
mod clinical_pages;
mod clinical_times;
mod common;
mod din_scans;
mod doors;
mod every_error_at_once;
mod facility_pages;
mod inventory_pages;
mod least_privilege;
mod limits_and_returns;
mod manufacture_api;
mod manufacture_lists;
mod manufacture_pages;
mod mbr_pages;
mod module_graph;
mod openapi;
mod pages;
mod paging;
mod people_by_name;
mod plate_runs;
mod quality_api;
mod quality_pages;
mod recall_pages;
mod record_forms;
mod roles;
mod shared_inputs;
mod shipment_pages;
mod signin;
mod tokens;
mod trace_pages;
mod vial_list;
