//! LKA single-page app: Leptos, client-side rendered, talks to the JSON API of `lk-server`.
#![forbid(unsafe_code)]

mod api;
mod app;
mod components;
mod first_screen;
mod format;
mod i18n;
mod pages;
mod routes;
mod session;
mod staff;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
