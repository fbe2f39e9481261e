//! «Отделения»: the company's branches (the «Контакты» pages, F2.7, F14.1) — list, edit, add,
//! delete with a confirmation. Accounts belong to a branch by its code, so the code of a
//! saved branch is not edited, and a branch accounts belong to cannot be deleted (409).

use leptos::prelude::*;
use lk_api_types::Branch;

use super::lists::{SaveButton, Section};
use super::ui::{focus_later, Input, Kind};
use crate::api;
use crate::components::form::{ErrorAlert, Submission, SuccessAlert};
use crate::components::modal::Modal;
use crate::session::Session;

/// The open window.
#[derive(Clone)]
enum Open {
    None,
    /// Editing a branch (`None`: a new one); the focus returns to `from` on close.
    Edit(Option<Branch>, String),
    Delete(Branch, String),
}

const ADD_ID: &str = "branch-add";

fn branch_id(code: &str) -> String {
    let safe: String = code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("branch-{safe}")
}

#[component]
pub fn BranchesSection(branches: RwSignal<Vec<Branch>>) -> impl IntoView {
    let open = RwSignal::new(Open::None);
    let done = RwSignal::new(None::<String>);
    let close = Callback::new(move |_: ()| {
        let from = match open.get_untracked() {
            Open::Edit(_, from) | Open::Delete(_, from) => Some(from),
            Open::None => None,
        };
        open.set(Open::None);
        if let Some(from) = from {
            focus_later(from);
        }
    });
    let saved = Callback::new(move |b: Branch| {
        let name = b.name.clone();
        let code = b.code.clone();
        let existed = branches.with_untracked(|list| list.iter().any(|x| x.code == b.code));
        branches.update(|list| {
            match list.iter_mut().find(|x| x.code == b.code) {
                Some(x) => *x = b,
                None => list.push(b),
            }
            list.sort_by(|a, b| a.name.cmp(&b.name));
        });
        done.set(Some(if existed {
            format!("Отделение «{name}» сохранено.")
        } else {
            format!("Отделение «{name}» добавлено.")
        }));
        open.set(Open::None);
        focus_later(format!("{}-edit", branch_id(&code)));
    });
    let deleted = Callback::new(move |b: Branch| {
        branches.update(|list| list.retain(|x| x.code != b.code));
        done.set(Some(format!("Отделение «{}» удалено.", b.name)));
        open.set(Open::None);
        focus_later(ADD_ID.to_owned());
    });
    view! {
        <Section id="branches" title="Отделения" lead="Страница «Контакты» и вкладка «Контакты» дома: абонент видит отделение своего лицевого счёта. Лицевые счета относятся к отделению по коду." note=Signal::derive(|| None::<String>)>
            <SuccessAlert message=done/>
            <Show when=move || branches.with(Vec::is_empty)>
                <p class="muted">"Отделений нет."</p>
            </Show>
            <ul class="staff-branches" data-testid="branches">
                <For each=move || branches.get() key=|b| format!("{b:?}") let:b>
                    <BranchCard b=b open=open/>
                </For>
            </ul>
            <div class="staff-section__actions">
                <button type="button" class="btn btn--secondary" id=ADD_ID on:click=move |_| {
                    done.set(None);
                    open.set(Open::Edit(None, ADD_ID.to_owned()));
                }>"+ Добавить отделение"</button>
            </div>
        </Section>
        {move || match open.get() {
            Open::None => ().into_any(),
            Open::Edit(b, _) => view! { <BranchForm branch=b on_close=close on_saved=saved/> }.into_any(),
            Open::Delete(b, _) => view! { <DeleteBranch branch=b on_close=close on_deleted=deleted/> }.into_any(),
        }}
    }
}

#[component]
fn BranchCard(b: Branch, open: RwSignal<Open>) -> impl IntoView {
    let id = branch_id(&b.code);
    let edit_id = format!("{id}-edit");
    let delete_id = format!("{id}-delete");
    let for_edit = b.clone();
    let for_delete = b.clone();
    let (edit_from, delete_from) = (edit_id.clone(), delete_id.clone());
    view! {
        <li class="staff-branch" data-testid="branch">
            <div class="staff-branch__head">
                <h3 class="staff-branch__name">{b.name.clone()}</h3>
                <span class="muted staff-branch__code">{format!("код {}", b.code)}</span>
            </div>
            {b.note.clone().map(|n| view! { <div class="alert alert--warning staff-note" role="note"><strong>"Не проверено. "</strong>{n}</div> })}
            <dl class="staff-branch__facts">
                <dt>"Адрес"</dt><dd>{b.address.clone()}</dd>
                <dt>"Телефон"</dt><dd>{b.phone.clone()}</dd>
                <dt>"E-mail"</dt><dd>{b.email.clone()}</dd>
                <dt>"Режим работы"</dt><dd>{b.hours.clone()}</dd>
            </dl>
            <div class="staff-branch__tools">
                <button type="button" class="btn btn--secondary btn--small" id=edit_id aria-label=format!("Изменить: {}", b.name) on:click=move |_| open.set(Open::Edit(Some(for_edit.clone()), edit_from.clone()))>"Изменить"</button>
                <button type="button" class="btn btn--danger btn--small" id=delete_id aria-label=format!("Удалить: {}", b.name) on:click=move |_| open.set(Open::Delete(for_delete.clone(), delete_from.clone()))>"Удалить"</button>
            </div>
        </li>
    }
}

#[component]
fn BranchForm(
    branch: Option<Branch>,
    on_close: Callback<()>,
    on_saved: Callback<Branch>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let is_new = branch.is_none();
    let b = branch.unwrap_or(Branch {
        code: String::new(),
        name: String::new(),
        address: String::new(),
        phone: String::new(),
        email: String::new(),
        hours: String::new(),
        note: None,
    });
    let title = if is_new {
        "Новое отделение".to_owned()
    } else {
        format!("Отделение «{}»", b.name)
    };
    let code = RwSignal::new(b.code);
    let name = RwSignal::new(b.name);
    let address = RwSignal::new(b.address);
    let phone = RwSignal::new(b.phone);
    let email = RwSignal::new(b.email);
    let hours = RwSignal::new(b.hours);
    let save = Submission::new(
        move |req: Branch| api::staff::save_branch(session, req),
        move |saved: Branch| on_saved.run(saved),
    );
    let error = save.error();
    let on_submit = save.on_submit(move || {
        Ok(Branch {
            code: code.get_untracked().trim().to_owned(),
            name: name.get_untracked(),
            address: address.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            hours: hours.get_untracked(),
            note: None,
        })
    });
    let code_hint = if is_new {
        "Код отделения в учётной системе: латинские буквы, цифры, - и _. После сохранения не меняется."
    } else {
        "Код отделения в учётной системе; не меняется."
    };
    view! {
        <Modal title=Signal::derive(move || title.clone()) on_close=on_close>
            <form class="form" on:submit=on_submit novalidate data-testid="branch-form">
                <ErrorAlert error=error/>
                <Input label="Код" name="code" value=code error=error readonly=!is_new hint=code_hint/>
                <Input label="Название" name="name" value=name error=error/>
                <Input label="Адрес" name="address" value=address error=error/>
                <Input label="Телефон" name="phone" value=phone error=error kind=Kind::Tel hint="Несколько номеров — через запятую."/>
                <Input label="E-mail" name="email" value=email error=error kind=Kind::Email/>
                <Input label="Режим работы" name="hours" value=hours error=error hint="Например: Пн–Чт 8:00–17:00, Пт 8:00–15:45."/>
                <div class="form__actions">
                    <SaveButton pending=save.pending()/>
                    <button type="button" class="btn btn--ghost" on:click=move |_| on_close.run(())>"Отмена"</button>
                </div>
            </form>
        </Modal>
    }
}

#[component]
fn DeleteBranch(
    branch: Branch,
    on_close: Callback<()>,
    on_deleted: Callback<Branch>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let code = branch.code.clone();
    let name = branch.name.clone();
    let gone = branch.clone();
    let run = Submission::new(
        move |()| {
            let code = code.clone();
            async move { api::staff::delete_branch(session, &code).await }
        },
        move |()| on_deleted.run(gone.clone()),
    );
    let pending = run.pending();
    view! {
        <Modal title=Signal::derive(|| "Удалить отделение?".to_owned()) on_close=on_close>
            <ErrorAlert error=run.error()/>
            <p>{format!("Отделение «{name}» (код {}) исчезнет со страниц «Контакты». Отделение, к которому относятся лицевые счета, удалить нельзя.", branch.code)}</p>
            <div class="form__actions">
                <button type="button" class="btn btn--danger" on:click=move |_| run.dispatch(()) disabled=move || pending.get()>"Удалить отделение"</button>
                <button type="button" class="btn btn--ghost" on:click=move |_| on_close.run(())>"Отмена"</button>
            </div>
        </Modal>
    }
}
