//! A dialog window: title, close button (×), Escape closes, focus moves into it. A window
//! opened from another one (the payment wizard after a reading) lies on top of it: its own
//! title names it, and Escape closes only the top one.
//!
//! Only the top window can be used (WCAG 2.1.2, 2.4.3): it is rendered at the end of `<body>`
//! (a [`Portal`], so no stacking context of the page covers it), everything else in the page
//! — the app and the windows below — is made `inert` while it is open, Tab and Shift+Tab go
//! round inside it, and when it closes the focus goes back to what had it when it opened.

use std::cell::{Cell, RefCell};
use std::sync::{Arc, Mutex};

use leptos::portal::Portal;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// An open window.
struct Open {
    id: u32,
    /// The window's `.modal` element, once it is in the page.
    element: Option<Element>,
    /// What had the focus when it opened.
    opener: Option<Element>,
}

/// Where an element is: its tag, its text and the child indices from `<body>` down to it —
/// to find it again when the page renders it anew (a list reloaded as a window closes).
#[derive(Clone, PartialEq)]
struct Place {
    tag: String,
    text: Option<String>,
    path: Vec<u32>,
}

impl Place {
    fn of(el: &Element) -> Option<Place> {
        let mut path = Vec::new();
        let mut node = el.clone();
        while node.tag_name() != "BODY" {
            let parent = node.parent_element()?;
            let mut i = 0;
            let mut sibling = node.previous_element_sibling();
            while let Some(s) = sibling {
                i += 1;
                sibling = s.previous_element_sibling();
            }
            path.push(i);
            node = parent;
        }
        path.reverse();
        Some(Place {
            tag: el.tag_name(),
            text: el.text_content(),
            path,
        })
    }

    /// The element now at this place, if it is the same kind with the same text.
    fn find(&self) -> Option<Element> {
        let mut node: Element = document().body()?.into();
        for i in &self.path {
            let mut child = node.first_element_child()?;
            for _ in 0..*i {
                child = child.next_element_sibling()?;
            }
            node = child;
        }
        (node.tag_name() == self.tag && node.text_content() == self.text).then_some(node)
    }
}

fn focus(el: Element) {
    if let Ok(el) = el.dyn_into::<HtmlElement>() {
        let _ = el.focus();
    }
}

/// Gives the focus back to `opener`; if the page renders it anew within the next seconds (the
/// focus falls to `<body>`), to the element that took its place.
fn restore_focus(opener: Option<Element>) {
    let place = opener.as_ref().and_then(Place::of);
    match opener.filter(|e| e.is_connected()) {
        Some(el) => focus(el),
        None => {
            if let Some(main) = document().get_element_by_id("main") {
                focus(main);
            }
        }
    }
    fn watch(place: Place, tries: u32) {
        set_timeout(
            move || {
                let doc = document();
                let lost = doc.active_element().is_none_or(|a| {
                    a.tag_name() == "BODY" || a.id() == "main" || !a.is_connected()
                });
                let open = OPEN.with(|o| !o.borrow().is_empty());
                if open {
                    return;
                }
                if lost {
                    if let Some(el) = place.find() {
                        focus(el);
                        return;
                    }
                }
                if tries > 0 {
                    watch(place, tries - 1);
                }
            },
            std::time::Duration::from_millis(100),
        );
    }
    if let Some(place) = place {
        watch(place, 30);
    }
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
    /// Open windows, the top one last.
    static OPEN: RefCell<Vec<Open>> = const { RefCell::new(Vec::new()) };
    /// The elements made inert for the top window.
    static INERT: RefCell<Vec<Element>> = const { RefCell::new(Vec::new()) };
}

/// What Tab can reach.
const FOCUSABLE: &str = "a[href], area[href], button:not([disabled]), \
    input:not([disabled]):not([type=\"hidden\"]), select:not([disabled]), \
    textarea:not([disabled]), summary, iframe, [tabindex], [contenteditable=\"true\"]";

fn is_top(id: u32) -> bool {
    OPEN.with(|o| o.borrow().last().map(|w| w.id) == Some(id))
}

/// Makes everything but the top window inert: the siblings of the window and of each of its
/// ancestors up to `<body>` (the app, the windows below). Undoes what it did before first.
fn sync_inert() {
    for el in INERT.with(|s| std::mem::take(&mut *s.borrow_mut())) {
        let _ = el.remove_attribute("inert");
    }
    let Some(mut node) = OPEN.with(|o| o.borrow().last().and_then(|w| w.element.clone())) else {
        return;
    };
    let mut made = Vec::new();
    while let Some(parent) = node.parent_element() {
        let mut sibling = parent.first_element_child();
        while let Some(s) = sibling {
            let skip = s.is_same_node(Some(&node))
                || s.has_attribute("inert")
                || matches!(
                    s.tag_name().as_str(),
                    "SCRIPT" | "STYLE" | "LINK" | "TEMPLATE" | "NOSCRIPT"
                );
            if !skip && s.set_attribute("inert", "").is_ok() {
                made.push(s.clone());
            }
            sibling = s.next_element_sibling();
        }
        if parent.tag_name() == "BODY" {
            break;
        }
        node = parent;
    }
    INERT.with(|s| *s.borrow_mut() = made);
}

/// The elements Tab stops at inside `root`, in order.
fn focusables(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .filter(|e| e.tab_index() >= 0 && (e.offset_width() > 0 || e.offset_height() > 0))
        .collect()
}

#[component]
pub fn Modal(title: Signal<String>, on_close: Callback<()>, children: Children) -> impl IntoView {
    let id = NEXT_ID.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    let opener = document().active_element();
    OPEN.with(|o| {
        o.borrow_mut().push(Open {
            id,
            element: None,
            opener,
        })
    });
    let title_id = format!("modal-title-{id}");
    let labelled_by = title_id.clone();
    let dialog = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            let window = el.parent_element();
            OPEN.with(|o| {
                if let Some(w) = o.borrow_mut().iter_mut().find(|w| w.id == id) {
                    w.element = window;
                }
            });
            sync_inert();
            let _ = el.focus();
        }
    });
    // Escape closes the top window wherever the focus is (a button that was disabled while it
    // worked hands the focus back to the page body).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && is_top(id) {
            ev.stop_immediate_propagation();
            on_close.run(());
        }
    });
    // Tab from the last element goes to the first, Shift+Tab from the first (or from the window
    // itself) to the last; from anywhere outside, into the window.
    let tab = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() != "Tab" || ev.alt_key() || ev.ctrl_key() || ev.meta_key() || !is_top(id) {
            return;
        }
        let Some(root) = dialog.get_untracked() else {
            return;
        };
        let root: &HtmlElement = &root;
        let items = focusables(root);
        let active = document().active_element();
        let is = |e: &HtmlElement| active.as_ref().is_some_and(|a| a.is_same_node(Some(e)));
        let inside = active
            .as_ref()
            .is_some_and(|a| root.contains(Some(a)) && !root.is_same_node(Some(a)));
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            ev.prevent_default();
            let _ = root.focus();
            return;
        };
        let target = if ev.shift_key() {
            (!inside || is(first)).then_some(last)
        } else {
            (!inside || is(last)).then_some(first)
        };
        if let Some(t) = target {
            ev.prevent_default();
            let _ = t.focus();
        }
    });
    on_cleanup(move || {
        escape.remove();
        tab.remove();
        let opener = OPEN.with(|o| {
            let mut o = o.borrow_mut();
            let at = o.iter().position(|w| w.id == id)?;
            o.remove(at).opener
        });
        sync_inert();
        // The focus goes back where it was (the page's main part if that is gone).
        restore_focus(opener);
    });
    // The portal renders its window once (untracked), and `Children` with it.
    let children = Arc::new(Mutex::new(Some(children)));
    let title_id = StoredValue::new(title_id);
    let labelled_by = StoredValue::new(labelled_by);
    view! {
        <Portal>
            {
                let content = children.lock().ok().and_then(|mut c| c.take()).map(|c| c());
                view! {
                    <div class="modal">
                        <div class="modal__backdrop" on:click=move |_| on_close.run(())></div>
                        <div class="modal__dialog card" role="dialog" aria-modal="true" aria-labelledby=labelled_by.get_value() tabindex="-1" node_ref=dialog>
                            <div class="modal__head">
                                <h2 class="modal__title" id=title_id.get_value()>{move || title.get()}</h2>
                                <button type="button" class="modal__close" aria-label=crate::i18n::td_string!(crate::i18n::lang(), common.close) on:click=move |_| on_close.run(())>"×"</button>
                            </div>
                            {content}
                        </div>
                    </div>
                }
            }
        </Portal>
    }
}
