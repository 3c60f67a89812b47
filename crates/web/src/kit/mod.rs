//! What every page module uses, and nothing else: reading input (`Fields`, the JSON flattening,
//! multipart uploads), answers (page, redirect, error page, refusal in the caller's language),
//! number and badge formatting. A leaf: it imports no page module, and page modules import it
//! instead of each other's internals (`tests/module_graph.rs` keeps it so).

mod answer;
mod format;
mod input;
mod multipart;
mod refusal;

pub use crate::forms::{Errors, FieldErrors, Fields, seg};
pub(crate) use answer::tri;
pub use answer::{actor, fail, page, path, see_other, signed_in, who};
pub use format::*;
pub use input::{Action, At, Check, Input, flag, opt_text, text};
pub use multipart::{hex, multipart, unhex};
pub use refusal::{Refusal, refused_in, say, scan_message, service_fields, told};
