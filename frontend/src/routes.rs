//! Every client route in one place.

pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
pub const REGISTER: &str = "/register";
pub const FORGOT_PASSWORD: &str = "/forgot-password";
/// Readings and payment without an account (X9).
pub const GUEST_READINGS: &str = "/guest/readings";
pub const GUEST_PAY: &str = "/guest/pay";
pub const PROFILE: &str = "/profile";
/// The profile's tab «Настройка домов».
pub const PROFILE_HOUSES: &str = "/profile/houses";
pub const PROFILE_REQUESTS: &str = "/profile/requests";
/// The profile's tab «Настройки» (F8.3).
pub const PROFILE_SETTINGS: &str = "/profile/settings";
pub const ABOUT: &str = "/about";
pub const FAQ: &str = "/faq";
pub const CONTACTS: &str = "/contacts";
/// Accepting an invitation to a family member's account (X9).
pub const FAMILY_ACCEPT: &str = "/family/accept";

/// An invitation opened before signing in: its token waits in this browser's storage (never in
/// an address, where it would reach access logs) until the invitee has signed in, after
/// registering and confirming their address first if they had no login. Signing in then leads
/// to [`FAMILY_ACCEPT`].
pub mod pending_invitation {
    const KEY: &str = "lk.invitation";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn keep(token: &str) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, token);
        }
    }

    pub fn get() -> Option<String> {
        storage()?.get_item(KEY).ok()?.filter(|t| !t.is_empty())
    }

    pub fn forget() {
        if let Some(s) = storage() {
            let _ = s.remove_item(KEY);
        }
    }
}

/// The tabs of a house's page (F9–F14), in the order they are shown: the one list of their
/// paths (`/houses/{id}/{segment}`) and labels. `/houses/{id}` alone, or with a segment that is
/// no tab, shows the first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HouseTab {
    #[default]
    Electricity,
    Meters,
    Account,
    Services,
    Payment,
    Contacts,
}

impl HouseTab {
    pub const ALL: [HouseTab; 6] = [
        HouseTab::Electricity,
        HouseTab::Meters,
        HouseTab::Account,
        HouseTab::Services,
        HouseTab::Payment,
        HouseTab::Contacts,
    ];

    /// The last segment of the tab's path.
    pub const fn segment(self) -> &'static str {
        match self {
            HouseTab::Electricity => "electricity",
            HouseTab::Meters => "meters",
            HouseTab::Account => "account",
            HouseTab::Services => "services",
            HouseTab::Payment => "payment",
            HouseTab::Contacts => "contacts",
        }
    }

    /// The tab's name in the language on screen (the manual's labels in Russian).
    pub fn label(self) -> &'static str {
        use crate::i18n::{lang, td_string};
        match self {
            HouseTab::Electricity => td_string!(lang(), core.tab.electricity),
            HouseTab::Meters => td_string!(lang(), core.tab.meters),
            HouseTab::Account => td_string!(lang(), core.tab.account),
            HouseTab::Services => td_string!(lang(), core.tab.services),
            HouseTab::Payment => td_string!(lang(), core.tab.payment),
            HouseTab::Contacts => td_string!(lang(), core.tab.contacts),
        }
    }

    /// The tab a path segment names, if any.
    pub fn from_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.segment() == segment)
    }
}

/// A house's page on one of its tabs.
pub fn house(id: i64, tab: HouseTab) -> String {
    format!("/houses/{id}/{}", tab.segment())
}

/// The staff console (SPEC B2, B3): the contact centre's queue of requests.
pub const STAFF: &str = "/staff";
/// The staff console: the site's content (admins).
pub const STAFF_CONTENT: &str = "/staff/content";
/// The staff console: operators and admins (admins).
pub const STAFF_USERS: &str = "/staff/users";

/// A request in the staff console.
pub fn staff_request(number: i64) -> String {
    format!("/staff/requests/{number}")
}
