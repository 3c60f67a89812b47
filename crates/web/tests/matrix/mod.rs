//! The role × route matrix rows, one file per page module: (method, concrete path, route pattern,
//! roles allowed). A POST row is sent with the session's CSRF token and an empty form: "allowed"
//! means the guard lets it through (the handler may still refuse the empty form with 4xx other
//! than 401/403, which the test accepts), "denied" means 403.

pub mod admin;
pub mod clinical;
pub mod facility;
pub mod inventory;
pub mod manufacture;
pub mod mbr;
pub mod quality;
pub mod recall;
pub mod shipments;
pub mod trace;
