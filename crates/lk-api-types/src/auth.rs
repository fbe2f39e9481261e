//! Registration, e-mail confirmation, login, tokens and password recovery.

use crate::enums::TokenType;
use serde::{Deserialize, Serialize};

/// A new subscriber's registration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    /// E-mail address; the login. Case-insensitive.
    #[cfg_attr(feature = "openapi", schema(example = "ivanov@example.ru", format = Email, max_length = 254))]
    pub email: String,
    /// 8–128 characters; not the e-mail, not a common password.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub password: String,
    /// Letters of any script (combining marks too), spaces, `-`, `'`, `’`, `.`; blank means not given.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 100,
            pattern = "^(\\s*|[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub last_name: Option<String>,
    /// As `last_name`.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 100,
            pattern = "^(\\s*|[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub first_name: Option<String>,
    /// As `last_name`.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 100,
            pattern = "^(\\s*|[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub patronymic: Option<String>,
    /// Russian phone number in any usual notation (`+7 (915) 123-45-67`, `8 915 123 45 67`,
    /// `9151234567`); blank means not given.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^\\s*$|^\\s*(\\+[ ()-]*7([ ()-]*[0-9]){10}|[ ()-]*[78]([ ()-]*[0-9]){10}|[ ()-]*[0-9]([ ()-]*[0-9]){9})[ ()-]*\\s*$",
            example = "+7 915 123-45-67"
        )
    )]
    pub phone: Option<String>,
    /// Consent to the processing of personal data (152-ФЗ); must be `true`.
    pub personal_data_consent: bool,
}

/// Answer to a registration: what happens next. The same answer whether or not the address
/// was already registered, so that registration does not reveal who has an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterResponse {
    pub message: String,
}

/// A single-use token from an e-mailed link.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmEmailRequest {
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

/// A short-lived access token. The refresh token travels only in an HttpOnly cookie.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: TokenType,
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
}

/// The password was right and the user signs in with a second factor: send a code from the
/// authenticator app (or a recovery code) with `challenge` to `/auth/login/second-factor`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorChallenge {
    /// Opaque, single-use; stops working after `expires_in` seconds or five wrong codes.
    pub challenge: String,
    /// Seconds left for the second step.
    pub expires_in: i64,
}

/// What `POST /auth/login` answers, for a client that reads both answers alike: the access
/// token (200), or the challenge of a second step (202). A plain struct rather than an
/// untagged enum, whose buffering deserializer would weigh on the SPA's start-up module.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LoginOutcome {
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub challenge: Option<String>,
}

/// The second step of a sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorLogin {
    /// From the `202` answer of `/auth/login`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub challenge: String,
    /// Six digits from the authenticator app, or one of the recovery codes (`abcde-fghjk`);
    /// spaces and hyphens are ignored.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 64, example = "123456")
    )]
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForgotPasswordRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    pub token: String,
    /// 8–128 characters; not the e-mail, not a common password.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

/// A plain confirmation message for people.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageResponse {
    pub message: String,
}
