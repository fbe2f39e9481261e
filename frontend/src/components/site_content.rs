//! The company's content (`GET /content`) loaded for a view: a spinner while it loads, the
//! failure with «Повторить», then the view.

use leptos::prelude::*;
use lk_api_types::SiteContent;

use crate::api;
use crate::components::layout::Splash;
use crate::i18n::*;

/// `render` shows the loaded content.
pub fn with_content(
    render: impl Fn(SiteContent) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    let content = LocalResource::new(api::content::get);
    move || {
        match content.get() {
        None => view! { <Splash/> }.into_any(),
        Some(Err(e)) => view! {
            <div class="alert alert--error" role="alert">{e.message()}</div>
            <button type="button" class="btn btn--secondary" on:click=move |_| content.refetch()>{td_string!(lang(), common.retry)}</button>
        }
        .into_any(),
        Some(Ok(c)) => render(c),
    }
    }
}
