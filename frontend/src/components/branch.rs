//! A branch of the company with its contacts (F2.7 «Контакты», F14.1 the house's tab), and the
//! technical support's contacts: phones as `tel:` links, e-mail as `mailto:`.

use leptos::prelude::*;

use crate::format;
use crate::i18n::*;
use crate::session::Session;

/// One branch, as a card under a second-level heading (its name is a third-level one).
#[component]
pub fn BranchCard(
    name: String,
    address: String,
    phone: String,
    email: String,
    hours: String,
) -> impl IntoView {
    let phones = format::phones(&phone);
    let mailto = format!("mailto:{email}");
    let i18n = use_i18n();
    view! {
        <article class="card branch" data-testid="branch">
            <h3 class="branch__name">{name}</h3>
            <dl class="branch__facts">
                <div>
                    <dt>{t!(i18n, common.branch.address)}</dt>
                    <dd>{address}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, common.branch.phone)}</dt>
                    <dd class="branch__phones">
                        {phones.into_iter().map(|(text, href)| view! { <a href=href>{text}</a> }).collect_view()}
                    </dd>
                </div>
                {(!email.trim().is_empty()).then(|| view! {
                    <div>
                        <dt>{t!(i18n, common.branch.email)}</dt>
                        <dd><a href=mailto class="branch__email">{email}</a></dd>
                    </div>
                })}
                <div>
                    <dt>{t!(i18n, common.branch.hours)}</dt>
                    <dd>{hours}</dd>
                </div>
            </dl>
        </article>
    }
}

/// The technical support's e-mail and phone, from the branding.
#[component]
pub fn SupportCard() -> impl IntoView {
    let session = expect_context::<Session>();
    let b = move || session.branding.get();
    let i18n = use_i18n();
    view! {
        <article class="card branch branch--support" data-testid="support-contacts">
            <h2 class="branch__name">{t!(i18n, common.branch.support_title)}</h2>
            <dl class="branch__facts">
                <Show when=move || !b().support_phone.trim().is_empty()>
                    <div>
                        <dt>{t!(i18n, common.branch.phone)}</dt>
                        <dd class="branch__phones">
                            {move || format::phones(&b().support_phone).into_iter().map(|(text, href)| view! { <a href=href>{text}</a> }).collect_view()}
                        </dd>
                    </div>
                </Show>
                <Show when=move || !b().support_email.trim().is_empty()>
                    <div>
                        <dt>{t!(i18n, common.branch.email)}</dt>
                        <dd><a class="branch__email" href=move || format!("mailto:{}", b().support_email)>{move || b().support_email}</a></dd>
                    </div>
                </Show>
                <Show when=move || !b().site_url.trim().is_empty()>
                    <div>
                        <dt>{t!(i18n, common.branch.site)}</dt>
                        <dd><a class="branch__email" href=move || b().site_url target="_blank" rel="noopener">{move || b().site_url}</a></dd>
                    </div>
                </Show>
            </dl>
        </article>
    }
}
