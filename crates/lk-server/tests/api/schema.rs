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
