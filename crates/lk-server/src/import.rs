//! `lk import <kind> <file.csv>` (SPEC B4): the company's registry from CSV files — branches,
//! tariffs, accounts, meters, payments, readings — read row by row into the same items the
//! integration API takes and checked by the same rules ([`crate::registry_items`]), applied in
//! chunks (each one transaction; a row's error never writes any of it), with every refused
//! row reported by its line, field and reason. `--dry-run` checks everything, the registry's
//! references included, and writes nothing.
//!
//! Columns are named like the API's fields; `;` or `,` separates them (Excel in a Russian
//! locale writes `;`), a UTF-8 BOM is skipped, an empty cell is a field left out. A tariff's
//! rates are one row each (`code;name;scheme;zone;valid_from;band_from_kwh;price`, rows of a
//! plan sharing its code); a reading's values are the columns `single`, `day`, `night`,
//! `peak`, `half_peak`.

use std::collections::HashMap;
use std::fmt;

use chrono::Utc;
use clap::ValueEnum;
use serde_json::{Map, Value};

use crate::db::Store;
use crate::progress::Progress;
use crate::registry_items::{self, Spec};

/// Rows per chunk (one transaction each).
const CHUNK: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Branches,
    Tariffs,
    Accounts,
    Meters,
    Payments,
    Readings,
}

impl ImportKind {
    /// The columns a file of this kind may have.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            ImportKind::Branches => &["code", "name", "address", "phone", "email", "hours"],
            ImportKind::Tariffs => &[
                "code",
                "name",
                "scheme",
                "zone",
                "valid_from",
                "band_from_kwh",
                "price",
            ],
            ImportKind::Accounts => &[
                "number",
                "holder_name",
                "address",
                "branch_code",
                "contract_number",
                "contract_date",
                "tariff_code",
                "residents",
                "opening_balance",
                "norm_kwh",
            ],
            ImportKind::Meters => &[
                "account_number",
                "serial",
                "model",
                "scheme",
                "digits",
                "installed_on",
                "verified_on",
                "next_verification_on",
                "location",
                "active",
            ],
            ImportKind::Payments => &[
                "id",
                "channel",
                "account_number",
                "amount",
                "paid_on",
                "portal_payment_id",
            ],
            ImportKind::Readings => &[
                "account_number",
                "meter_serial",
                "taken_on",
                "single",
                "day",
                "night",
                "peak",
                "half_peak",
            ],
        }
    }
}

/// Columns holding whole numbers and yes/no values (the rest are text).
const INTEGERS: [&str; 5] = ["residents", "norm_kwh", "digits", "band_from_kwh", "value"];
const BOOLEANS: [&str; 1] = ["active"];
const ZONES: [&str; 5] = ["single", "day", "night", "peak", "half_peak"];

/// A refused row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub code: String,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "line {}: {} ({})", self.line, self.message, self.code)
        } else {
            write!(
                f,
                "line {}, {}: {} ({})",
                self.line, self.field, self.message, self.code
            )
        }
    }
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: u64,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Items refused (a tariff plan of several rows counts once).
    pub refused: usize,
    pub errors: Vec<RowError>,
    pub dry_run: bool,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.errors {
            writeln!(f, "{e}")?;
        }
        write!(
            f,
            "{} row(s): {} created, {} updated, {} unchanged, {} refused",
            self.rows, self.created, self.updated, self.unchanged, self.refused
        )?;
        if self.dry_run {
            write!(f, " (dry run: nothing was written)")?;
        }
        Ok(())
    }
}

/// An item read from the file: its JSON form and the line of each of its rows.
struct Item {
    value: Value,
    lines: Vec<u64>,
}

fn cell(field: &str, raw: &str) -> Value {
    if INTEGERS.contains(&field) {
        if let Ok(n) = raw.parse::<i64>() {
            return Value::from(n);
        }
    }
    if BOOLEANS.contains(&field) {
        match raw.to_lowercase().as_str() {
            "true" | "1" | "да" | "yes" => return Value::Bool(true),
            "false" | "0" | "нет" | "no" => return Value::Bool(false),
            _ => {}
        }
    }
    // Anything else stays text: the item's check names it if it is not what the field takes.
    Value::String(raw.to_owned())
}

/// Reads the file into items (a tariff's rows into one plan).
fn read_items(kind: ImportKind, text: &str) -> anyhow::Result<Vec<Item>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let allowed = kind.columns();
    if let Some(unknown) = headers.iter().find(|h| !allowed.contains(&h.as_str())) {
        anyhow::bail!(
            "unknown column {unknown:?}; a {} file has the columns: {}",
            format!("{kind:?}").to_lowercase(),
            allowed.join(", ")
        );
    }
    let mut items: Vec<Item> = Vec::new();
    let mut plans: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = record?;
        let line = record.position().map_or(0, |p| p.line());
        let mut row = Map::new();
        for (h, v) in headers.iter().zip(record.iter()) {
            if !v.is_empty() {
                row.insert(h.clone(), cell(h, v));
            }
        }
        match kind {
            ImportKind::Tariffs => {
                let mut rate = Map::new();
                for f in ["zone", "valid_from", "band_from_kwh", "price"] {
                    if let Some(v) = row.remove(f) {
                        rate.insert(f.into(), v);
                    }
                }
                let code = row
                    .get("code")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                match plans.get(&code).filter(|_| !code.is_empty()) {
                    Some(&i) => {
                        if let Some(rates) = items[i].value["rates"].as_array_mut() {
                            rates.push(Value::Object(rate));
                        }
                        items[i].lines.push(line);
                    }
                    None => {
                        row.insert("rates".into(), Value::Array(vec![Value::Object(rate)]));
                        plans.insert(code, items.len());
                        items.push(Item {
                            value: Value::Object(row),
                            lines: vec![line],
                        });
                    }
                }
            }
            ImportKind::Readings => {
                let values: Vec<Value> = ZONES
                    .iter()
                    .filter_map(|z| {
                        row.remove(*z).map(|v| {
                            let v = match v {
                                Value::String(s) => {
                                    s.parse::<i64>().map_or(Value::String(s), Value::from)
                                }
                                v => v,
                            };
                            serde_json::json!({"zone": z, "value": v})
                        })
                    })
                    .collect();
                row.insert("values".into(), Value::Array(values));
                items.push(Item {
                    value: Value::Object(row),
                    lines: vec![line],
                });
            }
            _ => items.push(Item {
                value: Value::Object(row),
                lines: vec![line],
            }),
        }
    }
    Ok(items)
}

/// The line of an error: a tariff's `rates[i]…` error is on the rate's own row.
fn line_of(item: &Item, field: &str) -> u64 {
    let rate = field
        .strip_prefix("rates[")
        .and_then(|r| r.split(']').next())
        .and_then(|i| i.parse::<usize>().ok());
    rate.and_then(|i| item.lines.get(i))
        .or(item.lines.first())
        .copied()
        .unwrap_or(0)
}

/// Imports `text` (a CSV file's contents) as items of `kind`.
pub async fn import_csv(
    store: &dyn Store,
    kind: ImportKind,
    text: &str,
    dry_run: bool,
    progress: &mut dyn Progress,
) -> anyhow::Result<ImportReport> {
    let items = read_items(kind, text)?;
    let mut report = ImportReport {
        rows: items.iter().map(|i| i.lines.len() as u64).sum(),
        dry_run,
        ..ImportReport::default()
    };
    progress.start(report.rows);
    let mut done = 0;
    for chunk in items.chunks(CHUNK) {
        let values: Vec<Value> = chunk.iter().map(|i| i.value.clone()).collect();
        let now = Utc::now();
        let answer = match kind {
            ImportKind::Branches => {
                apply(values, &registry_items::BRANCHES, |r| async move {
                    store.upsert_branches(&r, dry_run).await
                })
                .await?
            }
            ImportKind::Tariffs => {
                apply(values, &registry_items::TARIFFS, |r| async move {
                    store.upsert_tariffs(&r, dry_run).await
                })
                .await?
            }
            ImportKind::Accounts => {
                apply(values, &registry_items::ACCOUNTS, |r| async move {
                    store.upsert_accounts(&r, now, dry_run).await
                })
                .await?
            }
            ImportKind::Meters => {
                apply(values, &registry_items::METERS, |r| async move {
                    store.upsert_meters(&r, dry_run).await
                })
                .await?
            }
            ImportKind::Payments => {
                apply(values, &registry_items::PAYMENTS, |r| async move {
                    store.record_payments(&r, now, dry_run).await
                })
                .await?
            }
            ImportKind::Readings => {
                apply(values, &registry_items::READINGS, |r| async move {
                    store.upsert_readings(&r, now, dry_run).await
                })
                .await?
            }
        };
        report.created += answer.created;
        report.updated += answer.updated;
        report.unchanged += answer.unchanged;
        report.refused += answer.errors;
        for outcome in answer.results {
            let item = &chunk[outcome.index];
            for e in outcome.errors {
                report.errors.push(RowError {
                    line: line_of(item, &e.field),
                    field: e.field,
                    code: e.code,
                    message: e.message,
                });
            }
        }
        done += chunk.iter().map(|i| i.lines.len() as u64).sum::<u64>();
        progress.advance(done, &format!("{} refused", report.refused));
    }
    progress.finish();
    Ok(report)
}

async fn apply<I, R, F, Fut>(
    values: Vec<Value>,
    spec: &Spec<I, R>,
    apply: F,
) -> anyhow::Result<lk_api_types::BatchResponse>
where
    I: serde::de::DeserializeOwned,
    F: FnOnce(Vec<R>) -> Fut,
    Fut: std::future::Future<Output = crate::db::StoreResult<Vec<crate::db::integration::Applied>>>,
{
    Ok(registry_items::apply(values, spec, apply).await?)
}
