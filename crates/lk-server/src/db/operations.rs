//! The operations history of an account: invoices, readings and payments merged, newest first,
//! in stable keyset pages.

use async_trait::async_trait;
use chrono::NaiveDate;
use lk_domain::OperationKind;

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
    pub detail: Option<String>,
    pub meter_id: Option<i64>,
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
    ) -> StoreResult<Vec<OperationRow>>;
}

/// The UNION of the selected kinds of operations, newest first, resuming after `after`.
fn operations_sql(kinds: &[OperationKind], after: bool) -> String {
    let mut parts = Vec::new();
    if kinds.contains(&OperationKind::Invoice) {
        parts.push("SELECT 'invoice' AS kind, id, issued_on AS on_date, amount, CAST(NULL AS BIGINT) AS consumption, CAST(period AS TEXT) AS detail, CAST(NULL AS BIGINT) AS meter_id FROM invoices WHERE account_id = $1 AND issued_on BETWEEN $2 AND $3");
    }
    if kinds.contains(&OperationKind::Reading) {
        parts.push("SELECT 'reading' AS kind, id, taken_on AS on_date, CAST(NULL AS BIGINT) AS amount, consumption, source AS detail, meter_id FROM readings WHERE account_id = $1 AND taken_on BETWEEN $2 AND $3");
    }
    if kinds.contains(&OperationKind::Payment) {
        parts.push("SELECT 'payment' AS kind, id, paid_on AS on_date, amount, CAST(NULL AS BIGINT) AS consumption, channel AS detail, CAST(NULL AS BIGINT) AS meter_id FROM payments WHERE account_id = $1 AND paid_on BETWEEN $2 AND $3");
    }
    let filter = if after {
        "WHERE on_date < $5 OR (on_date = $5 AND kind < $6) OR (on_date = $5 AND kind = $6 AND id < $7)"
    } else {
        ""
    };
    format!("SELECT kind, id, on_date, amount, consumption, detail, meter_id FROM ({}) ops {filter} ORDER BY on_date DESC, kind DESC, id DESC LIMIT $4", parts.join(" UNION ALL "))
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
            ) -> StoreResult<Vec<OperationRow>> {
                if kinds.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = operations_sql(kinds, after.is_some());
                let mut q = sqlx::query_as::<_, OperationRow>(&sql)
                    .bind(account_id)
                    .bind(from)
                    .bind(to)
                    .bind(limit);
                if let Some(c) = after {
                    q = q.bind(c.on_date).bind(c.kind.as_str()).bind(c.id);
                }
                Ok(q.fetch_all(&self.pool).await?)
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
