//! «Счетчики»: meter information with (i) hints, and the reading history as «Таблица» or
//! «График» (F10).

use chrono::NaiveDate;
use leptos::prelude::*;
use lk_api_types::{MeterResponse, ReadingResponse, ReadingSource, Zone};

use crate::api;
use crate::components::export::{ExportLinks, Exported};
use crate::components::layout::Splash;
use crate::components::period::{months_back, PeriodPicker};
use crate::format;
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn MetersTab(
    number: String,
    /// Today in the company's time zone: the end of the default period.
    today: NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let meters =
        LocalResource::new(
            move || async move { api::meters::list(session, &number.get_value()).await },
        );
    view! {
        {move || match meters.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{t!(i18n, house.meters.none)}</p> }.into_any(),
            Some(Ok(list)) => list.into_iter().map(|m| view! { <Meter number=number.get_value() meter=m today=today/> }).collect_view().into_any(),
        }}
    }
}

/// A fact with an (i) button that shows its explanation.
#[component]
fn Fact(
    label: &'static str,
    value: String,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <dt>
            {label}
            {hint.map(|_| view! {
                <button type="button" class="info-btn" aria-label=td_string!(lang(), house.meters.hint_for, label = label) aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>"i"</button>
            })}
        </dt>
        <dd>
            {value}
            {move || (open.get()).then(|| view! { <p class="hint" role="note">{hint.unwrap_or_default()}</p> })}
        </dd>
    }
}

fn date_or_dash(d: Option<NaiveDate>) -> String {
    d.map(format::date).unwrap_or_else(|| "—".into())
}

#[component]
fn Meter(number: String, meter: MeterResponse, today: NaiveDate) -> impl IntoView {
    let zones = meter
        .zones
        .iter()
        .map(|z| format!("{} ({})", format::zone(&z.zone), z.hours))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <div class="card meter">
            <h2 class="card__title">{format::meter_name(meter.label.as_deref(), &meter.serial)}</h2>
            <dl class="facts" data-testid="meter-info">
                <Fact label=td_string!(lang(), house.meters.serial) value=meter.serial.clone() hint=td_string!(lang(), house.meters.serial_hint)/>
                <Fact label=td_string!(lang(), house.meters.model) value=meter.model.clone()/>
                <Fact label=td_string!(lang(), house.meters.zones) value=zones hint=td_string!(lang(), house.meters.zones_hint)/>
                <Fact label=td_string!(lang(), house.meters.digits) value=td_string!(lang(), house.meters.digits_value, digits = meter.digits) hint=td_string!(lang(), house.meters.digits_hint)/>
                <Fact label=td_string!(lang(), house.meters.installed_on) value=date_or_dash(meter.installed_on)/>
                <Fact label=td_string!(lang(), house.meters.verified_on) value=date_or_dash(meter.verified_on)/>
                <Fact label=td_string!(lang(), house.meters.next_verification) value=date_or_dash(meter.next_verification_on) hint=td_string!(lang(), house.meters.next_verification_hint)/>
                <Fact label=td_string!(lang(), house.meters.location) value=meter.location.clone()/>
            </dl>
            <History number=number meter_id=meter.id today=today/>
        </div>
    }
}

#[component]
fn History(number: String, meter_id: i64, today: NaiveDate) -> impl IntoView {
    let session = expect_context::<Session>();
    let from = RwSignal::new(months_back(today, 12));
    let to = RwSignal::new(today);
    let chart = RwSignal::new(false);
    let number = StoredValue::new(number);
    let readings = LocalResource::new(move || {
        let (from, to) = (from.get(), to.get());
        async move { api::readings::list(session, &number.get_value(), meter_id, from, to).await }
    });
    let i18n = use_i18n();
    view! {
        <h3 class="meter__history-title">{t!(i18n, house.meters.history)}</h3>
        <div class="filters">
            <PeriodPicker from=from to=to today=today/>
            <div class="toggle" role="group" aria-label=td_string!(lang(), house.meters.view)>
                <button type="button" class="chip" class:chip--active=move || !chart.get() aria-pressed=move || (!chart.get()).to_string() on:click=move |_| chart.set(false)>{t!(i18n, house.meters.table)}</button>
                <button type="button" class="chip" class:chip--active=move || chart.get() aria-pressed=move || chart.get().to_string() on:click=move |_| chart.set(true)>{t!(i18n, house.meters.chart)}</button>
            </div>
        </div>
        <ExportLinks number=number what=Exported::Readings(meter_id) from=from to=to/>
        {move || match readings.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{t!(i18n, house.meters.empty)}</p> }.into_any(),
            Some(Ok(list)) if chart.get() => view! { <crate::components::chart::ConsumptionChart readings=list/> }.into_any(),
            Some(Ok(list)) => view! { <Table readings=list/> }.into_any(),
        }}
    }
}

fn source(s: ReadingSource) -> &'static str {
    match s {
        ReadingSource::Portal => td_string!(lang(), house.meters.source_portal),
        ReadingSource::Controller => td_string!(lang(), house.meters.source_controller),
        ReadingSource::Billing => td_string!(lang(), house.meters.source_billing),
    }
}

#[component]
fn Table(readings: Vec<ReadingResponse>) -> impl IntoView {
    let zones: Vec<Zone> = readings
        .first()
        .map(|r| r.values.iter().map(|v| v.zone).collect())
        .unwrap_or_default();
    let i18n = use_i18n();
    // Phones show each reading as a card: the cells carry their column's name (`data-label`).
    view! {
        <div class="table-wrap">
            <table class="table table--cards" role="table" data-testid="readings-table">
                <thead role="rowgroup">
                    <tr role="row">
                        <th scope="col" role="columnheader">{t!(i18n, house.date)}</th>
                        {zones.iter().map(|z| view! { <th scope="col" role="columnheader" class="num">{format::zone(z)}</th> }).collect_view()}
                        <th scope="col" role="columnheader" class="num">{t!(i18n, house.meters.consumption)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, house.meters.source)}</th>
                    </tr>
                </thead>
                <tbody role="rowgroup">
                    {readings.iter().map(|r| view! {
                        <tr role="row">
                            <td role="cell" class="table__head-cell" data-label=td_string!(lang(), house.date)>{format::date(r.taken_on)}</td>
                            {zones.iter().map(|z| view! { <td role="cell" class="num" data-label=format::zone(z)>{r.values.iter().find(|v| v.zone == *z).map(|v| v.value)}</td> }).collect_view()}
                            <td role="cell" class="num" data-label=td_string!(lang(), house.meters.consumption)>{r.consumption}</td>
                            <td role="cell" data-label=td_string!(lang(), house.meters.source)>{source(r.source)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
