//! The signed-in user's profile and password.

use chrono::{DateTime, Utc};
use lk_domain::{Language, Role};
use serde::{Deserialize, Serialize};

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeResponse {
    pub id: i64,
    pub email: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    /// E.164, e.g. `+79151234567`.
    pub phone: Option<String>,
    /// `subscriber`, `operator` or `admin`.
    pub role: Role,
    pub email_confirmed: bool,
    pub created_at: DateTime<Utc>,
    /// The language the user reads the portal, e-mails and receipts in («Настройки»).
    pub language: Language,
}

impl MeResponse {
    /// The title of the profile link in the header: «Фамилия Имя», or «Профиль» when unknown.
    pub fn display_name(&self) -> String {
        let parts: Vec<&str> = [self.last_name.as_deref(), self.first_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect();
        if parts.is_empty() {
            "Профиль".to_owned()
        } else {
            parts.join(" ")
        }
    }
}

/// Changes to personal data. Absent fields stay as they are; an empty string clears a field.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMeRequest {
    /// Letters of any script (combining marks too), spaces, `-`, `'`, `’`, `.`.
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
    /// Russian phone number in any usual notation.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^\\s*$|^\\s*(\\+[ ()-]*7([ ()-]*[0-9]){10}|[ ()-]*[78]([ ()-]*[0-9]){10}|[ ()-]*[0-9]([ ()-]*[0-9]){9})[ ()-]*\\s*$"
        )
    )]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub current_password: String,
    /// 8–128 characters; not the e-mail, not a common password.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

/// A signed-in device («Активные сеансы»): a session, from its sign-in to its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The session's id (for `DELETE /me/sessions/{id}`).
    pub id: String,
    /// When the user signed in on this device.
    pub signed_in_at: DateTime<Utc>,
    /// When the device last renewed its tokens (every few minutes while the portal is open).
    pub last_used_at: DateTime<Utc>,
    /// The device's IP address as the server last saw it.
    pub ip: Option<String>,
    /// The browser, read from its user agent («Chrome 131», «YaBrowser 24.10»).
    pub browser: Option<String>,
    /// The operating system, read from the user agent («Android 14», «Windows 10»).
    pub os: Option<String>,
    /// Whether this is the session the request was made in.
    pub current: bool,
}

/// The user's live sessions, the most recently used first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsResponse {
    pub sessions: Vec<SessionInfo>,
}

/// How many sessions «Завершить все, кроме этого» ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndedSessions {
    pub ended: u64,
}

/// Two-factor sign-in of the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorStatus {
    /// Whether sign-in asks for a code from an authenticator app.
    pub enabled: bool,
    /// Unused recovery codes left (0 when off).
    pub recovery_codes_left: i64,
    /// Whether the company requires it of this user (operators and admins, where configured).
    pub required: bool,
}

/// Turning two-factor sign-in on, step one: the current password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorEnrolRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

/// A new authenticator secret, to add to an app: scan `qr_svg` or type `secret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorEnrolment {
    /// Base32, as apps take it when typed (grouped by four for reading).
    pub secret: String,
    /// `otpauth://totp/…` (RFC 6238, SHA-1, 6 digits, 30 s).
    pub otpauth_uri: String,
    /// The URI as a QR code, an SVG image.
    pub qr_svg: String,
}

/// A code from the authenticator app.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorCode {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 64, example = "123456")
    )]
    pub code: String,
}

/// Ten one-time recovery codes, shown once: each signs in once without the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

/// Turning two-factor sign-in off: a current code (or a recovery code), or the password.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorDisableRequest {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub code: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub password: Option<String>,
}
