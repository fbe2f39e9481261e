//! «Мастер добавления ЛС» (F4): bind an account to a house by its number and its meter's,
//! then optionally name the meter. Opened from the main page and from the houses' settings.

use leptos::prelude::*;
use lk_api_types::{BindAccountRequest, MeterResponse, UpdateMeterRequest};

use crate::api::{self, ApiError};
use crate::components::form::{ErrorAlert, Field, Submission, Submit};
use crate::components::modal::Modal;
use crate::format;
use crate::i18n::*;
use crate::session::Session;

/// «Мастер добавления ЛС»: step 1 the numbers, step 2 success and «Переименовать счетчик».
#[component]
pub fn AddAccount(house_id: i64, on_close: Callback<()>) -> impl IntoView {
    crate::components::lazy::dialog(
        td_string!(lang(), dialogs.add_account.title),
        add_account_chunk(house_id, on_close),
        on_close,
    )
}

/// The wizard's code, in the `dialogs` chunk (see [`crate::components::lazy`]).
#[leptos::wasm_split::wasm_split(dialogs, wasm_split_path = ::leptos::wasm_split, fallible)]
fn add_account_chunk(
    house_id: i64,
    on_close: Callback<()>,
) -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
    Ok(view! { <Wizard house_id on_close/> }.into_any())
}

#[component]
fn Wizard(house_id: i64, on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let account_number = RwSignal::new(String::new());
    let meter_number = RwSignal::new(String::new());
    let bound = RwSignal::new(None::<(String, Vec<MeterResponse>)>);
    let renaming = RwSignal::new(false);
    let label = RwSignal::new(String::new());
    let renamed = RwSignal::new(None::<String>);

    // Binding answers the house; its meters come with the next request, for step 2.
    let bind = Submission::new(
        move |req: BindAccountRequest| async move {
            let house = api::houses::bind_account(session, house_id, &req).await?;
            let number = house.account.map(|a| a.number).unwrap_or_default();
            let meters = api::meters::list(session, &number)
                .await
                .unwrap_or_default();
            Ok::<_, ApiError>((number, meters))
        },
        move |b| bound.set(Some(b)),
    );
    let rename = Submission::with_error(
        bind.error(),
        move |req: UpdateMeterRequest| async move {
            let Some((number, meters)) = bound.get_untracked() else {
                return Ok(None);
            };
            let Some(m) = meters.first() else {
                return Ok(None);
            };
            api::meters::rename(session, &number, m.id, &req)
                .await
                .map(Some)
        },
        move |m: Option<MeterResponse>| {
            if let Some(m) = m {
                renaming.set(false);
                renamed.set(m.label);
            }
        },
    );
    let on_bind = bind.on_submit(move || {
        Ok(BindAccountRequest {
            account_number: account_number.get_untracked(),
            meter_number: meter_number.get_untracked(),
        })
    });
    let on_rename = rename.on_submit(move || {
        Ok(UpdateMeterRequest {
            label: Some(label.get_untracked()),
        })
    });
    let error = bind.error();
    let title = Signal::derive(move || {
        if bound.get().is_some() {
            td_string!(lang(), dialogs.add_account.title_done).to_owned()
        } else {
            td_string!(lang(), dialogs.add_account.title).to_owned()
        }
    });
    let i18n = use_i18n();
    view! {
        <Modal title=title on_close=on_close>
            <Show
                when=move || bound.get().is_some()
                fallback=move || view! {
                    <p class="muted">{t!(i18n, dialogs.add_account.step1)}</p>
                    <form class="form" on:submit=on_bind novalidate>
                        <ErrorAlert error=error/>
                        <Field label=td_string!(lang(), dialogs.add_account.account_number) name="account_number" inputmode="numeric" value=account_number error=error/>
                        <Field label=td_string!(lang(), dialogs.add_account.meter_number) name="meter_number" value=meter_number error=error/>
                        <Submit label=td_string!(lang(), dialogs.add_account.add) pending=bind.pending()/>
                    </form>
                }
            >
                <p class="muted">{t!(i18n, dialogs.add_account.step2)}</p>
                <div class="alert alert--success" role="status">
                    {move || td_string!(lang(), dialogs.add_account.added, number = bound.get().map(|b| b.0).unwrap_or_default())}
                </div>
                {move || bound.get().and_then(|(_, m)| m.first().cloned()).map(|m| view! {
                    <p><strong data-testid="meter-name">{move || format::meter_name(renamed.get().as_deref(), &m.serial)}</strong>" · "{m.model.clone()}</p>
                })}
                <Show
                    when=move || renaming.get()
                    fallback=move || view! {
                        <p><button type="button" class="link-btn" on:click=move |_| renaming.set(true)>{t!(i18n, dialogs.add_account.rename)}</button></p>
                    }
                >
                    <form class="form" on:submit=on_rename novalidate>
                        <ErrorAlert error=error/>
                        <Field label=td_string!(lang(), dialogs.add_account.meter_label) name="label" value=label error=error hint=td_string!(lang(), dialogs.add_account.meter_label_hint)/>
                        <Submit label=td_string!(lang(), common.save) pending=rename.pending()/>
                    </form>
                </Show>
                <button type="button" class="btn btn--primary btn--block" on:click=move |_| on_close.run(())>{t!(i18n, dialogs.add_account.finish)}</button>
            </Show>
        </Modal>
    }
}
