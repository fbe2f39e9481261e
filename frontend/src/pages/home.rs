//! «Управление лицевыми счетами» — the main page (F1.6, F3.1).

use leptos::prelude::*;

use crate::components::form::set_title;
use crate::components::icons::HouseIllustration;
use crate::session::Session;

#[component]
pub fn Home() -> impl IntoView {
    set_title("Управление лицевыми счетами");
    let session = expect_context::<Session>();
    let greeting = move || {
        session
            .me
            .get()
            .and_then(|m| {
                m.first_name.clone().map(|f| match m.patronymic.clone() {
                    Some(p) => format!("{f} {p}"),
                    None => f,
                })
            })
            .map(|n| format!("Здравствуйте, {n}!"))
            .unwrap_or_else(|| "Здравствуйте!".into())
    };
    view! {
        <section class="page">
            <p class="page__kicker">{greeting}</p>
            <h1 class="page__title">"Управление лицевыми счетами"</h1>
            <div class="card empty">
                <HouseIllustration/>
                <h2 class="empty__title">"Вы ещё не добавили ни одного дома"</h2>
                <p class="muted">
                    "Добавьте дом и подключите к нему лицевой счёт, чтобы передавать показания счётчика, "
                    "следить за начислениями и оплачивать электроэнергию."
                </p>
            </div>
        </section>
    }
}
