//! «Услуги» (F12): the catalogue of services with prices, «Заказать услугу» for the house's
//! account, «Прейскурант услуг» to download and «Перейти в интернет-магазин товаров».

use chrono::NaiveDate;
use leptos::prelude::*;
use lk_api_types::{ContactResponse, FileInfo, Service, ServiceOrderBody};

use crate::api::{self, ApiError};
use crate::components::form::{optional, ErrorAlert, Field, SelectField, Submission, Submit};
use crate::components::modal::Modal;
use crate::components::site_content::with_content;
use crate::format;
use crate::i18n::*;
use crate::routes;
use crate::session::Session;

/// How far ahead a preferred date may be, in days (the server's rule).
const DAYS_AHEAD: i64 = 90;

#[component]
pub fn ServicesTab(
    number: String,
    /// Today in the company's time zone: the earliest preferred date.
    today: NaiveDate,
    /// The user may order (not a viewer of the account).
    acts: bool,
) -> impl IntoView {
    let number = StoredValue::new(number);
    // The code of the service being ordered, while its window is open.
    let ordering = RwSignal::new(None::<String>);
    let i18n = use_i18n();
    view! {
        {with_content(move |c| {
            let services = StoredValue::new(c.services.clone());
            let shop = Some(c.links.shop_url.clone()).filter(|u| !u.trim().is_empty());
            view! {
                <div class="stack">
                    {(c.price_list.is_some() || shop.is_some()).then(|| view! {
                        <div class="services-bar">
                            {c.price_list.clone().map(|f| view! { <PriceList file=f/> })}
                            {shop.map(|url| view! {
                                <a class="btn btn--secondary" href=url target="_blank" rel="noopener">{t!(i18n, house.services.shop)}</a>
                            })}
                        </div>
                    })}
                    {if c.services.is_empty() {
                        view! { <div class="card empty"><p class="muted">{t!(i18n, house.services.empty)}</p></div> }.into_any()
                    } else {
                        view! {
                            <ul class="services" data-testid="services">
                                {c.services.into_iter().map(|s| view! { <ServiceCard service=s ordering=acts.then_some(ordering)/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
                {move || ordering.get().map(|code| view! {
                    <OrderDialog
                        number=number.get_value()
                        services=services.get_value()
                        code=code
                        today=today
                        on_close=Callback::new(move |_| ordering.set(None))
                    />
                })}
            }
            .into_any()
        })}
    }
}

/// «Прейскурант услуг»: the uploaded file, with its type and size.
#[component]
fn PriceList(file: FileInfo) -> impl IntoView {
    let kind = match file.content_type.as_str() {
        "application/pdf" => "PDF",
        t if t.contains("spreadsheet") => "XLSX",
        _ => td_string!(lang(), house.services.file),
    };
    let size = if file.size >= 1024 * 1024 {
        let mb = format::number(format!("{:.1}", file.size as f64 / (1024.0 * 1024.0)));
        td_string!(lang(), house.services.size_mb, size = mb)
    } else {
        td_string!(
            lang(),
            house.services.size_kb,
            size = (file.size + 1023) / 1024
        )
    };
    let i18n = use_i18n();
    view! {
        <a class="btn btn--secondary" href=file.url download data-testid="price-list">
            {t!(i18n, house.services.price_list)}
            <span class="btn__note">{format!("{kind}, {size}")}</span>
        </a>
    }
}

#[component]
fn ServiceCard(service: Service, ordering: Option<RwSignal<Option<String>>>) -> impl IntoView {
    let code = service.code.clone();
    let paragraphs = format::paragraphs(&service.description);
    let i18n = use_i18n();
    view! {
        <li class="card service" data-testid="service">
            <h2 class="service__name">{service.name.clone()}</h2>
            {paragraphs.into_iter().map(|p| view! { <p class="service__text muted">{p}</p> }).collect_view()}
            <div class="service__foot">
                <p class="service__price" class:service__price--free=service.price.is_none()>
                    {format::price(service.price, &service.unit)}
                </p>
                {ordering.map(|ordering| view! {
                    <button
                        type="button"
                        class="btn btn--primary"
                        aria-label=td_string!(lang(), house.services.order_named, name = service.name.clone())
                        on:click=move |_| ordering.set(Some(code.clone()))
                    >
                        {t!(i18n, house.services.order)}
                    </button>
                })}
            </div>
        </li>
    }
}

/// «Заказать услугу»: the service (preselected), «Желаемая дата», «Комментарий», «Отправить»;
/// then the request's number.
#[component]
fn OrderDialog(
    number: String,
    services: Vec<Service>,
    code: String,
    today: NaiveDate,
    on_close: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let service = RwSignal::new(code);
    let date = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let last = today + chrono::Duration::days(DAYS_AHEAD);
    let options: Vec<(String, String)> = services
        .iter()
        .map(|s| (s.code.clone(), s.name.clone()))
        .collect();
    let prices = StoredValue::new(services);
    let price = move || {
        let code = service.get();
        prices.with_value(|list| {
            list.iter()
                .find(|s| s.code == code)
                .map(|s| format::price(s.price, &s.unit))
        })
    };
    let send = Submission::new(
        move |body: ServiceOrderBody| async move {
            let code = body.service_code.clone();
            api::accounts::order_service(session, &number.get_value(), &body)
                .await
                .map(|r| (r, code))
        },
        move |(r, code): (ContactResponse, String)| {
            let name = prices
                .with_value(|list| list.iter().find(|s| s.code == code).map(|s| s.name.clone()));
            done.set(Some(match name {
                Some(service) => td_string!(
                    lang(),
                    house.services.ordered,
                    number = r.number,
                    service = service
                ),
                None => r.message,
            }));
        },
    );
    let on_submit = send.on_submit(move || {
        let typed = date.get_untracked();
        let preferred_date = match typed.trim() {
            "" => None,
            d => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                ApiError::invalid_field(
                    "preferred_date",
                    td_string!(lang(), house.services.date_format),
                )
            })?),
        };
        Ok(ServiceOrderBody {
            service_code: service.get_untracked(),
            preferred_date,
            comment: optional(comment),
        })
    });
    let error = send.error();
    let hint = td_string!(
        lang(),
        house.services.date_hint,
        first = format::date(today),
        last = format::date(last)
    );
    let i18n = use_i18n();
    view! {
        <Modal title=Signal::derive(|| td_string!(lang(), house.services.order).to_owned()) on_close=on_close>
            <Show when=move || done.get().is_none() fallback=move || view! {
                <div class="alert alert--success" role="status" data-testid="order-ack">{move || done.get()}</div>
                <div class="form__actions modal__actions">
                    <a class="btn btn--secondary" href=routes::PROFILE_REQUESTS>{t!(i18n, house.services.my_requests)}</a>
                    <button type="button" class="btn btn--primary btn--block" on:click=move |_| on_close.run(())>{t!(i18n, house.close)}</button>
                </div>
            }>
                <form class="form" on:submit=on_submit novalidate>
                    <ErrorAlert error=error/>
                    <SelectField label=td_string!(lang(), house.services.service) name="service_code" value=service options=options.clone() error=error/>
                    <p class="muted order__price" aria-live="polite">{move || price().map(|p| td_string!(lang(), house.services.cost, price = p))}</p>
                    <Field label=td_string!(lang(), house.services.preferred_date) name="preferred_date" kind="date" value=date error=error
                        min=today.to_string() max=last.to_string() hint=hint.clone()/>
                    <Field label=td_string!(lang(), house.comment) name="comment" rows=4 value=comment error=error/>
                    <Submit label=td_string!(lang(), house.send) pending=send.pending()/>
                </form>
            </Show>
        </Modal>
    }
}
