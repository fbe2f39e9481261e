//! Request and response bodies of the LKA REST API (v1), shared by the server and the SPA so
//! both sides agree on the wire format at compile time.
#![forbid(unsafe_code)]

pub mod auth;
pub mod problem;
pub mod profile;
pub mod public;

pub use auth::*;
pub use problem::*;
pub use profile::*;
pub use public::*;
