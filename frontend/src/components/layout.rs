//! Page frames: the header of the manual's section 2, the footer, the guest card.

use leptos::prelude::*;
use leptos::task::spawn_local;

use lk_api_types::RequestKind;

use crate::api;
use crate::components::contact::ContactButton;
use crate::components::icons::{BoltIcon, ExitIcon, HomeIcon, StaffIcon, UserIcon};
use crate::components::language::LanguageSwitch;
use crate::i18n::*;
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
    let label = move || {
        let name = match image() {
            Some(_) => b().company_name,
            None => format!("{} {}", b().company_name, b().company_short_name),
        };
        td_string!(lang(), common.layout.site_of, name = name)
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
    let i18n = use_i18n();
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
            .unwrap_or_else(|| td_string!(lang(), common.layout.profile).into())
    };
    // Phones show the initials in a circle in place of the name (which stays the link's name).
    let initials = move || initials(&name());
    view! {
        <header class="topbar">
            <a class="skip-link" href="#main">{t!(i18n, common.layout.skip_to_content)}</a>
            <div class="topbar__inner">
                <a class="topbar__home" href=routes::HOME title=move || t_string!(i18n, common.layout.home) aria-label=move || t_string!(i18n, common.layout.home)>
                    <HomeIcon/>
                </a>
                <Logo/>
                <nav class="topbar__user" aria-label=move || t_string!(i18n, common.layout.user_nav)>
                    <LanguageSwitch class="topbar__link topbar__lang"/>
                    <ContactButton kind=RequestKind::Question label=td_string!(lang(), common.ask_question) class="topbar__link topbar__ask"/>
                    <Show when=move || session.signed_in()>
                        // The staff console, for operators and admins only.
                        <Show when=move || session.is_staff()>
                            <a class="topbar__link topbar__staff" href=routes::STAFF data-testid="staff-link">
                                <StaffIcon/>
                                <span class="topbar__label">{t!(i18n, common.layout.contact_centre)}</span>
                            </a>
                        </Show>
                        <a class="topbar__link topbar__profile" href=routes::PROFILE data-testid="profile-link">
                            <UserIcon/>
                            <span class="topbar__initials" aria-hidden="true" data-initials=initials></span>
                            <span class="topbar__label topbar__name">{name}</span>
                        </a>
                        <button type="button" class="topbar__link topbar__exit" on:click=logout>
                            <ExitIcon/>
                            <span class="topbar__label">{t!(i18n, common.layout.log_out)}</span>
                        </button>
                    </Show>
                    <Show when=move || !session.signed_in()>
                        <a class="topbar__link" href=routes::LOGIN>{t!(i18n, common.layout.log_in)}</a>
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
    let i18n = use_i18n();
    view! {
        <footer class="footer">
            <nav class="footer__links" aria-label=move || t_string!(i18n, common.layout.footer_nav)>
                <a href=routes::ABOUT>{t!(i18n, common.layout.about)}</a>
                <a href=routes::FAQ>{t!(i18n, common.layout.faq)}</a>
                <a href=routes::CONTACTS>{t!(i18n, common.layout.contacts)}</a>
                <ContactButton kind=RequestKind::Question label=td_string!(lang(), common.ask_question) class="link-btn footer__link"/>
            </nav>
            <p class="footer__copy">{move || format!("© {}", session.branding.get().company_name)}</p>
        </footer>
    }
}

/// The centred card of the login, registration and recovery pages.
#[component]
pub fn GuestCard(title: &'static str, children: Children) -> impl IntoView {
    crate::components::form::set_title(title);
    let i18n = use_i18n();
    view! {
        <div class="guest">
            <div class="guest__lang"><LanguageSwitch class="topbar__link"/></div>
            <div class="guest__brand"><Logo/></div>
            <main class="card guest__card">
                <h1 class="guest__title">{title}</h1>
                {children()}
            </main>
            <p class="guest__foot">{t!(i18n, common.customer_account)}</p>
        </div>
    }
}

/// Shown while the session is being restored.
#[component]
pub fn Splash() -> impl IntoView {
    view! {
        <div class="splash" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{td_string!(lang(), common.loading)}</span>
        </div>
    }
}

/// «Страница не найдена»: an address that leads nowhere (an unknown path, another user's house).
#[component]
pub fn NotFound() -> impl IntoView {
    crate::components::form::set_title(td_string!(lang(), common.not_found.title));
    let i18n = use_i18n();
    view! {
        <section class="page">
            <h1 class="page__title">{t!(i18n, common.not_found.title)}</h1>
            <p>{t!(i18n, common.not_found.text)}</p>
            <p><a class="btn btn--primary" href=routes::HOME>{t!(i18n, common.not_found.home)}</a></p>
        </section>
    }
}
