//! What every page module uses, and nothing else: reading input (`Fields`, the JSON flattening,
//! multipart uploads), answers (page, redirect, error page, refusal in the caller's language),
//! number and badge formatting. A leaf: it imports no page module, and page modules import it
//! instead of each other's internals (`tests/module_graph.rs` keeps it so).

mod answer;
mod errors;
mod field_text;
mod format;
mod input;
#[cfg(test)]
mod invalid_texts;
mod multipart;
mod refusal;

pub use crate::forms::{FieldErrors, Fields, seg};
pub(crate) use answer::tri;
pub use answer::{actor, fail, page, path, see_other, signed_in, who};
pub use errors::localise;
pub use field_text::TEXT as FIELD_TEXT;
pub use format::*;
pub use input::{Action, At, Check, Input, flag, opt_text, text};
pub use multipart::{hex, multipart, unhex};
pub use refusal::{Refusal, field_list, localised, refused_in, say, scan_message, service_fields};
