//! Footer pages: «О компании», «Вопросы и ответы», «Контакты» (F2.7), from the company's
//! content, which admins keep current.

use leptos::prelude::*;

use crate::components::branch::{BranchCard, SupportCard};
use crate::components::form::set_title;
use crate::components::site_content::with_content;
use crate::format;
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn About() -> impl IntoView {
    set_title(td_string!(lang(), home.about.title));
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let b = move || session.branding.get();
    view! {
        <section class="page">
            <h1 class="page__title">{t!(i18n, home.about.title)}</h1>
            {with_content(move |c| {
                let paragraphs = format::paragraphs(&c.about.text);
                view! {
                    <div class="card prose" data-testid="about">
                        {if paragraphs.is_empty() {
                            view! { <p class="muted">{t!(i18n, home.about.empty)}</p> }.into_any()
                        } else {
                            paragraphs.into_iter().map(|p| view! { <p class="prose__para">{p}</p> }).collect_view().into_any()
                        }}
                        <Show when=move || !b().site_url.trim().is_empty()>
                            <p><a href=move || b().site_url target="_blank" rel="noopener">{t!(i18n, home.about.site)}</a></p>
                        </Show>
                    </div>
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
pub fn Faq() -> impl IntoView {
    set_title(td_string!(lang(), home.faq.title));
    let i18n = use_i18n();
    view! {
        <section class="page">
            <h1 class="page__title">{t!(i18n, home.faq.title)}</h1>
            {with_content(move |c| {
                if c.faq.is_empty() {
                    return view! {
                        <div class="card empty"><p class="muted">{t!(i18n, home.faq.empty)}</p></div>
                    }
                    .into_any();
                }
                view! {
                    <div class="card faq-list" data-testid="faq">
                        {c.faq.into_iter().map(|item| view! {
                            <details class="faq">
                                <summary>{item.question}</summary>
                                <div class="faq__answer">
                                    {format::paragraphs(&item.answer).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                                </div>
                            </details>
                        }).collect_view()}
                    </div>
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
pub fn Contacts() -> impl IntoView {
    set_title(td_string!(lang(), home.contacts.title));
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    view! {
        <section class="page">
            <h1 class="page__title">{t!(i18n, home.contacts.title)}</h1>
            <p class="page__lead muted">{move || session.branding.get().company_name}</p>
            {with_content(move |c| {
                let empty = c.branches.is_empty();
                view! {
                    <SupportCard/>
                    <h2 class="section-title">{t!(i18n, home.contacts.branches)}</h2>
                    <div class="branches" data-testid="branches">
                        {c.branches.into_iter().map(|b| view! {
                            <BranchCard name=b.name address=b.address phone=b.phone email=b.email hours=b.hours/>
                        }).collect_view()}
                    </div>
                    {empty.then(|| view! { <p class="muted">{t!(i18n, home.contacts.empty)}</p> })}
                }
                .into_any()
            })}
        </section>
    }
}
