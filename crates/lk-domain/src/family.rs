//! Family access (X9): the user who bound an account invites other people to it by e-mail,
//! each with a role; an invitee who accepts gets the account in a house of their own.

use chrono::{DateTime, Duration, Utc};

crate::wire_enum! {
    /// What an invited member may do with the account.
    pub enum MemberRole {
        /// «Просмотр»: balance, history, receipts.
        View = "view",
        /// «Полный доступ»: also readings and payments.
        Full = "full",
    }
}

crate::wire_enum! {
    /// How a user holds the account of one of their houses.
    pub enum HouseAccess {
        /// Bound it by the account and meter numbers: may also invite and revoke members.
        Owner = "owner",
        /// An invited member with «полный доступ».
        Full = "full",
        /// An invited member with «просмотр».
        View = "view",
    }
}

impl From<MemberRole> for HouseAccess {
    fn from(r: MemberRole) -> Self {
        match r {
            MemberRole::View => HouseAccess::View,
            MemberRole::Full => HouseAccess::Full,
        }
    }
}

impl HouseAccess {
    /// Whether this holder may act on the account: pass readings, pay, ask for changes.
    pub fn may_act(self) -> bool {
        !matches!(self, HouseAccess::View)
    }

    /// Whether this holder may see and manage the account's members.
    pub fn may_manage(self) -> bool {
        matches!(self, HouseAccess::Owner)
    }

    /// Whether this holder reaches what needs `needed`: the owner everything, a member with
    /// full access all but the members, a viewer only what viewers may.
    pub fn reaches(self, needed: HouseAccess) -> bool {
        match needed {
            HouseAccess::View => true,
            HouseAccess::Full => self.may_act(),
            HouseAccess::Owner => self.may_manage(),
        }
    }
}

/// How long an invitation can be accepted.
pub const INVITATION_TTL_DAYS: i64 = 7;

/// When an invitation sent at `now` stops working.
pub fn invitation_expires(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(INVITATION_TTL_DAYS)
}

/// How the history and the member list name a user: «Имя Фамилия», or the e-mail address
/// when they gave no name.
pub fn display_name(first: Option<&str>, last: Option<&str>, email: &str) -> String {
    let names: Vec<&str> = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        email.to_owned()
    } else {
        names.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_reaches_only_what_viewers_may() {
        assert!(HouseAccess::View.reaches(HouseAccess::View));
        assert!(!HouseAccess::View.reaches(HouseAccess::Full));
        assert!(!HouseAccess::View.reaches(HouseAccess::Owner));
        assert!(HouseAccess::Full.reaches(HouseAccess::Full));
        assert!(!HouseAccess::Full.reaches(HouseAccess::Owner));
        assert!(HouseAccess::Owner.reaches(HouseAccess::Owner));
    }

    #[test]
    fn a_role_becomes_the_same_access() {
        assert_eq!(HouseAccess::from(MemberRole::View), HouseAccess::View);
        assert_eq!(HouseAccess::from(MemberRole::Full), HouseAccess::Full);
        assert_eq!(MemberRole::parse("owner"), None);
    }

    #[test]
    fn a_name_or_else_the_address() {
        assert_eq!(
            display_name(Some("Иван"), Some("Петров"), "i@x.ru"),
            "Иван Петров"
        );
        assert_eq!(display_name(None, Some(" "), "i@x.ru"), "i@x.ru");
    }

    #[test]
    fn an_invitation_lasts_a_week() {
        let now = Utc::now();
        assert_eq!((invitation_expires(now) - now).num_days(), 7);
    }
}
