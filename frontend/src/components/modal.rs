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
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            on_close.run(());
        }
    };
    view! {
        <div class="modal" on:keydown=on_key>
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
