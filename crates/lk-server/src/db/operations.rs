//! The operations history of an account: invoices, readings and payments merged, newest first,
//! in stable keyset pages.

use async_trait::async_trait;
use chrono::NaiveDate;
use lk_domain::{OperationKind, PaymentSource, ReadingSource};

use lk_domain::Zone;

use super::readings::with_joined_values;
use super::sql::SqlStore;
use super::StoreResult;

/// A row of the operations history (invoice, reading or payment).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperationRow {
    #[sqlx(try_from = "String")]
    pub kind: OperationKind,
    pub id: i64,
    pub on_date: NaiveDate,
    /// Kopecks of an invoice or a payment.
    pub amount: Option<i64>,
    /// kWh of a reading.
    pub consumption: Option<i64>,
    /// As stored; read it as [`Operation::detail`].
    pub detail: Option<String>,
    pub meter_id: Option<i64>,
    /// Who made a reading or an online payment (X9): the user's names and address.
    pub by_first_name: Option<String>,
    pub by_last_name: Option<String>,
    pub by_email: Option<String>,
}

/// What an operation's `detail` says, by its kind: the month an invoice is for, where a
/// payment came from, who took a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationDetail {
    Period(NaiveDate),
    Payment(PaymentSource),
    Reading(ReadingSource),
}

impl OperationDetail {
    /// The `detail` column of a row of `kind`; a value the domain does not know is a decoding
    /// error (a logged 500), never a default.
    fn of(kind: OperationKind, detail: Option<&str>) -> StoreResult<Self> {
        let decode = |what: &str| {
            sqlx::Error::Decode(format!("the {what} of an operation: {detail:?}").into())
        };
        let text = detail.ok_or_else(|| decode("missing detail"))?;
        Ok(match kind {
            OperationKind::Invoice => OperationDetail::Period(
                text.get(..10)
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .ok_or_else(|| decode("period"))?,
            ),
            OperationKind::Payment => OperationDetail::Payment(
                PaymentSource::parse(text).ok_or_else(|| decode("payment source"))?,
            ),
            OperationKind::Reading => OperationDetail::Reading(
                ReadingSource::parse(text).ok_or_else(|| decode("reading source"))?,
            ),
        })
    }
}

/// An operation of the history with a reading's values per zone (empty for other kinds).
#[derive(Debug, Clone)]
pub struct Operation {
    pub row: OperationRow,
    pub detail: OperationDetail,
    pub values: Vec<(Zone, i64)>,
}

/// An operation row joined with one of a reading's values.
#[derive(sqlx::FromRow)]
struct OperationValueRow {
    #[sqlx(flatten)]
    row: OperationRow,
    zone: Option<String>,
    value: Option<i64>,
}

/// Operations with their values from rows joined in the page's order (one row per value).
fn grouped(rows: Vec<OperationValueRow>) -> StoreResult<Vec<Operation>> {
    let rows = rows.into_iter().map(|r| (r.row, r.zone, r.value));
    with_joined_values(rows, |a, b| a.kind == b.kind && a.id == b.id)?
        .into_iter()
        .map(|(row, values)| {
            Ok(Operation {
                detail: OperationDetail::of(row.kind, row.detail.as_deref())?,
                row,
                values,
            })
        })
        .collect()
}

/// Where a page of the history starts (exclusive): the last row of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationCursor {
    pub on_date: NaiveDate,
    pub kind: OperationKind,
    pub id: i64,
}

#[async_trait]
pub trait OperationStore: Send + Sync {
    async fn operations(
        &self,
        account_id: i64,
        from: NaiveDate,
        to: NaiveDate,
        kinds: &[OperationKind],
        after: Option<&OperationCursor>,
        limit: i64,
    ) -> StoreResult<Vec<Operation>>;
    /// Kopecks paid into and invoiced to an account on or after `since`: (paid, invoiced).
    async fn money_since(&self, account_id: i64, since: NaiveDate) -> StoreResult<(i64, i64)>;
}

const MONEY_SINCE: &str = "SELECT \
       CAST(COALESCE((SELECT SUM(amount) FROM payments WHERE account_id = $1 AND paid_on >= $2), 0) AS BIGINT), \
       CAST(COALESCE((SELECT SUM(amount) FROM invoices WHERE account_id = $1 AND issued_on >= $2), 0) AS BIGINT)";

/// The UNION of the selected kinds of operations, newest first, resuming after `after`; a
/// reading's values joined to the page (one row per value), so a page is one statement.
fn operations_sql(kinds: &[OperationKind], after: bool) -> String {
    let mut parts = Vec::new();
    if kinds.contains(&OperationKind::Invoice) {
        parts.push("SELECT 'invoice' AS kind, id, issued_on AS on_date, amount, CAST(NULL AS BIGINT) AS consumption, CAST(period AS TEXT) AS detail, CAST(NULL AS BIGINT) AS meter_id, CAST(NULL AS BIGINT) AS made_by FROM invoices WHERE account_id = $1 AND issued_on BETWEEN $2 AND $3");
    }
    if kinds.contains(&OperationKind::Reading) {
        parts.push("SELECT 'reading' AS kind, id, taken_on AS on_date, CAST(NULL AS BIGINT) AS amount, consumption, source AS detail, meter_id, submitted_by AS made_by FROM readings WHERE account_id = $1 AND taken_on BETWEEN $2 AND $3");
    }
    if kinds.contains(&OperationKind::Payment) {
        parts.push("SELECT 'payment' AS kind, id, paid_on AS on_date, amount, CAST(NULL AS BIGINT) AS consumption, channel AS detail, CAST(NULL AS BIGINT) AS meter_id, \
                    (SELECT op.user_id FROM online_payments op WHERE op.credited_payment_id = payments.id) AS made_by \
                    FROM payments WHERE account_id = $1 AND paid_on BETWEEN $2 AND $3");
    }
    let filter = if after {
        "WHERE on_date < $5 OR (on_date = $5 AND kind < $6) OR (on_date = $5 AND kind = $6 AND id < $7)"
    } else {
        ""
    };
    format!(
        "SELECT o.kind, o.id, o.on_date, o.amount, o.consumption, o.detail, o.meter_id, \
           u.first_name AS by_first_name, u.last_name AS by_last_name, u.email AS by_email, v.zone, v.value \
         FROM (SELECT kind, id, on_date, amount, consumption, detail, meter_id, made_by FROM ({}) ops {filter} \
               ORDER BY on_date DESC, kind DESC, id DESC LIMIT $4) o \
         LEFT JOIN users u ON u.id = o.made_by \
         LEFT JOIN reading_values v ON o.kind = 'reading' AND v.reading_id = o.id \
         ORDER BY o.on_date DESC, o.kind DESC, o.id DESC",
        parts.join(" UNION ALL ")
    )
}

macro_rules! impl_operations {
    ($db:ty) => {
        #[async_trait]
        impl OperationStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn operations(
                &self,
                account_id: i64,
                from: NaiveDate,
                to: NaiveDate,
                kinds: &[OperationKind],
                after: Option<&OperationCursor>,
                limit: i64,
            ) -> StoreResult<Vec<Operation>> {
                if kinds.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = operations_sql(kinds, after.is_some());
                let mut q = sqlx::query_as::<_, OperationValueRow>(&sql)
                    .bind(account_id)
                    .bind(from)
                    .bind(to)
                    .bind(limit);
                if let Some(c) = after {
                    q = q.bind(c.on_date).bind(c.kind.as_str()).bind(c.id);
                }
                grouped(q.fetch_all(&self.pool).await?)
            }

            #[tracing::instrument(skip(self))]
            async fn money_since(
                &self,
                account_id: i64,
                since: NaiveDate,
            ) -> StoreResult<(i64, i64)> {
                Ok(sqlx::query_as::<_, (i64, i64)>(MONEY_SINCE)
                    .bind(account_id)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?)
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_operations!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_operations!(sqlx::Postgres);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_query_has_only_the_selected_kinds_and_resumes_after_the_cursor() {
        let sql = operations_sql(&[OperationKind::Payment, OperationKind::Invoice], true);
        assert!(
            sql.contains("FROM invoices")
                && sql.contains("FROM payments")
                && !sql.contains("FROM readings")
        );
        assert!(sql.contains("on_date < $5"));
        assert!(!operations_sql(&[OperationKind::Reading], false).contains("$5"));
    }
}
