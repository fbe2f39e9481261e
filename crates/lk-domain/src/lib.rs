//! The LKA domain: value types that cannot hold an invalid value, and the rules of the
//! business. Nothing here does I/O or knows about HTTP or SQL.
#![forbid(unsafe_code)]

pub mod email;
pub mod password;
pub mod person;

pub use email::Email;
pub use password::{Password, PasswordError};
pub use person::{NameError, NamePart, Phone, PhoneError};
