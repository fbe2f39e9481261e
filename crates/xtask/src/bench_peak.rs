//! `cargo xtask bench peak`: the two peaks of a retail electricity company, measured as they
//! happen, on SQLite and PostgreSQL, with the release build.
//!
//! * *Morning storm* — the morning after bills go out: 32 connections signing in (closed loop,
//!   the bench subscribers in turn) while the main page (`GET /houses`) is asked for at a fixed
//!   rate (2,000 req/s on SQLite, 1,000 on PostgreSQL). Targets: main-page p99 ≤ 25 ms,
//!   ≥ 30 logins/s served, no error other than 429.
//! * *Reading rush* — the last days of the reading window: readings for distinct meters at
//!   300/s mixed with the main page and the operations history at 1 : 3 : 1, open loop.
//!   Targets: p99 ≤ 50 ms, no error, and every acknowledged reading is in the database
//!   (counted there afterwards).
//!
//! Open loop means requests leave on a fixed schedule whatever the server does, and a
//! request's latency is counted from the moment it was due, not from when it could be sent
//! (coordinated omission corrected, as `oha -q R --latency-correction` and wrk2 do). The
//! first seconds of each scenario are a warm-up and are not counted.
//!
//! Options: `--backend sqlite|postgres|both`, `--accounts N` (≥ 10,003; default 20,000),
//! `--months M`, `--seconds S`, `--warmup S`, `--reuse` (measure the dataset of an earlier run
//! without generating it again), `--hash-slots N` and `--hash-queue N` (the server's
//! `LK_MAX_CONCURRENT_HASHES` / `LK_HASH_QUEUE`, to compare settings). Figures are printed as
//! a table and written to `<target>/bench/peak.json`; the previous run's file is kept as
//! `peak.previous.json` and shown beside the new figures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use hdrhistogram::Histogram;
use serde_json::{json, Value};
use tokio::task::JoinSet;

use crate::bench::{backends, fresh_database_named, lk, start_server_with, PORT};
use crate::{status, target_dir, tools};

/// Bench subscribers (`lk bench-data --subscribers`) and houses each: 10,000 meters.
const SUBSCRIBERS: i64 = 200;
const HOUSES_EACH: i64 = 50;
const BENCH_PASSWORD: &str = "bench-password";
const LOGIN_CONNECTIONS: usize = 32;
/// Kept-alive connections of each open-loop stream (oha's and the other benches' 64).
const CONNECTIONS: usize = 64;

struct Options {
    backends: Vec<&'static str>,
    accounts: i64,
    months: u32,
    seconds: u64,
    warmup: u64,
    reuse: bool,
    server_env: Vec<(&'static str, String)>,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        backends: vec!["sqlite", "postgres"],
        accounts: 20_000,
        months: 24,
        seconds: 20,
        warmup: 5,
        reuse: false,
        server_env: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--backend" => o.backends = backends(val()?)?,
            "--accounts" => o.accounts = val()?.parse()?,
            "--months" => o.months = val()?.parse()?,
            "--seconds" => o.seconds = val()?.parse()?,
            "--warmup" => o.warmup = val()?.parse()?,
            "--reuse" => o.reuse = true,
            "--hash-slots" => o.server_env.push((
                "LK_MAX_CONCURRENT_HASHES",
                val()?.parse::<u32>()?.to_string(),
            )),
            "--hash-queue" => o
                .server_env
                .push(("LK_HASH_QUEUE", val()?.parse::<u32>()?.to_string())),
            other => bail!(
                "unknown option {other} (--backend sqlite|postgres|both --accounts N --months M \
                 --seconds S --warmup S --reuse --hash-slots N --hash-queue N)"
            ),
        }
    }
    anyhow::ensure!(
        o.accounts >= SUBSCRIBERS * HOUSES_EACH + 3,
        "--accounts must be at least {} (10,000 meters for the rush and the demo's three)",
        SUBSCRIBERS * HOUSES_EACH + 3
    );
    anyhow::ensure!(o.seconds >= 5, "--seconds must be at least 5");
    Ok(o)
}

/// What one kind of request met during the measured part of a scenario.
#[derive(Default)]
struct Tally {
    /// Microseconds from the moment the request was due to the end of its answer.
    latency: Option<Histogram<u64>>,
    statuses: BTreeMap<u16, u64>,
    /// No answer at all (connection refused, reset, timed out).
    failed: u64,
}

impl Tally {
    fn record(&mut self, status: Option<u16>, micros: u64) {
        let h = self.latency.get_or_insert_with(|| {
            Histogram::new_with_bounds(1, 120_000_000, 3).expect("histogram bounds")
        });
        let _ = h.record(micros.clamp(1, 120_000_000));
        match status {
            Some(s) => *self.statuses.entry(s).or_default() += 1,
            None => self.failed += 1,
        }
    }

    fn ms(&self, q: f64) -> f64 {
        self.latency
            .as_ref()
            .map_or(f64::NAN, |h| h.value_at_quantile(q) as f64 / 1000.0)
    }

    fn count(&self) -> u64 {
        self.statuses.values().sum::<u64>() + self.failed
    }

    fn with(&self, pred: impl Fn(u16) -> bool) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| pred(**s))
            .map(|(_, n)| n)
            .sum()
    }

    fn json(&self, seconds: f64) -> Value {
        json!({
            "requests": self.count(),
            "per_sec": self.count() as f64 / seconds,
            "p50_ms": self.ms(0.5),
            "p99_ms": self.ms(0.99),
            "max_ms": self.ms(1.0),
            "statuses": self.statuses.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "no_answer": self.failed,
        })
    }
}

type Shared = Arc<Mutex<Tally>>;

/// One request to send: built afresh for each send.
type Make = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// When a scenario's requests go out: from `start`, counted from `from` (after the warm-up),
/// until `end`.
#[derive(Clone, Copy)]
struct Window {
    start: Instant,
    from: Instant,
    end: Instant,
}

impl Window {
    /// Starting in a moment, `warmup` seconds not counted, then `seconds` counted.
    fn after(warmup: u64, seconds: u64) -> Self {
        let start = Instant::now() + Duration::from_millis(100);
        let from = start + Duration::from_secs(warmup);
        Self {
            start,
            from,
            end: from + Duration::from_secs(seconds),
        }
    }
}

/// Sends a request and reads its answer through: the status, or `None` without an answer.
async fn send(req: reqwest::RequestBuilder) -> Option<u16> {
    let resp = req.send().await.ok()?;
    let status = resp.status().as_u16();
    resp.bytes().await.ok().map(|_| status)
}

/// Tallies an answer whose clock started at `since`, if it falls in the counted part.
fn record(tally: &Shared, w: Window, since: Instant, status: Option<u16>) {
    if since >= w.from {
        let micros = u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX);
        if let Ok(mut t) = tally.lock() {
            t.record(status, micros);
        }
    }
}

/// The tally of a finished scenario.
fn take(tally: &Shared) -> Tally {
    tally
        .lock()
        .map(|mut t| std::mem::take(&mut *t))
        .unwrap_or_default()
}

/// Sends `make(k)` at `rate` per second during `w` over `CONNECTIONS` kept-alive connections,
/// as `oha -q R --latency-correction` and wrk2 do: each connection takes the next request due,
/// waits for its time and sends it; a request that could not leave on time (every connection
/// busy) counts its wait. Returns how many were sent and how many of them, warm-up included,
/// were answered 2xx.
async fn open_loop(
    client: reqwest::Client,
    rate: f64,
    w: Window,
    make: Make,
    tally: Shared,
) -> (u64, u64) {
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..CONNECTIONS {
        let (client, make, tally, next) =
            (client.clone(), make.clone(), tally.clone(), next.clone());
        tasks.spawn(async move {
            let (mut sent, mut ok) = (0_u64, 0_u64);
            loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let due = w.start + Duration::from_secs_f64(k as f64 / rate);
                if due >= w.end {
                    break;
                }
                tokio::time::sleep_until(due.into()).await;
                let status = send(make(&client, k)).await;
                sent += 1;
                ok += u64::from(matches!(status, Some(200..=299)));
                record(&tally, w, due, status);
            }
            (sent, ok)
        });
    }
    let (mut sent, mut ok) = (0, 0);
    while let Some(r) = tasks.join_next().await {
        if let Ok((s, o)) = r {
            sent += s;
            ok += o;
        }
    }
    (sent, ok)
}

/// `connections` clients sending `make(k)` one after another until the end of `w`.
async fn closed_loop(
    client: reqwest::Client,
    connections: usize,
    w: Window,
    make: Make,
    tally: Shared,
) {
    let mut tasks = JoinSet::new();
    for c in 0..connections {
        let (client, make, tally) = (client.clone(), make.clone(), tally.clone());
        tasks.spawn(async move {
            let mut k = c as u64;
            while Instant::now() < w.end {
                let sent = Instant::now();
                let status = send(make(&client, k)).await;
                record(&tally, w, sent, status);
                k += connections as u64;
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

/// `GET url` with `token`.
fn get(url: String, token: &str) -> Make {
    let token = token.to_owned();
    Arc::new(move |c, _| c.get(&url).bearer_auth(&token))
}

/// The bench subscribers signing in, one after another.
fn sign_in(base: &str) -> Make {
    let url = format!("{base}/api/v1/auth/login");
    Arc::new(move |c, k| {
        c.post(&url).json(&json!({
            "email": format!("bench-{}@lk.example", k % SUBSCRIBERS as u64 + 1),
            "password": BENCH_PASSWORD,
        }))
    })
}

/// Readings the portal stored (the bench data has none of its own).
fn portal_readings(url: &str) -> Result<i64> {
    query(url, "SELECT COUNT(*) FROM readings WHERE source = 'portal'")?
        .first()
        .and_then(|v| v.parse().ok())
        .context("counting readings")
}

/// The server's resident memory now and at its peak (kB), from /proc.
fn rss_kb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (user + system, in clock ticks) of process `pid`.
fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at ") ".
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

/// CPU ticks of every PostgreSQL process on the machine (its backends do the queries).
fn postgres_ticks() -> u64 {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .map(|pid| cpu_ticks(&pid))
        .sum()
}

/// Clock ticks per second (`getconf CLK_TCK`, 100 on Linux).
fn ticks_per_sec() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// What the server used while a scenario was measured.
struct Usage {
    rss_peak_mib: f64,
    /// Cores busy on average: the server process, PostgreSQL's processes.
    server_cores: f64,
    postgres_cores: f64,
}

/// Samples the server's RSS every 250 ms, and the CPU time of the server and of PostgreSQL,
/// over the counted part of `w`.
async fn usage(pid: u32, w: Window) -> Usage {
    let mut peak = 0;
    let pid_s = pid.to_string();
    tokio::time::sleep_until(w.from.into()).await;
    let (server0, pg0, t0) = (cpu_ticks(&pid_s), postgres_ticks(), Instant::now());
    while Instant::now() < w.end {
        peak = peak.max(rss_kb(pid).0);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let secs = t0.elapsed().as_secs_f64() * ticks_per_sec();
    Usage {
        rss_peak_mib: peak as f64 / 1024.0,
        server_cores: cpu_ticks(&pid_s).saturating_sub(server0) as f64 / secs,
        postgres_cores: postgres_ticks().saturating_sub(pg0) as f64 / secs,
    }
}

fn client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(4 * CONNECTIONS)
        .timeout(Duration::from_secs(30))
        .build()?)
}

async fn login(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> Result<String> {
    for _ in 0..50 {
        let resp = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await?;
        if resp.status().as_u16() == 429 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        let v: Value = resp.error_for_status()?.json().await?;
        return Ok(v["access_token"]
            .as_str()
            .context("no access token")?
            .to_owned());
    }
    bail!("{email} could not sign in: the server stayed busy")
}

/// Runs `sql` against the bench database; its rows as `|`-separated lines.
fn query(url: &str, sql: &str) -> Result<Vec<String>> {
    let out = if let Some(file) = url.strip_prefix("sqlite://") {
        Command::new("sqlite3")
            .args(["-separator", "|", file, sql])
            .output()
            .context("sqlite3")?
    } else {
        Command::new("psql")
            .args([url, "-q", "-At", "-F", "|", "-c", sql])
            .output()
            .context("psql")?
    };
    anyhow::ensure!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The bench database of this size: generated afresh, or the earlier run's with `--reuse`
/// (the readings an earlier rush stored taken out, so every meter can be read again today).
fn database(backend: &str, o: &Options) -> Result<String> {
    let name = format!("peak_{}_{}", o.accounts, o.months);
    if o.reuse {
        let url = match backend {
            "sqlite" => format!(
                "sqlite://{}",
                target_dir()
                    .join(format!("bench/lk-{name}.sqlite3"))
                    .display()
            ),
            _ => {
                let admin = tools::postgres(true)?.context("PostgreSQL is needed")?;
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.clone(), |(b, _)| b.to_owned());
                format!("{base}/lk_bench_{name}")
            }
        };
        let exists = query(
            &url,
            "SELECT COUNT(*) FROM users WHERE email LIKE 'bench-%'",
        )
        .ok()
        .and_then(|r| r.first()?.parse::<i64>().ok())
        .is_some_and(|n| n >= SUBSCRIBERS);
        if exists {
            eprintln!("==> {backend}: reusing {url}");
            query(&url, "DELETE FROM readings WHERE source = 'portal'")?;
            return Ok(url);
        }
        eprintln!("==> {backend}: nothing to reuse yet; generating");
    }
    let url = fresh_database_named(backend, &name)?;
    eprintln!(
        "==> {backend}: generating {} accounts × {} months and {SUBSCRIBERS} subscribers",
        o.accounts, o.months
    );
    let mut c = Command::new(lk());
    c.args([
        "bench-data",
        "--accounts",
        &o.accounts.to_string(),
        "--months",
        &o.months.to_string(),
        "--subscribers",
        &SUBSCRIBERS.to_string(),
        "--houses-each",
        &HOUSES_EACH.to_string(),
    ])
    .current_dir(crate::root())
    .env("DATABASE_URL", &url)
    .env("LK_LOG_FORMAT", "json")
    .env("RUST_LOG", "error");
    status(c)?;
    Ok(url)
}

/// The database's size on disk: the SQLite file (after a checkpoint), PostgreSQL's
/// `pg_database_size`.
fn database_bytes(url: &str) -> Result<u64> {
    if let Some(file) = url.strip_prefix("sqlite://") {
        query(url, "PRAGMA wal_checkpoint(TRUNCATE)")?;
        return Ok(std::fs::metadata(file)?.len());
    }
    query(url, "SELECT pg_database_size(current_database())")?
        .first()
        .and_then(|v| v.parse().ok())
        .context("pg_database_size")
}

struct Scenario {
    name: &'static str,
    seconds: f64,
    tallies: Vec<(&'static str, Tally)>,
    usage: Usage,
    extra: Value,
}

async fn morning_storm(base: &str, pid: u32, rate: f64, o: &Options) -> Result<Scenario> {
    let client = client()?;
    let token = login(&client, base, "demo@lk.example", "demo-password").await?;
    let w = Window::after(o.warmup, o.seconds);
    let (main, logins) = (Shared::default(), Shared::default());
    let page = get(format!("{base}/api/v1/houses"), &token);
    let (_, (), used) = tokio::join!(
        open_loop(client.clone(), rate, w, page, main.clone()),
        closed_loop(
            client.clone(),
            LOGIN_CONNECTIONS,
            w,
            sign_in(base),
            logins.clone()
        ),
        usage(pid, w),
    );
    Ok(Scenario {
        name: "morning storm",
        seconds: o.seconds as f64,
        tallies: vec![
            ("main page GET /houses (open loop)", take(&main)),
            ("login POST /auth/login (32 conn.)", take(&logins)),
        ],
        usage: used,
        extra: json!({ "main_page_rate": rate, "login_connections": LOGIN_CONNECTIONS }),
    })
}

/// One meter of the rush: who may read it, its account and id, and a plausible next value.
struct Target {
    token: usize,
    account: String,
    meter: i64,
    value: i64,
}

async fn reading_rush(base: &str, url: &str, pid: u32, o: &Options) -> Result<Scenario> {
    const READINGS_PER_SEC: f64 = 300.0;
    let client = client()?;
    let rows = query(
        url,
        "SELECT u.email, a.number, m.id, COALESCE((SELECT MAX(v.value) FROM readings r \
         JOIN reading_values v ON v.reading_id = r.id WHERE r.meter_id = m.id), 0) \
         FROM users u JOIN houses h ON h.user_id = u.id JOIN accounts a ON a.id = h.account_id \
         JOIN meters m ON m.account_id = a.id WHERE u.email LIKE 'bench-%' ORDER BY m.id",
    )?;
    let mut emails: Vec<String> = Vec::new();
    let mut targets = Vec::new();
    for row in rows {
        let f: Vec<&str> = row.split('|').collect();
        anyhow::ensure!(f.len() == 4, "unexpected row {row}");
        let token = match emails.iter().position(|e| e == f[0]) {
            Some(i) => i,
            None => {
                emails.push(f[0].to_owned());
                emails.len() - 1
            }
        };
        targets.push(Target {
            token,
            account: f[1].to_owned(),
            meter: f[2].parse()?,
            value: f[3].parse::<i64>()? + 180,
        });
    }
    let total = (o.warmup + o.seconds) as f64 * READINGS_PER_SEC;
    anyhow::ensure!(
        targets.len() as f64 >= total + 600.0,
        "{} meters for {total} readings: use fewer --seconds or more --accounts",
        targets.len()
    );
    eprintln!(
        "    signing in {} subscribers of {} meters",
        emails.len(),
        targets.len()
    );
    let mut tokens = Vec::new();
    for e in &emails {
        tokens.push(login(&client, base, e, BENCH_PASSWORD).await?);
    }
    let demo = login(&client, base, "demo@lk.example", "demo-password").await?;
    let demo_account = query(
        url,
        "SELECT a.number FROM houses h JOIN users u ON u.id = h.user_id \
         JOIN accounts a ON a.id = h.account_id WHERE u.email = 'demo@lk.example' \
         AND a.number LIKE '69%' ORDER BY h.id LIMIT 1",
    )?
    .into_iter()
    .next()
    .context("the demo subscriber has no bench account")?;
    let before = portal_readings(url)?;

    let w = Window::after(o.warmup, o.seconds);
    let (readings, main, history) = (Shared::default(), Shared::default(), Shared::default());
    let (targets, tokens) = (Arc::new(targets), Arc::new(tokens));
    let submit = submit_reading(base, targets.clone(), tokens.clone(), 0);
    let (page, hist) = pages(base, &demo, &demo_account);
    let ((sent, acknowledged_all), _, _, used) = tokio::join!(
        open_loop(
            client.clone(),
            READINGS_PER_SEC,
            w,
            submit,
            readings.clone()
        ),
        open_loop(
            client.clone(),
            READINGS_PER_SEC * 3.0,
            w,
            page,
            main.clone()
        ),
        open_loop(client.clone(), READINGS_PER_SEC, w, hist, history.clone()),
        usage(pid, w),
    );
    // Acknowledged in the whole run (warm-up included) against what the database holds.
    let stored = portal_readings(url)?;
    let costs = costs(
        base,
        pid,
        &targets,
        &tokens,
        sent,
        pages(base, &demo, &demo_account),
    )
    .await?;
    Ok(Scenario {
        name: "reading rush",
        seconds: o.seconds as f64,
        extra: json!({
            "readings_sent": sent,
            "readings_acknowledged": acknowledged_all,
            "readings_stored": stored - before,
            "cost_per_request": costs,
            "mix": "readings : main page : history = 1 : 3 : 1",
        }),
        tallies: vec![
            ("reading POST …/readings (300/s)", take(&readings)),
            ("main page GET /houses (900/s)", take(&main)),
            ("history GET …/operations (300/s)", take(&history)),
        ],
        usage: used,
    })
}

/// Submits a reading for the `k + offset`-th meter of `targets`, as the subscriber it belongs to.
fn submit_reading(
    base: &str,
    targets: Arc<Vec<Target>>,
    tokens: Arc<Vec<String>>,
    offset: u64,
) -> Make {
    let base = base.to_owned();
    Arc::new(move |c, k| {
        let t = &targets[(k + offset) as usize % targets.len()];
        c.post(format!(
            "{base}/api/v1/accounts/{}/meters/{}/readings",
            t.account, t.meter
        ))
        .bearer_auth(&tokens[t.token])
        .json(&json!({ "values": [{ "zone": "single", "value": t.value }] }))
    })
}

/// The demo subscriber's main page and the operations history of one of their accounts.
fn pages(base: &str, token: &str, account: &str) -> (Make, Make) {
    (
        get(format!("{base}/api/v1/houses"), token),
        get(
            format!("{base}/api/v1/accounts/{account}/operations"),
            token,
        ),
    )
}

/// What one request of each kind costs in CPU, each kind alone at a moderate rate for a few
/// seconds: (server + PostgreSQL CPU time) / requests answered, in milliseconds of one core.
/// The capacity plan (docs/capacity.md) multiplies these by the peak rates.
async fn costs(
    base: &str,
    pid: u32,
    targets: &Arc<Vec<Target>>,
    tokens: &Arc<Vec<String>>,
    readings_used: u64,
    (page, hist): (Make, Make),
) -> Result<Value> {
    const SECS: u64 = 5;
    let client = client()?;
    let kinds: [(&str, Option<f64>, Make); 4] = [
        ("main page GET /houses", Some(500.0), page),
        ("history GET …/operations", Some(200.0), hist),
        (
            "reading POST …/readings",
            Some(100.0),
            submit_reading(base, targets.clone(), tokens.clone(), readings_used),
        ),
        // One login at a time: the hash plus its queries.
        ("login POST /auth/login", None, sign_in(base)),
    ];
    let mut out = serde_json::Map::new();
    eprintln!("    cost of each kind of request, alone, {SECS} s each");
    for (name, rate, make) in kinds {
        let tally = Shared::default();
        let w = Window::after(1, SECS);
        let load = async {
            match rate {
                Some(r) => {
                    open_loop(client.clone(), r, w, make, tally.clone()).await;
                }
                None => closed_loop(client.clone(), 1, w, make, tally.clone()).await,
            }
        };
        let ((), used) = tokio::join!(load, usage(pid, w));
        let t = take(&tally);
        let ok = t.with(|c| (200..300).contains(&c));
        anyhow::ensure!(
            ok > 0 && ok == t.count(),
            "{name}: {} of {} answered 2xx ({:?})",
            ok,
            t.count(),
            t.statuses
        );
        let cpu = (used.server_cores + used.postgres_cores) * SECS as f64;
        out.insert(
            name.to_owned(),
            json!({
                "requests": ok,
                "cpu_ms_per_request": cpu * 1000.0 / ok as f64,
                "server_cpu_ms_per_request": used.server_cores * SECS as f64 * 1000.0 / ok as f64,
                "postgres_cpu_ms_per_request": used.postgres_cores * SECS as f64 * 1000.0 / ok as f64,
                "p50_ms": t.ms(0.5),
            }),
        );
    }
    Ok(Value::Object(out))
}

fn report_path() -> PathBuf {
    target_dir().join("bench/peak.json")
}

fn previous(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

pub fn run(args: &[String]) -> Result<()> {
    let o = parse(args)?;
    tools::ensure_apt(&["curl", "sqlite3"])?;
    crate::bench::build_lk()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let mut results = Vec::new();
    for backend in o.backends.clone() {
        let url = database(backend, &o)?;
        let mut env: Vec<(&str, String)> = vec![
            // The storm comes from one address here, from thousands in life; the per-address
            // limit has its own tests.
            ("LK_THROTTLE__LOGIN_PER_IP", "0".into()),
            // The rush is measured whatever the date.
            ("LK_READING_WINDOW__ENABLED", "false".into()),
        ];
        env.extend(o.server_env.iter().cloned());
        let server = start_server_with(&url, &env)?;
        let base = format!("http://127.0.0.1:{PORT}");
        let rate = if backend == "sqlite" {
            2_000.0
        } else {
            1_000.0
        };
        eprintln!(
            "==> {backend}: morning storm ({} s warm-up, {} s measured)",
            o.warmup, o.seconds
        );
        let storm = runtime.block_on(morning_storm(&base, server.pid(), rate, &o))?;
        eprintln!("==> {backend}: reading rush");
        let rush = runtime.block_on(reading_rush(&base, &url, server.pid(), &o))?;
        let (_, hwm) = rss_kb(server.pid());
        drop(server);
        let bytes = database_bytes(&url)?;
        results.push((backend, storm, rush, hwm as f64 / 1024.0, bytes));
    }

    let mut ok = true;
    let mut out = serde_json::Map::new();
    println!(
        "\nLKA peak bench: {} accounts × {} months, {} s measured after {} s warm-up per scenario{}",
        o.accounts,
        o.months,
        o.seconds,
        o.warmup,
        if o.server_env.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                o.server_env
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    );
    for (backend, storm, rush, hwm, bytes) in &results {
        // The history's footprint, for sizing disks: the synthetic registry holds one reading,
        // invoice (one line) and payment per account and month.
        let per_account_month = *bytes as f64 / (o.accounts as f64 * f64::from(o.months));
        println!(
            "\n{backend}  (server RSS peak {hwm:.0} MiB; database {:.1} MiB, {per_account_month:.0} bytes per account-month)",
            *bytes as f64 / 1048576.0
        );
        println!(
            "  {:<15} {:<36} {:>8} {:>8} {:>9} {:>9} {:>7} {:>7}",
            "scenario", "requests", "req/s", "2xx/s", "p50 ms", "p99 ms", "429/s", "errors"
        );
        let mut scenarios = serde_json::Map::new();
        for s in [storm, rush] {
            let mut tallies = serde_json::Map::new();
            for (name, t) in &s.tallies {
                println!(
                    "  {:<15} {:<36} {:>8.0} {:>8.0} {:>9.2} {:>9.2} {:>7.1} {:>7}",
                    s.name,
                    name,
                    t.count() as f64 / s.seconds,
                    t.with(|c| (200..300).contains(&c)) as f64 / s.seconds,
                    t.ms(0.5),
                    t.ms(0.99),
                    t.with(|c| c == 429) as f64 / s.seconds,
                    t.with(|c| !(200..300).contains(&c) && c != 429) + t.failed,
                );
                tallies.insert((*name).to_owned(), t.json(s.seconds));
            }
            let mut v = json!({
                "rss_peak_mib": s.usage.rss_peak_mib,
                "server_cpu_cores": s.usage.server_cores,
                "postgres_cpu_cores": s.usage.postgres_cores,
                "requests": tallies,
            });
            println!(
                "  {:<15} CPU busy: server {:.2} cores, PostgreSQL {:.2} cores; server RSS peak {:.0} MiB",
                s.name, s.usage.server_cores, s.usage.postgres_cores, s.usage.rss_peak_mib
            );
            if let (Some(m), Some(extra)) = (v.as_object_mut(), s.extra.as_object()) {
                m.extend(extra.clone());
            }
            scenarios.insert(s.name.to_owned(), v);
        }
        // The targets.
        let main = &storm.tallies[0].1;
        let logins = &storm.tallies[1].1;
        let errors = |t: &Tally| t.with(|c| !(200..300).contains(&c) && c != 429) + t.failed;
        let served = logins.with(|c| c == 200) as f64 / storm.seconds;
        let storm_ok = main.ms(0.99) <= 25.0
            && served >= 30.0
            && errors(main) + errors(logins) == 0
            && main.with(|c| c == 429) == 0;
        println!(
            "  storm: main-page p99 {:.1} ms (≤ 25), {served:.1} logins/s served (≥ 30), {} errors other than 429 (0), RSS peak {:.0} MiB: {}",
            main.ms(0.99),
            errors(main) + errors(logins),
            storm.usage.rss_peak_mib,
            if storm_ok { "met" } else { "NOT met" }
        );
        let worst = rush
            .tallies
            .iter()
            .map(|(_, t)| t.ms(0.99))
            .fold(0.0, f64::max);
        let rush_errors: u64 = rush
            .tallies
            .iter()
            .map(|(_, t)| t.count() - t.with(|c| (200..300).contains(&c)))
            .sum();
        let sent = rush.extra["readings_sent"].as_i64().unwrap_or(-1);
        let acknowledged = rush.extra["readings_acknowledged"].as_i64().unwrap_or(-1);
        let stored = rush.extra["readings_stored"].as_i64().unwrap_or(-1);
        // Every acknowledged reading, warm-up included, is in the database, and no other.
        let all_stored = stored == acknowledged;
        let rush_ok = worst <= 50.0 && rush_errors == 0 && all_stored;
        println!(
            "  rush: worst p99 {worst:.1} ms (≤ 50), {rush_errors} errors (0); {sent} readings sent, {acknowledged} acknowledged, {stored} in the database: {}",
            if rush_ok { "met" } else { "NOT met" }
        );
        if let Some(costs) = rush.extra["cost_per_request"].as_object() {
            println!("  CPU per request (server + PostgreSQL, each kind alone):");
            for (name, c) in costs {
                println!(
                    "    {name:<28} {:>7.3} ms of one core (server {:.3}, PostgreSQL {:.3})",
                    c["cpu_ms_per_request"].as_f64().unwrap_or(f64::NAN),
                    c["server_cpu_ms_per_request"].as_f64().unwrap_or(f64::NAN),
                    c["postgres_cpu_ms_per_request"]
                        .as_f64()
                        .unwrap_or(f64::NAN),
                );
            }
        }
        ok &= storm_ok && rush_ok;
        out.insert(
            (*backend).to_owned(),
            json!({
                "server_rss_hwm_mib": hwm,
                "database_bytes": bytes,
                "bytes_per_account_month": per_account_month,
                "scenarios": scenarios,
                "targets_met": storm_ok && rush_ok,
            }),
        );
    }

    let path = report_path();
    let before = previous(&path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if path.exists() {
        std::fs::rename(&path, path.with_file_name("peak.previous.json"))?;
    }
    let report = json!({
        "accounts": o.accounts,
        "months": o.months,
        "seconds": o.seconds,
        "warmup": o.warmup,
        "server_env": o.server_env.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
        "backends": out,
    });
    std::fs::write(&path, serde_json::to_vec_pretty(&report)?)?;
    println!("\nfigures written to {}", path.display());
    if let Some(prev) = before {
        println!("previous run (peak.previous.json) → this run:");
        for (backend, now) in report["backends"].as_object().into_iter().flatten() {
            let was = &prev["backends"][backend]["scenarios"];
            for (scenario, s) in now["scenarios"].as_object().into_iter().flatten() {
                for (name, t) in s["requests"].as_object().into_iter().flatten() {
                    let p = &was[scenario]["requests"][name];
                    if p.is_null() {
                        continue;
                    }
                    println!(
                        "  {backend:<8} {name:<36} p99 {:>8.2} → {:>8.2} ms   req/s {:>7.0} → {:>7.0}",
                        p["p99_ms"].as_f64().unwrap_or(f64::NAN),
                        t["p99_ms"].as_f64().unwrap_or(f64::NAN),
                        p["per_sec"].as_f64().unwrap_or(f64::NAN),
                        t["per_sec"].as_f64().unwrap_or(f64::NAN),
                    );
                }
            }
        }
    }
    if !ok {
        bail!("some targets are not met (see above; the figures are written all the same)");
    }
    Ok(())
}
