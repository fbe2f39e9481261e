//! The values of the API's enumerated strings, for the OpenAPI document (`enum`). The Rust
//! fields stay `String` for now; the values are those the server writes and the database's
//! CHECK constraints allow.

use utoipa::openapi::{Object, ObjectBuilder, Type};

fn strings(values: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .build()
}

/// single, day, night, peak, half_peak.
pub fn zone() -> Object {
    strings(&["single", "day", "night", "peak", "half_peak"])
}

/// single, two_zone, three_zone.
pub fn zone_scheme() -> Object {
    strings(&["single", "two_zone", "three_zone"])
}

/// Bearer.
pub fn token_type() -> Object {
    strings(&["Bearer"])
}

/// subscriber, operator, admin.
pub fn role() -> Object {
    strings(&["subscriber", "operator", "admin"])
}

/// created, pending, succeeded, canceled, failed.
pub fn payment_status() -> Object {
    strings(&["created", "pending", "succeeded", "canceled", "failed"])
}

/// succeeded, canceled.
pub fn sandbox_outcome() -> Object {
    strings(&["succeeded", "canceled"])
}

/// applied, ignored.
pub fn webhook_result() -> Object {
    strings(&["applied", "ignored"])
}

/// portal, billing, controller.
pub fn reading_source() -> Object {
    strings(&["portal", "billing", "controller"])
}

/// invoice, reading, payment.
pub fn operation_kind() -> Object {
    strings(&["invoice", "reading", "payment"])
}

/// new, in_progress, done, rejected.
pub fn change_request_status() -> Object {
    strings(&["new", "in_progress", "done", "rejected"])
}
