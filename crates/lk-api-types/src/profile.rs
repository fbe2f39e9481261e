//! The signed-in user's profile and password.

use chrono::{DateTime, Utc};
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
    pub role: String,
    pub email_confirmed: bool,
    pub created_at: DateTime<Utc>,
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
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub patronymic: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}
