//! Form building blocks: the submission of a form, labelled inputs with their errors, alerts,
//! submit buttons.

use std::future::Future;

use leptos::prelude::*;
use lk_api_types::ErrorCode;
use serde::Serialize;

use crate::api::{ApiError, IdempotencyKeys};
use crate::i18n::{lang, td_string};

/// How many times a form's request is sent again by itself after the server answered that it
/// was busy (429 `server_busy` with `Retry-After`).
const BUSY_RETRIES: u32 = 10;

/// Waits `secs` seconds (a browser timer).
async fn sleep_secs(secs: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let ms = i32::try_from(secs.saturating_mul(1000)).unwrap_or(i32::MAX);
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The submission of a form: its request runs in the background while `pending` (the submit
/// button waits), its failure stays in `error` — the fields it names show their messages next
/// to their inputs ([`Field`], [`Checkbox`]), the rest shows in [`ErrorAlert`] — and a success
/// clears the error and goes to `done`.
pub struct Submission<Req: 'static> {
    action: Action<Req, ()>,
    error: RwSignal<Option<ApiError>>,
}

impl<Req: 'static> Clone for Submission<Req> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Req: 'static> Copy for Submission<Req> {}

impl<Req: Clone + 'static> Submission<Req> {
    /// `send` asks the server; `done` takes its answer.
    pub fn new<Resp, Fut>(
        send: impl Fn(Req) -> Fut + 'static,
        done: impl Fn(Resp) + 'static,
    ) -> Self
    where
        Resp: 'static,
        Fut: Future<Output = Result<Resp, ApiError>> + 'static,
    {
        Self::with_error(RwSignal::new(None), send, done)
    }

    /// Another request of the same form (a preview, the next step) whose failures show where
    /// the form's other failures do: in `error`.
    pub fn with_error<Resp, Fut>(
        error: RwSignal<Option<ApiError>>,
        send: impl Fn(Req) -> Fut + 'static,
        done: impl Fn(Resp) + 'static,
    ) -> Self
    where
        Resp: 'static,
        Fut: Future<Output = Result<Resp, ApiError>> + 'static,
    {
        let done = StoredValue::new_local(done);
        let send = StoredValue::new_local(send);
        let action = Action::new_local(move |req: &Req| {
            let req = req.clone();
            async move {
                let mut retries = 0;
                let answer = loop {
                    let Some(answer) = send.try_with_value(|send| send(req.clone())) else {
                        return;
                    };
                    match answer.await {
                        Err(ApiError::Busy(p, secs)) if retries < BUSY_RETRIES => {
                            // The server is busy (a morning login storm): ask again when it
                            // says, counting down in the form, so that no click is lost.
                            retries += 1;
                            for left in (1..=secs).rev() {
                                error.set(Some(ApiError::Busy(p.clone(), left)));
                                sleep_secs(1).await;
                            }
                        }
                        answer => break answer,
                    }
                };
                match answer {
                    Ok(r) => {
                        error.set(None);
                        done.try_with_value(|done| done(r));
                    }
                    // Still busy after every retry: an error the user acts on (no promise of
                    // another retry that will not come).
                    Err(ApiError::Busy(p, _)) => error.set(Some(ApiError::Problem(p))),
                    Err(e) => error.set(Some(e)),
                }
            }
        });
        Self { action, error }
    }

    /// A request that creates something (a reading, a payment): `send` also gets the
    /// `Idempotency-Key` to send it with — the same one when the same request is sent again
    /// after it got no answer, so the server does it once.
    pub fn once<Resp, Fut>(
        send: impl Fn(Req, String) -> Fut + 'static,
        done: impl Fn(Resp) + 'static,
    ) -> Self
    where
        Req: Serialize,
        Resp: 'static,
        Fut: Future<Output = Result<Resp, ApiError>> + 'static,
    {
        let keys = StoredValue::new_local(IdempotencyKeys::default());
        Self::new(
            move |req: Req| {
                let key = keys
                    .try_update_value(|k| k.key_for(&req))
                    .unwrap_or_else(|| IdempotencyKeys::default().key_for(&req));
                let answer = send(req, key);
                async move {
                    let answer = answer.await;
                    keys.try_update_value(|k| k.settle(&answer));
                    answer
                }
            },
            done,
        )
    }

    /// Sends `req`.
    pub fn dispatch(&self, req: Req) {
        self.action.dispatch_local(req);
    }

    /// Sends the request, or shows why it cannot be sent (a check before asking the server).
    pub fn try_dispatch(&self, req: Result<Req, ApiError>) {
        match req {
            Ok(r) => self.dispatch(r),
            Err(e) => self.fail(e),
        }
    }

    /// The handler of the form's `submit` event: sends what `build` makes of the inputs.
    pub fn on_submit(
        self,
        build: impl Fn() -> Result<Req, ApiError> + Copy + 'static,
    ) -> impl Fn(leptos::ev::SubmitEvent) + Copy + 'static {
        move |ev| {
            ev.prevent_default();
            self.try_dispatch(build());
        }
    }

    /// Shows a failure found without asking the server.
    pub fn fail(&self, e: ApiError) {
        self.error.set(Some(e));
    }

    /// Takes the failure away.
    pub fn clear(&self) {
        self.error.set(None);
    }

    /// The last failure, for the inputs and alerts of the form.
    pub fn error(&self) -> RwSignal<Option<ApiError>> {
        self.error
    }

    /// The request is running.
    pub fn pending(&self) -> Signal<bool> {
        self.action.pending().into()
    }
}

/// What an optional input holds: its text, or nothing when it is blank.
pub fn optional(value: RwSignal<String>) -> Option<String> {
    Some(value.get_untracked()).filter(|v| !v.trim().is_empty())
}

/// Sets the document title: «<page> — Личный кабинет абонента».
pub fn set_title(page: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&crate::i18n::td_string!(
            crate::i18n::lang(),
            common.page_title,
            page = page
        ));
    }
}

thread_local! {
    static FIELDS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn next_field_number() -> u32 {
    FIELDS.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    })
}

/// An id unique in the document, `{prefix}-{n}`, from the same counter as the fields' ids.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}-{}", next_field_number())
}

/// The server's error for the request field `name`, while `value` is what it was given: an
/// error is about that value, so once the user edits it the error goes until the next answer.
pub fn field_message(
    error: Signal<Option<ApiError>>,
    value: RwSignal<String>,
    name: Signal<String>,
) -> Memo<Option<String>> {
    let edited = RwSignal::new(false);
    Effect::watch(
        move || error.track(),
        move |_, _, _| edited.set(false),
        false,
    );
    Effect::watch(
        move || value.track(),
        move |_, _, _| edited.set(true),
        false,
    );
    Memo::new(move |_| {
        if edited.get() {
            None
        } else {
            let name = name.get();
            error.with(|e| e.as_ref().and_then(|e| e.field(&name)))
        }
    })
}

/// The `aria-describedby` of the input `id`: its hint (`{id}-hint`, if it has one) and its
/// error (`{id}-error`, while `message` shows one).
pub fn described_by(
    id: &str,
    has_hint: bool,
    message: impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    let (err_id, hint_id) = (format!("{id}-error"), format!("{id}-hint"));
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(hint_id.clone());
        }
        if message().is_some() {
            ids.push(err_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A labelled input bound to `value`, with its error under it (from the server's problem).
#[component]
pub fn Field(
    label: &'static str,
    /// The request field this input fills, for matching server errors.
    name: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into, optional)] error: Signal<Option<ApiError>>,
    #[prop(optional)] inputmode: Option<&'static str>,
    /// A text of several lines: a text area of this many rows.
    #[prop(optional)]
    rows: Option<u32>,
    /// The least and the greatest value (of a date, say).
    #[prop(optional, into)]
    min: Option<String>,
    #[prop(optional, into)] max: Option<String>,
) -> impl IntoView {
    // Unique in the document: a window's form may lie over a page with a field of the same
    // name (the support form over the login form), and a label must name one input.
    let id = format!("f-{name}-{}", next_field_number());
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = field_message(error, value, Signal::stored(name.to_owned()));
    let message = move || message.get();
    let described = described_by(&id, hint.is_some(), message);
    view! {
        <div class="field" class:field--invalid=move || message().is_some()>
            <label class="field__label" for=id.clone()>{label}</label>
            {match rows {
                Some(rows) => view! {
                    <textarea
                        class="field__input field__input--area"
                        id=id
                        name=name
                        rows=rows
                        required=required
                        aria-invalid=move || message().is_some().to_string()
                        aria-describedby=described
                        bind:value=value
                    ></textarea>
                }
                .into_any(),
                None => view! {
                    <input
                        class="field__input"
                        id=id
                        name=name
                        type=kind
                        autocomplete=autocomplete
                        inputmode=inputmode
                        min=min
                        max=max
                        required=required
                        aria-invalid=move || message().is_some().to_string()
                        aria-describedby=described
                        bind:value=value
                    />
                }
                .into_any(),
            }}
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <Show when=move || message().is_some()>
                <p class="field__error" id=err_id.clone() role="alert">{message}</p>
            </Show>
        </div>
    }
}

/// A checkbox with its label and error.
#[component]
pub fn Checkbox(
    name: &'static str,
    checked: RwSignal<bool>,
    #[prop(into, optional)] error: Signal<Option<ApiError>>,
    children: Children,
) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.field(name));
    view! {
        <div class="field">
            <label class="check">
                <input type="checkbox" name=name bind:checked=checked aria-invalid=move || message().is_some().to_string()/>
                <span>{children()}</span>
            </label>
            <Show when=move || message().is_some()>
                <p class="field__error" role="alert">{message}</p>
            </Show>
        </div>
    }
}

/// A labelled list to choose one of `options` (value, text) from, bound to `value`, with its
/// error under it.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
    #[prop(into, optional)] error: Signal<Option<ApiError>>,
) -> impl IntoView {
    let id = format!("f-{name}-{}", next_field_number());
    let err_id = format!("{id}-error");
    let message = move || error.get().and_then(|e| e.field(name));
    let described = {
        let err_id = err_id.clone();
        move || message().is_some().then(|| err_id.clone())
    };
    let selected = value.get_untracked();
    view! {
        <div class="field" class:field--invalid=move || message().is_some()>
            <label class="field__label" for=id.clone()>{label}</label>
            <select
                class="field__input field__input--select"
                id=id
                name=name
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {options.into_iter().map(|(v, text)| {
                    let is_selected = v == selected;
                    view! { <option value=v selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
            <Show when=move || message().is_some()>
                <p class="field__error" id=err_id.clone() role="alert">{message}</p>
            </Show>
        </div>
    }
}

/// The error of a failed request that is not about one field.
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    let busy = move || error.get().and_then(|e| e.retry_after());
    view! {
        <Show when=move || error.get().is_some_and(|e| e.retry_after().is_none() && (!e.has_field_errors() || e.code() != Some(ErrorCode::ValidationFailed)))>
            <div class="alert alert--error" role="alert">{move || error.get().map(|e| e.message())}</div>
        </Show>
        // Not an error: the request is sent again by itself (see `Submission`).
        <Show when=move || busy().is_some()>
            <div class="alert alert--warning" role="status" data-testid="busy-retry">
                {move || busy().map(|secs| td_string!(lang(), core.errors.busy_retrying, secs = secs))}
            </div>
        </Show>
    }
}

/// A success message.
#[component]
pub fn SuccessAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div class="alert alert--success" role="status">{move || message.get()}</div>
        </Show>
    }
}

/// The submit button; shows progress and is disabled while the request runs.
#[component]
pub fn Submit(label: &'static str, #[prop(into)] pending: Signal<bool>) -> impl IntoView {
    view! {
        <button class="btn btn--primary btn--block" type="submit" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
            <Show when=move || pending.get()>
                <span class="spinner spinner--small" aria-hidden="true"></span>
            </Show>
            {label}
        </button>
    }
}

/// The value after `#token=` in the address (links in e-mails carry tokens in the fragment,
/// which browsers never send to servers, so tokens stay out of access logs).
pub fn token_from_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .map(str::to_owned)
        .filter(|t| !t.is_empty())
}
