//! Online payment (SPEC §6, F6, X-issue 4): creating a payment at the acquirer, its
//! notifications, and the sandbox acquirer's pages. Crediting happens exactly once, in the
//! store, in the transaction that records the status change.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use lk_api_types::{
    CreatePaymentRequest, ErrorCode, GuestPaymentRequest, GuestPaymentResponse, PaymentResponse,
    Problem, SandboxCompleteRequest, SandboxCompleteResponse, SandboxOutcome, WebhookResponse,
    WebhookResult,
};
use lk_domain::payment::PaymentStatus;
use lk_domain::Kopecks;

use crate::access::{Actor, CurrentUser, GuestMeter, OwnAccount};
use crate::acquirer::provider::{
    AtProvider, Notification, NotificationError, ProviderPaymentRequest, Sandbox,
    SANDBOX_SIGNATURE_HEADER,
};
use crate::db::payments::{NewOnlinePayment, OnlinePaymentRecord};
use crate::db::StoreError;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::fields::payable_amount;
use crate::idempotency::{self, Begin, IdempotencyKey};
use crate::responses::{
    BadRequest, Conflict, NotFound, PayloadTooLarge, ServiceUnavailable, TooManyRequests,
    Unprocessable,
};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_payment)
        .service(get_payment)
        .service(payment_webhook)
        .service(sandbox_complete)
        .service(create_guest_payment)
        .service(get_guest_payment);
}

/// The payer's house of the payment's account (`None` for a payment without an account). A
/// payer who no longer holds the account (a revoked family member, a house unbound since) gets
/// 404: the payment's answer carries the account's balance, theirs to see only while they hold
/// the account.
async fn payer_house(state: &AppState, p: &OnlinePaymentRecord) -> ApiResult<Option<i64>> {
    let Some(user_id) = p.user_id else {
        return Ok(None);
    };
    let houses = state.store.houses(user_id).await?;
    let house = houses.iter().find(|h| h.account_id == Some(p.account_id));
    house.map(|h| Some(h.id)).ok_or(ApiError::NotFound)
}

/// The answer about a payment, for the payer's house `house_id`.
async fn response(
    state: &AppState,
    p: &OnlinePaymentRecord,
    house_id: Option<i64>,
) -> ApiResult<PaymentResponse> {
    let (number, balance) = state
        .store
        .account_brief(p.account_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(PaymentResponse {
        payment_id: p.id.clone(),
        status: p.status,
        amount: Kopecks(p.amount).to_rubles(),
        account_number: number,
        confirmation_url: p.confirmation_url.clone(),
        balance: Kopecks(balance).to_rubles(),
        created_at: p.created_at,
        completed_at: p.status.is_final().then_some(p.updated_at),
        house_id,
    })
}

/// Start paying an account (F6): validates the amount, creates the payment at the acquirer and
/// answers with the page where the subscriber pays. With an `Idempotency-Key` (scoped to the
/// user; `Idempotence-Key` is accepted too), a retry of the same request answers the payment
/// created first (`Idempotent-Replayed: true`); the key with another body is 422
/// `idempotency_key_reused`, while the first request still runs 409 `idempotency_key_in_use`,
/// a malformed key 400 `invalid_idempotency_key`. An acquirer that cannot be reached is 503.
#[utoipa::path(tag = "payments", security(("bearer" = [])), params(("account_number" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$", description = "Makes retries safe: the same key and body answer the payment created first (1–255 visible ASCII characters, scoped to the user)")),
    request_body = CreatePaymentRequest,
    responses(
        (status = 201, description = "The payment, with the acquirer's page to pay on", body = PaymentResponse),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
    ))]
#[post("/accounts/{account_number}/payments")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn create_payment(
    state: web::Data<AppState>,
    own: OwnAccount<Actor>,
    req: HttpRequest,
    key: IdempotencyKey,
    body: Json<CreatePaymentRequest>,
) -> ApiResult<HttpResponse> {
    let (a, user) = (own.account, own.user);
    let amount = payable_amount(&state, &body.amount)?;
    if !body.rules_accepted {
        return Err(ApiError::field(
            "rules_accepted",
            "rules_not_accepted",
            "Подтвердите согласие с правилами оплаты.",
        ));
    }
    // A request with a key always means the same payment: if the node that ran it first died
    // before answering, the retry continues that payment instead of starting a second one.
    let id = match key.as_str() {
        Some(k) => uuid::Uuid::new_v5(&PAYMENT_IDS, format!("{}:{k}", user.id).as_bytes()),
        None => uuid::Uuid::new_v4(),
    }
    .to_string();
    let guard = match idempotency::begin(&state, user.id, key, &req, &*body).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Run(guard) => guard,
    };
    let started = match start_payment(&state, Some(user.id), id, a.id, &a.number, amount).await {
        Ok(p) => response(&state, &p, payer_house(&state, &p).await?).await,
        Err(e) => Err(e),
    };
    match started {
        Ok(p) => guard.finish(&state, StatusCode::CREATED, &p).await,
        Err(e) => {
            guard.abandon(&state).await;
            Err(e)
        }
    }
}

/// Creates the payment here and at the acquirer (whose own idempotence key is the payment's
/// id, so our retries to the acquirer are safe too).
async fn start_payment(
    state: &AppState,
    user_id: Option<i64>,
    id: String,
    account_id: i64,
    account_number: &str,
    amount: Kopecks,
) -> ApiResult<OnlinePaymentRecord> {
    let now = Utc::now();
    let created = state
        .store
        .create_online_payment(&NewOnlinePayment {
            id: id.clone(),
            account_id,
            user_id,
            amount: amount.0,
            provider: state.payments.name(),
            idempotence_key: id.clone(),
            now,
        })
        .await;
    let p = match created {
        Ok(p) => p,
        // Started before under the same key (the same user, account and amount: the key's
        // request fingerprint guarantees it): carry on with it.
        Err(StoreError::Conflict(crate::db::Constraint::OnlinePayment)) => {
            let p = state
                .store
                .online_payment(&id)
                .await?
                .filter(|p| p.user_id == user_id && p.account_id == account_id)
                .ok_or(ApiError::NotFound)?;
            if p.provider_payment_id.is_some() {
                return Ok(p);
            }
            p
        }
        Err(e) => return Err(e.into()),
    };
    let at_provider = state
        .payments
        .create(&ProviderPaymentRequest {
            id: p.id.clone(),
            amount_kopecks: p.amount,
            description: format!("Оплата электроэнергии по л/с {account_number}"),
            idempotence_key: id,
            return_url: state.config.spa_link(&return_path(&p)),
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "payment provider refused");
            ApiError::Unavailable
        })?;
    state
        .store
        .attach_provider_payment(
            &p.id,
            &at_provider.provider_payment_id,
            &at_provider.confirmation_url,
            now,
        )
        .await?;
    let (p, _) = state
        .store
        .apply_payment_status(&p.id, PaymentStatus::Pending, state.config.today(), now)
        .await?
        .ok_or(ApiError::NotFound)?;
    tracing::info!(payment_id = %p.id, amount = p.amount, guest = user_id.is_none(), "payment created");
    Ok(p)
}

/// A payment of the signed-in user: its status, when it was started and completed, the
/// account's balance and the payer's house of the account (the return page).
#[utoipa::path(tag = "payments", security(("bearer" = [])), params(("payment_id" = String, Path)),
    responses((status = 200, description = "The payment and the account's balance", body = PaymentResponse)))]
#[get("/payments/{payment_id}")]
pub async fn get_payment(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> ApiResult<web::Json<PaymentResponse>> {
    let mut p = state
        .store
        .online_payment(&path)
        .await?
        .filter(|p| p.user_id == Some(user.id))
        .ok_or(ApiError::NotFound)?;
    let house_id = payer_house(&state, &p).await?;
    // The subscriber is back from the acquirer's page and waits: ask the acquirer rather than
    // wait for its notification.
    if !p.status.is_final() {
        if let Some(after) = recheck(&state, &p).await {
            p = after;
        }
    }
    Ok(web::Json(response(&state, &p, house_id).await?))
}

/// Applies what the provider says of a payment: the status changes at most as the payment's
/// life allows, the account is credited at most once, and never for another amount than the
/// subscriber asked to pay. Answers whether anything changed.
async fn settle(
    state: &AppState,
    p: &OnlinePaymentRecord,
    n: &Notification,
) -> ApiResult<(OnlinePaymentRecord, bool)> {
    if n.amount_kopecks.is_some_and(|a| a != p.amount) {
        tracing::error!(payment_id = %p.id, expected = p.amount, reported = ?n.amount_kopecks, "the provider reports another amount: not applied");
        return Ok((p.clone(), false));
    }
    let applied = state
        .store
        .apply_payment_status(&p.id, n.status, state.config.today(), Utc::now())
        .await?;
    Ok(match applied {
        Some((after, true)) => {
            tracing::info!(payment_id = %after.id, amount = after.amount, "payment credited");
            state.metrics.payment_credited();
            notify_payer(state, &after).await;
            (after, true)
        }
        Some((after, false)) => {
            let changed = after.status == n.status && p.status != n.status;
            (after, changed)
        }
        None => (p.clone(), false),
    })
}

/// Asks the provider about one unsettled payment and applies the answer; `None` when the
/// provider could not be asked.
async fn recheck(state: &AppState, p: &OnlinePaymentRecord) -> Option<OnlinePaymentRecord> {
    let Some(provider_id) = p.provider_payment_id.as_deref() else {
        // Never reached the provider (it was down when the payment was started): nobody can
        // pay it, so it ends once the provider would have let it expire.
        let expired = Utc::now() - p.created_at
            > chrono::Duration::minutes(state.config.payments.expiry_minutes);
        if !expired {
            return None;
        }
        let n = Notification {
            provider_payment_id: String::new(),
            status: PaymentStatus::Failed,
            amount_kopecks: None,
        };
        return settle(state, p, &n).await.ok().map(|(after, _)| after);
    };
    let n = match state
        .payments
        .status(AtProvider {
            provider_payment_id: provider_id,
            created_at: p.created_at,
        })
        .await
    {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(payment_id = %p.id, error = %format!("{e:#}"), "payment re-check failed");
            return None;
        }
    };
    match settle(state, p, &n).await {
        Ok((after, _)) => Some(after),
        Err(e) => {
            tracing::warn!(payment_id = %p.id, error = %e, "payment re-check not applied");
            None
        }
    }
}

/// The namespace of payment ids derived from a user's `Idempotency-Key` (UUID v5).
const PAYMENT_IDS: uuid::Uuid = uuid::Uuid::from_u128(0x6c6b_0001_7061_796d_656e_7469_6473_0001);

/// At most this many payments are asked about in one round of the re-check.
const RECHECKS_PER_ROUND: usize = 200;

/// Re-checks payments left unsettled for a while (a lost notification, a closed window) at
/// the provider; returns how many changed. Each payment is claimed in the database before the
/// provider is asked, so several nodes never ask about the same payment at once; one that is
/// still unsettled is asked about again after `every`. `at` is now (a test may pass a later
/// time to find payments due).
pub async fn recheck_unsettled(
    state: &AppState,
    at: chrono::DateTime<Utc>,
    every: chrono::Duration,
) -> usize {
    let now = at.timestamp_millis();
    // One payment per claim, reserved long enough for one question to the acquirer (its
    // client times out after 15 s): no other node asks about it meanwhile.
    let lease = every.max(chrono::Duration::seconds(30)).num_milliseconds();
    let mut changed = 0;
    for _ in 0..RECHECKS_PER_ROUND {
        let p = match state
            .store
            .claim_unsettled_payments(now, now + lease, 1)
            .await
        {
            Ok(mut claimed) => match claimed.pop() {
                Some(p) => p,
                None => break,
            },
            Err(e) => {
                tracing::warn!(error = %e, "claiming unsettled payments failed");
                break;
            }
        };
        if let Some(after) = recheck(state, &p).await {
            changed += usize::from(after.status != p.status);
        }
    }
    if changed > 0 {
        tracing::info!(changed, "unsettled payments re-checked");
    }
    changed
}

/// Notifications of the acquirer (`sandbox` or `yookassa`). The sandbox's are signed and checked
/// in constant time; YooKassa's are not signed, so the payment is read back from YooKassa and
/// only its answer counts. Duplicates, stale news (`canceled` after `succeeded`), another
/// amount and unknown payments are answered 200 so the provider stops retrying, and change
/// nothing; 503 when the provider could not confirm (it delivers again). A body that is not a
/// notification is 400 `malformed_notification`; an unknown provider is 404.
#[utoipa::path(tag = "payments", params(("provider" = String, Path)),
    request_body(content = String, content_type = "application/json", description = "The provider's notification, e.g. `{\"event\": \"payment.succeeded\", \"object\": {\"id\": …, \"status\": \"succeeded\"}}`, for the sandbox signed in `X-Sandbox-Signature: sha256=<hex HMAC-SHA256 of the body>`"),
    responses(
        (status = 200, description = "Taken into account, or ignored (duplicate, stale, unknown payment)", body = WebhookResponse),
        (status = 400, response = BadRequest),
        (status = 401, description = "The signature is missing or wrong (`invalid_signature`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = PayloadTooLarge),
    ))]
#[post("/payments/webhooks/{provider}")]
#[tracing::instrument(skip_all)]
pub async fn payment_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<web::Json<WebhookResponse>> {
    if lk_domain::PaymentProvider::parse(&path) != Some(state.payments.name()) {
        return Err(ApiError::NotFound);
    }
    let claimed = state
        .payments
        .read_notification(req.headers(), &body)
        .map_err(|e| match e {
            NotificationError::BadSignature => {
                tracing::warn!("payment notification with a bad signature refused");
                ApiError::Unauthorized(ErrorCode::InvalidSignature)
            }
            NotificationError::Malformed(field) => ApiError::BadRequest {
                code: ErrorCode::MalformedNotification,
                detail: format!("Неверное уведомление: поле {field}."),
            },
        })?;
    let Some(p) = state
        .store
        .online_payment_by_provider_id(state.payments.name(), &claimed.provider_payment_id)
        .await?
    else {
        tracing::warn!(provider_payment_id = %claimed.provider_payment_id, "notification of an unknown payment ignored");
        return Ok(web::Json(WebhookResponse {
            result: WebhookResult::Ignored,
        }));
    };
    let n = if state.payments.notifications_need_confirmation() {
        // Whatever the notification says, the status is the one the provider gives when asked.
        state
            .payments
            .status(AtProvider {
                provider_payment_id: &claimed.provider_payment_id,
                created_at: p.created_at,
            })
            .await
            .map_err(|e| {
                tracing::warn!(payment_id = %p.id, error = %format!("{e:#}"), "notification not confirmed by the provider");
                // 503: the provider delivers the notification again later.
                ApiError::Unavailable
            })?
    } else {
        claimed
    };
    let (_, changed) = settle(&state, &p, &n).await?;
    Ok(web::Json(WebhookResponse {
        result: if changed {
            WebhookResult::Applied
        } else {
            WebhookResult::Ignored
        },
    }))
}

/// Tells the payer the money arrived (the fiscal receipt itself comes from the acquirer), at
/// once, if the payer switched the payment reminder on: the reminder job's run for this user,
/// so the message is claimed under the same key and never sent twice (other users of the
/// account get theirs from the job's next run).
async fn notify_payer(state: &AppState, p: &OnlinePaymentRecord) {
    let Some(user_id) = p.user_id else { return };
    if let Err(e) = crate::reminders::run_once(state, state.config.today(), Some(user_id)).await {
        tracing::error!(payment_id = %p.id, error = %format!("{e:#}"), "could not queue the payment notice");
    }
}

/// Sandbox acquirer only: the subscriber's decision on the test card page. Sends the signed
/// notification to the portal's webhook over HTTP, exactly as a real provider would.
#[utoipa::path(tag = "payments", params(("payment_id" = String, Path)), request_body = SandboxCompleteRequest,
    responses((status = 200, description = "The notification was delivered; where the subscriber goes next", body = SandboxCompleteResponse)))]
#[post("/sandbox/payments/{payment_id}/complete")]
#[tracing::instrument(skip_all)]
pub async fn sandbox_complete(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Json<SandboxCompleteRequest>,
) -> ApiResult<web::Json<SandboxCompleteResponse>> {
    Ok(web::Json(
        complete_in_sandbox(&state, &path, body.outcome).await?,
    ))
}

async fn complete_in_sandbox(
    state: &AppState,
    payment_id: &str,
    outcome: SandboxOutcome,
) -> ApiResult<SandboxCompleteResponse> {
    let sandbox = state.sandbox.as_ref().ok_or(ApiError::NotFound)?;
    let p = state
        .store
        .online_payment(payment_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let status = match outcome {
        SandboxOutcome::Succeeded => PaymentStatus::Succeeded,
        SandboxOutcome::Canceled => PaymentStatus::Canceled,
    };
    let provider_id = p.provider_payment_id.clone().ok_or(ApiError::NotFound)?;
    let body = Sandbox::notification_body(&provider_id, status, p.amount);
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/payments/webhooks/sandbox",
            state.internal_url
        ))
        .header("content-type", "application/json")
        .header(SANDBOX_SIGNATURE_HEADER, sandbox.sign(&body))
        .body(body)
        .send()
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("sandbox webhook: {e}")))?;
    if !resp.status().is_success() {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "sandbox webhook answered {}",
            resp.status()
        )));
    }
    Ok(SandboxCompleteResponse {
        return_url: state.config.spa_link(&return_path(&p)),
    })
}

/// The SPA's page a payer comes back to from the acquirer: a payer without an account to a
/// page of their own.
fn return_path(p: &OnlinePaymentRecord) -> String {
    match p.user_id {
        Some(_) => format!("/payments/{}", p.id),
        None => format!("/guest/payments/{}", p.id),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The sandbox's card page (`/sandbox/pay/{id}`): plain HTML forms, no script.
pub async fn sandbox_page(state: web::Data<AppState>, path: web::Path<String>) -> HttpResponse {
    let page = |body: String| {
        HttpResponse::Ok().content_type("text/html; charset=utf-8").body(format!(
        "<!doctype html><html lang=ru><meta charset=utf-8><meta name=viewport content=\"width=device-width, initial-scale=1\">\
         <title>Тестовая оплата</title><style>body{{font:16px/1.5 system-ui,sans-serif;background:#eef1f5;margin:0;padding:24px}}\
         main{{max-width:420px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 4px 16px rgba(0,0,0,.08)}}\
         .test{{background:#fff3cd;color:#7a5a00;padding:8px 12px;border-radius:8px;font-weight:600}}\
         button{{font:inherit;font-weight:600;width:100%;padding:12px;border-radius:8px;border:0;margin-top:12px;cursor:pointer}}\
         .pay{{background:#1b7f3b;color:#fff}}.cancel{{background:#e9ecef;color:#333}}</style><main>{body}</main></html>"
    ))
    };
    if state.sandbox.is_none() {
        return page("<p>Песочница отключена.</p>".into());
    }
    let Ok(Some(p)) = state.store.online_payment(&path).await else {
        return page("<h1>Платёж не найден</h1>".into());
    };
    let id = html_escape(&p.id);
    page(format!(
        "<p class=test>ТЕСТОВЫЙ ПЛАТЁЖ — деньги не списываются</p><h1>Оплата картой</h1>\
         <p>Сумма: <strong>{}</strong></p><p>Номер карты: 4111 1111 1111 1111 (тестовая)</p>\
         <form method=post action=\"/sandbox/pay/{id}\"><input type=hidden name=outcome value=succeeded><button class=pay type=submit>Оплатить</button></form>\
         <form method=post action=\"/sandbox/pay/{id}\"><input type=hidden name=outcome value=canceled><button class=cancel type=submit>Отменить</button></form>",
        Kopecks(p.amount).format_ru()
    ))
}

#[derive(serde::Deserialize)]
pub struct OutcomeForm {
    outcome: SandboxOutcome,
}

/// The sandbox page's buttons: complete, then back to the portal.
pub async fn sandbox_page_submit(
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<OutcomeForm>,
) -> ApiResult<HttpResponse> {
    let done = complete_in_sandbox(&state, &path, form.outcome).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header(("location", done.return_url))
        .finish())
}

fn guest_response(p: &OnlinePaymentRecord) -> GuestPaymentResponse {
    GuestPaymentResponse {
        payment_id: p.id.clone(),
        status: p.status,
        amount: Kopecks(p.amount).to_rubles(),
        confirmation_url: p.confirmation_url.clone(),
        created_at: p.created_at,
        completed_at: p.status.is_final().then_some(p.updated_at),
    }
}

/// Pay without an account (X9), by the account number and a meter's number.
///
/// The amount and the rules as for a signed-in payment; answers the acquirer's page to pay
/// on, which returns to the payment's own page. A wrong account number and a wrong meter
/// number are the same 422 `account_not_found`. Limited per address and, for wrong meter
/// numbers, per account number (429); an acquirer that cannot be reached is 503.
#[utoipa::path(tag = "guest",
    request_body = GuestPaymentRequest,
    responses(
        (status = 201, description = "The payment, with the acquirer's page to pay on", body = GuestPaymentResponse),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
    ))]
#[post("/guest/payments")]
#[tracing::instrument(skip_all)]
pub async fn create_guest_payment(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<GuestPaymentRequest>,
) -> ApiResult<HttpResponse> {
    let GuestMeter { account, .. } =
        GuestMeter::find(&state, &req, &body.account_number, &body.meter_number).await?;
    let amount = payable_amount(&state, &body.amount)?;
    if !body.rules_accepted {
        return Err(ApiError::field(
            "rules_accepted",
            "rules_not_accepted",
            "Подтвердите согласие с правилами оплаты.",
        ));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let p = start_payment(&state, None, id, account.id, &account.number, amount).await?;
    Ok(HttpResponse::Created().json(guest_response(&p)))
}

/// A payment made without an account: its status and amount, by its id (which only the
/// payer's browser knows). A signed-in user's payment is 404 here.
#[utoipa::path(tag = "guest", params(("payment_id" = String, Path)),
    responses(
        (status = 200, description = "The payment", body = GuestPaymentResponse),
        (status = 404, response = NotFound),
    ))]
#[get("/guest/payments/{payment_id}")]
pub async fn get_guest_payment(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<web::Json<GuestPaymentResponse>> {
    let id = path.into_inner();
    if id.len() > 64 {
        return Err(ApiError::NotFound);
    }
    let mut p = state
        .store
        .online_payment(&id)
        .await?
        .filter(|p| p.user_id.is_none())
        .ok_or(ApiError::NotFound)?;
    // Back from the acquirer's page: ask it rather than wait for its notification.
    if !p.status.is_final() {
        if let Some(after) = recheck(&state, &p).await {
            p = after;
        }
    }
    Ok(web::Json(guest_response(&p)))
}
