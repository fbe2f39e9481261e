//! A dialog window: title, close button (×), Escape closes, focus moves into it.

use leptos::prelude::*;

#[component]
pub fn Modal(title: Signal<String>, on_close: Callback<()>, children: Children) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            let _ = el.focus();
        }
    });
    // Escape closes the window wherever the focus is (a button that was disabled while it
    // worked hands the focus back to the page body).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            on_close.run(());
        }
    });
    on_cleanup(move || escape.remove());
    view! {
        <div class="modal">
            <div class="modal__backdrop" on:click=move |_| on_close.run(())></div>
            <div class="modal__dialog card" role="dialog" aria-modal="true" aria-labelledby="modal-title" tabindex="-1" node_ref=dialog>
                <div class="modal__head">
                    <h2 class="modal__title" id="modal-title">{move || title.get()}</h2>
                    <button type="button" class="modal__close" aria-label="Закрыть" on:click=move |_| on_close.run(())>"×"</button>
                </div>
                {children()}
            </div>
        </div>
    }
}
