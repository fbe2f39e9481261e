//! The editors of the content's sections: a section's frame (title, what it is for, the note
//! on what is not verified), a form of fixed fields («О компании», links, branding) and an
//! ordered list of items (FAQ, payment methods, help tips, services) — add, remove, move up
//! and down — each saved as a whole with `PUT`, the server's errors shown at the fields they
//! name (`items[2].answer`).

use std::cell::Cell;

use leptos::prelude::*;

use super::ui::{focus_later, unique_id, FieldErrors, Input, Kind};
use crate::api::staff::Reply;
use crate::api::ApiError;
use crate::components::form::{ErrorAlert, Submission, SuccessAlert};
use crate::i18n::*;
use crate::session::Session;

/// One input of an item or a form.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    /// The field's name in the request.
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub hint: Option<&'static str>,
    /// Takes a whole line of the item's grid.
    pub wide: bool,
}

impl Col {
    pub const fn line(key: &'static str, label: &'static str) -> Self {
        Self {
            key,
            label,
            kind: Kind::Line,
            hint: None,
            wide: false,
        }
    }

    pub const fn area(key: &'static str, label: &'static str, rows: u32) -> Self {
        Self {
            key,
            label,
            kind: Kind::Area(rows),
            hint: None,
            wide: true,
        }
    }

    pub const fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    pub const fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub const fn wide(mut self) -> Self {
        self.wide = true;
        self
    }
}

/// The frame of a section: heading (the target of the table of contents), what it is for,
/// and the admins' note on what is not verified yet.
#[component]
pub fn Section(
    id: &'static str,
    title: &'static str,
    lead: &'static str,
    #[prop(into)] note: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card staff-section" id=format!("content-{id}") aria-labelledby=format!("content-{id}-title") data-testid=format!("section-{id}")>
            <h2 class="card__title staff-section__title" id=format!("content-{id}-title") tabindex="-1">{title}</h2>
            <p class="muted staff-section__lead">{lead}</p>
            <Show when=move || note.get().is_some()>
                <div class="alert alert--warning staff-note" role="note">
                    <strong>{t!(i18n, staff.lists.unverified)}" "</strong>{move || note.get()}
                </div>
            </Show>
            {children()}
        </section>
    }
}

/// The submit button of a section: «Сохранить» unless `label` says otherwise.
#[component]
pub fn SaveButton(
    #[prop(optional)] label: Option<&'static str>,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    let label = label.unwrap_or_else(|| td_string!(lang(), staff.lists.save));
    view! {
        <button class="btn btn--primary" type="submit" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
            <Show when=move || pending.get()>
                <span class="spinner spinner--small" aria-hidden="true"></span>
            </Show>
            {label}
        </button>
    }
}

/// What is said after a section is saved.
fn saved_message() -> String {
    td_string!(lang(), staff.lists.saved).to_owned()
}

/// A form of fixed fields saved as one value `T`.
pub struct RecordSpec<T: 'static> {
    pub cols: Vec<Col>,
    pub to_values: fn(&T) -> Vec<String>,
    pub from_values: fn(&[String]) -> Result<T, ApiError>,
    pub save: fn(Session, T) -> Reply<T>,
}

/// The form of a [`RecordSpec`]; `on_saved` gets the value as the server saved it.
pub fn record_form<T: Clone + 'static>(
    spec: RecordSpec<T>,
    initial: T,
    on_saved: Callback<T>,
) -> impl IntoView {
    untrack(move || {
        let session = expect_context::<Session>();
        let values: Vec<RwSignal<String>> = (spec.to_values)(&initial)
            .into_iter()
            .map(RwSignal::new)
            .collect();
        let values = StoredValue::new(values);
        let done = RwSignal::new(None::<String>);
        let to_values = spec.to_values;
        let save = spec.save;
        let submit = Submission::new(
            move |v: T| save(session, v),
            move |saved: T| {
                let fresh = to_values(&saved);
                values.with_value(|vs| {
                    for (s, v) in vs.iter().zip(fresh) {
                        s.set(v);
                    }
                });
                done.set(Some(saved_message()));
                on_saved.run(saved);
            },
        );
        let error = submit.error();
        let from_values = spec.from_values;
        let on_submit = submit.on_submit(move || {
            done.set(None);
            let raw: Vec<String> =
                values.with_value(|vs| vs.iter().map(|s| s.get_untracked()).collect());
            from_values(&raw)
        });
        let shown: Vec<String> = spec.cols.iter().map(|c| c.key.to_owned()).collect();
        let inputs = spec
            .cols
            .iter()
            .zip(values.get_value())
            .map(|(col, value)| {
                view! {
                    <div class="staff-grid__cell" class:staff-grid__cell--wide=col.wide>
                        <Input label=col.label name=col.key.to_owned() value=value error=error kind=col.kind hint=col.hint.map(str::to_owned).unwrap_or_default()/>
                    </div>
                }
            })
            .collect_view();
        view! {
            <form class="form" on:submit=on_submit novalidate>
                <ErrorAlert error=error/>
                <FieldErrors error=error shown=shown/>
                <div class="staff-grid">{inputs}</div>
                <div class="staff-section__actions">
                    <SaveButton pending=submit.pending()/>
                    <SuccessAlert message=done/>
                </div>
            </form>
        }
    })
}

/// An ordered list saved as a whole.
pub struct ListSpec<T: 'static> {
    /// For the inputs' ids.
    pub prefix: &'static str,
    /// What an item is called: «Вопрос» (with its number: «Вопрос 3»).
    pub item: &'static str,
    /// The add button: «Добавить вопрос».
    pub add: &'static str,
    /// What the empty list says.
    pub empty: &'static str,
    pub cols: Vec<Col>,
    pub to_values: fn(&T) -> Vec<String>,
    /// The item at the index from its inputs (a check before asking the server).
    pub from_values: fn(usize, &[String]) -> Result<T, ApiError>,
    pub save: fn(Session, Vec<T>) -> Reply<Vec<T>>,
}

#[derive(Clone)]
struct Item {
    id: u32,
    values: Vec<RwSignal<String>>,
}

thread_local! {
    static NEXT_ITEM: Cell<u32> = const { Cell::new(0) };
}

fn item(values: Vec<String>) -> Item {
    let id = NEXT_ITEM.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    Item {
        id,
        values: values.into_iter().map(RwSignal::new).collect(),
    }
}

/// The editor of a [`ListSpec`]; `on_saved` runs after a save.
pub fn list_form<T: Clone + 'static>(
    spec: ListSpec<T>,
    initial: Vec<T>,
    on_saved: Callback<()>,
) -> impl IntoView {
    untrack(move || {
        let session = expect_context::<Session>();
        let to_values = spec.to_values;
        let items = RwSignal::new(
            initial
                .iter()
                .map(|t| item(to_values(t)))
                .collect::<Vec<_>>(),
        );
        let done = RwSignal::new(None::<String>);
        let save = spec.save;
        let submit = Submission::new(
            move |list: Vec<T>| save(session, list),
            move |saved: Vec<T>| {
                items.set(saved.iter().map(|t| item(to_values(t))).collect());
                done.set(Some(saved_message()));
                on_saved.run(());
            },
        );
        let error = submit.error();
        let from_values = spec.from_values;
        let on_submit = submit.on_submit(move || {
            done.set(None);
            items
                .get_untracked()
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    let raw: Vec<String> = it.values.iter().map(|s| s.get_untracked()).collect();
                    from_values(i, &raw)
                })
                .collect::<Result<Vec<T>, ApiError>>()
        });
        let three = spec.cols.iter().filter(|c| !c.wide).count() == 3;
        let cols = StoredValue::new(spec.cols);
        let shown = Signal::derive(move || {
            let n = items.with(Vec::len);
            cols.with_value(|cols| {
                (0..n)
                    .flat_map(|i| cols.iter().map(move |c| format!("items[{i}].{}", c.key)))
                    .collect::<Vec<_>>()
            })
        });
        let prefix = spec.prefix;
        let noun = spec.item;
        let add_id = unique_id(&format!("{prefix}-add"));
        // Moving or removing items makes the paths of the last answer's errors wrong.
        let changed = move || {
            error.set(None);
            done.set(None);
        };
        let add = move |_| {
            changed();
            let blank = item(vec![String::new(); cols.with_value(Vec::len)]);
            let first = format!("{prefix}-{}-0", blank.id);
            items.update(|list| list.push(blank));
            focus_later(first);
        };
        let move_item = move |id: u32, by: isize| {
            let mut moved = false;
            items.update(|list| {
                if let Some(i) = list.iter().position(|it| it.id == id) {
                    let j = i as isize + by;
                    if j >= 0 && (j as usize) < list.len() {
                        list.swap(i, j as usize);
                        moved = true;
                    }
                }
            });
            if moved {
                changed();
            }
        };
        let remove_item = {
            let add_id = add_id.clone();
            move |id: u32| {
                changed();
                let mut next_focus = add_id.clone();
                items.update(|list| {
                    if let Some(i) = list.iter().position(|it| it.id == id) {
                        list.remove(i);
                        // The focus goes to the item that took its place, or the add button.
                        if let Some(next) = list
                            .get(i)
                            .or_else(|| i.checked_sub(1).and_then(|p| list.get(p)))
                        {
                            next_focus = format!("{prefix}-{}-remove", next.id);
                        }
                    }
                });
                focus_later(next_focus);
            }
        };
        let remove_item = StoredValue::new(remove_item);
        let count = Memo::new(move |_| items.with(Vec::len));
        let row = move |it: Item| {
            let id = it.id;
            let index = Memo::new(move |_| {
                items.with(|list| list.iter().position(|x| x.id == id).unwrap_or(0))
            });
            let number = move || index.get() + 1;
            let first = move || index.get() == 0;
            let last = move || index.get() + 1 >= count.get();
            let up_id = format!("{prefix}-{id}-up");
            let down_id = format!("{prefix}-{id}-down");
            let (up_focus, down_focus) = (up_id.clone(), down_id.clone());
            let up = move |_| {
                if !first() {
                    move_item(id, -1);
                    // At the top the button does nothing more: its neighbour takes the focus.
                    focus_later(if index.get_untracked() == 0 {
                        down_focus.clone()
                    } else {
                        up_focus.clone()
                    });
                }
            };
            let (up_focus, down_focus) = (up_id.clone(), down_id.clone());
            let down = move |_| {
                if !last() {
                    move_item(id, 1);
                    focus_later(if index.get_untracked() + 1 >= count.get_untracked() {
                        up_focus.clone()
                    } else {
                        down_focus.clone()
                    });
                }
            };
            let inputs = cols
                .get_value()
                .into_iter()
                .zip(it.values.clone())
                .enumerate()
                .map(|(k, (col, value))| {
                    let key = col.key;
                    let name = Signal::derive(move || format!("items[{}].{key}", index.get()));
                    view! {
                        <div class="staff-grid__cell" class:staff-grid__cell--wide=col.wide>
                            <Input
                                label=col.label
                                name=name
                                value=value
                                error=error
                                kind=col.kind
                                hint=col.hint.map(str::to_owned).unwrap_or_default()
                                id=format!("{prefix}-{id}-{k}")
                            />
                        </div>
                    }
                })
                .collect_view();
            view! {
                <li class="staff-item" data-testid=format!("{prefix}-item")>
                    <fieldset class="staff-item__set">
                        <legend class="staff-item__legend">{move || format!("{noun} {}", number())}</legend>
                        <div class="staff-grid" class:staff-grid--three=three>{inputs}</div>
                    </fieldset>
                    <div class="staff-item__tools">
                        <button type="button" class="btn btn--ghost btn--small" id=up_id on:click=up aria-disabled=move || first().to_string() aria-label=move || td_string!(lang(), staff.lists.move_up_label, item = noun, number = number())>{td_string!(lang(), staff.lists.move_up)}</button>
                        <button type="button" class="btn btn--ghost btn--small" id=down_id on:click=down aria-disabled=move || last().to_string() aria-label=move || td_string!(lang(), staff.lists.move_down_label, item = noun, number = number())>{td_string!(lang(), staff.lists.move_down)}</button>
                        <button type="button" class="btn btn--danger btn--small" id=format!("{prefix}-{id}-remove") on:click=move |_| remove_item.with_value(|r| r(id)) aria-label=move || td_string!(lang(), staff.lists.remove_label, item = noun, number = number())>{td_string!(lang(), staff.delete)}</button>
                    </div>
                </li>
            }
        };
        let empty = spec.empty;
        view! {
            <form class="form" on:submit=on_submit novalidate>
                <ErrorAlert error=error/>
                <FieldErrors error=error shown=shown/>
                <Show when=move || count.get() == 0>
                    <p class="muted staff-empty-list">{empty}</p>
                </Show>
                <ol class="staff-items">
                    <For each=move || items.get() key=|it| it.id children=row/>
                </ol>
                <div class="staff-section__actions">
                    <button type="button" class="btn btn--secondary" id=add_id on:click=add>{format!("+ {}", spec.add)}</button>
                    <SaveButton pending=submit.pending()/>
                    <SuccessAlert message=done/>
                </div>
            </form>
        }
    })
}
