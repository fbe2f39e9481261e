//! «Прейскурант и логотип»: the price list (PDF or XLSX, F12.2) and the logo (PNG, JPEG or
//! WebP) uploaded as files. The server judges a file by its bytes, not its name: a renamed
//! file is refused with its reason, shown as the server words it.

use leptos::prelude::*;
use lk_api_types::{FileInfo, FileSlot};
use wasm_bindgen::{JsCast, JsValue};

use super::lists::Section;
use super::ui::{file_kind, file_size, moscow_time, slot_label, unique_id};
use crate::api::{self, ApiError};
use crate::components::form::{ErrorAlert, Submission, SuccessAlert};
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn FilesSection(price_list: Option<FileInfo>, logo: Option<FileInfo>) -> impl IntoView {
    view! {
        <Section id="files" title=td_string!(lang(), staff.content.files) lead=td_string!(lang(), staff.files.lead) note=Signal::derive(|| None::<String>)>
            <div class="staff-files">
                <FileSlotCard which=FileSlot::PriceList current=price_list/>
                <FileSlotCard which=FileSlot::Logo current=logo/>
            </div>
        </Section>
    }
}

/// The name, the size and (on its way) the bytes of the file chosen in `input`, if any.
fn chosen_file(input: &web_sys::HtmlInputElement) -> Option<(String, f64, js_sys::Promise)> {
    let files = js_sys::Reflect::get(input, &JsValue::from_str("files")).ok()?;
    let file = js_sys::Reflect::get(&files, &JsValue::from_f64(0.0))
        .ok()
        .filter(|f| !f.is_undefined() && !f.is_null())?;
    let name = js_sys::Reflect::get(&file, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    let blob: web_sys::Blob = file.unchecked_into();
    Some((name, blob.size(), blob.array_buffer()))
}

fn no_file() -> ApiError {
    ApiError::invalid_field("file", td_string!(lang(), staff.files.choose))
}

#[component]
fn FileSlotCard(which: FileSlot, current: Option<FileInfo>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let slot = which;
    let current = RwSignal::new(current);
    let input = NodeRef::<leptos::html::Input>::new();
    let done = RwSignal::new(None::<String>);
    let title = slot_label(slot);
    let (accept, rule) = match slot {
        FileSlot::PriceList => (
            ".pdf,.xlsx,application/pdf,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            td_string!(lang(), staff.files.price_list_rule),
        ),
        FileSlot::Logo => (
            ".png,.jpg,.jpeg,.webp,image/png,image/jpeg,image/webp",
            td_string!(lang(), staff.files.logo_rule),
        ),
    };
    let max = slot.max_bytes();
    let upload = Submission::new(
        move |()| async move {
            let el = input.get_untracked().ok_or_else(no_file)?;
            let (_, size, bytes) = chosen_file(&el).ok_or_else(no_file)?;
            if size > max as f64 {
                return Err(ApiError::invalid_field(
                    "file",
                    &td_string!(
                        lang(),
                        staff.files.too_big,
                        size = file_size(size as i64),
                        max = file_size(max as i64)
                    ),
                ));
            }
            let buffer = wasm_bindgen_futures::JsFuture::from(bytes)
                .await
                .map_err(|_| {
                    ApiError::invalid_field("file", td_string!(lang(), staff.files.unreadable))
                })?;
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            api::staff::upload(session, slot, bytes).await
        },
        move |info: FileInfo| {
            if slot == FileSlot::Logo {
                session
                    .branding
                    .update(|b| b.logo_url = Some(info.url.clone()));
            }
            done.set(Some(
                match slot {
                    FileSlot::PriceList => td_string!(lang(), staff.files.price_list_done),
                    FileSlot::Logo => td_string!(lang(), staff.files.logo_done),
                }
                .to_owned(),
            ));
            current.set(Some(info));
            if let Some(el) = input.get_untracked() {
                el.set_value("");
            }
        },
    );
    let error = upload.error();
    let pending = upload.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        upload.dispatch(());
    };
    let field_error = move || error.get().and_then(|e| e.field("file"));
    let id = unique_id(&format!("file-{}", slot.as_str()));
    let (err_id, rule_id) = (format!("{id}-error"), format!("{id}-rule"));
    let described = {
        let (err_id, rule_id) = (err_id.clone(), rule_id.clone());
        move || {
            if field_error().is_some() {
                format!("{rule_id} {err_id}")
            } else {
                rule_id.clone()
            }
        }
    };
    view! {
        <form class="staff-file" on:submit=on_submit novalidate data-testid=format!("file-{}", slot.as_str())>
            <h3 class="staff-file__title">{title}</h3>
            <div class="staff-file__current" data-testid="file-current">
                {move || match current.get() {
                    None => view! { <p class="muted">{t!(i18n, staff.files.none)}</p> }.into_any(),
                    Some(f) => view! {
                        {(slot == FileSlot::Logo).then(|| view! { <img class="staff-file__logo" src=f.url.clone() alt=td_string!(lang(), staff.files.current_logo)/> })}
                        <p>
                            {td_string!(lang(), staff.files.current, kind = file_kind(&f.content_type), size = file_size(f.size), at = moscow_time(f.updated_at))}" "
                            <a href=f.url.clone() target="_blank" rel="noopener">{if slot == FileSlot::Logo { td_string!(lang(), staff.files.open) } else { td_string!(lang(), staff.files.download) }}</a>
                        </p>
                    }.into_any(),
                }}
            </div>
            <SuccessAlert message=done/>
            <ErrorAlert error=error/>
            <div class="field" class:field--invalid=move || field_error().is_some()>
                <label class="field__label" for=id.clone()>{t!(i18n, staff.files.new_file)}</label>
                <input
                    class="field__input staff-file__input"
                    id=id
                    type="file"
                    name="file"
                    accept=accept
                    node_ref=input
                    aria-invalid=move || field_error().is_some().to_string()
                    aria-describedby=described
                    on:change=move |_| {
                        done.set(None);
                        error.set(None);
                    }
                />
                <p class="field__hint" id=rule_id>{rule}</p>
                <Show when=move || field_error().is_some()>
                    <p class="field__error" id=err_id.clone()>{field_error}</p>
                </Show>
            </div>
            <div class="form__actions">
                <button class="btn btn--primary" type="submit" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()>
                        <span class="spinner spinner--small" aria-hidden="true"></span>
                    </Show>
                    {t!(i18n, staff.files.upload)}
                </button>
            </div>
        </form>
    }
}
