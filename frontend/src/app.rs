//! The root component: session, router and the two page frames (signed in / signed out).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::{path, NavigateOptions};

use crate::components::layout::{Frame, NotFound, Splash};
use crate::pages;
use crate::routes;
use crate::session::Session;
use crate::staff;

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    spawn_local(crate::api::sign_in::restore(session));

    view! {
        <Router>
            <Routes fallback=|| view! { <Frame><NotFound/></Frame> }>
                <Route path=path!("/login") view=|| view! { <Guest><pages::auth::Login/></Guest> }/>
                <Route path=path!("/register") view=|| view! { <Guest><pages::auth::Register/></Guest> }/>
                <Route path=path!("/forgot-password") view=|| view! { <Guest><pages::auth::ForgotPassword/></Guest> }/>
                <Route path=path!("/reset-password") view=pages::auth::ResetPassword/>
                <Route path=path!("/confirm-email") view=pages::auth::ConfirmEmail/>
                <Route path=path!("/") view=|| view! { <Protected><pages::home::Home/></Protected> }/>
                // The house's frame (name, switcher, tabs) stays while its tabs change below it.
                <ParentRoute path=path!("/houses/:id") view=|| view! { <Protected><pages::house::HousePage/></Protected> }>
                    <Route path=path!(":tab?") view=pages::house::HouseTabPage/>
                </ParentRoute>
                <Route path=path!("/payments/:id") view=|| view! { <Protected><pages::payment::PaymentResult/></Protected> }/>
                <Route path=path!("/profile") view=|| view! { <Protected><pages::profile::Profile/></Protected> }/>
                <Route path=path!("/profile/:tab") view=|| view! { <Protected><pages::profile::Profile/></Protected> }/>
                <Route path=path!("/about") view=|| view! { <Frame><pages::info::About/></Frame> }/>
                <Route path=path!("/faq") view=|| view! { <Frame><pages::info::Faq/></Frame> }/>
                <Route path=path!("/contacts") view=|| view! { <Frame><pages::info::Contacts/></Frame> }/>
                // The staff console: its frame (heading, tabs) stays while its pages change.
                <ParentRoute path=path!("/staff") view=|| view! { <Protected><staff::Console/></Protected> }>
                    <Route path=path!("") view=staff::QueuePage/>
                    <Route path=path!("requests/:number") view=staff::RequestPage/>
                    <Route path=path!("content") view=staff::ContentPage/>
                    <Route path=path!("users") view=staff::UsersPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Pages for signed-in users: until the session is known a splash, then the page in its
/// frame, or the login page (remembering where the user was going).
#[component]
fn Protected(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if session.checked.get() && !session.signed_in() {
            let next = location.pathname.get_untracked();
            let target = if next == routes::HOME {
                routes::LOGIN.to_owned()
            } else {
                format!("{}?next={}", routes::LOGIN, next)
            };
            navigate(
                &target,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    view! {
        <Show when=move || session.signed_in() fallback=|| view! { <Splash/> }>
            {
                let children = children.clone();
                view! { <Frame>{children()}</Frame> }
            }
        </Show>
    }
}

/// Pages for guests (login, registration): a signed-in user goes to the main page.
#[component]
fn Guest(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let query = use_query_map();
    Effect::new(move |_| {
        if session.checked.get() && session.signed_in() {
            // Only paths of this site: `?next=//evil.example` must not leave it.
            let next = query
                .get_untracked()
                .get("next")
                .filter(|n| n.starts_with('/') && !n.starts_with("//"));
            // Staff start in their console; subscribers on the main page.
            let staff = session
                .me
                .get_untracked()
                .is_some_and(|me| me.role != lk_api_types::Role::Subscriber);
            let home = if staff { routes::STAFF } else { routes::HOME };
            navigate(
                &next.unwrap_or_else(|| home.into()),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    view! {
        <Show when=move || session.checked.get() fallback=|| view! { <Splash/> }>
            {children()}
        </Show>
    }
}
