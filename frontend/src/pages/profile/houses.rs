//! Profile tab «Настройка домов» (F8.2): rename a house or change its address, view and remove
//! its account, add an account, delete the house.

use leptos::prelude::*;
use lk_api_types::{HouseResponse, UpdateHouseRequest};

use crate::api;
use crate::components::add_account::AddAccount;
use crate::components::form::{ErrorAlert, Field, Submission, Submit};
use crate::components::layout::Splash;
use crate::components::modal::Modal;
use crate::format;
use crate::i18n::*;
use crate::routes;
use crate::session::Session;

#[derive(Clone, PartialEq)]
enum Confirm {
    None,
    Unbind(HouseResponse),
    Delete(HouseResponse),
    AddAccount(i64),
}

#[component]
pub fn HousesSettings() -> impl IntoView {
    let session = expect_context::<Session>();
    let houses = LocalResource::new(move || api::houses::list(session));
    let confirm = RwSignal::new(Confirm::None);
    let reload = Callback::new(move |_| {
        confirm.set(Confirm::None);
        houses.refetch();
    });
    let i18n = use_i18n();
    view! {
        {move || match houses.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <div class="card empty"><p>{t!(i18n, profile.houses.empty)}</p><a class="btn btn--primary" href=routes::HOME>{t!(i18n, profile.houses.add_house)}</a></div>
            }.into_any(),
            Some(Ok(list)) => view! {
                <div class="stack">
                    {list.into_iter().map(|h| view! { <HouseSettings house=h confirm=confirm on_saved=reload/> }).collect_view()}
                </div>
            }.into_any(),
        }}
        {move || match confirm.get() {
            Confirm::None => ().into_any(),
            Confirm::AddAccount(id) => view! { <AddAccount house_id=id on_close=reload/> }.into_any(),
            Confirm::Unbind(h) => view! {
                <ConfirmDialog
                    title=td_string!(lang(), profile.houses.unbind_title)
                    text=td_string!(lang(), profile.houses.unbind_text, number = h.account.map(|a| a.number).unwrap_or_default(), house = h.name)
                    action=td_string!(lang(), profile.houses.unbind)
                    removal=Removal::Account(h.id)
                    on_done=reload
                />
            }.into_any(),
            Confirm::Delete(h) => view! {
                <ConfirmDialog
                    title=td_string!(lang(), profile.houses.delete_title)
                    text=td_string!(lang(), profile.houses.delete_text, house = h.name)
                    action=td_string!(lang(), profile.houses.delete)
                    removal=Removal::House(h.id)
                    on_done=reload
                />
            }.into_any(),
        }}
    }
}

#[component]
fn HouseSettings(
    house: HouseResponse,
    confirm: RwSignal<Confirm>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let editing = RwSignal::new(false);
    let name = RwSignal::new(house.name.clone());
    let address = RwSignal::new(house.address.clone());
    let id = house.id;
    let save = Submission::new(
        move |req: UpdateHouseRequest| async move { api::houses::update(session, id, &req).await },
        move |_| on_saved.run(()),
    );
    let on_submit = save.on_submit(move || {
        Ok(UpdateHouseRequest {
            name: Some(name.get_untracked()),
            address: Some(address.get_untracked()),
        })
    });
    let error = save.error();
    let h_unbind = StoredValue::new(house.clone());
    let h_delete = StoredValue::new(house.clone());
    let i18n = use_i18n();
    view! {
        <div class="card" data-testid="house-settings">
            <div class="card__head">
                <div>
                    <h2 class="card__title">{house.name.clone()}</h2>
                    <p class="muted house__address">{house.address.clone()}</p>
                </div>
                <Show when=move || !editing.get()>
                    <button type="button" class="btn btn--secondary btn--small" on:click=move |_| editing.set(true)>{t!(i18n, common.edit)}</button>
                </Show>
            </div>
            <Show when=move || editing.get()>
                <form class="form" on:submit=on_submit novalidate>
                    <ErrorAlert error=error/>
                    <Field label=td_string!(lang(), profile.houses.name) name="name" value=name error=error/>
                    <Field label=td_string!(lang(), profile.houses.address) name="address" value=address error=error/>
                    <div class="form__actions">
                        <Submit label=td_string!(lang(), common.save) pending=save.pending()/>
                        <button type="button" class="btn btn--ghost" on:click=move |_| editing.set(false)>{t!(i18n, common.cancel)}</button>
                    </div>
                </form>
            </Show>
            {match house.account.clone() {
                Some(a) => view! {
                    <div class="settings__account">
                        <p>{t!(i18n, profile.houses.account_no)}<strong>{a.number.clone()}</strong>" · "{format::balance(a.balance).0}" "{format::balance(a.balance).1}</p>
                        <button type="button" class="btn btn--ghost btn--small" on:click=move |_| confirm.set(Confirm::Unbind(h_unbind.get_value()))>{t!(i18n, profile.houses.unbind)}</button>
                    </div>
                }.into_any(),
                None => view! {
                    <div class="settings__account">
                        <p class="muted">{t!(i18n, profile.houses.no_account)}</p>
                        <button type="button" class="btn btn--primary btn--small" on:click=move |_| confirm.set(Confirm::AddAccount(id))>{t!(i18n, profile.houses.add_account)}</button>
                    </div>
                }.into_any(),
            }}
            <div class="settings__danger">
                <button type="button" class="btn btn--danger btn--small" on:click=move |_| confirm.set(Confirm::Delete(h_delete.get_value()))>{t!(i18n, profile.houses.delete)}</button>
            </div>
        </div>
    }
}

/// What a confirmed removal removes.
#[derive(Clone, Copy)]
enum Removal {
    /// The account from the house.
    Account(i64),
    House(i64),
}

#[component]
fn ConfirmDialog(
    title: &'static str,
    text: String,
    action: &'static str,
    removal: Removal,
    on_done: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let run = Submission::new(
        move |()| async move {
            match removal {
                Removal::Account(id) => api::houses::unbind_account(session, id).await,
                Removal::House(id) => api::houses::delete(session, id).await,
            }
        },
        move |()| on_done.run(()),
    );
    let pending = run.pending();
    let i18n = use_i18n();
    view! {
        <Modal title=Signal::derive(move || title.to_owned()) on_close=on_done>
            <ErrorAlert error=run.error()/>
            <p>{text}</p>
            <div class="form__actions">
                <button type="button" class="btn btn--danger" on:click=move |_| run.dispatch(()) disabled=move || pending.get()>{action}</button>
                <button type="button" class="btn btn--ghost" on:click=move |_| on_done.run(())>{t!(i18n, common.cancel)}</button>
            </div>
        </Modal>
    }
}
