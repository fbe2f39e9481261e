//! The company's content (SPEC B3, F2.3, F2.7, F12–F14): read by anyone in one response,
//! edited section by section by admins, with the price list and the logo uploaded as files
//! checked by their bytes and kept in the database.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{delete, get, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use lk_api_types::{
    About, Branch, BrandingSettings, ContentSection, ErrorCode, FaqItem, FaqList, FileInfo,
    HelpTip, HelpTipList, Links, PaymentMethod, PaymentMethodList, Service, ServiceList,
    SiteContent, StaffContent,
};
use lk_domain::{FileKind, FileSlot};
use serde::Serialize;

use crate::access::Admin;
use crate::db::content::{digest, BranchDeletion, NewFile};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Then};
use crate::responses::{
    BinaryFile, Conflict, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType,
};
use crate::site::{self, Site};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_content)
        .service(get_about)
        .service(get_faq)
        .service(get_payment_methods)
        .service(get_help_tips)
        .service(get_branches)
        .service(get_services)
        .service(get_price_list)
        .service(get_logo)
        .service(staff_content)
        .service(put_about)
        .service(put_faq)
        .service(put_payment_methods)
        .service(put_help_tips)
        .service(put_services)
        .service(put_links)
        .service(put_branding)
        .service(put_branch)
        .service(delete_branch)
        .service(put_file);
}

/// Everything subscribers read: «О компании», «Вопросы и ответы», payment methods, help
/// tips, services with the price list, links and the company's branches.
#[utoipa::path(tag = "content", responses((status = 200, description = "The content", body = SiteContent)))]
#[get("/content")]
pub async fn get_content(state: web::Data<AppState>) -> ApiResult<web::Json<SiteContent>> {
    let store = state.store.as_ref();
    let site = Site::load(store, &state.config).await?;
    let branches = store.branches().await?;
    let files = store.file_metas().await?;
    Ok(web::Json(site.public(branches, &files)))
}

macro_rules! get_part {
    ($fn:ident, $path:literal, $ty:ty, $what:literal, |$site:ident| $part:expr) => {
        #[doc = concat!($what, " (also part of `GET /content`).")]
        #[utoipa::path(tag = "content", responses((status = 200, description = $what, body = $ty)))]
        #[get($path)]
        pub async fn $fn(state: web::Data<AppState>) -> ApiResult<web::Json<$ty>> {
            let $site = Site::load(state.store.as_ref(), &state.config).await?;
            Ok(web::Json($part))
        }
    };
}

get_part!(
    get_about,
    "/content/about",
    About,
    "«О компании»",
    |site| site.about
);
get_part!(
    get_faq,
    "/content/faq",
    Vec<FaqItem>,
    "«Вопросы и ответы», in order",
    |site| site.faq
);
get_part!(
    get_payment_methods,
    "/content/payment-methods",
    Vec<PaymentMethod>,
    "The payment methods of the «Оплата» tab, in order",
    |site| site.payment_methods
);
get_part!(
    get_help_tips,
    "/content/help-tips",
    Vec<HelpTip>,
    "The tips of the help widget «Помощь по кабинету», in order",
    |site| site.help_tips
);
get_part!(
    get_services,
    "/services",
    Vec<Service>,
    "The catalogue of services with prices",
    |site| site.services
);

/// The company's branches with their contacts, by name (also part of `GET /content`).
#[utoipa::path(tag = "content", responses((status = 200, description = "The branches", body = Vec<Branch>)))]
#[get("/branches")]
pub async fn get_branches(state: web::Data<AppState>) -> ApiResult<web::Json<Vec<Branch>>> {
    let branches = state.store.branches().await?;
    Ok(web::Json(
        branches
            .into_iter()
            .map(|b| Branch {
                note: None,
                ..site::branch(b)
            })
            .collect(),
    ))
}

/// An uploaded file with the media type of its content and the right disposition.
async fn file_response(state: &AppState, slot: FileSlot) -> ApiResult<HttpResponse> {
    let (meta, bytes) = state.store.file(slot).await?.ok_or(ApiError::NotFound)?;
    let disposition = ContentDisposition {
        disposition: if slot.inline() {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![DispositionParam::Filename(slot.download_name(meta.kind))],
    };
    Ok(HttpResponse::Ok()
        .content_type(meta.kind.content_type())
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::ETAG, format!("\"{}\"", meta.sha256)))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(bytes))
}

/// «Прейскурант услуг» (F12.2): the price list as uploaded (PDF or XLSX), to save; 404 when
/// none is uploaded.
#[utoipa::path(tag = "content",
    responses(
        (status = 200, description = "The price list", content(
            (BinaryFile = "application/pdf"),
            (BinaryFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 404, response = NotFound),
    ))]
#[get("/services/price-list")]
pub async fn get_price_list(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    file_response(&state, FileSlot::PriceList).await
}

/// The company's logo as uploaded (PNG, JPEG or WebP); 404 when none is uploaded.
#[utoipa::path(tag = "content",
    responses(
        (status = 200, description = "The logo", content(
            (BinaryFile = "image/png"),
            (BinaryFile = "image/jpeg"),
            (BinaryFile = "image/webp"),
        )),
        (status = 404, response = NotFound),
    ))]
#[get("/branding/logo")]
pub async fn get_logo(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    file_response(&state, FileSlot::Logo).await
}

/// The content as admins edit it: with the branding, the logo and notes on what is not
/// verified yet (admins only).
#[utoipa::path(tag = "staff", security(("bearer" = [])),
    responses(
        (status = 200, description = "The content with admins' notes", body = StaffContent),
        (status = 403, response = Forbidden),
    ))]
#[get("/operator/content")]
pub async fn staff_content(
    state: web::Data<AppState>,
    _admin: Admin,
) -> ApiResult<web::Json<StaffContent>> {
    let store = state.store.as_ref();
    let site = Site::load(store, &state.config).await?;
    let branches = store.branches().await?;
    let files = store.file_metas().await?;
    let (branding, notes) = (site.branding.clone(), site.notes.clone());
    let mut content = site.public(Vec::new(), &files);
    content.branches = branches.into_iter().map(site::branch).collect();
    Ok(web::Json(StaffContent {
        content,
        branding,
        logo: site::file_of(&files, FileSlot::Logo),
        notes,
    }))
}

async fn save<T: Serialize>(
    state: &AppState,
    admin: &Admin,
    section: ContentSection,
    value: &T,
) -> ApiResult<()> {
    let body = serde_json::to_string(value).map_err(|e| ApiError::Internal(e.into()))?;
    state
        .store
        .put_section(
            section.as_str(),
            &body,
            None,
            Some(admin.0.user.id),
            Utc::now(),
        )
        .await?;
    tracing::info!(section = %section, "content saved");
    Ok(())
}

macro_rules! put_section {
    ($fn:ident, $path:literal, $section:expr, $ty:ty, |$body:ident| $check:expr, stored as |$v:ident| $stored:expr, $what:literal) => {
        #[doc = concat!("Replace ", $what, " (admins only). Saving clears the section's note.")]
        #[utoipa::path(tag = "staff", security(("bearer" = [])), request_body = $ty,
                    responses(
                        (status = 200, description = "Saved, as it will be shown", body = $ty),
                        (status = 403, response = Forbidden),
                    ))]
        #[put($path)]
        #[tracing::instrument(skip_all, fields(user_id = admin.0.user.id))]
        pub async fn $fn(
            state: web::Data<AppState>,
            Then(admin, body): Then<Admin, Json<$ty>>,
        ) -> ApiResult<web::Json<$ty>> {
            let $body = body.into_inner();
            let value: $ty = $check;
            let $v = &value;
            save(&state, &admin, $section, $stored).await?;
            Ok(web::Json(value))
        }
    };
}

put_section!(put_about, "/operator/content/about", ContentSection::About, About, |b| site::check_about(&b)?, stored as |v| v, "«О компании»");
put_section!(put_faq, "/operator/content/faq", ContentSection::Faq, FaqList, |b| FaqList { items: site::check_faq(&b.items)? }, stored as |v| &v.items, "the FAQ «Вопросы и ответы», in order");
put_section!(put_payment_methods, "/operator/content/payment-methods", ContentSection::PaymentMethods, PaymentMethodList, |b| PaymentMethodList { items: site::check_payment_methods(&b.items)? }, stored as |v| &v.items, "the payment methods of the «Оплата» tab, in order");
put_section!(put_help_tips, "/operator/content/help-tips", ContentSection::HelpTips, HelpTipList, |b| HelpTipList { items: site::check_help_tips(&b.items)? }, stored as |v| &v.items, "the tips of the help widget «Помощь по кабинету», in order");
put_section!(put_services, "/operator/content/services", ContentSection::Services, ServiceList, |b| ServiceList { items: site::check_services(&b.items)? }, stored as |v| &v.items, "the catalogue of services with prices (codes unique)");
put_section!(put_links, "/operator/content/links", ContentSection::Links, Links, |b| site::check_links(&b)?, stored as |v| v, "the links to the company's site, contract and tariff pages and online shop");
put_section!(put_branding, "/operator/content/branding", ContentSection::Branding, BrandingSettings, |b| site::check_branding(&b)?, stored as |v| v, "the company's name and support contacts");

/// Create a branch or replace the one with the same code (admins only). Accounts of the
/// registry belong to a branch by its code.
#[utoipa::path(tag = "staff", security(("bearer" = [])), request_body = Branch,
    responses(
        (status = 200, description = "Saved", body = Branch),
        (status = 403, response = Forbidden),
    ))]
#[put("/operator/branches")]
#[tracing::instrument(skip_all, fields(user_id = admin.0.user.id))]
pub async fn put_branch(
    state: web::Data<AppState>,
    Then(admin, body): Then<Admin, Json<Branch>>,
) -> ApiResult<web::Json<Branch>> {
    let record = site::check_branch(&body.code, &body.0)?;
    state.store.put_branch(&record).await?;
    tracing::info!(branch = %record.code, "branch saved");
    Ok(web::Json(site::branch(record)))
}

/// Delete a branch that no account belongs to (admins only; 409 `branch_in_use` otherwise).
#[utoipa::path(tag = "staff", security(("bearer" = [])), params(("code" = String, Path, description = "The branch's code")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    ))]
#[delete("/operator/branches/{code}")]
#[tracing::instrument(skip_all, fields(user_id = admin.0.user.id))]
pub async fn delete_branch(
    state: web::Data<AppState>,
    admin: Admin,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    match state.store.delete_branch(&code).await? {
        BranchDeletion::Deleted => {
            tracing::info!(branch = %code, "branch deleted");
            Ok(HttpResponse::NoContent().finish())
        }
        BranchDeletion::NotFound => Err(ApiError::NotFound),
        BranchDeletion::InUse => Err(ApiError::Conflict {
            code: ErrorCode::BranchInUse,
            detail: "К отделению относятся лицевые счета: его нельзя удалить.".into(),
        }),
    }
}

/// Upload the price list (PDF or XLSX, up to 5 MiB) or the logo (PNG, JPEG or WebP, up to
/// 512 KiB) as the raw body (admins only). The kind is judged by the bytes, not the name or
/// the `Content-Type`: anything else is 415 `unsupported_file`, an oversized file 413.
#[utoipa::path(tag = "staff", security(("bearer" = [])), params(("slot" = String, Path, description = "`price-list` or `logo`")),
    request_body(content = BinaryFile, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 200, description = "Stored", body = FileInfo),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
#[put("/operator/files/{slot}")]
#[tracing::instrument(skip_all, fields(user_id = admin.0.user.id))]
pub async fn put_file(
    state: web::Data<AppState>,
    admin: Admin,
    slot: web::Path<String>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> ApiResult<web::Json<FileInfo>> {
    use futures_util::StreamExt;
    let slot = FileSlot::parse(&slot).ok_or(ApiError::NotFound)?;
    let max = slot.max_bytes();
    let too_large = || ApiError::FileTooLarge(format!("Файл больше {} КиБ.", max / 1024));
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::BadRequest {
            code: ErrorCode::BadRequest,
            detail: "Файл передан не полностью.".into(),
        })?;
        if bytes.len() + chunk.len() > max {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    let accepted = match slot {
        FileSlot::PriceList => "PDF или XLSX",
        FileSlot::Logo => "PNG, JPEG или WebP",
    };
    let kind = FileKind::sniff(&bytes)
        .filter(|k| slot.accepts(*k))
        .ok_or_else(|| {
            ApiError::UnsupportedFile(format!(
                "Файл не является документом нужного типа ({accepted}); тип определяется по содержимому, а не по имени."
            ))
        })?;
    let sha256 = digest(&bytes);
    let now = Utc::now();
    state
        .store
        .put_file(&NewFile {
            slot,
            kind,
            bytes: &bytes,
            sha256,
            by: Some(admin.0.user.id),
            now,
        })
        .await?;
    tracing::info!(slot = %slot, kind = %kind, size = bytes.len(), "file uploaded");
    let files = state.store.file_metas().await?;
    site::file_of(&files, slot)
        .map(web::Json)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("uploaded file not found")))
}
