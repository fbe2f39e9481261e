//! A synthetic registry for load tests (`lk bench-data`): not part of the server's store.

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate, Utc};

use super::sql::SqlStore;
use super::StoreResult;

#[async_trait]
pub trait BenchData: Send + Sync {
    /// Load-testing data: `accounts` single-rate accounts (numbers 69…) with one meter and
    /// `months` of monthly readings, invoices and payments ending last month, and three houses
    /// of `user_id` bound to the first, middle and last of them. Needs the demo plans.
    async fn generate_bench_data(
        &self,
        user_id: i64,
        accounts: i64,
        months: u32,
        today: NaiveDate,
    ) -> StoreResult<()>;

    /// `count` confirmed subscribers `bench-<k>@lk.example` with `password_hash`, each with
    /// `houses_each` houses bound to accounts of their own (the synthetic accounts no house is
    /// bound to yet, in order): the crowd of a reading rush. Returns the users created.
    async fn generate_bench_subscribers(
        &self,
        count: i64,
        houses_each: i64,
        password_hash: &str,
    ) -> StoreResult<i64>;

    /// Makes freshly generated data measurable as a long-running database is: the SQLite WAL
    /// checkpointed into the database file, PostgreSQL vacuumed and checkpointed, statistics
    /// current on both (measuring straight after generating showed a false 1.7–4× slowdown).
    async fn settle(&self) -> StoreResult<()>;
}

const BENCH_SUBSCRIBERS: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
                     INSERT INTO users (email, email_normalized, password_hash, last_name, first_name, role, email_confirmed_at, personal_data_consent_at, created_at, updated_at) \
                     SELECT 'bench-' || CAST(i AS TEXT) || '@lk.example', 'bench-' || CAST(i AS TEXT) || '@lk.example', $2, 'Абонент', CAST(i AS TEXT), 'subscriber', $3, $3, $3, $3 FROM n WHERE true \
                     ON CONFLICT (email_normalized) DO NOTHING";
/// The k-th free synthetic account (by id) goes to bench subscriber k / houses_each + 1.
const BENCH_SUBSCRIBER_HOUSES: &str = "INSERT INTO houses (user_id, name, address, account_id, created_at) \
                     SELECT u.id, 'Дом ' || a.number, a.address, a.id, $3 \
                     FROM (SELECT id, number, address, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM accounts \
                           WHERE number LIKE '69%' AND NOT EXISTS (SELECT 1 FROM houses h WHERE h.account_id = accounts.id)) a \
                     JOIN users u ON u.email_normalized = 'bench-' || CAST(a.k / $2 + 1 AS TEXT) || '@lk.example' \
                     WHERE a.k < $1 * $2";

const GENERATE_BENCH_DATA: &str = "SELECT id FROM tariff_plans WHERE code = 'population-single'";
const GENERATE_BENCH_DATA_2: &str = "SELECT id FROM branches WHERE code = 'tambov'";
const GENERATE_BENCH_DATA_3: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
                     INSERT INTO accounts (number, holder_name, address, branch_id, contract_number, contract_date, tariff_plan_id, residents, opening_balance, balance, created_at) \
                     SELECT CAST(690000000000 + i AS TEXT), 'Абонент ' || CAST(i AS TEXT), 'г. Тамбов, д. ' || CAST(i AS TEXT), $2, 'B-' || CAST(i AS TEXT), $3, $4, 1, 0, -(i % 5000), $5 FROM n";
const GENERATE_BENCH_DATA_4: &str = "INSERT INTO meters (account_id, serial, model, zone_count, digits, location) SELECT id, 'B' || CAST(id AS TEXT), 'Меркурий 201.5', 1, 6, '' FROM accounts WHERE id > $1";
const GENERATE_BENCH_DATA_5: &str = "INSERT INTO readings (meter_id, account_id, taken_on, source, consumption, charge, created_at) SELECT id, account_id, $1, 'billing', 250, 153250, $2 FROM meters WHERE account_id > $3";
const GENERATE_BENCH_DATA_6: &str = "INSERT INTO reading_values (reading_id, zone, value) SELECT id, 'single', 10000 + $1 * 250 + account_id % 50 FROM readings WHERE id > $2";
const GENERATE_BENCH_DATA_7: &str = "INSERT INTO invoices (account_id, period, issued_on, due_on, amount) SELECT id, $1, $2, $3, 150000 + id % 997 FROM accounts WHERE id > $4";
const GENERATE_BENCH_DATA_8: &str = "INSERT INTO invoice_lines (invoice_id, line_no, zone, kwh, price_e4, amount) SELECT id, 1, 'single', 250, 61300, amount FROM invoices WHERE id > $1";
const GENERATE_BENCH_DATA_9: &str = "INSERT INTO payments (account_id, amount, paid_on, channel, created_at) SELECT id, 150000, $1, 'bank', $2 FROM accounts WHERE id > $3";
const GENERATE_BENCH_DATA_10: &str = "SELECT id FROM accounts WHERE number = $1";
const GENERATE_BENCH_DATA_11: &str = "INSERT INTO houses (user_id, name, address, account_id, created_at) VALUES ($1, $2, $3, $4, $5)";

macro_rules! impl_bench {
    ($db:ty, $settle:expr) => {
        #[async_trait]
        impl BenchData for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn generate_bench_data(
                &self,
                user_id: i64,
                accounts: i64,
                months: u32,
                today: NaiveDate,
            ) -> StoreResult<()> {
                let now = Utc::now();
                let plan: i64 = sqlx::query_scalar(GENERATE_BENCH_DATA)
                    .fetch_one(&self.pool)
                    .await?;
                let branch: i64 = sqlx::query_scalar(GENERATE_BENCH_DATA_2)
                    .fetch_one(&self.pool)
                    .await?;
                let max_id = |table: &'static str| {
                    let pool = self.pool.clone();
                    async move {
                        sqlx::query_scalar::<_, i64>(&format!(
                            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"
                        ))
                        .fetch_one(&pool)
                        .await
                    }
                };
                let first = max_id("accounts").await?;
                sqlx::query(GENERATE_BENCH_DATA_3)
                    .bind(accounts)
                    .bind(branch)
                    .bind(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default())
                    .bind(plan)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                sqlx::query(GENERATE_BENCH_DATA_4)
                    .bind(first)
                    .execute(&self.pool)
                    .await?;
                let start = today
                    .with_day(20)
                    .and_then(|d| d.checked_sub_months(chrono::Months::new(months)))
                    .unwrap_or(today);
                for m in 0..months {
                    let on = start
                        .checked_add_months(chrono::Months::new(m))
                        .unwrap_or(start);
                    let period = on.with_day(1).unwrap_or(on);
                    let issued = period
                        .checked_add_months(chrono::Months::new(1))
                        .unwrap_or(period);
                    let before = max_id("readings").await?;
                    sqlx::query(GENERATE_BENCH_DATA_5)
                        .bind(on)
                        .bind(now)
                        .bind(first)
                        .execute(&self.pool)
                        .await?;
                    sqlx::query(GENERATE_BENCH_DATA_6)
                        .bind(i64::from(m))
                        .bind(before)
                        .execute(&self.pool)
                        .await?;
                    let before = max_id("invoices").await?;
                    sqlx::query(GENERATE_BENCH_DATA_7)
                        .bind(period)
                        .bind(issued)
                        .bind(issued.with_day(10).unwrap_or(issued))
                        .bind(first)
                        .execute(&self.pool)
                        .await?;
                    sqlx::query(GENERATE_BENCH_DATA_8)
                        .bind(before)
                        .execute(&self.pool)
                        .await?;
                    sqlx::query(GENERATE_BENCH_DATA_9)
                        .bind(issued.with_day(5).unwrap_or(issued))
                        .bind(now)
                        .bind(first)
                        .execute(&self.pool)
                        .await?;
                }
                for (k, i) in [1, accounts / 2, accounts].into_iter().enumerate() {
                    let number = format!("{}", 690_000_000_000_i64 + i.max(1));
                    let account_id: i64 = sqlx::query_scalar(GENERATE_BENCH_DATA_10)
                        .bind(&number)
                        .fetch_one(&self.pool)
                        .await?;
                    sqlx::query(GENERATE_BENCH_DATA_11)
                        .bind(user_id)
                        .bind(format!("Дом {}", k + 1))
                        .bind("г. Тамбов")
                        .bind(account_id)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn generate_bench_subscribers(
                &self,
                count: i64,
                houses_each: i64,
                password_hash: &str,
            ) -> StoreResult<i64> {
                let now = Utc::now();
                let users = sqlx::query(BENCH_SUBSCRIBERS)
                    .bind(count)
                    .bind(password_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                sqlx::query(BENCH_SUBSCRIBER_HOUSES)
                    .bind(count)
                    .bind(houses_each)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(i64::try_from(users).unwrap_or(i64::MAX))
            }

            #[tracing::instrument(skip_all)]
            async fn settle(&self) -> StoreResult<()> {
                for sql in $settle {
                    sqlx::query(sql).execute(&self.pool).await?;
                }
                Ok(())
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_bench!(sqlx::Sqlite, ["ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"]);
}

mod postgres {
    use super::*;
    impl_bench!(sqlx::Postgres, ["VACUUM ANALYZE", "CHECKPOINT"]);
}
