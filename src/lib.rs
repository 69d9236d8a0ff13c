//! sopscan: audit customer-service conversations against SOP checklists.
//!
//! The pipeline has one module per stage: [`read`] (exports to [`model::Conversation`]) →
//! [`normalize`] → [`matcher`] → [`checks`] and [`score`] → [`aggregate`] → [`report`].
//! [`run`] wires them together over many files in parallel. The library never prints:
//! everything it has to say goes into returned values or the report files.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod aggregate;
pub mod audit;
pub mod checklist;
pub mod checks;
pub mod eval;
pub mod language;
pub mod matcher;
pub mod model;
pub mod normalize;
pub mod read;
pub mod report;
pub mod run;
pub mod sample;
pub mod score;
pub mod walk;
