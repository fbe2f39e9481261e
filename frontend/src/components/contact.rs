//! «Задать вопрос» (F2.4) and «Обратиться в Техническую поддержку» (F1.4): the manual's
//! window of a message to the contact centre, filled in from the profile when signed in.

use leptos::prelude::*;
use lk_api_types::{ContactRequestBody, ContactResponse, MeResponse, RequestKind};

use crate::api;
use crate::components::form::{optional, ErrorAlert, Field, Submission, Submit};
use crate::components::modal::Modal;
use crate::i18n::*;
use crate::session::Session;

/// The window of `kind`: [`RequestKind::Support`] goes to technical support, any other kind
/// is a question.
#[component]
pub fn ContactDialog(kind: RequestKind, on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let me = session.me.get_untracked();
    let from_profile = |f: fn(&MeResponse) -> Option<String>| {
        RwSignal::new(me.as_ref().and_then(f).unwrap_or_default())
    };
    let last_name = from_profile(|m| m.last_name.clone());
    let first_name = from_profile(|m| m.first_name.clone());
    let patronymic = from_profile(|m| m.patronymic.clone());
    let email = from_profile(|m| Some(m.email.clone()));
    let phone = from_profile(|m| m.phone.clone());
    let text = RwSignal::new(String::new());
    // Never shown to people: robots fill it, and their message goes nowhere.
    let website = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    // The address the request was sent with, for the acknowledgement.
    let sent_to = StoredValue::new(String::new());
    let send = Submission::new(
        move |body: ContactRequestBody| async move {
            match kind {
                RequestKind::Support => api::requests::ask_support(session, &body).await,
                _ => api::requests::ask_question(session, &body).await,
            }
        },
        move |r: ContactResponse| {
            done.set(Some(td_string!(
                lang(),
                dialogs.contact.accepted,
                number = r.number,
                email = sent_to.get_value()
            )))
        },
    );
    let on_submit = send.on_submit(move || {
        sent_to.set_value(email.get_untracked().trim().to_owned());
        Ok(ContactRequestBody {
            last_name: last_name.get_untracked(),
            first_name: first_name.get_untracked(),
            patronymic: optional(patronymic),
            email: email.get_untracked(),
            phone: optional(phone),
            text: text.get_untracked(),
            website: optional(website),
        })
    });
    let error = send.error();
    let title = match kind {
        RequestKind::Support => td_string!(lang(), dialogs.contact.title_support),
        _ => td_string!(lang(), common.ask_question),
    };
    let i18n = use_i18n();
    view! {
        <Modal title=Signal::derive(move || title.to_owned()) on_close=on_close>
            <Show when=move || done.get().is_none() fallback=move || view! {
                <div class="alert alert--success" role="status" data-testid="contact-ack">{move || done.get()}</div>
                <button type="button" class="btn btn--primary btn--block" on:click=move |_| on_close.run(())>{t!(i18n, common.close)}</button>
            }>
                <form class="form" on:submit=on_submit novalidate>
                    <ErrorAlert error=error/>
                    <Field label=td_string!(lang(), common.person.last_name) name="last_name" autocomplete="family-name" required=true value=last_name error=error/>
                    <Field label=td_string!(lang(), common.person.first_name) name="first_name" autocomplete="given-name" required=true value=first_name error=error/>
                    <Field label=td_string!(lang(), common.person.patronymic) name="patronymic" autocomplete="additional-name" value=patronymic error=error/>
                    <Field label=td_string!(lang(), common.person.email) name="email" kind="email" autocomplete="email" inputmode="email" required=true value=email error=error/>
                    <Field label=td_string!(lang(), common.person.phone) name="phone" kind="tel" autocomplete="tel" inputmode="tel" value=phone error=error/>
                    <Field label=td_string!(lang(), dialogs.contact.message) name="text" rows=5 required=true value=text error=error/>
                    <div class="honeypot" aria-hidden="true">
                        <label>{t!(i18n, dialogs.contact.honeypot)}" "<input type="text" name="website" tabindex="-1" autocomplete="off" bind:value=website/></label>
                    </div>
                    <Submit label=td_string!(lang(), dialogs.contact.send) pending=send.pending()/>
                </form>
            </Show>
        </Modal>
    }
}

/// The window's code, in the `dialogs` chunk (see [`crate::components::lazy`]): the header
/// and the login page offer it, but few open it.
#[leptos::wasm_split::wasm_split(dialogs, wasm_split_path = ::leptos::wasm_split, fallible)]
fn contact_chunk(
    kind: RequestKind,
    on_close: Callback<()>,
) -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
    Ok(view! { <ContactDialog kind on_close/> }.into_any())
}

/// A link-like button that opens the contact window of `kind`.
#[component]
pub fn ContactButton(
    kind: RequestKind,
    label: &'static str,
    #[prop(default = "link-btn")] class: &'static str,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button type="button" class=class on:click=move |_| open.set(true)>{label}</button>
        <Show when=move || open.get()>
            {
                let on_close = Callback::new(move |_| open.set(false));
                crate::components::lazy::dialog(label, contact_chunk(kind, on_close), on_close)
            }
        </Show>
    }
}
