//! «Выгрузить выписку» / «Выгрузить показания» (X5): a period of the history as a CSV file,
//! for Excel in a Russian locale or plain UTF-8, and the statement also as a PDF, downloaded
//! with the session's token.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{ErrorAlert, Submission};
use crate::i18n::*;
use crate::session::Session;

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exported {
    /// The account's operations, as a statement with opening and closing balances.
    Operations,
    /// The readings of one meter (its id).
    Readings(i64),
}

#[component]
pub fn ExportLinks(
    number: StoredValue<String>,
    what: Exported,
    from: RwSignal<NaiveDate>,
    to: RwSignal<NaiveDate>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let get = Submission::new(
        move |format: &'static str| async move {
            let (number, from, to) = (number.get_value(), from.get_untracked(), to.get_untracked());
            let (from_text, to_text) = (from.to_string(), to.to_string());
            let (subpath, file) = match what {
                Exported::Operations => (
                    "operations".to_owned(),
                    td_string!(
                        lang(),
                        house.export.operations_file,
                        number = &number,
                        from = &from_text,
                        to = &to_text
                    ),
                ),
                Exported::Readings(meter) => (
                    format!("meters/{meter}/readings"),
                    td_string!(
                        lang(),
                        house.export.readings_file,
                        number = &number,
                        from = &from_text,
                        to = &to_text
                    ),
                ),
            };
            let period = (from, to);
            if format == "pdf" {
                api::accounts::statement_pdf(session, &number, period, &format!("{file}.pdf")).await
            } else {
                let file = format!("{file}.csv");
                api::accounts::export(session, &number, &subpath, period, format, &file).await
            }
        },
        |()| {},
    );
    let pending = get.pending();
    let label = match what {
        Exported::Operations => td_string!(lang(), house.export.operations),
        Exported::Readings(_) => td_string!(lang(), house.export.readings),
    };
    let button = move |format: &'static str, text: &'static str| {
        view! {
            <button type="button" class="btn btn--ghost btn--small" on:click=move |_| get.dispatch(format)
                disabled=move || pending.get() data-format=format>{text}</button>
        }
    };
    view! {
        <div class="export" role="group" aria-label=label>
            <span class="muted">{label}</span>
            {button("csv", td_string!(lang(), house.export.excel))}
            {button("csv-utf8", td_string!(lang(), house.export.plain))}
            {(what == Exported::Operations).then(|| button("pdf", td_string!(lang(), house.export.pdf)))}
        </div>
        <ErrorAlert error=get.error()/>
    }
}
