//! A dialog window: title, close button (×), Escape closes, focus moves into it. A window
//! opened from another one (the payment wizard after a reading) lies on top of it: its own
//! title names it, and Escape closes only the top one.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
    /// Open windows, the top one last.
    static OPEN: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

#[component]
pub fn Modal(title: Signal<String>, on_close: Callback<()>, children: Children) -> impl IntoView {
    let id = NEXT_ID.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    OPEN.with(|o| o.borrow_mut().push(id));
    let title_id = format!("modal-title-{id}");
    let labelled_by = title_id.clone();
    let dialog = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            let _ = el.focus();
        }
    });
    // Escape closes the top window wherever the focus is (a button that was disabled while it
    // worked hands the focus back to the page body).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && OPEN.with(|o| o.borrow().last() == Some(&id)) {
            ev.stop_immediate_propagation();
            on_close.run(());
        }
    });
    on_cleanup(move || {
        escape.remove();
        OPEN.with(|o| o.borrow_mut().retain(|open| *open != id));
    });
    view! {
        <div class="modal">
            <div class="modal__backdrop" on:click=move |_| on_close.run(())></div>
            <div class="modal__dialog card" role="dialog" aria-modal="true" aria-labelledby=labelled_by tabindex="-1" node_ref=dialog>
                <div class="modal__head">
                    <h2 class="modal__title" id=title_id>{move || title.get()}</h2>
                    <button type="button" class="modal__close" aria-label="Закрыть" on:click=move |_| on_close.run(())>"×"</button>
                </div>
                {children()}
            </div>
        </div>
    }
}
