//! «Потребление» (X3): an account's consumption month by month for two years, by zone, in
//! kWh and rubles, against the same month a year before, with the server's sentence about the
//! newest month. A bar chart with a kWh axis, a legend and last year's level marked on each
//! bar, or — for reading figures and for screen readers — the same months in a table.

use chrono::Datelike;
use leptos::prelude::*;
use lk_api_types::{AccountInsights, InsightMonth, MonthSource, Zone};

use crate::api;
use crate::components::chart::{month_short, tick_step, zone_class};
use crate::components::layout::Splash;
use crate::format;
use crate::i18n::*;
use crate::session::Session;

/// The card: loads the account's insights once.
#[component]
pub fn InsightsCard(number: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let insights =
        LocalResource::new(move || api::accounts::insights(session, &number.get_value()));
    let table = RwSignal::new(false);
    // Reached by the main page's «Подробнее» (`…/electricity#insights`): once the figures are
    // in, the card is scrolled to.
    Effect::new(move |_| {
        if insights.get().is_some() && window().location().hash().is_ok_and(|h| h == "#insights") {
            if let Some(card) = document().get_element_by_id("insights") {
                card.scroll_into_view();
            }
        }
    });
    let i18n = use_i18n();
    view! {
        <section class="card insights" id="insights" data-testid="insights" aria-labelledby="insights-title">
            <div class="insights__head">
                <h2 class="card__title" id="insights-title">{t!(i18n, house.insights.title)}</h2>
                <div class="toggle" role="group" aria-label=td_string!(lang(), house.insights.view)>
                    <button type="button" class="chip" class:chip--active=move || !table.get() aria-pressed=move || (!table.get()).to_string() on:click=move |_| table.set(false)>{t!(i18n, house.insights.chart)}</button>
                    <button type="button" class="chip" class:chip--active=move || table.get() aria-pressed=move || table.get().to_string() on:click=move |_| table.set(true)>{t!(i18n, house.insights.table)}</button>
                </div>
            </div>
            {move || match insights.get() {
                None => view! { <Splash/> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="alert alert--error" role="alert">{td_string!(lang(), house.insights.loading_failed)}" "{e.message()}</div>
                }.into_any(),
                Some(Ok(i)) if i.latest_month.is_none() => view! {
                    <p class="muted" data-testid="insights-empty">{t!(i18n, house.insights.empty)}</p>
                }.into_any(),
                Some(Ok(i)) => view! {
                    <p class="insights__summary" data-testid="insights-summary">{i.summary.clone()}</p>
                    {if table.get() {
                        view! { <MonthsTable months=i.months.clone() visible=true/> }.into_any()
                    } else {
                        view! { <Chart insights=i.clone()/> <MonthsTable months=i.months visible=false/> }.into_any()
                    }}
                }.into_any(),
            }}
        </section>
    }
}

fn amount(m: &InsightMonth) -> String {
    m.amount.map(format::rubles).unwrap_or_default()
}

/// The zones present in the series, in the order the months give them.
fn zones_of(months: &[InsightMonth]) -> Vec<Zone> {
    let mut zones: Vec<Zone> = Vec::new();
    for z in months.iter().flat_map(|m| m.zones.iter().map(|z| z.zone)) {
        if !zones.contains(&z) {
            zones.push(z);
        }
    }
    zones
}

#[component]
fn Chart(insights: AccountInsights) -> impl IntoView {
    let months = insights.months;
    let zones = zones_of(&months);
    let max = months
        .iter()
        .flat_map(|m| [m.kwh.unwrap_or(0), m.last_year_kwh.unwrap_or(0)])
        .max()
        .unwrap_or(0)
        .max(1);
    let step = tick_step(max);
    let top = (max + step - 1) / step * step;
    let (left, right, above, below) = (56.0_f64, 8.0_f64, 24.0_f64, 44.0_f64);
    let slot = 40.0_f64;
    let w = left + right + slot * months.len() as f64;
    let h = 260.0_f64;
    let plot = h - above - below;
    let y_of = |kwh: i64| h - below - kwh as f64 / top as f64 * plot;
    let bar_w = 24.0_f64;
    let label = td_string!(
        lang(),
        house.insights.chart_label,
        summary = insights.summary.clone().unwrap_or_default()
    );
    view! {
        <figure class="chart chart--zones" data-testid="insights-chart">
            <div class="chart__scroll" tabindex="0" role="group" aria-label=td_string!(lang(), dialogs.chart.scroll)>
                <svg viewBox=format!("0 0 {w} {h}") width=w height=h role="img" aria-label=label>
                    <text x="0" y="14" class="chart__unit">{td_string!(lang(), dialogs.chart.unit)}</text>
                    {(0..=top / step).map(|i| {
                        let t = i * step;
                        let y = y_of(t);
                        view! {
                            <g data-testid="chart-tick">
                                <line x1=left y1=y x2=w - right y2=y class=if t == 0 { "chart__axis" } else { "chart__grid" }/>
                                <text x=left - 8.0 y=y + 4.5 class="chart__value" text-anchor="end">{t.to_string()}</text>
                            </g>
                        }
                    }).collect_view()}
                    {months.iter().enumerate().map(|(i, m)| {
                        let x = left + i as f64 * slot + (slot - bar_w) / 2.0;
                        let cx = x + bar_w / 2.0;
                        let detail = if m.zones.len() > 1 {
                            format!(" ({})", m.zones.iter().map(|z| format!("{} {}", format::zone(&z.zone), z.kwh)).collect::<Vec<_>>().join(", "))
                        } else {
                            String::new()
                        };
                        let title = td_string!(
                            lang(),
                            house.insights.bar,
                            month = format::month_year(m.month),
                            kwh = m.kwh.unwrap_or(0),
                            amount = amount(m),
                            detail = detail
                        );
                        let mut base = 0_i64;
                        let segments = m.zones.iter().map(|z| {
                            let (y0, y1) = (y_of(base), y_of(base + z.kwh));
                            base += z.kwh;
                            view! {
                                <rect x=x y=y1 width=bar_w height=(y0 - y1).max(0.0) class=format!("chart__seg {}", zone_class(z.zone))>
                                    <title>{title.clone()}</title>
                                </rect>
                            }
                        }).collect_view();
                        let last_year = m.last_year_kwh.map(|k| {
                            let y = y_of(k);
                            view! { <line x1=x - 4.0 y1=y x2=x + bar_w + 4.0 y2=y class="chart__last-year" data-testid="insights-last-year"/> }
                        });
                        let year = (i == 0 || m.month.month() == 1).then(|| view! {
                            <text x=cx y=h - below + 34.0 class="chart__tick chart__tick--year" text-anchor="middle">{m.month.year().to_string()}</text>
                        });
                        view! {
                            <g class="chart__bar-group" data-testid="insights-bar">
                                {segments}
                                {last_year}
                                <text x=cx y=h - below + 18.0 class="chart__tick" text-anchor="middle">{month_short(m.month)}</text>
                                {year}
                            </g>
                        }
                    }).collect_view()}
                </svg>
            </div>
            <ul class="chart__legend" data-testid="chart-legend" aria-label=td_string!(lang(), dialogs.chart.legend)>
                {zones.iter().map(|z| view! {
                    <li class="chart__legend-item">
                        <span class=format!("chart__swatch {}", zone_class(*z)) aria-hidden="true"></span>
                        {format::zone(z)}
                    </li>
                }).collect_view()}
                <li class="chart__legend-item">
                    <span class="chart__swatch chart__swatch--last-year" aria-hidden="true"></span>
                    {td_string!(lang(), house.insights.last_year)}
                </li>
            </ul>
        </figure>
    }
}

/// The months newest first: kWh and rubles side by side, per day, last year and the change.
/// Shown on «Таблица»; otherwise kept for screen readers only.
#[component]
fn MonthsTable(months: Vec<InsightMonth>, visible: bool) -> impl IntoView {
    let i18n = use_i18n();
    let dash = || td_string!(lang(), house.insights.no_data);
    view! {
        <div class=if visible { "table-wrap" } else { "chart__sr" }>
            <table class="table table--insights" data-testid="insights-table">
                <caption class="chart__sr">{t!(i18n, house.insights.caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, house.insights.month)}</th>
                        <th scope="col" class="num">{t!(i18n, house.insights.kwh)}</th>
                        <th scope="col" class="num">{t!(i18n, house.insights.amount)}</th>
                        <th scope="col" class="num">{t!(i18n, house.insights.per_day)}</th>
                        <th scope="col" class="num">{t!(i18n, house.insights.last_year_kwh)}</th>
                        <th scope="col" class="num">{t!(i18n, house.insights.change)}</th>
                    </tr>
                </thead>
                <tbody>
                    {months.into_iter().rev().map(|m| {
                        let missing = m.source == MonthSource::Missing;
                        let zones = (m.zones.len() > 1).then(|| m.zones.iter().map(|z| format!("{} {}", format::zone(&z.zone), z.kwh)).collect::<Vec<_>>().join(", "));
                        view! {
                            <tr data-testid="insights-row" data-month=m.month.to_string()>
                                <th scope="row">
                                    {format::month_year(m.month)}
                                    {(m.source == MonthSource::Readings).then(|| view! { <span class="muted insights__note">{td_string!(lang(), house.insights.source_readings)}</span> })}
                                </th>
                                <td class="num">
                                    {if missing { dash().to_owned() } else { m.kwh.map(|k| k.to_string()).unwrap_or_default() }}
                                    {zones.map(|z| view! { <span class="muted insights__note">{z}</span> })}
                                </td>
                                <td class="num">{if missing { dash().to_owned() } else { amount(&m) }}</td>
                                <td class="num">{m.kwh_per_day.map(format::number).unwrap_or_else(|| dash().to_owned())}</td>
                                <td class="num">{m.last_year_kwh.map(|k| k.to_string()).unwrap_or_else(|| dash().to_owned())}</td>
                                <td class="num">{m.change_percent.map(|p| {
                                    let sign = if p > rust_decimal::Decimal::ZERO { "+" } else { "" };
                                    format!("{sign}{}", format::percent(p))
                                }).unwrap_or_else(|| dash().to_owned())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
