//! The OpenAPI 3.1 document, collected from the handlers registered with the app (so a route
//! cannot exist without its documentation).
//!
//! Error responses are defined once, in [`crate::responses`], as reusable components
//! (`components/responses`). Handlers name the ones particular to them (`(status = 409,
//! response = Conflict)`); [`SharedErrors`] adds those that follow from an operation's shape, so none is forgotten: a
//! JSON body can be malformed (400), too large (413), of another media type (415) or invalid
//! (422); a secured operation can lack a session (401); a path parameter can name nothing
//! (404) or not be a number (400); and whatever touches the database can meet it down (503).

use actix_web::App;
use lk_api_types::{FieldError, Problem};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, ServiceUnavailable,
    TooManyRequests, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::security::tokens::REFRESH_COOKIE;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LKA — личный кабинет абонента",
        description = "REST API of the subscriber personal account of an electricity retailer. \
            Errors are RFC 9457 `application/problem+json` with a stable `code`; a validation error \
            lists the offending fields by name (`errors[].field`), never repeating their values. \
            Authenticate with `POST /api/v1/auth/login` and send the access token as `Authorization: Bearer …`; \
            the refresh token travels in the HttpOnly cookie `lk_refresh` (path `/api/v1/auth`).",
        license(name = "AGPL-3.0-or-later"),
        version = "1.0.0"
    ),
    servers((url = "/", description = "The server that serves this document")),
    components(
        schemas(Problem, FieldError),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            PayloadTooLarge,
            UnsupportedMediaType,
            Unprocessable,
            TooManyRequests,
            ServiceUnavailable
        )
    ),
    tags(
        (name = "auth", description = "Registration, sign-in, sessions, password recovery"),
        (name = "profile", description = "The signed-in user's personal data and password"),
        (name = "houses", description = "Houses and binding personal accounts"),
        (name = "accounts", description = "Personal accounts: information, tariffs, invoices"),
        (name = "meters", description = "Meters of an account"),
        (name = "readings", description = "Meter readings: history, preview, submission"),
        (name = "operations", description = "Operations history: invoices, readings, payments"),
        (name = "payments", description = "Online payments, acquirer notifications, the sandbox acquirer"),
        (name = "receipts", description = "Receipts to print: filled with the payment QR code, and the blank form"),
        (name = "family", description = "Family access (X9): the owner of an account invites people by e-mail to view it or to act on it (readings, payments), sees and revokes them; a member holds the account in a house of their own"),
        (name = "guest", description = "Readings and payment without an account (X9): by the account number and a meter number from the receipt; only the masked address and the amount due are shown"),
        (name = "requests", description = "Requests to the company: questions, support requests, data change requests, service orders; the user's settings"),
        (name = "content", description = "Public content and branding, uploaded files"),
        (name = "staff", description = "The staff console: the contact centre's queues (operators and admins), content and staff administration (admins). Subscribers get 404"),
        (name = "integration", description = "The billing system's API (SPEC B1): idempotent batches of the registry keyed by the company's identifiers (up to 5,000 items, 16 MiB), each item answered on its own; exports of portal readings and payments by a cursor. Authorize with an API key (`lk api-key create`) as `Authorization: Bearer lka_…`; each operation names the scope it needs"),
        (name = "dev", description = "Development helpers (only without SMTP)"),
        (name = "ops", description = "Health and metrics"),
    ),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

/// Name of the refresh-cookie security scheme.
pub const REFRESH_COOKIE_SCHEME: &str = "refresh_cookie";

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .description(Some(
                            "The access token of `POST /api/v1/auth/login` or `/auth/refresh`.",
                        ))
                        .build(),
                ),
            );
            c.add_security_scheme(
                "api_key",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("lka_…")
                        .description(Some(
                            "An integrator's API key (`lk api-key create --name N --scope S…`), \
                             sent as `Authorization: Bearer lka_…`. The scopes an operation \
                             needs are listed in its security requirement: `registry:write`, \
                             `readings:read`, `payments:write`, `payments:read`.",
                        ))
                        .build(),
                ),
            );
            c.add_security_scheme(
                REFRESH_COOKIE_SCHEME,
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                    REFRESH_COOKIE,
                    "The refresh token: an HttpOnly, SameSite=Strict cookie set by sign-in, \
                     sent by browsers to `/api/v1/auth` only.",
                ))),
            );
        }
    }
}

/// Operations that never touch the database, so never answer 503 (by `operationId`).
const WITHOUT_DATABASE: [&str; 3] = ["live", "export_metrics", "blank_receipt"];

/// Adds the error responses that follow from each operation's shape (see the module docs),
/// leaving those a handler documents itself.
struct SharedErrors;

impl Modify for SharedErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let staff = path.starts_with("/api/v1/operator/");
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add_shared_errors(op);
                if staff {
                    // Subscribers get 404: the staff API does not exist for them. (Operators'
                    // 403 on admins' endpoints is documented by those endpoints.)
                    op.responses
                        .responses
                        .entry("404".to_owned())
                        .or_insert_with(|| RefOr::Ref(Ref::from_response_name("NotFound")));
                }
            }
        }
    }
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn add_shared_errors(op: &mut Operation) {
    let mut add = |status: &str, name: &str| {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
    };
    // A typed JSON body (a schema component) goes through `extract::Json`.
    let typed_json_body = op.request_body.as_ref().is_some_and(|b| {
        json(b)["content"]["application/json"]["schema"]
            .get("$ref")
            .is_some()
    });
    let params: Vec<(ParameterIn, serde_json::Value)> = op
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(p) => Some((p.parameter_in.clone(), json(&p.schema))),
            RefOr::Ref(_) => None,
        })
        .collect();
    let secured = op.security.as_ref().is_some_and(|reqs| {
        !reqs.is_empty() && reqs.iter().all(|r| json(r) != serde_json::json!({}))
    });
    let typed = |schema: &serde_json::Value| {
        let t = schema["type"].to_string();
        !(t.contains("string") && schema.get("format").is_none())
    };
    let in_path = params
        .iter()
        .filter(|(at, _)| matches!(at, ParameterIn::Path));
    let bad_path = in_path.clone().any(|(_, s)| typed(s));
    let bad_query = params
        .iter()
        .any(|(at, s)| matches!(at, ParameterIn::Query) && typed(s));

    if typed_json_body || bad_path || bad_query {
        add("400", "BadRequest");
    }
    if secured {
        add("401", "Unauthorized");
    }
    if in_path.count() > 0 {
        add("404", "NotFound");
    }
    if typed_json_body {
        add("413", "PayloadTooLarge");
        add("415", "UnsupportedMediaType");
        add("422", "Unprocessable");
    }
    let id = op.operation_id.as_deref().unwrap_or_default();
    if !WITHOUT_DATABASE.contains(&id) {
        add("503", "ServiceUnavailable");
    }
}

/// The complete document, as served at `/api/openapi.json` and committed in
/// `openapi/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut api) =
        crate::routes::mount(App::new().into_utoipa_app().openapi(ApiDoc::openapi()))
            .split_for_parts();
    // The handlers are collected after `ApiDoc`'s modifiers ran: apply the shape rules now.
    SharedErrors.modify(&mut api);
    api
}

/// The document as pretty JSON with a trailing newline (the committed form).
pub fn document_json() -> String {
    let mut s = serde_json::to_string_pretty(&document()).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The limits the document states are the ones the server enforces.
    #[test]
    fn documented_limits_are_the_enforced_ones() {
        use lk_domain::{password, payment, NamePart, ZoneScheme};
        let doc = serde_json::to_value(document()).expect("json");
        let schema = |name: &str, field: &str| {
            doc["components"]["schemas"][name]["properties"][field].clone()
        };
        for (name, field) in [
            ("RegisterRequest", "password"),
            ("ResetPasswordRequest", "new_password"),
            ("ChangePasswordRequest", "new_password"),
        ] {
            assert_eq!(
                schema(name, field)["minLength"],
                password::MIN_LEN,
                "{name}.{field}"
            );
            assert_eq!(
                schema(name, field)["maxLength"],
                password::MAX_LEN,
                "{name}.{field}"
            );
        }
        for field in ["last_name", "first_name", "patronymic"] {
            assert_eq!(
                schema("RegisterRequest", field)["maxLength"],
                NamePart::MAX_LEN
            );
            assert_eq!(
                schema("UpdateMeRequest", field)["maxLength"],
                NamePart::MAX_LEN
            );
        }
        assert_eq!(
            schema("CreatePaymentRequest", "amount")["pattern"],
            payment::RUBLES_PATTERN
        );
        let receipt =
            &doc["paths"]["/api/v1/accounts/{account_number}/receipt.pdf"]["get"]["parameters"];
        let amount = receipt
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "amount")
            .expect("amount");
        // The receipt's amount may also be blank (then the amount due is printed).
        let inner = payment::RUBLES_PATTERN
            .trim_start_matches('^')
            .trim_end_matches('$');
        assert_eq!(amount["schema"]["pattern"], format!("^({inner})?$"));
        assert_eq!(
            schema("CreateHouseRequest", "name")["maxLength"],
            lk_domain::registry::HOUSE_NAME_MAX
        );
        assert_eq!(
            schema("CreateHouseRequest", "address")["maxLength"],
            lk_domain::registry::HOUSE_ADDRESS_MAX
        );
        assert_eq!(
            schema("UpdateMeterRequest", "label")["maxLength"],
            lk_domain::registry::METER_LABEL_MAX
        );
        // The integration API's limits and formats are the domain's.
        use lk_domain::integration::{BATCH_MAX, PERIOD_PATTERN, PRICE_PATTERN, RUBLES_PATTERN};
        for batch in [
            "BranchBatch",
            "TariffBatch",
            "AccountBatch",
            "MeterBatch",
            "InvoiceBatch",
            "PaymentBatch",
            "ReadingBatch",
        ] {
            assert_eq!(schema(batch, "items")["maxItems"], BATCH_MAX, "{batch}");
        }
        assert_eq!(schema("PaymentItem", "amount")["pattern"], RUBLES_PATTERN);
        assert_eq!(
            schema("InvoiceLineItem", "amount")["pattern"],
            RUBLES_PATTERN
        );
        assert_eq!(schema("InvoiceLineItem", "price")["pattern"], PRICE_PATTERN);
        assert_eq!(schema("TariffRateItem", "price")["pattern"], PRICE_PATTERN);
        assert_eq!(schema("InvoiceItem", "period")["pattern"], PERIOD_PATTERN);
        let mut zones: Vec<&str> = [
            ZoneScheme::Single,
            ZoneScheme::TwoZone,
            ZoneScheme::ThreeZone,
        ]
        .iter()
        .flat_map(|s| s.zones().iter().map(|z| z.as_str()))
        .collect();
        zones.sort_unstable();
        zones.dedup();
        assert_eq!(
            schema("ZoneValue", "zone")["$ref"],
            "#/components/schemas/Zone"
        );
        let mut documented: Vec<String> =
            serde_json::from_value(doc["components"]["schemas"]["Zone"]["enum"].clone())
                .expect("zones");
        documented.sort_unstable();
        assert_eq!(documented, zones);
    }

    #[test]
    fn every_response_has_a_description_and_every_reference_resolves() {
        let doc = serde_json::to_value(document()).expect("json");
        let components = &doc["components"]["responses"];
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("operations") {
                for (status, r) in op["responses"].as_object().expect("responses") {
                    match r.get("$ref").and_then(|r| r.as_str()) {
                        Some(r) => {
                            let name = r.trim_start_matches("#/components/responses/");
                            assert!(
                                components.get(name).is_some(),
                                "{method} {path} {status}: {r}"
                            );
                        }
                        None => assert!(
                            r["description"].as_str().is_some_and(|d| !d.is_empty()),
                            "{method} {path} {status} has no description"
                        ),
                    }
                }
            }
        }
    }
}
