//! The store crate's integration tests, one binary: each module below was a test binary of
//! its own; one link instead of many keeps a fresh build small and quick.

mod anchored;
mod durability;
mod golden;
mod paging;
mod reads;
mod store;
mod tamper_between_writes;
