//! The lookups behind the access extractors (`crate::access`): a user's own account, or own
//! meter, read in the same statement that checks the session asking for it — one round trip
//! where a request used to pay one for the session and one for each thing it opened. No row
//! means "not yours" or "session ended"; the caller tells them apart with `session_user`,
//! which only that rare path pays for.

use std::sync::LazyLock;

use async_trait::async_trait;
use chrono::NaiveDate;
use lk_domain::{HouseAccess, ZoneScheme};

use super::accounts::{AccountRecord, ACCOUNT_SELECT};
use super::meters::MeterRecord;
use super::sql::SqlStore;
use super::StoreResult;

#[async_trait]
pub trait AccessStore: Send + Sync {
    /// The account numbered `number`, if one of `user_id`'s houses has it and `session_id` is
    /// a live session of that user.
    async fn account_in_session(
        &self,
        session_id: &str,
        user_id: i64,
        number: &str,
        needs: HouseAccess,
    ) -> StoreResult<Option<AccountRecord>>;
    /// The active meter `meter_id` of that account, with its account and the user's label.
    async fn meter_in_session(
        &self,
        session_id: &str,
        user_id: i64,
        number: &str,
        meter_id: i64,
        needs: HouseAccess,
    ) -> StoreResult<Option<(AccountRecord, MeterRecord)>>;
}

/// `$1` is the account number, `$2` the user, `$3` the session; `holds` the accesses of
/// the user's house that admit them (X9: a revoked member has no house with the account).
fn mine(holds: &str) -> String {
    format!(
        "a.number = $1 \
         AND EXISTS (SELECT 1 FROM houses h WHERE h.account_id = a.id AND h.user_id = $2 AND h.access IN ({holds})) \
         AND EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.id = $3 AND s.user_id = $2 AND s.revoked_at IS NULL AND u.disabled_at IS NULL)"
    )
}

/// The accesses that reach what needs each access, as SQL lists (in `HouseAccess::ALL`'s
/// order: view, full, owner).
fn holds(needs: HouseAccess) -> String {
    HouseAccess::ALL
        .iter()
        .filter(|a| a.reaches(needs))
        .map(|a| format!("'{}'", a.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One statement per access needed, built once.
fn per_access(build: impl Fn(&str) -> String) -> [String; 3] {
    [HouseAccess::View, HouseAccess::Full, HouseAccess::Owner].map(|n| build(&holds(n)))
}

fn slot(needs: HouseAccess) -> usize {
    match needs {
        HouseAccess::View => 0,
        HouseAccess::Full => 1,
        HouseAccess::Owner => 2,
    }
}

static ACCOUNT_IN_SESSION: LazyLock<[String; 3]> =
    LazyLock::new(|| per_access(|holds| format!("{ACCOUNT_SELECT} WHERE {}", mine(holds))));

/// The account's columns, then the meter's (`$4`) under names of their own.
static METER_IN_SESSION: LazyLock<[String; 3]> = LazyLock::new(|| {
    let (columns, from) = ACCOUNT_SELECT
        .split_once(" FROM ")
        .expect("ACCOUNT_SELECT has a FROM");
    per_access(|holds| {
        format!(
        "{columns}, m.id AS meter_id, m.serial, m.model, m.zone_count, m.digits, m.installed_on, \
            m.verified_on, m.next_verification_on, m.location, l.label \
         FROM {from} \
         JOIN meters m ON m.account_id = a.id AND m.id = $4 AND m.active = TRUE \
         LEFT JOIN meter_labels l ON l.meter_id = m.id AND l.user_id = $2 \
         WHERE {}",
        mine(holds)
    )
    })
});

#[derive(sqlx::FromRow)]
struct MeterRow {
    #[sqlx(flatten)]
    account: AccountRecord,
    meter_id: i64,
    serial: String,
    model: String,
    #[sqlx(try_from = "i64")]
    zone_count: ZoneScheme,
    #[sqlx(try_from = "i64")]
    digits: u32,
    installed_on: Option<NaiveDate>,
    verified_on: Option<NaiveDate>,
    next_verification_on: Option<NaiveDate>,
    location: String,
    label: Option<String>,
}

impl From<MeterRow> for (AccountRecord, MeterRecord) {
    fn from(r: MeterRow) -> Self {
        let meter = MeterRecord {
            id: r.meter_id,
            account_id: r.account.id,
            serial: r.serial,
            model: r.model,
            scheme: r.zone_count,
            digits: r.digits,
            installed_on: r.installed_on,
            verified_on: r.verified_on,
            next_verification_on: r.next_verification_on,
            location: r.location,
            label: r.label,
        };
        (r.account, meter)
    }
}

macro_rules! impl_access {
    ($db:ty) => {
        #[async_trait]
        impl AccessStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn account_in_session(
                &self,
                session_id: &str,
                user_id: i64,
                number: &str,
                needs: HouseAccess,
            ) -> StoreResult<Option<AccountRecord>> {
                Ok(
                    sqlx::query_as::<_, AccountRecord>(&ACCOUNT_IN_SESSION[slot(needs)])
                        .bind(number)
                        .bind(user_id)
                        .bind(session_id)
                        .fetch_optional(&self.pool)
                        .await?,
                )
            }

            #[tracing::instrument(skip_all)]
            async fn meter_in_session(
                &self,
                session_id: &str,
                user_id: i64,
                number: &str,
                meter_id: i64,
                needs: HouseAccess,
            ) -> StoreResult<Option<(AccountRecord, MeterRecord)>> {
                Ok(
                    sqlx::query_as::<_, MeterRow>(&METER_IN_SESSION[slot(needs)])
                        .bind(number)
                        .bind(user_id)
                        .bind(session_id)
                        .bind(meter_id)
                        .fetch_optional(&self.pool)
                        .await?
                        .map(Into::into),
                )
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_access!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_access!(sqlx::Postgres);
}
