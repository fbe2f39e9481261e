//! The page of an invitation's link (`/family/accept`, «Семейный доступ», X9): the invitee
//! accepts it signed in with the address invited — after signing in or registering first, if
//! need be, the token waiting in this browser meanwhile.

use leptos::prelude::*;
use lk_api_types::AcceptedInvitationResponse;

use crate::api;
use crate::components::form::{set_title, token_from_fragment, ErrorAlert, Submission};
use crate::format;
use crate::i18n::*;
use crate::routes::{self, pending_invitation, HouseTab};
use crate::session::Session;

/// The token of an invitation's link: in the fragment as mailed, or kept in this browser while
/// the invitee signed in or registered first ([`pending_invitation`]).
fn invitation_token() -> Option<String> {
    token_from_fragment().or_else(pending_invitation::get)
}

/// The route `/family/accept`: accepting an invitation, signed in with the address invited.
#[component]
pub fn AcceptInvitation() -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    set_title(td_string!(lang(), house.family.accept_title));
    let token = StoredValue::new(invitation_token());
    // Once the session is known: signed out, the token waits in this browser until the invitee
    // has signed in (after registering, if need be); signed in, this page holds it and the
    // browser forgets it, so a sign-in leads here once, whatever comes of the invitation.
    Effect::new(move |_| {
        if !session.checked.get() {
            return;
        }
        match token.get_value() {
            Some(t) if !session.signed_in() => pending_invitation::keep(&t),
            _ => pending_invitation::forget(),
        }
    });
    let accepted = RwSignal::new(None::<AcceptedInvitationResponse>);
    let accept = Submission::new(
        move |token: String| async move { api::family::accept(session, &token).await },
        move |r: AcceptedInvitationResponse| accepted.set(Some(r)),
    );
    let error = accept.error();
    let pending = accept.pending();
    let next = format!("{}?next={}", routes::LOGIN, routes::FAMILY_ACCEPT);
    view! {
        <section class="page page--narrow">
            <div class="card">
                <h1 class="page__title">{t!(i18n, house.family.accept_title)}</h1>
                {move || match (token.get_value(), accepted.get()) {
                    (None, _) => view! { <div class="alert alert--error" role="alert">{t!(i18n, house.family.no_token)}</div> }.into_any(),
                    (Some(_), Some(r)) => view! {
                        <div class="alert alert--success" role="status">{td_string!(lang(), house.family.accepted, account = r.account_number.clone(), access = format::house_access(r.access))}</div>
                        <a class="btn btn--primary btn--block" href=routes::house(r.house_id, HouseTab::Electricity)>{t!(i18n, house.family.open_house)}</a>
                    }.into_any(),
                    (Some(t), None) if session.signed_in() => view! {
                        <p>{t!(i18n, house.family.accept_lead)}</p>
                        <ErrorAlert error=error/>
                        <button type="button" class="btn btn--primary btn--block" disabled=move || pending.get()
                            on:click=move |_| accept.dispatch(t.clone())>{t!(i18n, house.family.accept)}</button>
                    }.into_any(),
                    (Some(_), None) => view! {
                        <p>{t!(i18n, house.family.sign_in_first)}</p>
                        <a class="btn btn--primary btn--block" href=next.clone()>{t!(i18n, house.family.sign_in)}</a>
                        <a class="btn btn--secondary btn--block" href=routes::REGISTER>{t!(i18n, house.family.register)}</a>
                    }.into_any(),
                }}
            </div>
        </section>
    }
}
