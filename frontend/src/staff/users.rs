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
use crate::session::Session;

#[component]
pub fn UsersPage() -> impl IntoView {
    set_title("Сотрудники и ключи API — Администрирование");
    view! {
        <AdminOnly what="Сотрудники и ключи API">
            <section class="staff-part" aria-labelledby="staff-users-title">
                <h2 class="staff-part__title" id="staff-users-title">"Сотрудники"</h2>
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
            done.set(Some(if u.disabled {
                format!(
                    "{} отключён(а): сеансы завершены, вход закрыт.",
                    user_name(&u)
                )
            } else {
                format!("{} снова может входить.", user_name(&u))
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
        <p class="muted staff-lead">"Операторы отвечают на обращения; администраторы ещё и ведут содержимое сайта. Новых сотрудников заводят командой "<code>"lk user create"</code>"."</p>
        <SuccessAlert message=done/>
        <Show when=move || confirm.get().is_none()>
            <ErrorAlert error=error/>
        </Show>
        {move || match (list.get(), users.get()) {
            (Some(l), _) => view! {
                <div class="card staff-table-card">
                    <table class="table staff-table staff-table--users" data-testid="staff-users">
                        <caption class="staff-sr">"Сотрудники"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Сотрудник"</th>
                                <th scope="col">"E-mail"</th>
                                <th scope="col">"Роль"</th>
                                <th scope="col">"Доступ"</th>
                                <th scope="col">"Добавлен"</th>
                                <th scope="col"><span class="staff-sr">"Действие"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {l.into_iter().map(|u| {
                                let is_me = me() == Some(u.id);
                                let name = full_name(&[u.last_name.as_deref(), u.first_name.as_deref()]).unwrap_or_else(|| "—".into());
                                let target = u.clone();
                                let disabled = u.disabled;
                                view! {
                                    <tr class:staff-table__row--off=disabled data-testid="staff-user">
                                        <td data-label="Сотрудник">{name}</td>
                                        <td data-label="E-mail" class="staff-table__email">{u.email.clone()}</td>
                                        <td data-label="Роль">{role_label(u.role)}</td>
                                        <td data-label="Доступ">
                                            {if disabled {
                                                view! { <span class="staff-status staff-status--rejected">"Отключён"</span> }.into_any()
                                            } else {
                                                view! { <span class="staff-status staff-status--done">"Активен"</span> }.into_any()
                                            }}
                                        </td>
                                        <td data-label="Добавлен">{moscow_time(u.created_at)}</td>
                                        <td data-label="Действие" class="staff-table__action">
                                            {if is_me {
                                                view! { <span class="muted">"Это вы"</span> }.into_any()
                                            } else if disabled {
                                                view! {
                                                    <button type="button" class="btn btn--secondary btn--small" id=toggle_id(u.id)
                                                        aria-label=format!("Включить: {}", u.email)
                                                        disabled=move || pending.get()
                                                        on:click=move |_| { done.set(None); toggle.dispatch((target.id, false)); }
                                                    >"Включить"</button>
                                                }.into_any()
                                            } else {
                                                view! {
                                                    <button type="button" class="btn btn--danger btn--small" id=toggle_id(u.id)
                                                        aria-label=format!("Отключить: {}", u.email)
                                                        on:click=move |_| { done.set(None); error.set(None); confirm.set(Some(target.clone())); }
                                                    >"Отключить"</button>
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
                    <span>"Загрузка…"</span>
                </div>
            }.into_any(),
        }}
        {move || confirm.get().map(|u| {
            let id = u.id;
            let text = format!("{} ({}) не сможет войти; все его сеансы завершатся сразу. Включить доступ снова можно здесь же.", user_name(&u), u.email);
            view! {
                <Modal title=Signal::derive(|| "Отключить сотрудника?".to_owned()) on_close=close>
                    <ErrorAlert error=error/>
                    <p>{text}</p>
                    <div class="form__actions">
                        <button type="button" class="btn btn--danger" disabled=move || pending.get() on:click=move |_| toggle.dispatch((id, true))>"Отключить"</button>
                        <button type="button" class="btn btn--ghost" on:click=move |_| close.run(())>"Отмена"</button>
                    </div>
                </Modal>
            }
        })}
    }
}
