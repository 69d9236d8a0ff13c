//! Email: `.eml` files and mailboxes, channel `email`.
//!
//! Each turn holds only what its sender newly wrote: the `text/plain` body (or, failing
//! that, the HTML body turned into text by [`html`]) without quoted history ([`quotes`]) and
//! signature ([`signature`]).

pub mod html;
pub mod markers;
pub mod quotes;
pub mod signature;
