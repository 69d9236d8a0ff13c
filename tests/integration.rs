//! The one integration-test binary (a single binary links the crate once).
//! Modules are grouped by topic; fixtures are discovered, not listed.

mod checklists;
mod checks;
mod cli;
mod common;
mod conversations;
mod formats_calls;
mod formats_chat;
mod formats_email;
