//! The API's error responses, defined once as reusable components of the OpenAPI document
//! (`components/responses`). Handlers name the ones particular to them
//! (`(status = 409, response = Conflict)`); [`crate::openapi`] adds those that follow from an
//! operation's shape.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::header::Header;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ObjectBuilder, Ref, RefOr, Type};
use utoipa::ToResponse;

use crate::error::PROBLEM_JSON;

/// A problem+json response with optional headers that are always sent.
fn problem(description: &str, headers: &[(&str, &str)]) -> RefOr<Response> {
    let mut r = ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    );
    for (name, description) in headers {
        let mut header = Header::new(ObjectBuilder::new().schema_type(Type::String));
        header.description = Some((*description).to_owned());
        // OpenAPI's Header Object has `required`; utoipa's Header lacks the field.
        header.extensions = Some(Extensions::from_iter([("required", true)]));
        r = r.header(*name, header);
    }
    RefOr::T(r.build())
}

macro_rules! shared_error {
    ($(#[$doc:meta])* $name:ident, $description:expr $(, ($header:expr, $header_doc:expr))*) => {
        $(#[$doc])*
        pub struct $name;

        impl<'s> ToResponse<'s> for $name {
            fn response() -> (&'s str, RefOr<Response>) {
                (stringify!($name), problem($description, &[$(($header, $header_doc)),*]))
            }
        }
    };
}

shared_error!(
    /// 400.
    BadRequest,
    "Malformed request: the body is not JSON (`malformed_json`), a path parameter is not of its type \
     (`invalid_path`), a query parameter is not of its type (`invalid_query`, naming it in `errors`)."
);
shared_error!(
    /// 401.
    Unauthorized,
    "Not authenticated; `code` says why: no valid access token (`unauthorized`), its session has ended \
     (`session_ended`), wrong e-mail or password (`invalid_credentials`), a wrong or used link \
     (`invalid_token`), no refresh session (`no_session`, `refresh_token_reused`), a wrong second-factor \
     code (`invalid_second_factor`), a sign-in whose second step expired (`sign_in_expired`).",
    ("WWW-Authenticate", "`Bearer`")
);
shared_error!(
    /// 403.
    Forbidden,
    "Not allowed, e.g. the e-mail address is not confirmed yet (`email_not_confirmed`), the user is \
     disabled (`account_disabled`), the company requires a second factor first (`two_factor_required`), an invitation for another \
     e-mail address (`invitation_for_other_email`)."
);
shared_error!(
    /// 404.
    NotFound,
    "Not found (`not_found`); also the answer for another user's resources."
);
shared_error!(
    /// 409.
    Conflict,
    "Conflicts with the current state; `code` says which (e.g. `account_already_added`, `reading_exists`, `idempotency_key_in_use`)."
);
shared_error!(
    /// 413.
    PayloadTooLarge,
    "The body is larger than the server accepts (`payload_too_large`)."
);
shared_error!(
    /// 415.
    UnsupportedMediaType,
    "The body is not `application/json` (`unsupported_media_type`)."
);
shared_error!(
    /// 422.
    Unprocessable,
    "The body is JSON of the wrong shape — not an object, a field missing or of another type \
     (`invalid_body`) — or fields break the rules (`validation_failed`); `errors` names each field by \
     its path (`values[0].value`), never repeating its value. Other codes are described by the operation."
);
shared_error!(
    /// 429.
    TooManyRequests,
    "Too many attempts (`too_many_requests`), or — where a password is checked or hashed (sign-in, \
     registration, password change and reset) — every hashing slot and the queue are taken \
     (`server_busy`, the attempt is not counted); retry after `Retry-After` seconds.",
    ("Retry-After", "Seconds to wait before retrying.")
);
shared_error!(
    /// 503.
    ServiceUnavailable,
    "A dependency (the database, the acquirer) is unavailable (`service_unavailable`); retry after \
     `Retry-After` seconds.",
    ("Retry-After", "Seconds to wait before retrying.")
);

/// A file's bytes, in the OpenAPI document (binary).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct BinaryFile(pub Vec<u8>);
