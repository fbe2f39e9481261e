//! Page frames: the header of the manual's section 2, the footer, the guest card.

use leptos::prelude::*;
use leptos::task::spawn_local;

use lk_api_types::RequestKind;

use crate::api;
use crate::components::contact::ContactButton;
use crate::i18n::LanguageSwitch;
use crate::components::icons::{BoltIcon, ExitIcon, HomeIcon, UserIcon};
use crate::routes;
use crate::session::Session;

/// The company logo (the uploaded image, or the mark and the short name); a link to the
/// company site (F1.5, F2.2).
#[component]
pub fn Logo() -> impl IntoView {
    let session = expect_context::<Session>();
    let b = move || session.branding.get();
    // An uploaded logo stands for the short name; without one, the mark and the short name.
    let image = move || b().logo_url.filter(|u| !u.trim().is_empty());
    // The link's name holds the words it shows, in their order in the page (WCAG 2.5.3): the
    // full name, then the short one, which CSS puts above it.
    let label = move || match image() {
        Some(_) => format!("Сайт {}", b().company_name),
        None => format!("Сайт {} {}", b().company_name, b().company_short_name),
    };
    view! {
        <a class="logo" href=move || b().site_url target="_blank" rel="noopener" aria-label=label>
            {move || match image() {
                Some(src) => view! { <img class="logo__img" src=src alt="" data-testid="logo-image"/> }.into_any(),
                None => view! { <BoltIcon/> }.into_any(),
            }}
            <span class="logo__text">
                <span class="logo__long">{move || b().company_name}</span>
                <Show when=move || image().is_none()>
                    <span class="logo__short">{move || b().company_short_name}</span>
                </Show>
            </span>
        </a>
    }
}

/// Header and footer around a signed-in page.
#[component]
pub fn Frame(children: Children) -> impl IntoView {
    view! {
        <div class="frame">
            <Header/>
            <main id="main" class="frame__main" tabindex="-1">{children()}</main>
            <Footer/>
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    let session = expect_context::<Session>();
    // Ending the session makes the signed-in frame send the user to the login page.
    let logout = move |_| {
        spawn_local(async move {
            let _ = api::auth::logout().await;
            session.end();
        });
    };
    let name = move || {
        session
            .me
            .get()
            .map(|m| m.display_name())
            .unwrap_or_else(|| "Профиль".into())
    };
    // Phones show the initials in a circle in place of the name (which stays the link's name).
    let initials = move || initials(&name());
    view! {
        <header class="topbar">
            <a class="skip-link" href="#main">"Перейти к содержанию"</a>
            <div class="topbar__inner">
                <a class="topbar__home" href=routes::HOME title="Главная" aria-label="Главная">
                    <HomeIcon/>
                </a>
                <Logo/>
                <nav class="topbar__user" aria-label="Пользователь">
                    <LanguageSwitch class="topbar__link topbar__lang"/>
                    <ContactButton kind=RequestKind::Question label="Задать вопрос" class="topbar__link topbar__ask"/>
                    <Show when=move || session.signed_in()>
                        // The staff console, for operators and admins only.
                        <Show when=move || crate::staff::is_staff(session)>
                            <a class="topbar__link topbar__staff" href=routes::STAFF data-testid="staff-link">
                                <crate::staff::StaffIcon/>
                                <span class="topbar__label">"Контакт-центр"</span>
                            </a>
                        </Show>
                        <a class="topbar__link topbar__profile" href=routes::PROFILE data-testid="profile-link">
                            <UserIcon/>
                            <span class="topbar__initials" aria-hidden="true" data-initials=initials></span>
                            <span class="topbar__label topbar__name">{name}</span>
                        </a>
                        <button type="button" class="topbar__link topbar__exit" on:click=logout>
                            <ExitIcon/>
                            <span class="topbar__label">"Выход"</span>
                        </button>
                    </Show>
                    <Show when=move || !session.signed_in()>
                        <a class="topbar__link" href=routes::LOGIN>"Войти"</a>
                    </Show>
                </nav>
            </div>
        </header>
    }
}

/// «Абонентова Мария» → «АМ».
fn initials(name: &str) -> String {
    name.split_whitespace()
        .take(2)
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

#[component]
fn Footer() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <footer class="footer">
            <nav class="footer__links" aria-label="Информация">
                <a href=routes::ABOUT>"О компании"</a>
                <a href=routes::FAQ>"Вопросы и ответы"</a>
                <a href=routes::CONTACTS>"Контакты"</a>
                <ContactButton kind=RequestKind::Question label="Задать вопрос" class="link-btn footer__link"/>
            </nav>
            <p class="footer__copy">{move || format!("© {}", session.branding.get().company_name)}</p>
        </footer>
    }
}

/// The centred card of the login, registration and recovery pages.
#[component]
pub fn GuestCard(title: &'static str, children: Children) -> impl IntoView {
    crate::components::form::set_title(title);
    view! {
        <div class="guest">
            <div class="guest__brand"><Logo/></div>
            <main class="card guest__card">
                <h1 class="guest__title">{title}</h1>
                {children()}
            </main>
            <p class="guest__foot">"Личный кабинет абонента"</p>
        </div>
    }
}

/// Shown while the session is being restored.
#[component]
pub fn Splash() -> impl IntoView {
    view! {
        <div class="splash" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>"Загрузка…"</span>
        </div>
    }
}

/// «Страница не найдена»: an address that leads nowhere (an unknown path, another user's house).
#[component]
pub fn NotFound() -> impl IntoView {
    crate::components::form::set_title("Страница не найдена");
    view! {
        <section class="page">
            <h1 class="page__title">"Страница не найдена"</h1>
            <p>"Такой страницы нет. Возможно, ссылка устарела."</p>
            <p><a class="btn btn--primary" href=routes::HOME>"На главную"</a></p>
        </section>
    }
}
