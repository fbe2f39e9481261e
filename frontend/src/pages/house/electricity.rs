//! «Электроэнергия»: balance and the operations history with period, type filters, invoice
//! details (F9.1–F9.4).

use chrono::NaiveDate;
use leptos::prelude::*;
use lk_api_types::{
    AccountSummary, InvoiceBasis, InvoiceLineResponse, OperationItem, OperationKind,
};

use crate::api::accounts::OperationsQuery;
use crate::api::{self, ApiError};
use crate::components::export::{ExportLinks, Exported};
use crate::components::insights::InsightsCard;
use crate::components::layout::Splash;
use crate::components::modal::Modal;
use crate::components::payment_wizard::PayButton;
use crate::components::period::{months_back, PeriodPicker};
use crate::components::receipt::{BlankReceiptLink, PrintButton, PrintForm};
use crate::format;
use crate::i18n::*;
use crate::session::Session;

/// What a history row shows for its kind: readings their values and consumption (they are
/// billed by the invoice of their month, so no rubles), invoices and payments their amount.
fn row_figures(op: &OperationItem) -> (String, Option<String>) {
    let mut values = op
        .values
        .iter()
        .map(|v| format!("{} {}", format::zone(&v.zone), v.value))
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(kwh) = op.consumption.filter(|_| op.kind == OperationKind::Reading) {
        values.push_str(" · ");
        values.push_str(&td_string!(
            lang(),
            house.electricity.consumption,
            kwh = kwh
        ));
    }
    let amount = op
        .amount
        .filter(|_| op.kind != OperationKind::Reading)
        .map(|a| {
            if op.kind == OperationKind::Payment {
                format!("+{}", format::rubles(a))
            } else {
                format::rubles(a)
            }
        });
    (values, amount)
}

/// How an invoice's consumption was found.
fn basis_label(basis: InvoiceBasis) -> &'static str {
    match basis {
        InvoiceBasis::Billing => td_string!(lang(), house.invoice.basis_billing),
        InvoiceBasis::Reading => td_string!(lang(), house.invoice.basis_reading),
        InvoiceBasis::Average => td_string!(lang(), house.invoice.basis_average),
        InvoiceBasis::Norm => td_string!(lang(), house.invoice.basis_norm),
    }
}

/// An invoice line's zone. The server names it in Russian; a line of a volume band («День
/// (свыше 3900 кВт·ч)») keeps the server's name, the band's bound not being in the answer.
fn line_label(l: &InvoiceLineResponse) -> String {
    if l.label == l.zone.label_ru() {
        format::zone(&l.zone).to_string()
    } else {
        l.label.clone()
    }
}

#[component]
pub fn ElectricityTab(
    account: AccountSummary,
    /// Today in the company's time zone: the end of the default period.
    today: NaiveDate,
    /// The user may pay (not a viewer of the account).
    acts: bool,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let number = StoredValue::new(account.number.clone());
    let (balance, due) = (account.balance, account.amount_due);
    let from = RwSignal::new(months_back(today, 6));
    let to = RwSignal::new(today);
    let invoices = RwSignal::new(true);
    let readings = RwSignal::new(true);
    let payments = RwSignal::new(true);
    let items = RwSignal::new(Vec::<OperationItem>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    let invoice = RwSignal::new(None::<i64>);

    let load = Action::new_local(move |cursor: &Option<String>| {
        let append = cursor.is_some();
        let cursor = cursor.clone();
        let kinds: Vec<OperationKind> = [
            (invoices, OperationKind::Invoice),
            (readings, OperationKind::Reading),
            (payments, OperationKind::Payment),
        ]
        .into_iter()
        .filter(|(s, _)| s.get_untracked())
        .map(|(_, k)| k)
        .collect();
        let (from, to) = (from.get_untracked(), to.get_untracked());
        async move {
            let query = OperationsQuery {
                from,
                to,
                kinds: &kinds,
                limit: 25,
                cursor: cursor.as_deref(),
            };
            match api::accounts::operations(session, &number.get_value(), &query).await {
                Ok(page) => {
                    error.set(None);
                    if append {
                        items.update(|v| v.extend(page.items));
                    } else {
                        items.set(page.items);
                    }
                    next.set(page.next_cursor);
                }
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
        }
    });
    Effect::new(move |_| {
        // Any change of the filters reloads the first page.
        let _ = (
            from.get(),
            to.get(),
            invoices.get(),
            readings.get(),
            payments.get(),
        );
        load.dispatch(None);
    });
    let nothing_checked = move || !invoices.get() && !readings.get() && !payments.get();
    let (b_label, b_amount, b_class) = format::balance(balance);
    let i18n = use_i18n();

    view! {
        <div class="house-grid">
            <aside class="card side">
                <p class="side__label">{b_label}</p>
                <p class=format!("side__amount balance {b_class}") data-testid="side-balance">{b_amount}</p>
                <p class="side__label">{t!(i18n, house.amount_due)}</p>
                <p class="side__due" data-testid="side-amount-due">{format::rubles(due)}</p>
                <p class="muted side__number">{td_string!(lang(), house.electricity.account_number, number = number.get_value())}</p>
                {acts.then(|| view! { <PayButton number=number.get_value() due=due block=true/> })}
                <div class="side__receipts">
                    <p class="side__label">{t!(i18n, house.electricity.receipt)}</p>
                    <PrintButton number=number.get_value() amount=due/>
                    <BlankReceiptLink/>
                </div>
            </aside>
            <div class="card">
                <h2 class="card__title">{t!(i18n, house.electricity.history)}</h2>
                <div class="filters">
                    <PeriodPicker from=from to=to today=today/>
                    <div class="filters__kinds" role="group" aria-label=td_string!(lang(), house.electricity.kinds)>
                        <label class="check"><input type="checkbox" bind:checked=invoices/><span>{t!(i18n, house.electricity.invoices)}</span></label>
                        <label class="check"><input type="checkbox" bind:checked=readings/><span>{t!(i18n, house.electricity.readings)}</span></label>
                        <label class="check"><input type="checkbox" bind:checked=payments/><span>{t!(i18n, house.electricity.payments)}</span></label>
                    </div>
                </div>
                <ExportLinks number=number what=Exported::Operations from=from to=to/>
                {move || error.get().map(|e| view! { <div class="alert alert--error" role="alert">{e.message()}</div> })}
                {move || if !loaded.get() {
                    view! { <Splash/> }.into_any()
                } else if nothing_checked() {
                    view! { <p class="muted">{t!(i18n, house.electricity.none_checked)}</p> }.into_any()
                } else if items.get().is_empty() {
                    view! { <p class="muted" data-testid="history-empty">{t!(i18n, house.electricity.empty)}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            // Phones lay the rows out as cards (CSS `display`); the explicit roles
                            // keep it a table for screen readers whatever the display.
                            <table class="table table--ops" role="table" data-testid="history">
                                <thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">{t!(i18n, house.date)}</th><th scope="col" role="columnheader">{t!(i18n, house.electricity.operation)}</th><th scope="col" role="columnheader">{t!(i18n, house.electricity.values)}</th><th scope="col" role="columnheader" class="num">{t!(i18n, house.electricity.amount)}</th></tr></thead>
                                <tbody role="rowgroup">
                                    {move || items.get().into_iter().map(|op| {
                                        let id = op.id;
                                        let is_invoice = op.kind == OperationKind::Invoice;
                                        let (values, amount) = row_figures(&op);
                                        view! {
                                            <tr class=format!("op op--{}", op.kind) data-kind=op.kind.as_str() role="row">
                                                <td role="cell" data-label=td_string!(lang(), house.date)>{format::date(op.date)}</td>
                                                <td role="cell" data-label=td_string!(lang(), house.electricity.operation)>
                                                    {op.description.clone()}
                                                    {op.made_by.clone().map(|name| view! { <span class="op__by muted" data-testid="op-by">{td_string!(lang(), house.family.made_by, name = name)}</span> })}
                                                    {is_invoice.then(|| view! {
                                                        <button type="button" class="icon-btn" title=td_string!(lang(), house.electricity.view_invoice) aria-label=td_string!(lang(), house.electricity.view_named, name = op.description.clone()) on:click=move |_| invoice.set(Some(id))>
                                                            <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 3h9l3 3v15H6z M9 9h6 M9 13h6 M9 17h4" fill="none" stroke="currentColor" stroke-width="1.8"/></svg>
                                                        </button>
                                                    })}
                                                </td>
                                                <td role="cell" data-label=td_string!(lang(), house.electricity.values) data-testid="op-values">{values}</td>
                                                <td role="cell" class="num" data-label=td_string!(lang(), house.electricity.amount) data-testid="op-amount">{amount}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Show when=move || next.get().is_some()>
                            <button type="button" class="btn btn--secondary" on:click=move |_| { load.dispatch(next.get_untracked()); } disabled=move || load.pending().get()>{t!(i18n, house.electricity.more)}</button>
                        </Show>
                    }.into_any()
                }}
            </div>
        </div>
        <InsightsCard number=number.get_value()/>
        {move || invoice.get().map(|id| view! { <InvoiceWindow number=number.get_value() id=id on_close=Callback::new(move |_| invoice.set(None))/> })}
    }
}

#[component]
fn InvoiceWindow(number: String, id: i64, on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let inv = LocalResource::new(move || async move {
        api::accounts::invoice(session, &number.get_value(), id).await
    });
    // «Печать заполненного бланка квитанции» turns the window into the print form (Рис. 9.4).
    let printing = RwSignal::new(false);
    let title = Signal::derive(move || match inv.get() {
        _ if printing.get() => td_string!(lang(), house.invoice.print).to_owned(),
        Some(Ok(i)) => td_string!(
            lang(),
            house.invoice.title_for,
            month = format::month_year(i.period)
        ),
        _ => td_string!(lang(), house.invoice.title).to_owned(),
    });
    let i18n = use_i18n();
    view! {
        <Modal title=title on_close=on_close>
            {move || match inv.get() {
                None => view! { <Splash/> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
                Some(Ok(i)) if printing.get() => view! {
                    <PrintForm number=number.get_value() amount=i.amount/>
                }.into_any(),
                Some(Ok(i)) => view! {
                    <dl class="facts">
                        <dt>{t!(i18n, house.invoice.issued_on)}</dt><dd>{format::date(i.issued_on)}</dd>
                        <dt>{t!(i18n, house.invoice.due_on)}</dt><dd>{format::date(i.due_on)}</dd>
                        <dt>{t!(i18n, house.invoice.consumption)}</dt><dd>{td_string!(lang(), house.kwh, kwh = i.consumption)}</dd>
                        <dt>{t!(i18n, house.invoice.basis)}</dt><dd data-testid="invoice-basis">{basis_label(i.basis)}</dd>
                    </dl>
                    <table class="charge__table" data-testid="invoice-lines">
                        <thead><tr><th scope="col">{t!(i18n, house.invoice.zone)}</th><th scope="col">{t!(i18n, house.invoice.kwh)}</th><th scope="col">{t!(i18n, house.invoice.price)}</th><th scope="col">{t!(i18n, house.invoice.amount)}</th></tr></thead>
                        <tbody>
                            {i.lines.iter().map(|l| view! {
                                <tr><td>{line_label(l)}</td><td>{format::number(l.kwh)}</td><td>{format::number(l.price)}</td><td>{format::rubles(l.amount)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="invoice__total">{t!(i18n, house.invoice.total)}" "<strong data-testid="invoice-total">{format::rubles(i.amount)}</strong></p>
                    <div class="invoice__print">
                        <button type="button" class="link-action" on:click=move |_| printing.set(true)>{t!(i18n, house.invoice.print_form)}</button>
                        <BlankReceiptLink/>
                    </div>
                }.into_any(),
            }}
        </Modal>
    }
}
