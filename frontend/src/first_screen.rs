//! The main page's first screen: index.html's script draws the houses and their balances from
//! its early answers while the app downloads (a slow phone sees its figures seconds sooner).
//! The app takes it away once its own main page shows, as soon as it shows another page, and
//! when the session turns out to be over.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

use crate::session::Session;

/// Removes the first screen, if it is there; the keyboard focus in it moves to the page.
pub fn leave() {
    let document = document();
    let Some(screen) = document.get_element_by_id("lk-first") else {
        return;
    };
    let focused = document
        .active_element()
        .is_some_and(|e| screen.contains(Some(&e)));
    screen.remove();
    if focused {
        if let Some(main) = document
            .get_element_by_id("main")
            .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = main.focus();
        }
    }
}

/// The first screen stands for the signed-in main page only: any other page, or no session,
/// takes it away.
#[component]
pub fn Guard() -> impl IntoView {
    let session = expect_context::<Session>();
    let location = use_location();
    Effect::new(move |_| {
        if location.pathname.get() != crate::routes::HOME
            || (session.checked.get() && !session.signed_in())
        {
            leave();
        }
    });
}
