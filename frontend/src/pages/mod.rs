pub mod auth;
pub mod home;
pub mod house;
pub mod houses_settings;
pub mod info;
pub mod payment;
pub mod profile;
pub mod reading;
pub mod receipt;

use leptos::prelude::*;

use crate::components::form::set_title;
use crate::routes;

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Страница не найдена");
    view! {
        <section class="page">
            <h1 class="page__title">"Страница не найдена"</h1>
            <p>"Такой страницы нет. Возможно, ссылка устарела."</p>
            <p><a class="btn btn--primary" href=routes::HOME>"На главную"</a></p>
        </section>
    }
}
