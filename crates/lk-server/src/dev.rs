//! The development mailbox (only when no SMTP server is configured).

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::responses::NotFound;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(mailbox);
}

/// A message the portal would have e-mailed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DevMailResponse {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The one-click unsubscribe URL of a reminder (`List-Unsubscribe`, RFC 8058).
    pub list_unsubscribe: Option<String>,
    /// The name of the attached file (a paperless receipt's PDF).
    pub attachment: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MailboxQuery {
    /// Only messages to this address (case-insensitive).
    pub to: Option<String>,
}

/// Development mailbox: the newest 50 messages, newest first.
///
/// Exists only while no SMTP server is configured (`LK_SMTP_URL` unset); 404 otherwise.
#[utoipa::path(
    tag = "dev",
    params(MailboxQuery),
    responses(
        (status = 200, description = "The newest messages", body = Vec<DevMailResponse>),
        (status = 404, response = NotFound),
    )
)]
#[get("/dev/mailbox")]
pub async fn mailbox(
    state: web::Data<AppState>,
    q: Query<MailboxQuery>,
) -> ApiResult<web::Json<Vec<DevMailResponse>>> {
    if !state.config.dev_mailbox() {
        return Err(ApiError::NotFound);
    }
    let mails = state
        .store
        .dev_mails(q.to.as_deref().map(str::trim), 50)
        .await?;
    Ok(web::Json(
        mails
            .into_iter()
            .map(|m| DevMailResponse {
                id: m.id,
                to: m.to_addr,
                subject: m.subject,
                body: m.body,
                created_at: m.created_at,
                list_unsubscribe: m.list_unsubscribe,
                attachment: m.attachment_name,
            })
            .collect(),
    ))
}
