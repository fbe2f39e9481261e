//! `cargo xtask bench billing`: the billing system's side, on the release build.
//!
//! - **Bulk upsert**: `--accounts N` new accounts sent to `POST /api/v1/integration/accounts`
//!   in batches of 5,000 over `--connections C` connections (2 by default: a billing system
//!   sends batches side by side), then the same batches again (all unchanged),
//!   then a meter for each (`/integration/meters`): rows per second of each pass.
//! - **Month close**: `lk bench-data` generates `--close-accounts M` accounts with twelve
//!   months of readings, then `lk billing close` for the current month is timed (a fresh
//!   close after a checkpoint, so the database is warm as in production).
//!
//! Targets (2-core box): ≥ 50,000 upserted rows/s on PostgreSQL; the close of 500,000
//! accounts ≤ 60 s on PostgreSQL.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::bench::{fresh_database_named, lk, start_server, Server, PORT};
use crate::{status, target_dir};

struct Options {
    accounts: i64,
    connections: usize,
    close_accounts: i64,
    backends: Vec<&'static str>,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        accounts: 100_000,
        connections: 2,
        close_accounts: 500_000,
        backends: vec!["sqlite", "postgres"],
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().context(format!("{a} needs a value"));
        match a.as_str() {
            "--accounts" => o.accounts = val()?.parse()?,
            "--close-accounts" => o.close_accounts = val()?.parse()?,
            "--connections" => o.connections = val()?.parse::<usize>()?.max(1),
            "--backend" => o.backends = crate::bench::backends(val()?)?,
            other => bail!("unknown option {other} (use --accounts N --connections C --close-accounts M --backend sqlite|postgres|both)"),
        }
    }
    Ok(o)
}

fn lk_cmd(url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(lk());
    c.args(args)
        .current_dir(crate::root())
        .env("DATABASE_URL", url)
        .env("LK_LOG_FORMAT", "json")
        .env("RUST_LOG", "error")
        .env("LK_DATA_DIR", target_dir().join("bench"));
    c
}

/// Posts `body` (a file) to the integration API; the answer's counts.
fn post(path: &str, key: &str, body: &std::path::Path) -> Result<serde_json::Value> {
    let out = Command::new("curl")
        .args([
            "-sS",
            "-X",
            "POST",
            "-H",
            "content-type: application/json",
            "-H",
            &format!("authorization: Bearer {key}"),
            "--data-binary",
            &format!("@{}", body.display()),
            &format!("http://127.0.0.1:{PORT}/api/v1/integration/{path}"),
        ])
        .stderr(Stdio::inherit())
        .output()?;
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("the integration API's answer")?;
    if v["errors"].as_u64() != Some(0) {
        bail!(
            "{path}: {}",
            &v.to_string().chars().take(500).collect::<String>()
        );
    }
    Ok(v)
}

/// Sends every batch, over `connections` connections at once (each sending its share in
/// turn); rows per second over the whole pass.
fn pass(
    path: &str,
    key: &str,
    batches: &[PathBuf],
    rows: i64,
    expect: &str,
    connections: usize,
) -> Result<f64> {
    let started = Instant::now();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..connections)
            .map(|c| {
                scope.spawn(move || -> Result<()> {
                    for b in batches.iter().skip(c).step_by(connections) {
                        let v = post(path, key, b)?;
                        anyhow::ensure!(
                            v[expect].as_u64().is_some_and(|n| n > 0),
                            "{path}: expected {expect} items, got {v}"
                        );
                    }
                    Ok(())
                })
            })
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().map_err(|_| anyhow::anyhow!("a sender panicked"))?)
    })?;
    Ok(rows as f64 / started.elapsed().as_secs_f64())
}

/// Rows per second of the passes: accounts created, accounts unchanged, meters created.
type Passes = (f64, f64, f64);

fn upsert(url: &str, o: &Options) -> Result<Passes> {
    let mut seed = lk_cmd(url, &["seed-demo"]);
    seed.stdout(Stdio::null());
    status(seed)?;
    let out = lk_cmd(
        url,
        &[
            "api-key",
            "create",
            "--name",
            "bench",
            "--scope",
            "registry:write",
        ],
    )
    .output()?;
    let key = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    anyhow::ensure!(key.starts_with("lka_"), "no API key printed");
    let dir = target_dir().join("bench/batches");
    std::fs::create_dir_all(&dir)?;
    let mut accounts = Vec::new();
    let mut meters = Vec::new();
    let per = 5000;
    for (n, start) in (0..o.accounts).step_by(per).enumerate() {
        let end = (start + per as i64).min(o.accounts);
        let items: Vec<serde_json::Value> = (start..end)
            .map(|i| {
                serde_json::json!({
                    "number": format!("{}", 670_000_000_000_i64 + i),
                    "holder_name": format!("Абонент {i}"),
                    "address": format!("г. Тамбов, ул. Интернациональная, д. {}", i % 200),
                    "branch_code": "tambov",
                    "contract_number": format!("И-{i}"),
                    "contract_date": "2020-01-01",
                    "tariff_code": "population-single",
                    "residents": 1 + i % 4,
                    "opening_balance": "0.00"
                })
            })
            .collect();
        let a = dir.join(format!("accounts-{n}.json"));
        std::fs::write(&a, serde_json::json!({ "items": items }).to_string())?;
        accounts.push(a);
        let items: Vec<serde_json::Value> = (start..end)
            .map(|i| {
                serde_json::json!({
                    "account_number": format!("{}", 670_000_000_000_i64 + i),
                    "serial": format!("BN{i:08}"), "model": "Меркурий 201.8",
                    "scheme": "single", "digits": 6
                })
            })
            .collect();
        let m = dir.join(format!("meters-{n}.json"));
        std::fs::write(&m, serde_json::json!({ "items": items }).to_string())?;
        meters.push(m);
    }
    let _server: Server = start_server(url)?;
    let c = o.connections;
    let created = pass("accounts", &key, &accounts, o.accounts, "created", c)?;
    let unchanged = pass("accounts", &key, &accounts, o.accounts, "unchanged", c)?;
    let meters = pass("meters", &key, &meters, o.accounts, "created", c)?;
    Ok((created, unchanged, meters))
}

fn close(url: &str, o: &Options) -> Result<(f64, String)> {
    let mut generate = lk_cmd(
        url,
        &[
            "bench-data",
            "--accounts",
            &o.close_accounts.to_string(),
            "--months",
            "12",
        ],
    );
    generate.stdout(Stdio::null());
    // `lk bench-data` leaves the database as it is in production: checkpointed, statistics
    // current.
    status(generate)?;
    let period = chrono_like_current_month();
    let started = Instant::now();
    let out = lk_cmd(url, &["billing", "close", "--period", &period]).output()?;
    let secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        out.status.success(),
        "billing close failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok((secs, String::from_utf8_lossy(&out.stdout).into_owned()))
}

/// `YYYY-MM` of today (UTC is close enough for choosing the month to close).
fn chrono_like_current_month() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

pub fn run(args: &[String]) -> Result<()> {
    let o = parse(args)?;
    crate::tools::ensure_apt(&["curl"])?;
    crate::bench::build_lk()?;
    let mut report = Vec::new();
    for backend in o.backends.clone() {
        eprintln!(
            "\n==> {backend}: upserting {} accounts and meters",
            o.accounts
        );
        let url = fresh_database_named(backend, &format!("billing_upsert_{}", o.accounts))?;
        let (created, unchanged, meters) = upsert(&url, &o)?;
        eprintln!(
            "\n==> {backend}: month close of {} accounts",
            o.close_accounts
        );
        let url = fresh_database_named(backend, &format!("billing_close_{}", o.close_accounts))?;
        let (secs, summary) = close(&url, &o)?;
        report.push((backend, created, unchanged, meters, secs, summary));
    }
    println!(
        "\nLKA billing bench: {} accounts upserted in batches of 5,000 over {} connection(s); month close of {} accounts",
        o.accounts, o.connections, o.close_accounts
    );
    for (backend, created, unchanged, meters, secs, summary) in &report {
        println!("\n{backend}");
        println!("  accounts created      {created:>10.0} rows/s");
        println!("  accounts unchanged    {unchanged:>10.0} rows/s");
        println!("  meters created        {meters:>10.0} rows/s");
        println!(
            "  month close           {secs:>10.1} s ({:.0} accounts/s)",
            o.close_accounts as f64 / secs
        );
        if *backend == "postgres" {
            let worst = created.min(*unchanged).min(*meters);
            println!(
                "  slowest upsert pass {worst:.0} rows/s (target ≥ 50,000: {})",
                if worst >= 50_000.0 { "met" } else { "NOT met" }
            );
            println!(
                "  close of {} accounts in {secs:.1} s (target for 500,000 ≤ 60 s: {})",
                o.close_accounts,
                if o.close_accounts >= 500_000 && *secs <= 60.0 {
                    "met"
                } else if o.close_accounts < 500_000 {
                    "run with --close-accounts 500000"
                } else {
                    "NOT met"
                }
            );
        }
        for line in summary.lines() {
            println!("    {line}");
        }
    }
    Ok(())
}
