//! Email: `.eml` files and mailboxes, channel `email`.
//!
//! Each turn holds only what its sender newly wrote: the body without quoted history
//! ([`quotes`]) and signature ([`signature`]).

pub mod markers;
pub mod quotes;
pub mod signature;
