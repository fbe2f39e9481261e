//! «Контакты» (F14.1): the branch of the company the house's account belongs to, and the
//! technical support.

use leptos::prelude::*;

use crate::api;
use crate::components::branch::{BranchCard, SupportCard};
use crate::components::layout::Splash;
use crate::i18n::*;
use crate::routes;
use crate::session::Session;

#[component]
pub fn ContactsTab(number: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let account = LocalResource::new(move || async move {
        api::accounts::get(session, &number.get_value()).await
    });
    view! {
        {move || match account.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Err(e)) => view! {
                <div class="alert alert--error" role="alert">{e.message()}</div>
                <button type="button" class="btn btn--secondary" on:click=move |_| account.refetch()>{t!(i18n, house.retry)}</button>
            }.into_any(),
            Some(Ok(a)) => {
                let b = a.branch;
                view! {
                    <div class="contacts-tab">
                        <section class="stack contacts-tab__own" aria-labelledby="branch-title">
                            <div>
                                <h2 class="section-title" id="branch-title">{t!(i18n, house.contacts.your_branch)}</h2>
                                <p class="muted section-lead">{td_string!(lang(), house.contacts.branch_lead, number = a.number.clone())}</p>
                            </div>
                            <BranchCard name=b.name address=b.address phone=b.phone email=b.email hours=b.hours/>
                        </section>
                        <div class="stack">
                            <SupportCard/>
                            <p class="contacts-tab__all"><a href=routes::CONTACTS>{t!(i18n, house.contacts.all_branches)}</a></p>
                        </div>
                    </div>
                }.into_any()
            }
        }}
    }
}
