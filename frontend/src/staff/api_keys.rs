//! «Ключи API» (admins only, below the staff on their page): the keys the billing system and the
//! banks call the integration API with — the list with «Отозвать» (after a confirmation: the
//! key stops working at once), and «Новый ключ»: a name and the rights it gives. The new key
//! is shown once, with «Скопировать»; afterwards only its first characters are.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use lk_api_types::{ApiKeyInfo, ApiScope, CreatedApiKey, ErrorCode};
use wasm_bindgen::JsCast;

use super::lists::SaveButton;
use super::ui::{focus_later, moscow_time, scope_label, unique_id, Input};
use crate::api;
use crate::api::ApiError;
use crate::components::form::{ErrorAlert, Submission, SuccessAlert};
use crate::components::modal::Modal;
use crate::i18n::*;
use crate::session::Session;

fn revoke_id(id: i64) -> String {
    format!("api-key-{id}-revoke")
}

const NEW_KEY_TITLE: &str = "api-key-created-title";
const NAME_ID: &str = "api-key-name";

/// Copies `text` to the clipboard (the asynchronous Clipboard API, called through JS so the
/// SPA needs no more `web-sys` bindings); false where the browser refuses.
async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let get = |target: &wasm_bindgen::JsValue, key: &str| {
        js_sys::Reflect::get(target, &key.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let Some(clipboard) = get(window.as_ref(), "navigator").and_then(|n| get(&n, "clipboard"))
    else {
        return false;
    };
    let Some(write) =
        get(&clipboard, "writeText").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    let Some(promise) = write
        .call1(&clipboard, &text.into())
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Selects the text of the input with `id` (to copy it by hand).
fn select_text(id: &str) {
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
        input.select();
    }
}

/// The browser's clock, as the moment a key was revoked until the list is read again.
fn browser_now() -> Option<DateTime<Utc>> {
    String::from(js_sys::Date::new_0().to_iso_string())
        .parse()
        .ok()
}

#[component]
pub fn ApiKeysSection() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let keys = LocalResource::new(move || api::staff::api_keys(session));
    let list = RwSignal::new(None::<Vec<ApiKeyInfo>>);
    Effect::new(move |_| {
        if let Some(Ok(k)) = keys.get() {
            list.set(Some(k));
        }
    });
    let created = RwSignal::new(None::<CreatedApiKey>);
    let confirm = RwSignal::new(None::<ApiKeyInfo>);
    let done = RwSignal::new(None::<String>);
    let revoke = Submission::new(
        move |id: i64| api::staff::revoke_api_key(session, id),
        move |()| {
            let Some(key) = confirm.get_untracked() else {
                return;
            };
            done.set(Some(td_string!(
                lang(),
                staff.api_keys.revoked_done,
                name = key.name.clone()
            )));
            list.update(|l| {
                if let Some(k) = l
                    .as_mut()
                    .and_then(|l| l.iter_mut().find(|k| k.id == key.id))
                {
                    k.revoked_at = browser_now();
                }
            });
            confirm.set(None);
            keys.refetch();
            focus_later("api-keys-title".to_owned());
        },
    );
    let revoke_error = revoke.error();
    let revoking = revoke.pending();
    let close = Callback::new(move |_: ()| {
        let id = confirm.get_untracked().map(|k| k.id);
        confirm.set(None);
        revoke_error.set(None);
        if let Some(id) = id {
            focus_later(revoke_id(id));
        }
    });
    let on_created = Callback::new(move |c: CreatedApiKey| {
        done.set(None);
        list.update(|l| {
            if let Some(l) = l.as_mut() {
                l.insert(0, c.info.clone());
            }
        });
        created.set(Some(c));
        focus_later(NEW_KEY_TITLE.to_owned());
    });
    view! {
        <section class="staff-part staff-keys" id="api-keys" aria-labelledby="api-keys-title" data-testid="api-keys">
            <h2 class="staff-part__title" id="api-keys-title" tabindex="-1">{t!(i18n, staff.api_keys.title)}</h2>
            <p class="muted staff-lead">{t!(i18n, staff.api_keys.lead)}</p>
            {move || created.get().map(|c| view! { <NewKey created=c on_close=Callback::new(move |_: ()| created.set(None))/> })}
            <SuccessAlert message=done/>
            <Show when=move || confirm.get().is_none()>
                <ErrorAlert error=revoke_error/>
            </Show>
            {move || match (list.get(), keys.get()) {
                (Some(l), _) if l.is_empty() => view! {
                    <div class="card staff-keys__empty" data-testid="api-keys-empty">
                        <p>{t!(i18n, staff.api_keys.empty)}</p>
                    </div>
                }.into_any(),
                (Some(l), _) => view! { <KeysTable keys=l confirm=confirm done=done/> }.into_any(),
                (None, Some(Err(e))) => view! {
                    <div class="alert alert--error" role="alert">
                        {e.message()}" "
                        <button type="button" class="btn btn--secondary btn--small" on:click=move |_| keys.refetch()>{t!(i18n, staff.api_keys.retry)}</button>
                    </div>
                }.into_any(),
                (None, _) => view! {
                    <div class="staff-loading" role="status">
                        <span class="spinner" aria-hidden="true"></span>
                        <span>{t!(i18n, staff.loading)}</span>
                    </div>
                }.into_any(),
            }}
            <NewKeyForm on_created=on_created/>
        </section>
        {move || confirm.get().map(|k| {
            let id = k.id;
            let text = td_string!(
                lang(),
                staff.api_keys.confirm_text,
                name = k.name.clone(),
                prefix = k.prefix.clone()
            );
            view! {
                <Modal title=Signal::derive(|| td_string!(lang(), staff.api_keys.confirm_title).to_owned()) on_close=close>
                    <ErrorAlert error=revoke_error/>
                    <p>{text}</p>
                    <div class="form__actions">
                        <button type="button" class="btn btn--danger" disabled=move || revoking.get() on:click=move |_| revoke.dispatch(id)>{t!(i18n, staff.api_keys.revoke)}</button>
                        <button type="button" class="btn btn--ghost" on:click=move |_| close.run(())>{t!(i18n, staff.cancel)}</button>
                    </div>
                </Modal>
            }
        })}
    }
}

#[component]
fn KeysTable(
    keys: Vec<ApiKeyInfo>,
    confirm: RwSignal<Option<ApiKeyInfo>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = lang();
    view! {
        <div class="card staff-table-card">
            <table class="table staff-table staff-table--keys" data-testid="api-keys-table">
                <caption class="staff-sr">{t!(i18n, staff.api_keys.title)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, staff.api_keys.col_name)}</th>
                        <th scope="col">{t!(i18n, staff.api_keys.col_prefix)}</th>
                        <th scope="col">{t!(i18n, staff.api_keys.col_scopes)}</th>
                        <th scope="col">{t!(i18n, staff.api_keys.col_created)}</th>
                        <th scope="col">{t!(i18n, staff.api_keys.col_last_used)}</th>
                        <th scope="col">{t!(i18n, staff.api_keys.col_state)}</th>
                        <th scope="col"><span class="staff-sr">{t!(i18n, staff.action)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {keys.into_iter().map(|k| {
                        let revoked = k.revoked_at;
                        let target = k.clone();
                        view! {
                            <tr class:staff-table__row--off=revoked.is_some() data-testid="api-key">
                                <td data-label=td_string!(l, staff.api_keys.col_name) class="staff-keys__name">{k.name.clone()}</td>
                                <td data-label=td_string!(l, staff.api_keys.col_prefix)><code class="staff-keys__prefix">{format!("{}…", k.prefix)}</code></td>
                                <td data-label=td_string!(l, staff.api_keys.col_scopes)>
                                    <ul class="staff-keys__scopes">
                                        {k.scopes.iter().map(|s| view! { <li>{scope_label(*s)}" "<code>{s.as_str()}</code></li> }).collect_view()}
                                    </ul>
                                </td>
                                <td data-label=td_string!(l, staff.api_keys.col_created) class="staff-table__date">{moscow_time(k.created_at)}</td>
                                <td data-label=td_string!(l, staff.api_keys.col_last_used) class="staff-table__date">
                                    {k.last_used_at.map_or_else(|| td_string!(l, staff.api_keys.never_used).to_owned(), moscow_time)}
                                </td>
                                <td data-label=td_string!(l, staff.api_keys.col_state)>
                                    {match revoked {
                                        Some(at) => view! {
                                            <span>
                                                <span class="staff-status staff-status--rejected">{td_string!(l, staff.api_keys.revoked)}</span>
                                                <span class="staff-keys__when">{moscow_time(at)}</span>
                                            </span>
                                        }.into_any(),
                                        None => view! { <span class="staff-status staff-status--done">{td_string!(l, staff.api_keys.active)}</span> }.into_any(),
                                    }}
                                </td>
                                <td data-label=td_string!(l, staff.action) class="staff-table__action">
                                    {revoked.is_none().then(|| view! {
                                        <button type="button" class="btn btn--danger btn--small" id=revoke_id(k.id)
                                            aria-label=td_string!(l, staff.api_keys.revoke_label, name = k.name.clone())
                                            on:click=move |_| { done.set(None); confirm.set(Some(target.clone())); }
                                        >{td_string!(l, staff.api_keys.revoke)}</button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The new key, shown this once.
#[component]
fn NewKey(created: CreatedApiKey, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let input_id = unique_id("api-key");
    let copied = RwSignal::new(None::<bool>);
    let key = created.key.clone();
    let select_id = input_id.clone();
    let copy = move |_| {
        let key = key.clone();
        let select_id = select_id.clone();
        leptos::task::spawn_local(async move {
            let ok = copy_text(&key).await;
            if !ok {
                select_text(&select_id);
            }
            copied.set(Some(ok));
        });
    };
    view! {
        <div class="card staff-keys__created" role="region" aria-labelledby=NEW_KEY_TITLE data-testid="api-key-created">
            <h3 class="staff-keys__created-title" id=NEW_KEY_TITLE tabindex="-1">{t!(i18n, staff.api_keys.created_title, name = created.info.name.clone())}</h3>
            <div class="alert alert--warning" role="note">
                <strong>{t!(i18n, staff.api_keys.copy_now)}" "</strong>
                {t!(i18n, staff.api_keys.copy_now_tail)}
            </div>
            <label class="field__label" for=input_id.clone()>{t!(i18n, staff.api_keys.key)}</label>
            <div class="staff-keys__secret">
                <input class="field__input staff-keys__value" id=input_id readonly type="text" autocomplete="off" spellcheck="false"
                    value=created.key.clone() data-testid="api-key-value"
                    on:focus=move |ev| {
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }/>
                <button type="button" class="btn btn--primary" on:click=copy>{t!(i18n, staff.api_keys.copy)}</button>
            </div>
            <p class="staff-keys__copied" role="status">
                {move || match copied.get() {
                    Some(true) => td_string!(lang(), staff.api_keys.copied),
                    Some(false) => td_string!(lang(), staff.api_keys.copy_failed),
                    None => "",
                }}
            </p>
            <div class="form__actions">
                <button type="button" class="btn btn--secondary" on:click=move |_| on_close.run(())>{t!(i18n, staff.api_keys.hide)}</button>
            </div>
        </div>
    }
}

/// «Новый ключ»: a name and at least one right.
#[component]
fn NewKeyForm(on_created: Callback<CreatedApiKey>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let name = RwSignal::new(String::new());
    let chosen: Vec<(ApiScope, RwSignal<bool>)> = ApiScope::ALL
        .iter()
        .map(|s| (*s, RwSignal::new(false)))
        .collect();
    let chosen = StoredValue::new(chosen);
    let create = Submission::new(
        move |(name, scopes): (String, Vec<ApiScope>)| {
            let answer = api::staff::create_api_key(session, name, scopes);
            async move {
                answer.await.map_err(|e| match e.code() {
                    // A live key has the name: said at the name.
                    Some(ErrorCode::Conflict) => ApiError::invalid_field("name", &e.message()),
                    _ => e,
                })
            }
        },
        move |c: CreatedApiKey| {
            name.set(String::new());
            chosen.with_value(|c| c.iter().for_each(|(_, on)| on.set(false)));
            on_created.run(c);
        },
    );
    let error = create.error();
    let on_submit = create.on_submit(move || {
        let scopes = chosen.with_value(|c| {
            c.iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(s, _)| *s)
                .collect()
        });
        Ok((name.get_untracked(), scopes))
    });
    // The rights' error shows until a right is ticked or unticked, as an input's does.
    let scopes_edited = RwSignal::new(false);
    Effect::watch(
        move || error.track(),
        move |_, _, _| scopes_edited.set(false),
        false,
    );
    let scopes_error = Memo::new(move |_| {
        if scopes_edited.get() {
            None
        } else {
            error.with(|e| e.as_ref().and_then(|e| e.field("scopes")))
        }
    });
    let group_error_id = unique_id("api-key-scopes-error");
    let described = group_error_id.clone();
    view! {
        <form class="card form staff-keys__form" on:submit=on_submit novalidate data-testid="api-key-form" aria-labelledby="api-key-form-title">
            <h3 class="staff-keys__form-title" id="api-key-form-title">{t!(i18n, staff.api_keys.new_title)}</h3>
            <ErrorAlert error=error/>
            <Input label=td_string!(lang(), staff.api_keys.col_name) name="name" value=name error=error id=NAME_ID
                hint=td_string!(lang(), staff.api_keys.name_hint)/>
            <fieldset class="staff-keys__rights" class:field--invalid=move || scopes_error.with(Option::is_some)
                aria-describedby=move || scopes_error.with(Option::is_some).then(|| described.clone())>
                <legend class="field__label">{t!(i18n, staff.api_keys.col_scopes)}</legend>
                {chosen.with_value(|c| c.iter().map(|(s, on)| {
                    let on = *on;
                    view! {
                        <label class="check">
                            <input type="checkbox" name="scopes" value=s.as_str() bind:checked=on
                                on:change=move |_| scopes_edited.set(true)
                                aria-invalid=move || scopes_error.with(Option::is_some).to_string()/>
                            <span>{format!("{} ({})", scope_label(*s), s.as_str())}</span>
                        </label>
                    }
                }).collect_view())}
                <Show when=move || scopes_error.with(Option::is_some)>
                    <p class="field__error" id=group_error_id.clone()>{move || scopes_error.get()}</p>
                </Show>
            </fieldset>
            <div class="form__actions">
                <SaveButton label=td_string!(lang(), staff.api_keys.create) pending=create.pending()/>
            </div>
        </form>
    }
}
