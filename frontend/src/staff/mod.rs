//! The staff console under `/staff` (SPEC B2, B3): the company's operators and admins sign in
//! through the same login page and find here the contact centre's queue («Обращения»), each
//! request with its history and the reply form, and — for admins — the site's content
//! («Содержимое сайта»), the staff and the integrators' API keys («Сотрудники и ключи API»).
//! A subscriber who types the address sees «Страница не найдена», as the API answers them 404.

mod api_keys;
mod branches;
mod content;
mod files;
mod lists;
mod queue;
mod request;
mod ui;
mod users;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;
use lk_api_types::Role;

use crate::components::layout::{NotFound, Splash};
use crate::i18n::*;
use crate::routes;
use crate::session::Session;

pub use content::ContentPage;
pub use queue::QueuePage;
pub use request::RequestPage;
pub use users::UsersPage;

/// The console's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Requests,
    Content,
    Users,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Requests, Tab::Content, Tab::Users];

    fn from_path(path: &str) -> Self {
        if path.starts_with(routes::STAFF_CONTENT) {
            Tab::Content
        } else if path.starts_with(routes::STAFF_USERS) {
            Tab::Users
        } else {
            Tab::Requests
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Requests => td_string!(lang(), staff.console.tab_requests),
            Tab::Content => td_string!(lang(), staff.console.tab_content),
            Tab::Users => td_string!(lang(), staff.console.tab_users),
        }
    }

    fn href(self) -> &'static str {
        match self {
            Tab::Requests => routes::STAFF,
            Tab::Content => routes::STAFF_CONTENT,
            Tab::Users => routes::STAFF_USERS,
        }
    }

    /// The section's heading: the contact centre's queue, or the administration.
    fn section(self) -> &'static str {
        match self {
            Tab::Requests => td_string!(lang(), staff.console.section_requests),
            Tab::Content | Tab::Users => td_string!(lang(), staff.console.section_admin),
        }
    }
}

/// The queue's address with its filters, so that «Все обращения» on a request leads back to
/// the list the operator came from.
#[derive(Clone, Copy)]
struct QueueAddress(RwSignal<String>);

/// The route `/staff`: the console's frame (heading and tabs) with the open page in its
/// [`Outlet`]; only for operators and admins.
#[component]
pub fn Console() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let location = use_location();
    let tab = Memo::new(move |_| Tab::from_path(&location.pathname.get()));
    provide_context(QueueAddress(RwSignal::new(routes::STAFF.to_owned())));
    let role = Memo::new(move |_| session.me.with(|m| m.as_ref().map(|m| m.role)));
    view! {
        {move || match role.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Role::Subscriber) => view! { <NotFound/> }.into_any(),
            Some(_) => view! {
                <section class="page staff">
                    <p class="page__kicker">{t!(i18n, staff.console.kicker)}</p>
                    <h1 class="page__title">{move || tab.get().section()}</h1>
                    <nav class="tabs staff__tabs" aria-label=move || t_string!(i18n, staff.console.tabs_label)>
                        {Tab::ALL.map(|t| view! {
                            <a
                                class="tabs__tab"
                                class:tabs__tab--active=move || tab.get() == t
                                href=t.href()
                                aria-current=move || (tab.get() == t).then_some("page")
                            >{t.label()}</a>
                        })}
                    </nav>
                    <Outlet/>
                </section>
            }.into_any(),
        }}
    }
}

/// A page only admins may use; operators read why they cannot.
#[component]
fn AdminOnly(what: &'static str, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let admin = move || {
        session
            .me
            .with(|m| m.as_ref().is_some_and(|m| m.role == Role::Admin))
    };
    view! {
        <Show
            when=admin
            fallback=move || view! {
                <div class="card staff-denied" data-testid="admin-only">
                    <h2 class="card__title">{t!(i18n, staff.admin_only.title)}</h2>
                    <p>{t!(i18n, staff.admin_only.text, what)}</p>
                    <p class="staff-denied__tail">{t!(i18n, staff.admin_only.tail)}</p>
                    <a class="btn btn--secondary" href=routes::STAFF>{t!(i18n, staff.admin_only.back)}</a>
                </div>
            }
        >
            {children()}
        </Show>
    }
}
