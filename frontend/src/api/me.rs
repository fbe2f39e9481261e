//! The signed-in user's profile (`/me`).

use super::client::Method;
use lk_api_types::{
    ChangePasswordRequest, MeResponse, RecoveryCodes, ReminderSettings, SessionsResponse,
    TwoFactorCode, TwoFactorDisableRequest, TwoFactorEnrolRequest, TwoFactorEnrolment,
    TwoFactorStatus, UnsubscribeResponse, UpdateMeRequest, UpdateReminderSettingsRequest,
    UpdateSettingsRequest, UserSettings,
};

use super::client::{Call, Reply};
use super::escape;
use crate::session::Session;

/// `GET /me`.
pub fn get(session: Session) -> Reply<MeResponse> {
    Call::get("/me").authed(session)
}

/// `GET /me` with an access token not yet in the session (right after signing in).
pub fn get_with_token(token: &str) -> Reply<MeResponse> {
    Call::get("/me").with_token(token)
}

/// `PATCH /me`: the personal data.
pub fn update(session: Session, req: &UpdateMeRequest) -> Reply<MeResponse> {
    Call::new(Method::PATCH, "/me").json(req).authed(session)
}

/// `POST /me/password`: a new password; the user's other sessions end.
pub fn change_password(session: Session, req: &ChangePasswordRequest) -> Reply<()> {
    Call::post("/me/password").json(req).authed(session)
}

/// `GET /me/settings`: the user's preferences (whether the help widget is closed).
pub fn settings(session: Session) -> Reply<UserSettings> {
    Call::get("/me/settings").authed(session)
}

/// `PUT /me/settings`: closes the help widget or brings it back, or changes the language
/// (the fields not given stay).
pub fn save_settings(session: Session, req: &UpdateSettingsRequest) -> Reply<UserSettings> {
    Call::new(Method::PUT, "/me/settings")
        .json(req)
        .authed(session)
}

/// `GET /me/reminders`: the e-mail reminders and paperless accounts.
pub fn reminders(session: Session) -> Reply<ReminderSettings> {
    Call::get("/me/reminders").authed(session)
}

/// `PUT /me/reminders`: switches reminders or paperless receipts (the fields not given stay).
pub fn save_reminders(
    session: Session,
    req: &UpdateReminderSettingsRequest,
) -> Reply<ReminderSettings> {
    Call::new(Method::PUT, "/me/reminders")
        .json(req)
        .authed(session)
}

/// `GET /me/sessions`: the devices the user is signed in on.
pub fn sessions(session: Session) -> Reply<SessionsResponse> {
    Call::get("/me/sessions").authed(session)
}

/// `DELETE /me/sessions/{id}`: signs that device out.
pub async fn end_session(session: Session, id: &str) -> Result<(), super::ApiError> {
    Call::new(Method::DELETE, format!("/me/sessions/{id}"))
        .authed::<serde_json::Value>(session)
        .await
        .map(drop)
}

/// `DELETE /me/sessions`: signs every other device out.
pub async fn end_other_sessions(session: Session) -> Result<(), super::ApiError> {
    Call::new(Method::DELETE, "/me/sessions")
        .authed::<serde_json::Value>(session)
        .await
        .map(drop)
}

/// `GET /me/two-factor`: whether sign-in asks for a code from an app.
pub fn two_factor(session: Session) -> Reply<TwoFactorStatus> {
    Call::get("/me/two-factor").authed(session)
}

/// `POST /me/two-factor/enrolment`: a new secret for the authenticator app.
pub fn enrol_two_factor(
    session: Session,
    req: &TwoFactorEnrolRequest,
) -> Reply<TwoFactorEnrolment> {
    Call::post("/me/two-factor/enrolment")
        .json(req)
        .authed(session)
}

/// `POST /me/two-factor/enrolment/confirm`: the app's first code turns it on.
pub fn confirm_two_factor(session: Session, req: &TwoFactorCode) -> Reply<RecoveryCodes> {
    Call::post("/me/two-factor/enrolment/confirm")
        .json(req)
        .authed(session)
}

/// `POST /me/two-factor/recovery-codes`: new recovery codes for a current code.
pub fn new_recovery_codes(session: Session, req: &TwoFactorCode) -> Reply<RecoveryCodes> {
    Call::post("/me/two-factor/recovery-codes")
        .json(req)
        .authed(session)
}

/// `POST /me/two-factor/disable`: with a code or the password.
pub fn disable_two_factor(
    session: Session,
    req: &TwoFactorDisableRequest,
) -> Reply<TwoFactorStatus> {
    Call::post("/me/two-factor/disable")
        .json(req)
        .authed(session)
}

/// `GET /unsubscribe?token=`: what a reminder mail's link switches off (no login, changes
/// nothing).
pub fn unsubscribe_status(token: &str) -> Reply<UnsubscribeResponse> {
    Call::get(format!("/unsubscribe?token={}", escape(token))).public()
}

/// `POST /unsubscribe?token=`: switches it off (no login).
pub fn unsubscribe(token: &str) -> Reply<UnsubscribeResponse> {
    Call::post(format!("/unsubscribe?token={}", escape(token))).public()
}
