//! Signing in and out, registration, e-mail confirmation, password recovery (`/auth/…`).

use lk_api_types::{
    ConfirmEmailRequest, ForgotPasswordRequest, LoginOutcome, LoginRequest, MessageResponse,
    RegisterRequest, RegisterResponse, ResetPasswordRequest, SecondFactorLogin, TokenResponse,
};

use super::client::{Call, Reply};

pub use super::client::refresh;

/// `POST /auth/login`: an access token (and the refresh cookie), or a challenge for the second
/// factor.
pub fn login(req: &LoginRequest) -> Reply<LoginOutcome> {
    Call::post("/auth/login").json(req).public()
}

/// `POST /auth/login/second-factor`: the code for a challenge; tokens as a login's.
pub fn login_second_factor(req: &SecondFactorLogin) -> Reply<TokenResponse> {
    Call::post("/auth/login/second-factor").json(req).public()
}

/// `POST /auth/logout`: ends the session the refresh cookie belongs to.
pub fn logout() -> Reply<()> {
    Call::post("/auth/logout").public()
}

/// `POST /auth/register`: the account, and the confirmation e-mail.
pub fn register(req: &RegisterRequest) -> Reply<RegisterResponse> {
    Call::post("/auth/register").json(req).public()
}

/// `POST /auth/confirm-email` with the token from the e-mailed link.
pub fn confirm_email(req: &ConfirmEmailRequest) -> Reply<MessageResponse> {
    Call::post("/auth/confirm-email").json(req).public()
}

/// `POST /auth/password/forgot`: the e-mail with the link to set a new password.
pub fn forgot_password(req: &ForgotPasswordRequest) -> Reply<MessageResponse> {
    Call::post("/auth/password/forgot").json(req).public()
}

/// `POST /auth/password/reset` with the token from the e-mailed link.
pub fn reset_password(req: &ResetPasswordRequest) -> Reply<MessageResponse> {
    Call::post("/auth/password/reset").json(req).public()
}
