//! The OpenAPI 3.1 document, collected from the handlers registered with the app (so a route
//! cannot exist without its documentation).

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LKA — личный кабинет абонента",
        description = "REST API of the subscriber personal account of an electricity retailer. \
            Errors are RFC 9457 `application/problem+json` with a stable `code`. \
            Authenticate with `POST /api/v1/auth/login` and send the access token as `Authorization: Bearer …`.",
        license(name = "AGPL-3.0-or-later"),
        version = "1.0.0"
    ),
    tags(
        (name = "auth", description = "Registration, sign-in, sessions, password recovery"),
        (name = "profile", description = "The signed-in user's personal data and password"),
        (name = "houses", description = "Houses and binding personal accounts"),
        (name = "accounts", description = "Personal accounts: information, tariffs, invoices, change requests"),
        (name = "meters", description = "Meters of an account"),
        (name = "readings", description = "Meter readings: history, preview, submission"),
        (name = "operations", description = "Operations history: invoices, readings, payments"),
        (name = "payments", description = "Online payments, acquirer notifications, the sandbox acquirer"),
        (name = "receipts", description = "Receipts to print: filled with the payment QR code, and the blank form"),
        (name = "content", description = "Public content and branding"),
        (name = "dev", description = "Development helpers (only without SMTP)"),
        (name = "ops", description = "Health and metrics"),
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .build(),
                ),
            );
        }
    }
}

/// The complete document, as served at `/api/openapi.json` and committed in
/// `openapi/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::startup::ops_routes)
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::startup::api_routes))
        .split_for_parts();
    api
}

/// The document as pretty JSON with a trailing newline (the committed form).
pub fn document_json() -> String {
    let mut s = serde_json::to_string_pretty(&document()).unwrap_or_default();
    s.push('\n');
    s
}
