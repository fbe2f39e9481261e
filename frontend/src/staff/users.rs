//! «Сотрудники» (admins only): the company's operators and admins, with «Отключить» (after a
//! confirmation: the user's sessions end at once and they cannot sign in) and «Включить».
//! New staff are created with the admin CLI (`lk user create --role operator|admin`). Below
//! them, the integrators' «Ключи API» ([`super::api_keys`]): who else may reach the data.

use leptos::prelude::*;
use lk_api_types::StaffUser;

use super::api_keys::ApiKeysSection;
use super::ui::{focus_later, full_name, moscow_time, role_label};
use super::AdminOnly;
use crate::api;
use crate::components::form::{set_title, ErrorAlert, Submission, SuccessAlert};
use crate::components::modal::Modal;
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    set_title(td_string!(lang(), staff.users.title));
    view! {
        <AdminOnly what=td_string!(lang(), staff.console.tab_users)>
            <section class="staff-part" aria-labelledby="staff-users-title">
                <h2 class="staff-part__title" id="staff-users-title">{t!(i18n, staff.users.heading)}</h2>
                <UsersList/>
            </section>
            <ApiKeysSection/>
        </AdminOnly>
    }
}

fn user_name(u: &StaffUser) -> String {
    full_name(&[u.last_name.as_deref(), u.first_name.as_deref()]).unwrap_or_else(|| u.email.clone())
}

fn toggle_id(id: i64) -> String {
    format!("user-{id}-access")
}

#[component]
fn UsersList() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let users = LocalResource::new(move || api::staff::users(session));
    let list = RwSignal::new(None::<Vec<StaffUser>>);
    Effect::new(move |_| {
        if let Some(Ok(u)) = users.get() {
            list.set(Some(u));
        }
    });
    let confirm = RwSignal::new(None::<StaffUser>);
    let done = RwSignal::new(None::<String>);
    let me = move || session.me.with(|m| m.as_ref().map(|m| m.id));
    let toggle = Submission::new(
        move |(id, disabled): (i64, bool)| api::staff::set_disabled(session, id, disabled),
        move |u: StaffUser| {
            let name = user_name(&u);
            done.set(Some(if u.disabled {
                td_string!(lang(), staff.users.disabled_done, name)
            } else {
                td_string!(lang(), staff.users.enabled_done, name)
            }));
            let id = u.id;
            list.update(|l| {
                if let Some(x) = l.as_mut().and_then(|l| l.iter_mut().find(|x| x.id == u.id)) {
                    *x = u;
                }
            });
            confirm.set(None);
            focus_later(toggle_id(id));
        },
    );
    let error = toggle.error();
    let pending = toggle.pending();
    let close = Callback::new(move |_: ()| {
        let id = confirm.get_untracked().map(|u| u.id);
        confirm.set(None);
        error.set(None);
        if let Some(id) = id {
            focus_later(toggle_id(id));
        }
    });
    view! {
        <p class="muted staff-lead">{t!(i18n, staff.users.lead, command = || view! { <code>"lk user create"</code> })}</p>
        <SuccessAlert message=done/>
        <Show when=move || confirm.get().is_none()>
            <ErrorAlert error=error/>
        </Show>
        {move || match (list.get(), users.get()) {
            (Some(l), _) => view! {
                <div class="card staff-table-card">
                    <table class="table staff-table staff-table--users" data-testid="staff-users">
                        <caption class="staff-sr">{t!(i18n, staff.users.heading)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, staff.users.col_user)}</th>
                                <th scope="col">{t!(i18n, staff.email)}</th>
                                <th scope="col">{t!(i18n, staff.users.col_role)}</th>
                                <th scope="col">{t!(i18n, staff.users.col_access)}</th>
                                <th scope="col">{t!(i18n, staff.users.col_added)}</th>
                                <th scope="col"><span class="staff-sr">{t!(i18n, staff.action)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {l.into_iter().map(|u| {
                                let is_me = me() == Some(u.id);
                                let name = full_name(&[u.last_name.as_deref(), u.first_name.as_deref()]).unwrap_or_else(|| "—".into());
                                let target = u.clone();
                                let disabled = u.disabled;
                                let l = lang();
                                view! {
                                    <tr class:staff-table__row--off=disabled data-testid="staff-user">
                                        <td data-label=td_string!(l, staff.users.col_user)>{name}</td>
                                        <td data-label=td_string!(l, staff.email) class="staff-table__email">{u.email.clone()}</td>
                                        <td data-label=td_string!(l, staff.users.col_role)>{role_label(u.role)}</td>
                                        <td data-label=td_string!(l, staff.users.col_access)>
                                            {if disabled {
                                                view! { <span class="staff-status staff-status--rejected">{td_string!(l, staff.users.off)}</span> }.into_any()
                                            } else {
                                                view! { <span class="staff-status staff-status--done">{td_string!(l, staff.users.on)}</span> }.into_any()
                                            }}
                                        </td>
                                        <td data-label=td_string!(l, staff.users.col_added)>{moscow_time(u.created_at)}</td>
                                        <td data-label=td_string!(l, staff.action) class="staff-table__action">
                                            {if is_me {
                                                view! { <span class="muted">{td_string!(l, staff.users.me)}</span> }.into_any()
                                            } else if disabled {
                                                view! {
                                                    <button type="button" class="btn btn--secondary btn--small" id=toggle_id(u.id)
                                                        aria-label=td_string!(l, staff.users.enable_label, email = u.email.clone())
                                                        disabled=move || pending.get()
                                                        on:click=move |_| { done.set(None); toggle.dispatch((target.id, false)); }
                                                    >{td_string!(l, staff.users.enable)}</button>
                                                }.into_any()
                                            } else {
                                                view! {
                                                    <button type="button" class="btn btn--danger btn--small" id=toggle_id(u.id)
                                                        aria-label=td_string!(l, staff.users.disable_label, email = u.email.clone())
                                                        on:click=move |_| { done.set(None); error.set(None); confirm.set(Some(target.clone())); }
                                                    >{td_string!(l, staff.users.disable)}</button>
                                                }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
            (None, Some(Err(e))) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
            (None, _) => view! {
                <div class="staff-loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    <span>{t!(i18n, staff.loading)}</span>
                </div>
            }.into_any(),
        }}
        {move || confirm.get().map(|u| {
            let id = u.id;
            let text = td_string!(lang(), staff.users.confirm_text, name = user_name(&u), email = u.email.clone());
            view! {
                <Modal title=Signal::derive(|| td_string!(lang(), staff.users.confirm_title).to_owned()) on_close=close>
                    <ErrorAlert error=error/>
                    <p>{text}</p>
                    <div class="form__actions">
                        <button type="button" class="btn btn--danger" disabled=move || pending.get() on:click=move |_| toggle.dispatch((id, true))>{t!(i18n, staff.users.disable)}</button>
                        <button type="button" class="btn btn--ghost" on:click=move |_| close.run(())>{t!(i18n, staff.cancel)}</button>
                    </div>
                </Modal>
            }
        })}
    }
}
