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
use crate::i18n::*;
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
    let i18n = use_i18n();
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
            td_string!(lang(), staff.branches.saved, name)
        } else {
            td_string!(lang(), staff.branches.added, name)
        }));
        open.set(Open::None);
        focus_later(format!("{}-edit", branch_id(&code)));
    });
    let deleted = Callback::new(move |b: Branch| {
        branches.update(|list| list.retain(|x| x.code != b.code));
        done.set(Some(td_string!(
            lang(),
            staff.branches.deleted,
            name = b.name.clone()
        )));
        open.set(Open::None);
        focus_later(ADD_ID.to_owned());
    });
    view! {
        <Section id="branches" title=td_string!(lang(), staff.content.branches) lead=td_string!(lang(), staff.branches.lead) note=Signal::derive(|| None::<String>)>
            <SuccessAlert message=done/>
            <Show when=move || branches.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, staff.branches.empty)}</p>
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
                }>{t!(i18n, staff.branches.add)}</button>
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
    let i18n = use_i18n();
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
                <span class="muted staff-branch__code">{t!(i18n, staff.branches.code_of, code = b.code.clone())}</span>
            </div>
            {b.note.clone().map(|n| view! { <div class="alert alert--warning staff-note" role="note"><strong>{t!(i18n, staff.lists.unverified)}" "</strong>{n}</div> })}
            <dl class="staff-branch__facts">
                <dt>{t!(i18n, staff.branches.address)}</dt><dd>{b.address.clone()}</dd>
                <dt>{t!(i18n, staff.branches.phone)}</dt><dd>{b.phone.clone()}</dd>
                <dt>{t!(i18n, staff.email)}</dt><dd>{b.email.clone()}</dd>
                <dt>{t!(i18n, staff.branches.hours)}</dt><dd>{b.hours.clone()}</dd>
            </dl>
            <div class="staff-branch__tools">
                <button type="button" class="btn btn--secondary btn--small" id=edit_id aria-label=td_string!(lang(), staff.branches.edit_label, name = b.name.clone()) on:click=move |_| open.set(Open::Edit(Some(for_edit.clone()), edit_from.clone()))>{t!(i18n, staff.branches.edit)}</button>
                <button type="button" class="btn btn--danger btn--small" id=delete_id aria-label=td_string!(lang(), staff.branches.delete_label, name = b.name.clone()) on:click=move |_| open.set(Open::Delete(for_delete.clone(), delete_from.clone()))>{t!(i18n, staff.delete)}</button>
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
    let i18n = use_i18n();
    let l = lang();
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
        td_string!(l, staff.branches.new_title).to_owned()
    } else {
        td_string!(l, staff.branches.edit_title, name = b.name.clone())
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
        td_string!(l, staff.branches.code_hint_new)
    } else {
        td_string!(l, staff.branches.code_hint)
    };
    view! {
        <Modal title=Signal::derive(move || title.clone()) on_close=on_close>
            <form class="form" on:submit=on_submit novalidate data-testid="branch-form">
                <ErrorAlert error=error/>
                <Input label=td_string!(l, staff.branches.code) name="code" value=code error=error readonly=!is_new hint=code_hint/>
                <Input label=td_string!(l, staff.branches.name) name="name" value=name error=error/>
                <Input label=td_string!(l, staff.branches.address) name="address" value=address error=error/>
                <Input label=td_string!(l, staff.branches.phone) name="phone" value=phone error=error kind=Kind::Tel hint=td_string!(l, staff.branches.phone_hint)/>
                <Input label=td_string!(l, staff.email) name="email" value=email error=error kind=Kind::Email/>
                <Input label=td_string!(l, staff.branches.hours) name="hours" value=hours error=error hint=td_string!(l, staff.branches.hours_hint)/>
                <div class="form__actions">
                    <SaveButton pending=save.pending()/>
                    <button type="button" class="btn btn--ghost" on:click=move |_| on_close.run(())>{t!(i18n, staff.cancel)}</button>
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
    let i18n = use_i18n();
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
        <Modal title=Signal::derive(|| td_string!(lang(), staff.branches.delete_title).to_owned()) on_close=on_close>
            <ErrorAlert error=run.error()/>
            <p>{t!(i18n, staff.branches.delete_text, name, code = branch.code.clone())}</p>
            <div class="form__actions">
                <button type="button" class="btn btn--danger" on:click=move |_| run.dispatch(()) disabled=move || pending.get()>{t!(i18n, staff.branches.delete_confirm)}</button>
                <button type="button" class="btn btn--ghost" on:click=move |_| on_close.run(())>{t!(i18n, staff.cancel)}</button>
            </div>
        </Modal>
    }
}
