//! Period selection: a calendar range plus quick links «за полгода», «за год», «за 2 года»
//! (F9.2, F10.2).

use chrono::{Months, NaiveDate};
use leptos::prelude::*;

use crate::i18n::*;

/// `n` months before `today`.
pub fn months_back(today: NaiveDate, n: u32) -> NaiveDate {
    today.checked_sub_months(Months::new(n)).unwrap_or(today)
}

/// `today` is the server's (the company's time zone), never the browser's: from the evening
/// west of Moscow the browser's date is still yesterday.
#[component]
pub fn PeriodPicker(
    from: RwSignal<NaiveDate>,
    to: RwSignal<NaiveDate>,
    today: NaiveDate,
) -> impl IntoView {
    let set_months = move |n: u32| {
        to.set(today);
        from.set(months_back(today, n));
    };
    let active = move |n: u32| from.get() == months_back(today, n) && to.get() == today;
    let on_date = move |sig: RwSignal<NaiveDate>| {
        move |ev: leptos::ev::Event| {
            if let Ok(d) = NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d") {
                sig.set(d);
            }
        }
    };
    let i18n = use_i18n();
    let quick = [
        (6, td_string!(lang(), common.period.half_year)),
        (12, td_string!(lang(), common.period.year)),
        (24, td_string!(lang(), common.period.two_years)),
    ];
    view! {
        <div class="period" role="group" aria-label=move || t_string!(i18n, common.period.label)>
            <label class="period__date">{t!(i18n, common.period.from)}" "<input class="field__input" type="date" prop:value=move || from.get().to_string() on:change=on_date(from) aria-label=move || t_string!(i18n, common.period.start)/></label>
            <label class="period__date">{t!(i18n, common.period.to)}" "<input class="field__input" type="date" prop:value=move || to.get().to_string() on:change=on_date(to) aria-label=move || t_string!(i18n, common.period.end)/></label>
            <div class="period__quick">
                {quick.into_iter().map(|(n, label)| view! {
                    <button type="button" class="chip" class:chip--active=move || active(n) aria-pressed=move || active(n).to_string() on:click=move |_| set_months(n)>{label}</button>
                }).collect_view()}
            </div>
        </div>
    }
}
