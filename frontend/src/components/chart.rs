//! The consumption chart of a meter's readings (F10, issue 12): one bar per reading for the
//! kWh since the previous one, stacked by tariff zone with a legend when the meter has
//! several, a kWh axis with round ticks, and the month and year under each bar. The same
//! figures are in a table for screen readers.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use lk_api_types::{ReadingResponse, Zone};

use crate::format;
use crate::i18n::*;

/// One bar: the day of the newer reading and the kWh per zone since the previous one.
struct Bar {
    on: NaiveDate,
    zones: Vec<(Zone, i64)>,
}

impl Bar {
    fn total(&self) -> i64 {
        self.zones.iter().map(|(_, k)| k).sum()
    }
}

/// Consumption per zone between consecutive readings, oldest first. A register that went
/// down (a rollover or a replaced meter) counts as zero rather than as a negative bar.
fn bars(readings: Vec<ReadingResponse>) -> (Vec<Zone>, Vec<Bar>) {
    let mut asc = readings;
    asc.sort_by_key(|r| (r.taken_on, r.id));
    let zones: Vec<Zone> = asc
        .last()
        .map(|r| r.values.iter().map(|v| v.zone).collect())
        .unwrap_or_default();
    let value =
        |r: &ReadingResponse, z: Zone| r.values.iter().find(|v| v.zone == z).map(|v| v.value);
    let bars = asc
        .windows(2)
        .map(|w| Bar {
            on: w[1].taken_on,
            zones: zones
                .iter()
                .map(|z| {
                    let kwh = match (value(&w[0], *z), value(&w[1], *z)) {
                        (Some(a), Some(b)) => (b - a).max(0),
                        _ => 0,
                    };
                    (*z, kwh)
                })
                .collect(),
        })
        .collect();
    (zones, bars)
}

/// A round step for about five ticks up to `max`: 1, 2 or 5 times a power of ten.
pub(crate) fn tick_step(max: i64) -> i64 {
    let mut power = 1_i64;
    loop {
        for m in [1, 2, 5] {
            let step = m * power;
            if max <= step * 5 {
                return step;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// The CSS class of a zone's bars and legend swatch.
pub(crate) fn zone_class(z: Zone) -> &'static str {
    match z {
        Zone::Single => "chart__seg--single",
        Zone::Day => "chart__seg--day",
        Zone::Night => "chart__seg--night",
        Zone::Peak => "chart__seg--peak",
        Zone::HalfPeak => "chart__seg--half-peak",
    }
}

/// «янв», «фев», … in the language shown.
pub(crate) fn month_short(d: NaiveDate) -> &'static str {
    let l = lang();
    match d.month() {
        1 => td_string!(l, dialogs.chart.month.jan),
        2 => td_string!(l, dialogs.chart.month.feb),
        3 => td_string!(l, dialogs.chart.month.mar),
        4 => td_string!(l, dialogs.chart.month.apr),
        5 => td_string!(l, dialogs.chart.month.may),
        6 => td_string!(l, dialogs.chart.month.jun),
        7 => td_string!(l, dialogs.chart.month.jul),
        8 => td_string!(l, dialogs.chart.month.aug),
        9 => td_string!(l, dialogs.chart.month.sep),
        10 => td_string!(l, dialogs.chart.month.oct),
        11 => td_string!(l, dialogs.chart.month.nov),
        _ => td_string!(l, dialogs.chart.month.dec),
    }
}

/// Consumption between consecutive readings as an SVG bar chart, oldest on the left.
#[component]
pub fn ConsumptionChart(readings: Vec<ReadingResponse>) -> impl IntoView {
    let (zones, bars) = bars(readings);
    if bars.is_empty() {
        return view! { <p class="muted">{td_string!(lang(), dialogs.chart.too_few)}</p> }
            .into_any();
    }
    let several = zones.len() > 1;
    // Two readings in one month: the bar is named by its day, not only its month.
    let by_day = bars
        .windows(2)
        .any(|w| (w[0].on.year(), w[0].on.month()) == (w[1].on.year(), w[1].on.month()));
    let label = move |d: NaiveDate| {
        if by_day {
            d.format("%d.%m").to_string()
        } else {
            month_short(d).to_owned()
        }
    };

    let max = bars.iter().map(Bar::total).max().unwrap_or(0).max(1);
    let step = tick_step(max);
    let top = (max + step - 1) / step * step;
    let ticks: Vec<i64> = (0..=top / step).map(|i| i * step).collect();
    let (left, right, above, below) = (56.0_f64, 8.0_f64, 24.0_f64, 44.0_f64);
    // Drawn at its natural size at least (readable text), scrolled sideways where the page is
    // narrower, stretched where it is wider; a few bars get wider slots.
    let slot = ((640.0 - left - right) / bars.len() as f64).clamp(52.0, 96.0);
    let w = left + right + slot * bars.len() as f64;
    let h = 280.0_f64;
    let plot = h - above - below;
    let y_of = |kwh: i64| h - below - kwh as f64 / top as f64 * plot;
    let bar_w = (slot * 0.62).min(40.0);

    let (first, last) = (bars[0].on, bars[bars.len() - 1].on);
    let total: i64 = bars.iter().map(Bar::total).sum();
    let summary = td_string!(
        lang(),
        dialogs.chart.summary,
        from = format::date(first),
        to = format::date(last),
        total = total,
        max = max
    );
    let zone_names = zones
        .iter()
        .map(format::zone)
        .collect::<Vec<_>>()
        .join(", ");

    view! {
        <figure class="chart chart--zones" data-testid="readings-chart">
            <div class="chart__scroll" tabindex="0" role="group" aria-label=td_string!(lang(), dialogs.chart.scroll)>
                <svg viewBox=format!("0 0 {w} {h}") width=w height=h role="img" aria-label=summary.clone()>
                    <text x="0" y="14" class="chart__unit">{td_string!(lang(), dialogs.chart.unit)}</text>
                    {ticks.iter().map(|t| {
                        let y = y_of(*t);
                        view! {
                            <g data-testid="chart-tick">
                                <line x1=left y1=y x2=w - right y2=y class=if *t == 0 { "chart__axis" } else { "chart__grid" }/>
                                <text x=left - 8.0 y=y + 4.5 class="chart__value" text-anchor="end">{t.to_string()}</text>
                            </g>
                        }
                    }).collect_view()}
                    {bars.iter().enumerate().map(|(i, b)| {
                        let x = left + i as f64 * slot + (slot - bar_w) / 2.0;
                        let mut base = 0_i64;
                        let detail = if several {
                            format!(
                                " ({})",
                                b.zones.iter().map(|(z, k)| format!("{} {k}", format::zone(z))).collect::<Vec<_>>().join(", ")
                            )
                        } else {
                            String::new()
                        };
                        let title = td_string!(
                            lang(),
                            dialogs.chart.bar,
                            month = month_short(b.on),
                            year = b.on.year(),
                            date = format::date(b.on),
                            total = b.total(),
                            detail = detail
                        );
                        let segments = b.zones.iter().map(|(z, kwh)| {
                            let (y0, y1) = (y_of(base), y_of(base + kwh));
                            base += kwh;
                            view! {
                                <rect x=x y=y1 width=bar_w height=(y0 - y1).max(0.0) class=format!("chart__seg {}", zone_class(*z))>
                                    <title>{title.clone()}</title>
                                </rect>
                            }
                        }).collect_view();
                        let cx = x + bar_w / 2.0;
                        view! {
                            <g class="chart__bar-group">
                                {segments}
                                <text x=cx y=h - below + 18.0 class="chart__tick" text-anchor="middle">{label(b.on)}</text>
                                <text x=cx y=h - below + 34.0 class="chart__tick chart__tick--year" text-anchor="middle">{b.on.year().to_string()}</text>
                            </g>
                        }
                    }).collect_view()}
                </svg>
            </div>
            {several.then(|| view! {
                <ul class="chart__legend" data-testid="chart-legend" aria-label=td_string!(lang(), dialogs.chart.legend)>
                    {zones.iter().map(|z| view! {
                        <li class="chart__legend-item">
                            <span class=format!("chart__swatch {}", zone_class(*z)) aria-hidden="true"></span>
                            {format::zone(z)}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <figcaption class="muted">
                {if several {
                    td_string!(lang(), dialogs.chart.caption_zones, zones = zone_names)
                } else {
                    td_string!(lang(), dialogs.chart.caption).to_owned()
                }}
            </figcaption>
            <div class="chart__sr">
            <table data-testid="chart-table">
                <caption>{td_string!(lang(), dialogs.chart.caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(lang(), dialogs.chart.readings_of)}</th>
                        {several.then(|| zones.iter().map(|z| view! { <th scope="col">{format::zone(z)}</th> }).collect_view())}
                        <th scope="col">{td_string!(lang(), dialogs.chart.total)}</th>
                    </tr>
                </thead>
                <tbody>
                    {bars.iter().map(|b| view! {
                        <tr>
                            <th scope="row">{format::date(b.on)}</th>
                            {several.then(|| b.zones.iter().map(|(_, k)| view! { <td>{*k}</td> }).collect_view())}
                            <td>{b.total()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </figure>
    }
    .into_any()
}
