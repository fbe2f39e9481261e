//! Request and response bodies of the LKA REST API (v1), shared by the server and the SPA so
//! both sides agree on the wire format at compile time.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod auth;
pub mod content;
pub mod enums;
pub mod family;
pub mod guest;
pub mod houses;
pub mod integration;
pub mod payments;
pub mod problem;
pub mod profile;
pub mod public;
pub mod reminders;
pub mod requests;
pub mod staff;

pub use accounts::*;
pub use auth::*;
pub use content::*;
pub use enums::*;
pub use family::*;
pub use guest::*;
pub use houses::*;
pub use integration::*;
pub use payments::*;
pub use problem::*;
pub use profile::*;
pub use public::*;
pub use reminders::*;
pub use requests::*;
pub use staff::*;

/// The domain's enumerations that travel in these bodies.
pub use lk_domain::reminders::ReminderKind;
pub use lk_domain::{
    ApiScope, FileKind, FileSlot, InvoiceBasis, ItemResult, MonthSource, OperationKind,
    PaymentChannel, PaymentProvider, PaymentStatus, ReadingSource, RequestKind, RequestStatus,
    Role, Zone, ZoneScheme,
};
