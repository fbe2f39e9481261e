//! Request and response bodies of the LKA REST API (v1), shared by the server and the SPA so
//! both sides agree on the wire format at compile time.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod auth;
#[cfg(feature = "openapi")]
pub mod enums;
pub mod houses;
pub mod payments;
pub mod problem;
pub mod profile;
pub mod public;

pub use accounts::*;
pub use auth::*;
pub use houses::*;
pub use payments::*;
pub use problem::*;
pub use profile::*;
pub use public::*;
