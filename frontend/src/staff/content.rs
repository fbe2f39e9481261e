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
use crate::session::Session;

#[component]
pub fn ContentPage() -> impl IntoView {
    set_title("Содержимое сайта — Администрирование");
    view! {
        <AdminOnly what="Содержимое сайта">
            <ContentLoader/>
        </AdminOnly>
    }
}

#[component]
fn ContentLoader() -> impl IntoView {
    let session = expect_context::<Session>();
    let content = LocalResource::new(move || api::staff::content(session));
    view! {
        {move || match content.get() {
            None => view! {
                <div class="staff-loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    <span>"Загрузка содержимого…"</span>
                </div>
            }.into_any(),
            Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
            Some(Ok(c)) => view! { <Editors c=c/> }.into_any(),
        }}
    }
}

/// The sections in the order of the page: (anchor, title).
const TOC: [(&str, &str); 9] = [
    ("about", "О компании"),
    ("faq", "Вопросы и ответы"),
    ("payment-methods", "Способы оплаты"),
    ("help-tips", "Помощь по кабинету"),
    ("services", "Услуги"),
    ("links", "Ссылки"),
    ("branding", "Название и поддержка"),
    ("branches", "Отделения"),
    ("files", "Прейскурант и логотип"),
];

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
    TOC[i]
}

#[component]
fn Editors(c: StaffContent) -> impl IntoView {
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
        <nav class="card staff-toc" aria-label="Разделы содержимого">
            <h2 class="staff-toc__title">"Разделы"</h2>
            <ul class="staff-toc__list">
                {TOC.iter().map(|(id, title)| {
                    let target = format!("content-{id}-title");
                    view! { <li><button type="button" class="link-action" on:click=move |_| jump_to(&target)>{*title}</button></li> }
                }).collect_view()}
            </ul>
        </nav>
        <div class="stack staff-sections">
            <Section id="about" title="О компании" lead="Страница «О компании» в подвале сайта." note=note(ContentSection::About)>
                {record_form(about_spec(), content.about.clone(), Callback::new(move |_| clear(ContentSection::About)))}
            </Section>
            <Section id="faq" title="Вопросы и ответы" lead="Страница «Вопросы и ответы»: абонент нажимает на вопрос и видит ответ. Порядок — как в списке." note=note(ContentSection::Faq)>
                {list_form(faq_spec(), content.faq.clone(), saved(ContentSection::Faq))}
            </Section>
            <Section id="payment-methods" title="Способы оплаты" lead="Вкладка «Оплата» дома: способ оплаты и как им воспользоваться." note=note(ContentSection::PaymentMethods)>
                {list_form(payment_methods_spec(), content.payment_methods.clone(), saved(ContentSection::PaymentMethods))}
            </Section>
            <Section id="help-tips" title="Помощь по кабинету" lead="Подсказки виджета «Помощь по кабинету» на главной странице, по одной на слайд." note=note(ContentSection::HelpTips)>
                {list_form(help_tips_spec(), content.help_tips.clone(), saved(ContentSection::HelpTips))}
            </Section>
            <Section id="services" title="Услуги" lead="Каталог вкладки «Услуги»: абоненты заказывают услуги по коду. Пустая цена — «по договорённости»." note=note(ContentSection::Services)>
                {list_form(services_spec(), content.services.clone(), saved(ContentSection::Services))}
            </Section>
            <Section id="links" title="Ссылки" lead="Внешние страницы компании: куда ведут логотип, ссылки «Подробнее…» на вкладке «Лицевой счет» и «Перейти в интернет-магазин товаров» на вкладке «Услуги»." note=note(ContentSection::Links)>
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
            <Section id="branding" title="Название и поддержка" lead="Название компании в шапке, подвале и письмах; адрес и телефон технической поддержки." note=note(ContentSection::Branding)>
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
    let sections = move || notes.with(|n| n.iter().map(|x| anchor(x.section)).collect::<Vec<_>>());
    let branch_count = move || branches.with(|b| b.iter().filter(|b| b.note.is_some()).count());
    let any = move || !sections().is_empty() || branch_count() > 0;
    view! {
        <Show when=any>
            <div class="alert alert--warning staff-unverified" role="note" data-testid="unverified">
                <p class="staff-unverified__title"><strong>"Не всё проверено."</strong>" Сверьте эти разделы с официальными сведениями компании и сохраните их — отметка исчезнет."</p>
                <ul class="staff-unverified__list">
                    {move || sections().into_iter().map(|(id, title)| {
                        let target = format!("content-{id}-title");
                        view! { <li><button type="button" class="link-action" on:click=move |_| jump_to(&target)>{title}</button></li> }
                    }).collect_view()}
                    <Show when=move || { branch_count() > 0 }>
                        <li>
                            <button type="button" class="link-action" on:click=move |_| jump_to("content-branches-title")>
                                {move || format!("Отделения: не проверено {}", branch_count())}
                            </button>
                        </li>
                    </Show>
                </ul>
            </div>
        </Show>
    }
}

fn about_spec() -> RecordSpec<About> {
    const COLS: &[Col] = &[Col::area("text", "Текст", 12).hint("Пустая строка разделяет абзацы.")];
    RecordSpec {
        cols: COLS,
        to_values: |a| vec![a.text.clone()],
        from_values: |v| Ok(About { text: v[0].clone() }),
        save: api::staff::save_about,
    }
}

fn links_spec() -> RecordSpec<Links> {
    const COLS: &[Col] = &[
        Col::line("site_url", "Сайт компании")
            .kind(Kind::Url)
            .hint("Сюда ведёт логотип.")
            .wide(),
        Col::line("contract_url", "«Подробнее о договоре энергоснабжения»")
            .kind(Kind::Url)
            .wide(),
        Col::line("tariffs_url", "«Подробнее о тарифах»")
            .kind(Kind::Url)
            .wide(),
        Col::line("shop_url", "«Перейти в интернет-магазин товаров»")
            .kind(Kind::Url)
            .wide(),
    ];
    RecordSpec {
        cols: COLS,
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
    const COLS: &[Col] = &[
        Col::line("company_name", "Полное название").wide(),
        Col::line("company_short_name", "Краткое название")
            .hint("Рядом с логотипом, если логотип не загружен."),
        Col::line("support_email", "E-mail технической поддержки").kind(Kind::Email),
        Col::line("support_phone", "Телефон технической поддержки").kind(Kind::Tel),
    ];
    RecordSpec {
        cols: COLS,
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
    const COLS: &[Col] = &[
        Col::line("question", "Вопрос").wide(),
        Col::area("answer", "Ответ", 3),
    ];
    ListSpec {
        prefix: "faq",
        item: "Вопрос",
        add: "Добавить вопрос",
        empty: "Вопросов нет: страница «Вопросы и ответы» будет пустой.",
        cols: COLS,
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
    const COLS: &[Col] = &[
        Col::line("title", "Способ оплаты").wide(),
        Col::area("text", "Как оплатить", 3),
    ];
    ListSpec {
        prefix: "pay",
        item: "Способ",
        add: "Добавить способ оплаты",
        empty: "Способов оплаты нет.",
        cols: COLS,
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
    const COLS: &[Col] = &[Col::area("text", "Текст подсказки", 2)];
    ListSpec {
        prefix: "tip",
        item: "Подсказка",
        add: "Добавить подсказку",
        empty: "Подсказок нет: виджет «Помощь по кабинету» не показывается.",
        cols: COLS,
        to_values: |t| vec![t.text.clone()],
        from_values: |_, v| Ok(HelpTip { text: v[0].clone() }),
        save: api::staff::save_help_tips,
    }
}

/// A price as the admin typed it (`1 850,00`), or none when blank.
fn price(i: usize, raw: &str) -> Result<Option<Decimal>, ApiError> {
    let digits: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '₽')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    Decimal::from_str(&digits).map(Some).map_err(|_| {
        ApiError::invalid_field(
            &format!("items[{i}].price"),
            "Введите цену числом, например 1850,00, или оставьте поле пустым.",
        )
    })
}

fn services_spec() -> ListSpec<Service> {
    const COLS: &[Col] = &[
        Col::line("name", "Название").wide(),
        Col::line("code", "Код").hint("Латинские буквы, цифры, - и _."),
        Col::line("price", "Цена, ₽").kind(Kind::Amount),
        Col::line("unit", "Единица").hint("Например: за услугу."),
        Col::line("description", "Описание").wide(),
    ];
    ListSpec {
        prefix: "svc",
        item: "Услуга",
        add: "Добавить услугу",
        empty: "Услуг нет: вкладка «Услуги» покажет только прейскурант.",
        cols: COLS,
        to_values: |s| {
            vec![
                s.name.clone(),
                s.code.clone(),
                s.price
                    .map(|p| format!("{:.2}", p).replace('.', ","))
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
