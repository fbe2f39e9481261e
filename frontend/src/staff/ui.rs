//! The console's own building blocks: inputs whose error is found by a path the server names
//! (`items[2].answer`), labels of statuses and roles, sizes of files, moving the focus.

use leptos::prelude::*;
use lk_api_types::{ApiScope, FileSlot, RequestStatus, Role};

use crate::api::ApiError;
use crate::components::form::{described_by, field_message};
use crate::format;
use crate::i18n::*;

pub use crate::components::form::unique_id;

/// Moves the focus to the element with `id` once the page has been drawn (after a list
/// changed under the focused button, or a window closed).
pub fn focus_later(id: String) {
    request_animation_frame(move || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id));
        if let Some(el) = element {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// Scrolls to the element with `id` and gives it the focus (a section's heading).
pub fn jump_to(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id));
    if let Some(el) = element {
        el.scroll_into_view();
        focus_later(id.to_owned());
    }
}

/// What an input looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of text.
    Line,
    /// A text area of this many rows.
    Area(u32),
    Url,
    Email,
    Tel,
    /// An amount (a price).
    Amount,
}

/// A labelled input bound to `value`. `name` is the field's path in the request, by which
/// the server names its error; the error shows under the input until the value is edited.
#[component]
pub fn Input(
    #[prop(into)] label: String,
    #[prop(into)] name: Signal<String>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(default = Kind::Line)] kind: Kind,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] readonly: bool,
    #[prop(optional)] required: bool,
    /// The input's id (to move the focus to it); a fresh one by default.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| unique_id("sf"));
    let hint = hint.filter(|h| !h.is_empty());
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = field_message(error, value, name);
    let described = described_by(&id, hint.is_some(), move || message.get());
    let invalid = move || message.with(Option::is_some).to_string();
    let control = match kind {
        Kind::Area(rows) => view! {
            <textarea
                class="field__input field__input--area"
                id=id.clone()
                name=move || name.get()
                rows=rows
                readonly=readonly
                required=required
                aria-invalid=invalid
                aria-describedby=described.clone()
                bind:value=value
            ></textarea>
        }
        .into_any(),
        _ => {
            let (ty, mode, autocomplete) = match kind {
                Kind::Url => ("url", None, "url"),
                Kind::Email => ("email", None, "email"),
                Kind::Tel => ("tel", None, "tel"),
                Kind::Amount => ("text", Some("decimal"), "off"),
                _ => ("text", None, "off"),
            };
            view! {
                <input
                    class="field__input"
                    id=id.clone()
                    name=move || name.get()
                    type=ty
                    inputmode=mode
                    autocomplete=autocomplete
                    readonly=readonly
                    required=required
                    aria-invalid=invalid
                    aria-describedby=described.clone()
                    bind:value=value
                />
            }
            .into_any()
        }
    };
    view! {
        <div class="field" class:field--invalid=move || message.with(Option::is_some)>
            <label class="field__label" for=id.clone()>{label}</label>
            {control}
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <Show when=move || message.with(Option::is_some)>
                <p class="field__error" id=err_id.clone()>{move || message.get()}</p>
            </Show>
        </div>
    }
}

/// A labelled list of choices bound to `value` (`""` for the first, "any", choice).
#[component]
pub fn Select(
    #[prop(into)] label: String,
    value: RwSignal<String>,
    /// (value, text)
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    let id = unique_id("ss");
    let hint_id = format!("{id}-hint");
    let described = hint.as_ref().map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label class="field__label" for=id.clone()>{label}</label>
            <select
                class="field__input"
                id=id
                aria-describedby=described
                data-testid=testid
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {move || {
                    let current = value.get_untracked();
                    options.get().into_iter().map(|(v, text)| {
                        let selected = v == current;
                        view! { <option value=v selected=selected>{text}</option> }
                    }).collect_view()
                }}
            </select>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
        </div>
    }
}

/// The summary of a refused form whose errors are at its fields: the inputs say what is
/// wrong; an error no input shows (a list that is too long) is said here.
#[component]
pub fn FieldErrors(
    #[prop(into)] error: Signal<Option<ApiError>>,
    /// The paths the form has inputs for.
    #[prop(into)]
    shown: Signal<Vec<String>>,
) -> impl IntoView {
    let text = move || {
        let error = error.get()?;
        if !error.has_field_errors() {
            return None;
        }
        let ApiError::Problem(p) = &error else {
            return None;
        };
        let shown = shown.get();
        let others: Vec<String> = p
            .errors
            .iter()
            .filter(|e| !shown.contains(&e.field))
            .map(|e| e.message.clone())
            .collect();
        Some(if others.is_empty() {
            td_string!(lang(), staff.ui.not_saved).to_owned()
        } else {
            td_string!(
                lang(),
                staff.ui.not_saved_because,
                errors = others.join(" ")
            )
        })
    };
    view! {
        <Show when=move || text().is_some()>
            <div class="alert alert--error" role="alert">{text}</div>
        </Show>
    }
}

/// A status as a coloured badge.
#[component]
pub fn StatusBadge(status: RequestStatus) -> impl IntoView {
    view! {
        <span class=format!("staff-status staff-status--{}", status.as_str())>{format::request_status(status)}</span>
    }
}

pub fn role_label(role: Role) -> &'static str {
    let l = lang();
    match role {
        Role::Subscriber => td_string!(l, staff.role.subscriber),
        Role::Operator => td_string!(l, staff.role.operator),
        Role::Admin => td_string!(l, staff.role.admin),
    }
}

/// What a right lets an API key do, in the admins' words.
pub fn scope_label(scope: ApiScope) -> &'static str {
    let l = lang();
    match scope {
        ApiScope::RegistryWrite => td_string!(l, staff.scope.registry_write),
        ApiScope::ReadingsRead => td_string!(l, staff.scope.readings_read),
        ApiScope::PaymentsWrite => td_string!(l, staff.scope.payments_write),
        ApiScope::PaymentsRead => td_string!(l, staff.scope.payments_read),
    }
}

/// The title of an uploaded file's slot.
pub fn slot_label(slot: FileSlot) -> &'static str {
    match slot {
        FileSlot::PriceList => td_string!(lang(), staff.files.price_list),
        FileSlot::Logo => td_string!(lang(), staff.files.logo),
    }
}

/// `950 байт`, `12,3 КиБ`, `1,2 МиБ`.
pub fn file_size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    let l = lang();
    if b < 1024.0 {
        td_string!(l, staff.ui.size_bytes, n = bytes)
    } else if b < 1024.0 * 1024.0 {
        td_string!(
            l,
            staff.ui.size_kib,
            n = crate::format::number(format!("{:.1}", b / 1024.0))
        )
    } else {
        td_string!(
            l,
            staff.ui.size_mib,
            n = crate::format::number(format!("{:.1}", b / 1024.0 / 1024.0))
        )
    }
}

/// The kind of a file from its media type: `PDF`, `XLSX`, `PNG`…
pub fn file_kind(content_type: &str) -> String {
    match content_type {
        "application/pdf" => "PDF".into(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "XLSX".into(),
        "image/png" => "PNG".into(),
        "image/jpeg" => "JPEG".into(),
        "image/webp" => "WebP".into(),
        other => other.to_owned(),
    }
}

/// A person's name from its parts, or `None` when no part is given.
pub fn full_name(parts: &[Option<&str>]) -> Option<String> {
    let parts: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A moment in the company's time zone (Moscow, UTC+3 all year): `25.11.2026 14:05`, as
/// [`crate::format`] writes it in the interface's language.
pub fn moscow_time(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::format::moscow_datetime(t)
}
