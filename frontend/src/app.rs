//! The root component: session, router and the two page frames (signed in / signed out).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::{path, NavigateOptions};
use leptos_router::{Lazy, LazyRoute};

use crate::components::layout::{Frame, NotFound, Splash};
use crate::i18n::{lang, td_string, Languages};
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
        <Languages>
        <Router>
            <crate::first_screen::Guard/>
            <Routes fallback=|| view! { <Frame><NotFound/></Frame> }>
                <Route path=path!("/login") view={Lazy::<LoginPage>::new()}/>
                <Route path=path!("/register") view={Lazy::<RegisterPage>::new()}/>
                <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordPage>::new()}/>
                <Route path=path!("/reset-password") view={Lazy::<ResetPasswordPage>::new()}/>
                <Route path=path!("/confirm-email") view={Lazy::<ConfirmEmailPage>::new()}/>
                <Route path=path!("/guest/readings") view={Lazy::<GuestReadingsPage>::new()}/>
                <Route path=path!("/guest/pay") view={Lazy::<GuestPayPage>::new()}/>
                <Route path=path!("/guest/payments/:id") view={Lazy::<GuestPaymentPage>::new()}/>
                <Route path=path!("/unsubscribe") view={Lazy::<UnsubscribePage>::new()}/>
                <Route path=path!("/") view={Lazy::<HomePage>::new()}/>
                // The house's frame (name, switcher, tabs) stays while its tabs change below it.
                <ParentRoute path=path!("/houses/:id") view={Lazy::<HouseFrame>::new()}>
                    <Route path=path!(":tab?") view={Lazy::<HouseTab>::new()}/>
                </ParentRoute>
                <Route path=path!("/payments/:id") view={Lazy::<PaymentPage>::new()}/>
                <Route path=path!("/family/accept") view={Lazy::<FamilyAcceptPage>::new()}/>
                <Route path=path!("/profile") view={Lazy::<ProfilePage>::new()}/>
                <Route path=path!("/profile/:tab") view={Lazy::<ProfilePage>::new()}/>
                <Route path=path!("/about") view={Lazy::<AboutPage>::new()}/>
                <Route path=path!("/faq") view={Lazy::<FaqPage>::new()}/>
                <Route path=path!("/contacts") view={Lazy::<ContactsPage>::new()}/>
                // The staff console: its frame (heading, tabs) stays while its pages change.
                <ParentRoute path=path!("/staff") view={Lazy::<StaffFrame>::new()}>
                    <Route path=path!("") view={Lazy::<StaffQueue>::new()}/>
                    <Route path=path!("requests/:number") view={Lazy::<StaffRequest>::new()}/>
                    <Route path=path!("content") view={Lazy::<StaffContent>::new()}/>
                    <Route path=path!("users") view={Lazy::<StaffUsers>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
        </Languages>
    }
}

/// Routes whose pages live in a WASM chunk of their own, fetched the first time one of them is
/// shown (`cargo xtask spa` splits the module at these points): the first download holds only
/// the frame, the session and the router. Pages used together share a chunk, so a page needs
/// few requests; a chunk that fails to load (a dropped connection) shows a notice with a retry
/// instead of stopping the app, and is fetched again on the next visit.
macro_rules! lazy_pages {
    ($($chunk:ident { $($name:ident => $view:expr;)* })*) => {$($(
        #[derive(Debug)]
        struct $name {}

        impl LazyRoute for $name {
            fn data() -> Self {
                $name {}
            }

            async fn view(_this: Self) -> AnyView {
                #[allow(non_snake_case)]
                #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
                fn $name() -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
                    Ok($view.into_any())
                }
                $name().await.unwrap_or_else(|_| view! { <ChunkFailed/> }.into_any())
            }
        }
    )*)*};
}

lazy_pages! {
    guest {
        LoginPage => view! { <Guest><pages::auth::Login/></Guest> };
        RegisterPage => view! { <Guest><pages::auth::Register/></Guest> };
        ForgotPasswordPage => view! { <Guest><pages::auth::ForgotPassword/></Guest> };
        ResetPasswordPage => view! { <pages::auth::ResetPassword/> };
        ConfirmEmailPage => view! { <pages::auth::ConfirmEmail/> };
        GuestReadingsPage => view! { <pages::guest::GuestPage action=pages::guest::GuestAction::Readings/> };
        GuestPayPage => view! { <pages::guest::GuestPage action=pages::guest::GuestAction::Payment/> };
        GuestPaymentPage => view! { <pages::guest::GuestPaymentResult/> };
        UnsubscribePage => view! { <pages::unsubscribe::Unsubscribe/> };
    }
    home {
        HomePage => view! { <Protected><pages::home::Home/></Protected> };
    }
    house {
        HouseFrame => view! { <Protected><pages::house::HousePage/></Protected> };
        HouseTab => view! { <pages::house::HouseTabPage/> };
        PaymentPage => view! { <Protected><pages::payment::PaymentResult/></Protected> };
        FamilyAcceptPage => view! { <Frame><pages::invitation::AcceptInvitation/></Frame> };
    }
    profile {
        ProfilePage => view! { <Protected><pages::profile::Profile/></Protected> };
    }
    info {
        AboutPage => view! { <Frame><pages::info::About/></Frame> };
        FaqPage => view! { <Frame><pages::info::Faq/></Frame> };
        ContactsPage => view! { <Frame><pages::info::Contacts/></Frame> };
    }
    staff {
        StaffFrame => view! { <Protected><staff::Console/></Protected> };
        StaffQueue => view! { <staff::QueuePage/> };
        StaffRequest => view! { <staff::RequestPage/> };
        StaffContent => view! { <staff::ContentPage/> };
        StaffUsers => view! { <staff::UsersPage/> };
    }
}

/// A page whose chunk could not be fetched: what happened and a way to try again.
#[component]
fn ChunkFailed() -> impl IntoView {
    // The notice, not index.html's first screen over it.
    crate::first_screen::leave();
    view! {
        <Frame>
            <section class="page">
                <div class="alert alert--error" role="alert">
                    <p>{td_string!(lang(), core.chunk_failed.text)}</p>
                    <button type="button" class="btn btn--primary" on:click=|_| {
                        let _ = window().location().reload();
                    }>{td_string!(lang(), core.chunk_failed.retry)}</button>
                </div>
            </section>
        </Frame>
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
            // Only paths of this site: `?next=//evil.example`, `/\evil.example` (browsers read a
            // backslash as a slash) or a control character must not lead off it. An invitation
            // opened before signing in (or registering) is where a sign-in leads otherwise.
            let next = query
                .get_untracked()
                .get("next")
                .filter(|n| {
                    n.starts_with('/')
                        && !n.starts_with("//")
                        && !n.contains('\\')
                        && !n.chars().any(char::is_control)
                })
                .or_else(|| {
                    routes::pending_invitation::get().map(|_| routes::FAMILY_ACCEPT.to_owned())
                });
            // Staff start in their console; subscribers on the main page.
            let staff = untrack(|| session.is_staff());
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
