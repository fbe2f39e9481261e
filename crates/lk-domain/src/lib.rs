//! The LKA domain: value types that cannot hold an invalid value, and the rules of the
//! business. Nothing here does I/O or knows about HTTP or SQL.
#![forbid(unsafe_code)]

pub mod billing;
pub mod calendar;
pub mod content;
pub mod due;
pub mod email;
pub mod family;
pub mod guest;
pub mod insights;
pub mod integration;
pub mod language;
pub mod money;
pub mod next_steps;
pub mod password;
pub mod payment;
pub mod person;
pub mod reading;
pub mod receipt;
pub mod registry;
pub mod reminders;
pub mod statement;
pub mod tariff;
pub mod text;
pub mod two_factor;
pub mod wire;

pub use billing::InvoiceBasis;
pub use content::{FileKind, FileSlot};
pub use email::Email;
pub use family::{HouseAccess, MemberRole};
pub use insights::MonthSource;
pub use integration::{ApiScope, ItemResult, PaymentChannel, PaymentSource};
pub use language::Language;
pub use money::{amount_due, Kopecks, MoneyError};
pub use password::{Password, PasswordError};
pub use payment::{PaymentProvider, PaymentStatus};
pub use person::{NameError, NamePart, Phone, PhoneError, Role};
pub use reading::{ReadingSource, ReadingWindow};
pub use registry::{
    AccountNumber, IdentifierError, MeterSerial, OperationKind, RequestKind, RequestStatus,
};
pub use tariff::{Rate, TariffPlan, Zone, ZoneScheme};
