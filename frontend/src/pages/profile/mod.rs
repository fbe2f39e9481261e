//! «Профиль»: personal data with «Изменить», and the password change (F8.1); the tabs
//! «Настройка домов» (F8.2), «Мои обращения» and «Настройки» (F8.3) are in [`houses`],
//! [`requests`] and [`settings`].

mod houses;
mod requests;
mod sessions;
mod settings;
mod two_factor;

use leptos::prelude::*;
use lk_api_types::{ChangePasswordRequest, UpdateMeRequest};

use crate::api::{self, ApiError};
use crate::components::form::{set_title, ErrorAlert, Field, Submission, Submit, SuccessAlert};
use crate::i18n::*;
use crate::routes;
use crate::session::Session;

/// The profile's tabs, from the path's `:tab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Profile,
    Houses,
    Requests,
    Settings,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Profile, Tab::Houses, Tab::Requests, Tab::Settings];

    fn from_path(tab: Option<&str>) -> Self {
        match tab {
            Some("houses") => Tab::Houses,
            Some("requests") => Tab::Requests,
            Some("settings") => Tab::Settings,
            _ => Tab::Profile,
        }
    }

    fn label(self) -> &'static str {
        let l = lang();
        match self {
            Tab::Profile => td_string!(l, profile.tabs.profile),
            Tab::Houses => td_string!(l, profile.tabs.houses),
            Tab::Requests => td_string!(l, profile.tabs.requests),
            Tab::Settings => td_string!(l, profile.tabs.settings),
        }
    }

    fn href(self) -> &'static str {
        match self {
            Tab::Profile => routes::PROFILE,
            Tab::Houses => routes::PROFILE_HOUSES,
            Tab::Requests => routes::PROFILE_REQUESTS,
            Tab::Settings => routes::PROFILE_SETTINGS,
        }
    }
}

#[component]
pub fn Profile() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let tab = Memo::new(move |_| Tab::from_path(params.get().get("tab").as_deref()));
    Effect::new(move |_| set_title(tab.get().label()));
    let i18n = use_i18n();
    view! {
        <section class="page">
            <h1 class="page__title">{t!(i18n, profile.title)}</h1>
            <nav class="tabs tabs--grid" aria-label=move || t_string!(i18n, profile.tabs.label)>
                {Tab::ALL.map(|t| view! {
                    <a class="tabs__tab" class:tabs__tab--active=move || tab.get() == t href=t.href() aria-current=move || (tab.get() == t).then_some("page")>{t.label()}</a>
                })}
            </nav>
            {move || match tab.get() {
                Tab::Profile => view! {
                    <div class="grid-2">
                        <PersonalData/>
                        <ChangePassword/>
                    </div>
                    <two_factor::TwoFactor/>
                    <sessions::ActiveSessions/>
                }.into_any(),
                Tab::Houses => view! { <houses::HousesSettings/> }.into_any(),
                Tab::Requests => view! { <requests::MyRequests/> }.into_any(),
                Tab::Settings => view! { <settings::Settings/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn PersonalData() -> impl IntoView {
    let session = expect_context::<Session>();
    let editing = RwSignal::new(false);
    let last_name = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let patronymic = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let saved = RwSignal::new(None::<String>);
    let save = Submission::new(
        move |req: UpdateMeRequest| async move { api::me::update(session, &req).await },
        move |me| {
            session.me.set(Some(me));
            editing.set(false);
            saved.set(Some(td_string!(lang(), profile.personal.saved).into()));
        },
    );
    let error = save.error();

    let start_edit = move |_| {
        if let Some(me) = session.me.get_untracked() {
            last_name.set(me.last_name.unwrap_or_default());
            first_name.set(me.first_name.unwrap_or_default());
            patronymic.set(me.patronymic.unwrap_or_default());
            phone.set(me.phone.unwrap_or_default());
        }
        save.clear();
        saved.set(None);
        editing.set(true);
    };
    let on_submit = save.on_submit(move || {
        Ok(UpdateMeRequest {
            last_name: Some(last_name.get_untracked()),
            first_name: Some(first_name.get_untracked()),
            patronymic: Some(patronymic.get_untracked()),
            phone: Some(phone.get_untracked()),
        })
    });
    let show = |v: Option<String>| v.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into());
    let me = move || session.me.get();
    let i18n = use_i18n();

    view! {
        <div class="card">
            <div class="card__head">
                <h2 class="card__title">{t!(i18n, profile.personal.title)}</h2>
                <Show when=move || !editing.get()>
                    <button type="button" class="btn btn--secondary btn--small" on:click=start_edit>{t!(i18n, common.edit)}</button>
                </Show>
            </div>
            <SuccessAlert message=saved/>
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <dl class="facts">
                        <dt>{t!(i18n, common.person.last_name)}</dt><dd data-testid="last-name">{move || show(me().and_then(|m| m.last_name))}</dd>
                        <dt>{t!(i18n, common.person.first_name)}</dt><dd data-testid="first-name">{move || show(me().and_then(|m| m.first_name))}</dd>
                        <dt>{t!(i18n, common.person.patronymic)}</dt><dd>{move || show(me().and_then(|m| m.patronymic))}</dd>
                        <dt>{t!(i18n, common.person.phone)}</dt><dd>{move || show(me().and_then(|m| m.phone))}</dd>
                        <dt>{t!(i18n, common.person.email)}</dt><dd>{move || show(me().map(|m| m.email))}</dd>
                    </dl>
                }
            >
                <form class="form" on:submit=on_submit novalidate>
                    <ErrorAlert error=error/>
                    <Field label=td_string!(lang(), common.person.last_name) name="last_name" autocomplete="family-name" value=last_name error=error/>
                    <Field label=td_string!(lang(), common.person.first_name) name="first_name" autocomplete="given-name" value=first_name error=error/>
                    <Field label=td_string!(lang(), common.person.patronymic) name="patronymic" autocomplete="additional-name" value=patronymic error=error/>
                    <Field label=td_string!(lang(), common.person.phone) name="phone" kind="tel" autocomplete="tel" inputmode="tel" value=phone error=error/>
                    <div class="form__actions">
                        <Submit label=td_string!(lang(), common.save) pending=save.pending()/>
                        <button type="button" class="btn btn--ghost" on:click=move |_| editing.set(false)>{t!(i18n, common.cancel)}</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let session = expect_context::<Session>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let new2 = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let change = Submission::new(
        move |req: ChangePasswordRequest| async move { api::me::change_password(session, &req).await },
        move |()| {
            current.set(String::new());
            new.set(String::new());
            new2.set(String::new());
            done.set(Some(td_string!(lang(), profile.password.changed).into()));
        },
    );
    let on_submit = change.on_submit(move || {
        done.set(None);
        if new.get_untracked() != new2.get_untracked() {
            return Err(ApiError::invalid_field(
                "new_password2",
                td_string!(lang(), profile.password.mismatch),
            ));
        }
        Ok(ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        })
    });
    let error = change.error();
    let i18n = use_i18n();
    view! {
        <div class="card">
            <h2 class="card__title">{t!(i18n, profile.password.title)}</h2>
            <SuccessAlert message=done/>
            <form class="form" on:submit=on_submit novalidate>
                <ErrorAlert error=error/>
                <Field label=td_string!(lang(), profile.password.current) name="current_password" kind="password" autocomplete="current-password" required=true value=current error=error/>
                <Field label=td_string!(lang(), profile.password.new_password) name="new_password" kind="password" autocomplete="new-password" required=true value=new error=error
                    hint=td_string!(lang(), profile.password.new_password_hint)/>
                <Field label=td_string!(lang(), profile.password.repeat) name="new_password2" kind="password" autocomplete="new-password" required=true value=new2 error=error/>
                <Submit label=td_string!(lang(), profile.password.change) pending=change.pending()/>
            </form>
        </div>
    }
}
