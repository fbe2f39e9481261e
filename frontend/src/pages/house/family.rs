//! «Семейный доступ» (X9): the owner of an account invites people by e-mail — «просмотр» or
//! «полный доступ» — and sees and revokes them; a member sees how they hold the account and
//! can leave. The page of the invitation's link is [`crate::pages::invitation`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use lk_api_types::{InvitationResponse, InviteMemberRequest, MemberResponse};
use lk_domain::{HouseAccess, MemberRole};

use crate::api;
use crate::components::form::{ErrorAlert, Field, SelectField, Submission, Submit, SuccessAlert};
use crate::components::layout::Splash;
use crate::format;
use crate::i18n::*;
use crate::routes;
use crate::session::Session;

/// The card on the «Лицевой счет» tab: the owner's family, or a member's own access.
#[component]
pub fn FamilyCard(number: String, house_id: i64, access: HouseAccess) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card family" data-testid="family">
            <h2 class="card__title" tabindex="-1">{t!(i18n, house.family.title)}</h2>
            {if access.may_manage() {
                view! { <Members number=number/> }.into_any()
            } else {
                view! { <Membership house_id=house_id access=access/> }.into_any()
            }}
        </div>
    }
}

/// A member's access, and leaving.
#[component]
fn Membership(house_id: i64, access: HouseAccess) -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let leave = move |_| {
        let confirmed = window()
            .confirm_with_message(td_string!(lang(), house.family.leave_confirm))
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::houses::delete(session, house_id).await {
                Ok(()) => {
                    let _ = window().location().set_href(routes::HOME);
                }
                Err(e) => {
                    busy.set(false);
                    failure.set(Some(e.message()));
                }
            }
        });
    };
    view! {
        <p>{td_string!(lang(), house.family.member_of, access = format::house_access(access))}</p>
        <p class="muted">{match access {
            HouseAccess::View => t!(i18n, house.family.view_means).into_any(),
            _ => t!(i18n, house.family.full_means).into_any(),
        }}</p>
        {move || failure.get().map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })}
        <button type="button" class="btn btn--secondary" disabled=move || busy.get() on:click=leave>{t!(i18n, house.family.leave)}</button>
    }
}

/// The owner's view: who holds the account, who is invited, and the invitation form.
#[component]
fn Members(number: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    let number = StoredValue::new(number);
    let list = LocalResource::new(move || async move {
        api::family::members(session, &number.get_value()).await
    });
    let done = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // A member revoked (`true`) or an invitation cancelled, by id.
    let remove = move |member: bool, id: i64, message: &'static str| {
        let confirmed = !member
            || window()
                .confirm_with_message(td_string!(lang(), house.family.revoke_confirm))
                .unwrap_or(false);
        if !confirmed {
            return;
        }
        busy.set(true);
        done.set(None);
        spawn_local(async move {
            let n = number.get_value();
            let result = if member {
                api::family::revoke(session, &n, id).await
            } else {
                api::family::cancel(session, &n, id).await
            };
            busy.set(false);
            done.set(result.is_ok().then(|| message.to_owned()));
            failure.set(result.err().map(|e| e.message()));
            list.refetch();
        });
    };
    let member_row = move |m: MemberResponse| {
        let id = m.id;
        let label = td_string!(lang(), house.family.revoke_named, name = m.name.clone());
        let email = (m.email != m.name).then(|| m.email.clone());
        view! {
            <li class="family__item" data-testid="family-member">
                <div>
                    <strong>{m.name.clone()}</strong>
                    {m.you.then(|| view! { <span class="badge">{t!(i18n, house.family.you)}</span> })}
                    <p class="muted family__facts">{[Some(format::house_access(m.access).to_owned()), email, Some(td_string!(lang(), house.family.since, date = format::moscow_date(m.since)).to_owned())].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</p>
                </div>
                {(m.access != HouseAccess::Owner).then(|| view! {
                    <button type="button" class="btn btn--ghost btn--small" aria-label=label disabled=move || busy.get()
                        on:click=move |_| remove(true, id, td_string!(lang(), house.family.revoked))>{t!(i18n, house.family.revoke)}</button>
                })}
            </li>
        }
    };
    let invitation_row = move |inv: InvitationResponse| {
        let id = inv.id;
        let label = td_string!(lang(), house.family.cancel_named, email = inv.email.clone());
        let role = format::house_access(inv.role.into());
        view! {
            <li class="family__item" data-testid="family-invitation">
                <div>
                    <strong>{inv.email.clone()}</strong>
                    <p class="muted family__facts">{format!("{role} · {}", td_string!(lang(), house.family.until, date = format::moscow_date(inv.expires_at)))}</p>
                </div>
                <button type="button" class="btn btn--ghost btn--small" aria-label=label disabled=move || busy.get()
                    on:click=move |_| remove(false, id, td_string!(lang(), house.family.cancelled))>{t!(i18n, house.family.cancel)}</button>
            </li>
        }
    };
    view! {
        <p class="muted">{t!(i18n, house.family.lead)}</p>
        <SuccessAlert message=done/>
        {move || failure.get().map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })}
        {move || match list.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Err(e)) => view! {
                <div class="alert alert--error" role="alert">{e.message()}</div>
                <button type="button" class="btn btn--secondary" on:click=move |_| list.refetch()>{t!(i18n, house.retry)}</button>
            }.into_any(),
            Some(Ok(r)) => view! {
                <ul class="family__list">{r.members.into_iter().map(member_row).collect_view()}</ul>
                {(!r.invitations.is_empty()).then(|| view! {
                    <h3 class="family__subtitle">{t!(i18n, house.family.invitations)}</h3>
                    <ul class="family__list">{r.invitations.into_iter().map(invitation_row).collect_view()}</ul>
                })}
            }.into_any(),
        }}
        <Invite number=number.get_value() on_sent=Callback::new(move |email: String| {
            failure.set(None);
            done.set(Some(td_string!(lang(), house.family.sent, email = email).to_owned()));
            list.refetch();
        })/>
    }
}

/// «Пригласить»: an e-mail address and a role.
#[component]
fn Invite(number: String, on_sent: Callback<String>) -> impl IntoView {
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(MemberRole::View.as_str().to_owned());
    let send = Submission::new(
        move |req: InviteMemberRequest| async move {
            api::family::invite(session, &number.get_value(), &req).await
        },
        move |r: InvitationResponse| {
            email.set(String::new());
            on_sent.run(r.email);
        },
    );
    let on_submit = send.on_submit(move || {
        Ok(InviteMemberRequest {
            email: email.get_untracked(),
            role: MemberRole::parse(&role.get_untracked()).unwrap_or(MemberRole::View),
        })
    });
    let error = send.error();
    let options = MemberRole::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                format::house_access((*r).into()).to_owned(),
            )
        })
        .collect();
    view! {
        <form class="form family__invite" on:submit=on_submit novalidate>
            <h3 class="family__subtitle">{td_string!(lang(), house.family.invite_title)}</h3>
            <ErrorAlert error=error/>
            <Field label=td_string!(lang(), house.family.email) name="email" kind="email" autocomplete="email" required=true value=email error=error/>
            <SelectField label=td_string!(lang(), house.family.role) name="role" value=role options=options error=error/>
            <Submit label=td_string!(lang(), house.family.invite) pending=send.pending()/>
        </form>
    }
}
