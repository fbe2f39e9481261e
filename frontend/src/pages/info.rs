//! Footer pages: «О компании», «Вопросы и ответы», «Контакты» (F2.7).

use leptos::prelude::*;

use crate::components::form::set_title;
use crate::session::Session;

#[component]
pub fn About() -> impl IntoView {
    set_title("О компании");
    let session = expect_context::<Session>();
    let b = move || session.branding.get();
    view! {
        <section class="page">
            <h1 class="page__title">"О компании"</h1>
            <div class="card prose">
                <p><strong>{move || b().company_name}</strong>" — гарантирующий поставщик электроэнергии. "
                   "В личном кабинете абонента можно передавать показания счётчика, следить за начислениями и оплачивать электроэнергию онлайн."</p>
                <p><a href=move || b().site_url target="_blank" rel="noopener">"Сайт компании"</a></p>
            </div>
        </section>
    }
}

#[component]
pub fn Faq() -> impl IntoView {
    set_title("Вопросы и ответы");
    let session = expect_context::<Session>();
    view! {
        <section class="page">
            <h1 class="page__title">"Вопросы и ответы"</h1>
            <div class="card prose">
                <details class="faq">
                    <summary>"Как войти в личный кабинет?"</summary>
                    <p>"Зарегистрируйтесь по адресу электронной почты, подтвердите его по ссылке из письма и войдите с этим адресом и паролем."</p>
                </details>
                <details class="faq">
                    <summary>"Я забыл пароль. Что делать?"</summary>
                    <p>"На странице входа нажмите «Восстановить пароль по e-mail» и перейдите по ссылке из письма. Ссылка действует один час."</p>
                </details>
                <details class="faq">
                    <summary>"Не приходит письмо"</summary>
                    <p>{move || format!("Проверьте папку «Спам». Если письма нет, напишите в техническую поддержку: {}.", session.branding.get().support_email)}</p>
                </details>
            </div>
        </section>
    }
}

#[component]
pub fn Contacts() -> impl IntoView {
    set_title("Контакты");
    let session = expect_context::<Session>();
    let b = move || session.branding.get();
    view! {
        <section class="page">
            <h1 class="page__title">"Контакты"</h1>
            <div class="card prose">
                <h2>{move || b().company_name}</h2>
                <dl class="facts">
                    <dt>"Техническая поддержка"</dt>
                    <dd><a href=move || format!("mailto:{}", b().support_email)>{move || b().support_email}</a></dd>
                    <dt>"Телефон"</dt>
                    <dd><a href=move || format!("tel:{}", b().support_phone.replace([' ', '-'], ""))>{move || b().support_phone}</a></dd>
                    <dt>"Сайт"</dt>
                    <dd><a href=move || b().site_url target="_blank" rel="noopener">{move || b().site_url}</a></dd>
                </dl>
            </div>
        </section>
    }
}
