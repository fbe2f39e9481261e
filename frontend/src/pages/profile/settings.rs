//! Profile tab «Настройки» (F8.3): the user's preferences, kept on the server — the language
//! of the interface, whether the main page shows the help widget «Помощь по кабинету», the
//! e-mail reminders and the paperless receipt of each account (X4).

use leptos::prelude::*;
use lk_api_types::{
    PaperlessChange, ReminderSettings, UpdateReminderSettingsRequest, UpdateSettingsRequest,
    UserSettings,
};
use lk_domain::Language;

use crate::api;
use crate::components::form::{ErrorAlert, Submission, SuccessAlert};
use crate::components::language::choose;
use crate::components::layout::Splash;
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn Settings() -> impl IntoView {
    let session = expect_context::<Session>();
    let settings = LocalResource::new(move || api::me::settings(session));
    let i18n = use_i18n();
    view! {
        <div class="card settings">
            <h2 class="card__title">{t!(i18n, profile.settings.title)}</h2>
            <LanguageSetting/>
            {move || match settings.get() {
                None => view! { <Splash/> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="alert alert--error" role="alert">{e.message()}</div>
                    <button type="button" class="btn btn--secondary" on:click=move |_| settings.refetch()>{t!(i18n, common.retry)}</button>
                }.into_any(),
                Some(Ok(s)) => view! { <HelpSetting initial=s/> }.into_any(),
            }}
            <Reminders/>
        </div>
    }
}

/// «Язык»: Russian or English, each named in its own language; choosing one saves it on the
/// server and shows the app in it at once.
#[component]
fn LanguageSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let option = move |language: Language, name: &'static str| {
        let checked = move || to_language(i18n.get_locale()) == language;
        view! {
            <label class="check">
                <input
                    type="radio"
                    name="language"
                    value=language.as_str()
                    prop:checked=checked
                    on:change=move |_| choose(i18n, session, language)
                />
                <span lang=language.as_str()>{name}</span>
            </label>
        }
    };
    view! {
        <fieldset class="field settings__language" data-testid="language-setting">
            <legend class="field__label">{t!(i18n, profile.settings.language)}</legend>
            {option(Language::Ru, td_string!(lang(), profile.settings.language_ru))}
            {option(Language::En, td_string!(lang(), profile.settings.language_en))}
        </fieldset>
    }
}

#[component]
fn HelpSetting(initial: UserSettings) -> impl IntoView {
    let session = expect_context::<Session>();
    // What the server keeps, and what the switch shows (ahead of the server while it saves).
    let kept = RwSignal::new(!initial.help_hidden);
    let show = RwSignal::new(!initial.help_hidden);
    let saved = RwSignal::new(None::<String>);
    let save = Submission::new(
        move |req: UpdateSettingsRequest| async move { api::me::save_settings(session, &req).await },
        move |s: UserSettings| {
            kept.set(!s.help_hidden);
            show.set(!s.help_hidden);
            saved.set(Some(
                if s.help_hidden {
                    td_string!(lang(), profile.settings.help_hidden)
                } else {
                    td_string!(lang(), profile.settings.help_shown)
                }
                .into(),
            ));
        },
    );
    let (error, saving) = (save.error(), save.pending());
    // Refused (not while a busy server is asked again): the switch shows what the server kept.
    Effect::new(move |_| {
        if error.get().is_some_and(|e| e.retry_after().is_none()) {
            show.set(kept.get_untracked());
        }
    });
    let on_change = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        show.set(wanted);
        saved.set(None);
        save.clear();
        save.dispatch(UpdateSettingsRequest {
            help_hidden: Some(!wanted),
            language: None,
        });
    };
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label class="check">
                <input
                    type="checkbox"
                    name="show_help"
                    prop:checked=move || show.get()
                    disabled=move || saving.get()
                    aria-describedby="show-help-hint"
                    on:change=on_change
                />
                <span>{t!(i18n, profile.settings.show_help)}</span>
            </label>
            <p class="field__hint settings__hint" id="show-help-hint">
                {t!(i18n, profile.settings.show_help_hint)}
            </p>
        </div>
        <SuccessAlert message=saved/>
        <ErrorAlert error=error/>
        // A refusal naming a field: this form has no other place to show it.
        {move || error.get().filter(|e| e.has_field_errors()).map(|e| view! { <div class="alert alert--error" role="alert">{e.message()}</div> })}
    }
}

/// «Напоминания на электронную почту» and «Электронная квитанция» (X4): each switch is saved
/// on the server at once; the answer is what the page shows.
#[component]
fn Reminders() -> impl IntoView {
    let session = expect_context::<Session>();
    let loaded = LocalResource::new(move || api::me::reminders(session));
    let i18n = use_i18n();
    view! {
        {move || match loaded.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Err(e)) => view! {
                <div class="alert alert--error" role="alert">{e.message()}</div>
                <button type="button" class="btn btn--secondary" on:click=move |_| loaded.refetch()>{t!(i18n, common.retry)}</button>
            }.into_any(),
            Some(Ok(s)) => view! { <ReminderSwitches initial=s/> }.into_any(),
        }}
    }
}

#[component]
fn ReminderSwitches(initial: ReminderSettings) -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    let threshold_text = initial
        .debt_threshold
        .map(|d| d.to_string())
        .unwrap_or_default();
    let settings = RwSignal::new(initial);
    let threshold = RwSignal::new(threshold_text);
    let saved = RwSignal::new(None::<String>);
    let submission = Submission::new(
        move |req: UpdateReminderSettingsRequest| async move {
            api::me::save_reminders(session, &req).await
        },
        move |s: ReminderSettings| {
            if let Some(d) = s.debt_threshold {
                threshold.set(d.to_string());
            }
            settings.set(s);
            saved.set(Some(td_string!(lang(), profile.settings.saved).into()));
        },
    );
    let (error, saving) = (submission.error(), submission.pending());
    // Refused (not while a busy server is asked again): the switches show what the server kept.
    Effect::new(move |_| {
        if error.get().is_some_and(|e| e.retry_after().is_none()) {
            settings.update(|_| {});
        }
    });
    let threshold_error = move || error.get().and_then(|e| e.field("debt_threshold"));
    let save = move |req: UpdateReminderSettingsRequest| {
        saved.set(None);
        submission.clear();
        submission.dispatch(req);
    };
    let switch = move |name: &'static str,
                       label: String,
                       get: fn(&ReminderSettings) -> bool,
                       set: fn(&mut UpdateReminderSettingsRequest, bool)| {
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    name=name
                    prop:checked=move || settings.with(get)
                    disabled=move || saving.get()
                    on:change=move |ev| {
                        let mut req = UpdateReminderSettingsRequest::default();
                        set(&mut req, event_target_checked(&ev));
                        save(req);
                    }
                />
                <span>{label}</span>
            </label>
        }
    };
    let on_debt = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let text = threshold.get_untracked().trim().to_owned();
        save(UpdateReminderSettingsRequest {
            debt: Some(on),
            debt_threshold: (on && !text.is_empty()).then_some(text),
            ..Default::default()
        });
    };
    let on_threshold = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        threshold.set(text.clone());
        if settings.with_untracked(|s| s.debt) && !text.trim().is_empty() {
            save(UpdateReminderSettingsRequest {
                debt_threshold: Some(text.trim().to_owned()),
                ..Default::default()
            });
        }
    };
    view! {
        <fieldset class="field settings__reminders" data-testid="reminder-settings">
            <legend class="field__label">{t!(i18n, profile.settings.reminders)}</legend>
            <p class="field__hint settings__hint">{t!(i18n, profile.settings.reminders_hint)}</p>
            {switch("remind_window_opens", td_string!(lang(), profile.settings.remind_window_opens).into(), |s| s.window_opens, |r, on| r.window_opens = Some(on))}
            {switch("remind_window_closes", td_string!(lang(), profile.settings.remind_window_closes).into(), |s| s.window_closes, |r, on| r.window_closes = Some(on))}
            {switch("remind_invoice", td_string!(lang(), profile.settings.remind_invoice).into(), |s| s.invoice, |r, on| r.invoice = Some(on))}
            {switch("remind_payment", td_string!(lang(), profile.settings.remind_payment).into(), |s| s.payment, |r, on| r.payment = Some(on))}
            <label class="check">
                <input
                    type="checkbox"
                    name="remind_debt"
                    prop:checked=move || settings.with(|s| s.debt)
                    disabled=move || saving.get()
                    on:change=on_debt
                />
                <span>{t!(i18n, profile.settings.remind_debt)}</span>
            </label>
            <label class="field__label" for="debt-threshold">{t!(i18n, profile.settings.debt_threshold)}</label>
            <input
                id="debt-threshold"
                class="input"
                name="debt_threshold"
                inputmode="decimal"
                autocomplete="off"
                maxlength="20"
                prop:value=move || threshold.get()
                aria-invalid=move || threshold_error().is_some().to_string()
                aria-describedby=move || threshold_error().map(|_| "debt-threshold-error")
                on:change=on_threshold
            />
            <Show when=move || threshold_error().is_some()>
                <p class="field__error" id="debt-threshold-error" role="alert">{threshold_error}</p>
            </Show>
        </fieldset>
        <fieldset class="field settings__paperless" data-testid="paperless-settings">
            <legend class="field__label">{t!(i18n, profile.settings.paperless)}</legend>
            <p class="field__hint settings__hint">{t!(i18n, profile.settings.paperless_hint)}</p>
            {move || {
                let accounts = settings.with(|s| s.paperless.clone());
                if accounts.is_empty() {
                    return view! { <p>{t!(i18n, profile.settings.paperless_none)}</p> }.into_any();
                }
                accounts
                    .into_iter()
                    .map(|a| {
                        let number = a.account_number.clone();
                        let label = td_string!(
                            lang(),
                            profile.settings.paperless_account,
                            number = &a.account_number,
                            house = &a.house_name
                        );
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="paperless"
                                    value=a.account_number.clone()
                                    prop:checked=a.enabled
                                    disabled=move || saving.get()
                                    on:change=move |ev| {
                                        save(UpdateReminderSettingsRequest {
                                            paperless: Some(vec![PaperlessChange {
                                                account_number: number.clone(),
                                                enabled: event_target_checked(&ev),
                                            }]),
                                            ..Default::default()
                                        });
                                    }
                                />
                                <span>{label}</span>
                            </label>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </fieldset>
        <SuccessAlert message=saved/>
        <ErrorAlert error=error/>
        // A refusal naming another field than the amount (the accounts of «Электронная
        // квитанция»): shown here, the amount's under its input.
        {move || error.get().filter(|e| e.has_field_errors() && e.field("debt_threshold").is_none()).map(|e| view! { <div class="alert alert--error" role="alert">{e.message()}</div> })}
    }
}
