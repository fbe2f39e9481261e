//! Dialogs fetched when first opened: their code lives in a WASM chunk of its own (`dialogs`,
//! split by `cargo xtask spa`), so the pages that offer them start without it. While the chunk
//! arrives a note says it is opening; if it cannot arrive, the window says so and closes.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use send_wrapper::SendWrapper;

use crate::components::modal::Modal;
use crate::i18n::*;

/// Shows the view `load` resolves to — a dialog from the `dialogs` chunk.
pub fn dialog(
    title: &'static str,
    load: impl std::future::Future<Output = Result<AnyView, SplitLoaderError>> + 'static,
    on_close: Callback<()>,
) -> impl IntoView {
    let load = SendWrapper::new(load);
    view! {
        <Suspense fallback=|| view! { <p class="opening" role="status">{td_string!(lang(), common.lazy.opening)}</p> }>
            {Suspend::new(async move {
                load.await.unwrap_or_else(|_| view! {
                    <Modal title=Signal::stored(title.to_owned()) on_close=on_close>
                        <div class="alert alert--error" role="alert">
                            {td_string!(lang(), common.lazy.failed)}
                        </div>
                    </Modal>
                }.into_any())
            })}
        </Suspense>
    }
}
