//! Meters of an account, with the names their subscribers gave them.

use async_trait::async_trait;
use chrono::NaiveDate;
use lk_domain::ZoneScheme;

use super::accounts::{AccountRecord, ACCOUNT_SELECT};
use super::sql::SqlStore;
use super::StoreResult;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeterRecord {
    pub id: i64,
    pub account_id: i64,
    pub serial: String,
    pub model: String,
    #[sqlx(rename = "zone_count", try_from = "i64")]
    pub scheme: ZoneScheme,
    /// Whole digits of the register; a value outside `u32` is a decoding error, not a
    /// meter that never rolls over.
    #[sqlx(try_from = "i64")]
    pub digits: u32,
    pub installed_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub next_verification_on: Option<NaiveDate>,
    pub location: String,
    pub label: Option<String>,
}

#[async_trait]
pub trait MeterStore: Send + Sync {
    async fn meters(&self, user_id: i64, account_id: i64) -> StoreResult<Vec<MeterRecord>>;
    /// One active meter of the account, with the user's label.
    async fn meter_of_user(
        &self,
        user_id: i64,
        account_id: i64,
        meter_id: i64,
    ) -> StoreResult<Option<MeterRecord>>;
    async fn set_meter_label(
        &self,
        user_id: i64,
        meter_id: i64,
        label: Option<&str>,
    ) -> StoreResult<()>;
    /// An account and its active meter by their numbers, for a payer without an account.
    async fn account_and_meter(
        &self,
        number: &str,
        serial: &str,
    ) -> StoreResult<Option<(AccountRecord, MeterRecord)>>;
}

/// Active meters of an account (`$2`) with the labels one user (`$1`) gave them.
const METER_SELECT: &str = "SELECT m.id, m.account_id, m.serial, m.model, m.zone_count, m.digits, m.installed_on, m.verified_on, \
            m.next_verification_on, m.location, l.label \
     FROM meters m LEFT JOIN meter_labels l ON l.meter_id = m.id AND l.user_id = $1 \
     WHERE m.account_id = $2 AND m.active = TRUE";

const SET_METER_LABEL: &str = "INSERT INTO meter_labels (user_id, meter_id, label) VALUES ($1, $2, $3) ON CONFLICT (user_id, meter_id) DO UPDATE SET label = excluded.label";
const SET_METER_LABEL_2: &str = "DELETE FROM meter_labels WHERE user_id = $1 AND meter_id = $2";

macro_rules! impl_meters {
    ($db:ty) => {
        #[async_trait]
        impl MeterStore for SqlStore<$db> {
            #[tracing::instrument(skip(self))]
            async fn meters(&self, user_id: i64, account_id: i64) -> StoreResult<Vec<MeterRecord>> {
                Ok(
                    sqlx::query_as::<_, MeterRecord>(&format!("{METER_SELECT} ORDER BY m.id"))
                        .bind(user_id)
                        .bind(account_id)
                        .fetch_all(&self.pool)
                        .await?,
                )
            }

            #[tracing::instrument(skip(self))]
            async fn meter_of_user(
                &self,
                user_id: i64,
                account_id: i64,
                meter_id: i64,
            ) -> StoreResult<Option<MeterRecord>> {
                Ok(
                    sqlx::query_as::<_, MeterRecord>(&format!("{METER_SELECT} AND m.id = $3"))
                        .bind(user_id)
                        .bind(account_id)
                        .bind(meter_id)
                        .fetch_optional(&self.pool)
                        .await?,
                )
            }

            #[tracing::instrument(skip_all)]
            async fn account_and_meter(
                &self,
                number: &str,
                serial: &str,
            ) -> StoreResult<Option<(AccountRecord, MeterRecord)>> {
                let account = sqlx::query_as::<_, AccountRecord>(&format!(
                    "{ACCOUNT_SELECT} WHERE a.number = $1"
                ))
                .bind(number)
                .fetch_optional(&self.pool)
                .await?;
                // Asked whether or not the account exists, so that the time of the answer does
                // not tell which numbers are accounts. No user's labels: user 0 is nobody.
                let meter =
                    sqlx::query_as::<_, MeterRecord>(&format!("{METER_SELECT} AND m.serial = $3"))
                        .bind(0_i64)
                        .bind(account.as_ref().map_or(-1, |a| a.id))
                        .bind(serial)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(account.zip(meter))
            }

            #[tracing::instrument(skip_all)]
            async fn set_meter_label(
                &self,
                user_id: i64,
                meter_id: i64,
                label: Option<&str>,
            ) -> StoreResult<()> {
                match label {
                    Some(label) => {
                        sqlx::query(SET_METER_LABEL)
                            .bind(user_id)
                            .bind(meter_id)
                            .bind(label)
                            .execute(&self.pool)
                            .await?;
                    }
                    None => {
                        sqlx::query(SET_METER_LABEL_2)
                            .bind(user_id)
                            .bind(meter_id)
                            .execute(&self.pool)
                            .await?;
                    }
                }
                Ok(())
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_meters!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_meters!(sqlx::Postgres);
}
