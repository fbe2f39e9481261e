//! The main page's first screen: index.html's script draws the houses and their balances from
//! its early answers while the app downloads (a slow phone sees its figures seconds sooner).
//! The app takes it away once its own page shows, or as soon as it shows another page.

/// Removes the first screen, if it is there.
pub fn leave() {
    if let Some(screen) = leptos::prelude::document().get_element_by_id("lk-first") {
        screen.remove();
    }
}
