//! Inline SVG icons (no icon font, nothing fetched).

use leptos::prelude::*;

#[component]
pub fn HomeIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M3 11.5 12 4l9 7.5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
            <path d="M5.5 10v9.5h5v-5h3v5h5V10" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
        </svg>
    }
}

#[component]
pub fn BoltIcon() -> impl IntoView {
    view! {
        <svg class="logo__mark" viewBox="0 0 40 40" aria-hidden="true" focusable="false">
            <circle cx="20" cy="20" r="20" fill="currentColor"/>
            <path d="M22.5 6 11 22.5h7.5L16.5 34 29 16.5h-7.5z" fill="#ffd23f"/>
        </svg>
    }
}

#[component]
pub fn UserIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <circle cx="12" cy="8" r="4" fill="none" stroke="currentColor" stroke-width="2"/>
            <path d="M4 20c1.5-4 4.5-6 8-6s6.5 2 8 6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
        </svg>
    }
}

#[component]
pub fn ExitIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}

#[component]
pub fn HouseIllustration() -> impl IntoView {
    view! {
        <svg class="illustration" viewBox="0 0 120 100" aria-hidden="true" focusable="false">
            <rect x="0" y="88" width="120" height="4" rx="2" fill="#d9e4f2"/>
            <path d="M20 50 60 18l40 32v38H20z" fill="#e8f0fa" stroke="#005baa" stroke-width="3" stroke-linejoin="round"/>
            <rect x="50" y="60" width="20" height="28" fill="#fff" stroke="#005baa" stroke-width="3"/>
            <rect x="30" y="56" width="12" height="12" fill="#ffd23f" stroke="#005baa" stroke-width="3"/>
            <rect x="78" y="56" width="12" height="12" fill="#ffd23f" stroke="#005baa" stroke-width="3"/>
            <path d="M96 8 86 24h7l-3 12 12-17h-7z" fill="#f39200"/>
        </svg>
    }
}

/// The header's icon of the console (a headset).
#[component]
pub fn StaffIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M4 14v-2a8 8 0 0 1 16 0v2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
            <rect x="3" y="13" width="4" height="6" rx="1.5" fill="none" stroke="currentColor" stroke-width="2"/>
            <rect x="17" y="13" width="4" height="6" rx="1.5" fill="none" stroke="currentColor" stroke-width="2"/>
            <path d="M19 19c0 1.5-1.5 2.5-4 2.5h-2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
        </svg>
    }
}
