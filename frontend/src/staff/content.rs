//! «Содержимое сайта» (SPEC B3, admins only): «О компании», «Вопросы и ответы», payment
//! methods, the help widget's tips, services with prices, the company's links, its name and
//! support contacts, branches, the price list and the logo. What the seed data left
//! unverified is listed on top and at its section until an admin saves it.

use std::str::FromStr;

use leptos::prelude::*;
use lk_api_types::{
    About, Branch, BrandingSettings, ContentSection, FaqItem, HelpTip, Links, PaymentMethod,
    SectionNote, Service, StaffContent,
};
use rust_decimal::Decimal;

use super::branches::BranchesSection;
use super::files::FilesSection;
use super::lists::{list_form, record_form, Col, ListSpec, RecordSpec, Section};
use super::ui::{jump_to, Kind};
use super::AdminOnly;
use crate::api::{self, ApiError};
use crate::components::form::set_title;
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn ContentPage() -> impl IntoView {
    set_title(td_string!(lang(), staff.content.title));
    view! {
        <AdminOnly what=td_string!(lang(), staff.console.tab_content)>
            <ContentLoader/>
        </AdminOnly>
    }
}

#[component]
fn ContentLoader() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let content = LocalResource::new(move || api::staff::content(session));
    view! {
        {move || match content.get() {
            None => view! {
                <div class="staff-loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    <span>{t!(i18n, staff.content.loading)}</span>
                </div>
            }.into_any(),
            Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
            Some(Ok(c)) => view! { <Editors c=c/> }.into_any(),
        }}
    }
}

/// The sections in the order of the page: (anchor, title).
fn toc() -> [(&'static str, &'static str); 9] {
    let l = lang();
    [
        ("about", td_string!(l, staff.content.about)),
        ("faq", td_string!(l, staff.content.faq)),
        (
            "payment-methods",
            td_string!(l, staff.content.payment_methods),
        ),
        ("help-tips", td_string!(l, staff.content.help_tips)),
        ("services", td_string!(l, staff.content.services)),
        ("links", td_string!(l, staff.content.links)),
        ("branding", td_string!(l, staff.content.branding)),
        ("branches", td_string!(l, staff.content.branches)),
        ("files", td_string!(l, staff.content.files)),
    ]
}

fn anchor(section: ContentSection) -> (&'static str, &'static str) {
    let i = match section {
        ContentSection::About => 0,
        ContentSection::Faq => 1,
        ContentSection::PaymentMethods => 2,
        ContentSection::HelpTips => 3,
        ContentSection::Services => 4,
        ContentSection::Links => 5,
        ContentSection::Branding => 6,
    };
    toc()[i]
}

#[component]
fn Editors(c: StaffContent) -> impl IntoView {
    let i18n = use_i18n();
    let l = lang();
    let session = expect_context::<Session>();
    let notes = RwSignal::new(c.notes.clone());
    let branches = RwSignal::new(c.content.branches.clone());
    let note = move |s: ContentSection| {
        Signal::derive(move || {
            notes.with(|n| n.iter().find(|x| x.section == s).map(|x| x.note.clone()))
        })
    };
    let clear = move |s: ContentSection| notes.update(|n| n.retain(|x| x.section != s));
    let saved = move |s: ContentSection| Callback::new(move |_: ()| clear(s));
    let content = c.content;
    view! {
        <Unverified notes=notes branches=branches/>
        <nav class="card staff-toc" aria-label=move || t_string!(i18n, staff.content.toc_label)>
            <h2 class="staff-toc__title">{t!(i18n, staff.content.toc_title)}</h2>
            <ul class="staff-toc__list">
                {toc().iter().map(|(id, title)| {
                    let target = format!("content-{id}-title");
                    view! { <li><button type="button" class="link-action" on:click=move |_| jump_to(&target)>{*title}</button></li> }
                }).collect_view()}
            </ul>
        </nav>
        <div class="stack staff-sections">
            <Section id="about" title=td_string!(l, staff.content.about) lead=td_string!(l, staff.content.about_lead) note=note(ContentSection::About)>
                {record_form(about_spec(), content.about.clone(), Callback::new(move |_| clear(ContentSection::About)))}
            </Section>
            <Section id="faq" title=td_string!(l, staff.content.faq) lead=td_string!(l, staff.content.faq_lead) note=note(ContentSection::Faq)>
                {list_form(faq_spec(), content.faq.clone(), saved(ContentSection::Faq))}
            </Section>
            <Section id="payment-methods" title=td_string!(l, staff.content.payment_methods) lead=td_string!(l, staff.content.payment_methods_lead) note=note(ContentSection::PaymentMethods)>
                {list_form(payment_methods_spec(), content.payment_methods.clone(), saved(ContentSection::PaymentMethods))}
            </Section>
            <Section id="help-tips" title=td_string!(l, staff.content.help_tips) lead=td_string!(l, staff.content.help_tips_lead) note=note(ContentSection::HelpTips)>
                {list_form(help_tips_spec(), content.help_tips.clone(), saved(ContentSection::HelpTips))}
            </Section>
            <Section id="services" title=td_string!(l, staff.content.services) lead=td_string!(l, staff.content.services_lead) note=note(ContentSection::Services)>
                {list_form(services_spec(), content.services.clone(), saved(ContentSection::Services))}
            </Section>
            <Section id="links" title=td_string!(l, staff.content.links) lead=td_string!(l, staff.content.links_lead) note=note(ContentSection::Links)>
                {record_form(links_spec(), content.links.clone(), Callback::new(move |l: Links| {
                    clear(ContentSection::Links);
                    session.branding.update(|b| {
                        if !l.site_url.is_empty() {
                            b.site_url = l.site_url.clone();
                        }
                        b.contract_url = l.contract_url.clone();
                        b.tariffs_url = l.tariffs_url.clone();
                        b.shop_url = l.shop_url.clone();
                    });
                }))}
            </Section>
            <Section id="branding" title=td_string!(l, staff.content.branding) lead=td_string!(l, staff.content.branding_lead) note=note(ContentSection::Branding)>
                {record_form(branding_spec(), c.branding.clone(), Callback::new(move |s: BrandingSettings| {
                    clear(ContentSection::Branding);
                    session.branding.update(|b| {
                        b.company_name = s.company_name.clone();
                        b.company_short_name = s.company_short_name.clone();
                        b.support_email = s.support_email.clone();
                        b.support_phone = s.support_phone.clone();
                    });
                }))}
            </Section>
            <BranchesSection branches=branches/>
            <FilesSection price_list=content.price_list.clone() logo=c.logo.clone()/>
        </div>
    }
}

/// What is not verified yet, on top of the page, each with a way to its section.
#[component]
fn Unverified(notes: RwSignal<Vec<SectionNote>>, branches: RwSignal<Vec<Branch>>) -> impl IntoView {
    let i18n = use_i18n();
    let sections = move || notes.with(|n| n.iter().map(|x| anchor(x.section)).collect::<Vec<_>>());
    let branch_count = move || branches.with(|b| b.iter().filter(|b| b.note.is_some()).count());
    let any = move || !sections().is_empty() || branch_count() > 0;
    view! {
        <Show when=any>
            <div class="alert alert--warning staff-unverified" role="note" data-testid="unverified">
                <p class="staff-unverified__title"><strong>{t!(i18n, staff.content.unverified_title)}</strong>" "{t!(i18n, staff.content.unverified_text)}</p>
                <ul class="staff-unverified__list">
                    {move || sections().into_iter().map(|(id, title)| {
                        let target = format!("content-{id}-title");
                        view! { <li><button type="button" class="link-action" on:click=move |_| jump_to(&target)>{title}</button></li> }
                    }).collect_view()}
                    <Show when=move || { branch_count() > 0 }>
                        <li>
                            <button type="button" class="link-action" on:click=move |_| jump_to("content-branches-title")>
                                {move || td_string!(lang(), staff.content.unverified_branches, count = branch_count())}
                            </button>
                        </li>
                    </Show>
                </ul>
            </div>
        </Show>
    }
}

fn about_spec() -> RecordSpec<About> {
    let l = lang();
    RecordSpec {
        cols: vec![
            Col::area("text", td_string!(l, staff.content.about_text), 12)
                .hint(td_string!(l, staff.content.about_text_hint)),
        ],
        to_values: |a| vec![a.text.clone()],
        from_values: |v| Ok(About { text: v[0].clone() }),
        save: api::staff::save_about,
    }
}

fn links_spec() -> RecordSpec<Links> {
    let l = lang();
    RecordSpec {
        cols: vec![
            Col::line("site_url", td_string!(l, staff.content.site_url))
                .kind(Kind::Url)
                .hint(td_string!(l, staff.content.site_url_hint))
                .wide(),
            Col::line("contract_url", td_string!(l, staff.content.contract_url))
                .kind(Kind::Url)
                .wide(),
            Col::line("tariffs_url", td_string!(l, staff.content.tariffs_url))
                .kind(Kind::Url)
                .wide(),
            Col::line("shop_url", td_string!(l, staff.content.shop_url))
                .kind(Kind::Url)
                .wide(),
        ],
        to_values: |l| {
            vec![
                l.site_url.clone(),
                l.contract_url.clone(),
                l.tariffs_url.clone(),
                l.shop_url.clone(),
            ]
        },
        from_values: |v| {
            Ok(Links {
                site_url: v[0].clone(),
                contract_url: v[1].clone(),
                tariffs_url: v[2].clone(),
                shop_url: v[3].clone(),
            })
        },
        save: api::staff::save_links,
    }
}

fn branding_spec() -> RecordSpec<BrandingSettings> {
    let l = lang();
    RecordSpec {
        cols: vec![
            Col::line("company_name", td_string!(l, staff.content.company_name)).wide(),
            Col::line(
                "company_short_name",
                td_string!(l, staff.content.company_short_name),
            )
            .hint(td_string!(l, staff.content.company_short_name_hint)),
            Col::line("support_email", td_string!(l, staff.content.support_email))
                .kind(Kind::Email),
            Col::line("support_phone", td_string!(l, staff.content.support_phone)).kind(Kind::Tel),
        ],
        to_values: |b| {
            vec![
                b.company_name.clone(),
                b.company_short_name.clone(),
                b.support_email.clone(),
                b.support_phone.clone(),
            ]
        },
        from_values: |v| {
            Ok(BrandingSettings {
                company_name: v[0].clone(),
                company_short_name: v[1].clone(),
                support_email: v[2].clone(),
                support_phone: v[3].clone(),
            })
        },
        save: api::staff::save_branding,
    }
}

fn faq_spec() -> ListSpec<FaqItem> {
    let l = lang();
    ListSpec {
        prefix: "faq",
        item: td_string!(l, staff.content.faq_item),
        add: td_string!(l, staff.content.faq_add),
        empty: td_string!(l, staff.content.faq_empty),
        cols: vec![
            Col::line("question", td_string!(l, staff.content.faq_question)).wide(),
            Col::area("answer", td_string!(l, staff.content.faq_answer), 3),
        ],
        to_values: |f| vec![f.question.clone(), f.answer.clone()],
        from_values: |_, v| {
            Ok(FaqItem {
                question: v[0].clone(),
                answer: v[1].clone(),
            })
        },
        save: api::staff::save_faq,
    }
}

fn payment_methods_spec() -> ListSpec<PaymentMethod> {
    let l = lang();
    ListSpec {
        prefix: "pay",
        item: td_string!(l, staff.content.pay_item),
        add: td_string!(l, staff.content.pay_add),
        empty: td_string!(l, staff.content.pay_empty),
        cols: vec![
            Col::line("title", td_string!(l, staff.content.pay_title)).wide(),
            Col::area("text", td_string!(l, staff.content.pay_text), 3),
        ],
        to_values: |m| vec![m.title.clone(), m.text.clone()],
        from_values: |_, v| {
            Ok(PaymentMethod {
                title: v[0].clone(),
                text: v[1].clone(),
            })
        },
        save: api::staff::save_payment_methods,
    }
}

fn help_tips_spec() -> ListSpec<HelpTip> {
    let l = lang();
    ListSpec {
        prefix: "tip",
        item: td_string!(l, staff.content.tip_item),
        add: td_string!(l, staff.content.tip_add),
        empty: td_string!(l, staff.content.tip_empty),
        cols: vec![Col::area("text", td_string!(l, staff.content.tip_text), 2)],
        to_values: |t| vec![t.text.clone()],
        from_values: |_, v| Ok(HelpTip { text: v[0].clone() }),
        save: api::staff::save_help_tips,
    }
}

/// A price as the admin typed it (`1 850,00`; in English also `1,850.00`), or none when blank.
fn price(i: usize, raw: &str) -> Result<Option<Decimal>, ApiError> {
    // In English a comma groups digits; in Russian it is the decimal separator.
    let comma_groups = lang() == crate::i18n::Locale::en;
    let digits: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '₽' && !(comma_groups && *c == ','))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    Decimal::from_str(&digits).map(Some).map_err(|_| {
        ApiError::invalid_field(
            &format!("items[{i}].price"),
            td_string!(lang(), staff.content.price_invalid),
        )
    })
}

fn services_spec() -> ListSpec<Service> {
    let l = lang();
    ListSpec {
        prefix: "svc",
        item: td_string!(l, staff.content.svc_item),
        add: td_string!(l, staff.content.svc_add),
        empty: td_string!(l, staff.content.svc_empty),
        cols: vec![
            Col::line("name", td_string!(l, staff.content.svc_name)).wide(),
            Col::line("code", td_string!(l, staff.content.svc_code))
                .hint(td_string!(l, staff.content.svc_code_hint)),
            Col::line("price", td_string!(l, staff.content.svc_price)).kind(Kind::Amount),
            Col::line("unit", td_string!(l, staff.content.svc_unit))
                .hint(td_string!(l, staff.content.svc_unit_hint)),
            Col::line("description", td_string!(l, staff.content.svc_description)).wide(),
        ],
        to_values: |s| {
            vec![
                s.name.clone(),
                s.code.clone(),
                s.price
                    .map(|p| crate::format::number(format!("{:.2}", p)))
                    .unwrap_or_default(),
                s.unit.clone(),
                s.description.clone(),
            ]
        },
        from_values: |i, v| {
            Ok(Service {
                name: v[0].clone(),
                code: v[1].clone(),
                price: price(i, &v[2])?,
                unit: v[3].clone(),
                description: v[4].clone(),
            })
        },
        save: api::staff::save_services,
    }
}
