//! The two migration sets describe one schema: a fresh SQLite and a fresh PostgreSQL database,
//! migrated, have the same tables, columns (with nullability), unique constraints and named
//! indexes.

use std::collections::BTreeSet;

use lk_server::db::Backend;
use sqlx::Row;

use crate::helpers::*;

/// A schema as both databases can describe it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    /// (table, column, nullable)
    columns: BTreeSet<(String, String, bool)>,
    /// (table, columns) of every primary key, unique constraint and unique index.
    unique: BTreeSet<(String, Vec<String>)>,
    /// (name, table, unique, columns) of indexes created by name; an expression is `expr`.
    indexes: BTreeSet<(String, String, bool, Vec<String>)>,
}

const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

async fn sqlite_schema(url: &str) -> Schema {
    let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
    let mut s = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .expect("tables");
    for t in tables.iter().filter(|t| *t != MIGRATIONS_TABLE) {
        let cols = sqlx::query(&format!("PRAGMA table_info('{t}')"))
            .fetch_all(&pool)
            .await
            .expect("columns");
        let mut pk: Vec<(i64, String)> = Vec::new();
        for c in &cols {
            let name: String = c.get("name");
            let notnull: i64 = c.get("notnull");
            let pk_pos: i64 = c.get("pk");
            // A primary key column is never NULL, whatever SQLite's pragma says.
            s.columns
                .insert((t.clone(), name.clone(), notnull == 0 && pk_pos == 0));
            if pk_pos > 0 {
                pk.push((pk_pos, name));
            }
        }
        pk.sort();
        if !pk.is_empty() {
            s.unique
                .insert((t.clone(), pk.into_iter().map(|(_, n)| n).collect()));
        }
        let idx = sqlx::query(&format!("PRAGMA index_list('{t}')"))
            .fetch_all(&pool)
            .await
            .expect("indexes");
        for i in idx {
            let name: String = i.get("name");
            let unique: i64 = i.get("unique");
            let origin: String = i.get("origin");
            let cols: Vec<String> = sqlx::query(&format!("PRAGMA index_xinfo('{name}')"))
                .fetch_all(&pool)
                .await
                .expect("index columns")
                .into_iter()
                .filter(|r| r.get::<i64, _>("key") == 1)
                .map(|r| {
                    r.get::<Option<String>, _>("name")
                        .unwrap_or_else(|| "expr".into())
                })
                .collect();
            if unique == 1 && origin != "pk" {
                s.unique.insert((t.clone(), cols.clone()));
            }
            if origin == "c" {
                s.indexes.insert((name, t.clone(), unique == 1, cols));
            }
        }
    }
    s
}

async fn postgres_schema(url: &str) -> Schema {
    let pool = sqlx::PgPool::connect(url).await.expect("connect");
    let mut s = Schema::default();
    for r in sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, is_nullable::text AS n \
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> $1",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(&pool)
    .await
    .expect("columns")
    {
        s.columns
            .insert((r.get("t"), r.get("c"), r.get::<String, _>("n") == "YES"));
    }
    // Every index with its columns (`expr` for an expression), whether it is unique, and
    // whether a constraint (primary key, UNIQUE) created it.
    for r in sqlx::query(
        "SELECT i.relname::text AS name, t.relname::text AS t, x.indisunique AS uniq, \
                EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) AS by_constraint, \
                ARRAY(SELECT COALESCE(a.attname::text, 'expr') \
                      FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) \
                      LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0 \
                      ORDER BY k.ord) AS cols \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND t.relname <> $1",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(&pool)
    .await
    .expect("indexes")
    {
        let name: String = r.get("name");
        let table: String = r.get("t");
        let unique: bool = r.get("uniq");
        let cols: Vec<String> = r.get("cols");
        if unique {
            s.unique.insert((table.clone(), cols.clone()));
        }
        if !r.get::<bool, _>("by_constraint") {
            s.indexes.insert((name, table, unique, cols));
        }
    }
    s
}

/// What `a` has and `b` lacks.
fn only<T: Ord + std::fmt::Debug>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<String> {
    a.difference(b).map(|x| format!("{x:?}")).collect()
}

#[actix_web::test]
async fn both_migration_sets_build_the_same_schema() {
    if skip_postgres() {
        return;
    }
    let (sqlite_url, _dir) = fresh_database_url(Backend::Sqlite).await;
    let (pg_url, _) = fresh_database_url(Backend::Postgres).await;
    for url in [&sqlite_url, &pg_url] {
        lk_server::db::connect(url)
            .await
            .expect("connect")
            .migrate()
            .await
            .expect("migrate");
    }
    let lite = sqlite_schema(&sqlite_url).await;
    let pg = postgres_schema(&pg_url).await;
    assert!(lite.columns.len() > 50, "{lite:?}");
    assert_eq!(
        (
            only(&lite.columns, &pg.columns),
            only(&pg.columns, &lite.columns)
        ),
        (vec![], vec![]),
        "columns only in SQLite, only in PostgreSQL"
    );
    assert_eq!(
        (
            only(&lite.unique, &pg.unique),
            only(&pg.unique, &lite.unique)
        ),
        (vec![], vec![]),
        "unique keys only in SQLite, only in PostgreSQL"
    );
    assert_eq!(
        (
            only(&lite.indexes, &pg.indexes),
            only(&pg.indexes, &lite.indexes)
        ),
        (vec![], vec![]),
        "indexes only in SQLite, only in PostgreSQL"
    );
}

/// Applies the migrations numbered below `before` from the backend's folder.
async fn migrate_until(backend: Backend, url: &str, before: u32) {
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let src =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../migrations/{folder}"));
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(&src).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let number: u32 = name
            .split('_')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("numbered");
        if number < before {
            std::fs::copy(&path, dir.path().join(&name)).expect("copy");
        }
    }
    let migrator = sqlx::migrate::Migrator::new(dir.path())
        .await
        .expect("migrator");
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
            migrator.run(&pool).await.expect("migrate");
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.expect("connect");
            migrator.run(&pool).await.expect("migrate");
        }
    }
}

each_backend! {
    async fn one_reading_a_day_keeps_the_companys_reading_over_the_subscribers(backend: Backend) {
        let (url, _dir) = fresh_database_url(backend).await;
        let url = match backend {
            Backend::Sqlite => format!("{url}?mode=rwc"),
            Backend::Postgres => url,
        };
        migrate_until(backend, &url, 4).await;
        let store = lk_server::db::connect(&url).await.expect("connect");
        let today = chrono::Utc::now().date_naive();
        // A registry of one account and meter, written without readings (the old schema).
        use lk_server::db::registry::{NewAccount, NewBranch, NewMeter};
        let branch = store
            .insert_branch(&NewBranch { code: "b".into(), name: "b".into(), address: "a".into(), phone: "p".into(), email: "e".into(), hours: "h".into() })
            .await
            .expect("branch");
        let plan = store.insert_tariff_plan("p", "p", lk_domain::ZoneScheme::Single, &[]).await.expect("plan");
        let account = store
            .insert_account(
                &NewAccount { number: "680000000001".into(), holder_name: "h".into(), address: "a".into(), branch_id: branch, contract_number: "c".into(), contract_date: today, tariff_plan_id: plan, residents: 1, opening_balance: 0 },
                chrono::Utc::now(),
            )
            .await
            .expect("account");
        store
            .insert_meter(&NewMeter { account_id: account, serial: "01234567".into(), model: "m".into(), scheme: lk_domain::ZoneScheme::Single, digits: 6, installed_on: None, verified_on: None, next_verification_on: None, location: String::new() })
            .await
            .expect("meter");
        // Duplicates as the old code allowed them: on day 1 the company's reading and a newer
        // one of the subscriber; on day 2 two of the subscriber.
        let (day1, day2) = (today, today.pred_opt().expect("yesterday"));
        let insert = |source: &'static str, on: chrono::NaiveDate| {
            let url = url.clone();
            async move {
                let sql = "INSERT INTO readings (meter_id, account_id, taken_on, source, created_at) \
                           SELECT id, account_id, $1, $2, $3 FROM meters WHERE serial = '01234567' RETURNING id";
                match backend {
                    Backend::Sqlite => {
                        let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
                        sqlx::query_scalar::<_, i64>(sql).bind(on).bind(source).bind(chrono::Utc::now()).fetch_one(&pool).await.expect("insert")
                    }
                    Backend::Postgres => {
                        let pool = sqlx::PgPool::connect(&url).await.expect("connect");
                        sqlx::query_scalar::<_, i64>(sql).bind(on).bind(source).bind(chrono::Utc::now()).fetch_one(&pool).await.expect("insert")
                    }
                }
            }
        };
        let company = insert("billing", day1).await;
        let _newer_portal = insert("portal", day1).await;
        let _older = insert("portal", day2).await;
        let newest = insert("portal", day2).await;
        store.migrate().await.expect("the rest of the migrations");
        let meter = sqlx_meter_readings(backend, &url, &[day1, day2]).await;
        assert_eq!(meter, vec![company, newest]);
    }
}

/// Ids of meter 01234567's readings on `days`, in id order.
async fn sqlx_meter_readings(backend: Backend, url: &str, days: &[chrono::NaiveDate]) -> Vec<i64> {
    let sql = "SELECT r.id FROM readings r JOIN meters m ON m.id = r.meter_id \
               WHERE m.serial = '01234567' AND r.taken_on IN ($1, $2) ORDER BY r.id";
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
            sqlx::query_scalar(sql)
                .bind(days[0])
                .bind(days[1])
                .fetch_all(&pool)
                .await
                .expect("ids")
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.expect("connect");
            sqlx::query_scalar(sql)
                .bind(days[0])
                .bind(days[1])
                .fetch_all(&pool)
                .await
                .expect("ids")
        }
    }
}
