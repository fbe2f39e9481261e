//! `cargo xtask bench`: (`cargo xtask bench billing`: see `bench_billing.rs`) generates a registry of N accounts with M months of history, serves it
//! with the release build, and measures with oha (a real HTTP load tool from crates.io) the
//! main page, the operations history, a filled receipt (PDF) and a trivial one-row endpoint
//! (the stack's ceiling), on SQLite and PostgreSQL, at 64 connections.
//!
//! Throughput is closed-loop (64 connections as fast as they go). Latency is open-loop at a
//! fixed rate with coordinated-omission correction (`oha -q R --latency-correction`), because
//! closed-loop percentiles understate waiting; each endpoint is driven at half of its own
//! closed-loop throughput.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::{cmd, root, status, target_dir, tools};

pub(crate) const PORT: u16 = 18090;

struct Options {
    accounts: i64,
    months: u32,
    backends: Vec<&'static str>,
    seconds: u64,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        accounts: 100_000,
        months: 60,
        backends: vec!["sqlite", "postgres"],
        seconds: 10,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().context(format!("{a} needs a value"));
        match a.as_str() {
            "--accounts" => o.accounts = val()?.parse()?,
            "--months" => o.months = val()?.parse()?,
            "--seconds" => o.seconds = val()?.parse()?,
            "--backend" => o.backends = backends(val()?)?,
            other => bail!("unknown option {other} (use --accounts N --months M --backend sqlite|postgres|both --seconds S)"),
        }
    }
    Ok(o)
}

/// The backends `--backend sqlite|postgres|both` names.
pub(crate) fn backends(v: &str) -> Result<Vec<&'static str>> {
    Ok(match v {
        "sqlite" => vec!["sqlite"],
        "postgres" => vec!["postgres"],
        "both" => vec!["sqlite", "postgres"],
        other => bail!("unknown backend {other}"),
    })
}

fn ensure_oha() -> Result<PathBuf> {
    let home = PathBuf::from(std::env::var_os("HOME").unwrap_or_default());
    let oha = home.join(".cargo/bin/oha");
    if !oha.exists() {
        status(cmd(
            "cargo",
            &["install", "oha", "--version", "~1.16", "--locked"],
        ))?;
    }
    Ok(oha)
}

pub(crate) struct Server(Child);

impl Server {
    pub(crate) fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn lk() -> PathBuf {
    target_dir().join("release/lk")
}

pub(crate) fn start_server(url: &str) -> Result<Server> {
    start_server_with(url, &[])
}

/// `lk serve` on `url` with extra settings.
pub(crate) fn start_server_with(url: &str, env: &[(&str, String)]) -> Result<Server> {
    let child = Command::new(lk())
        .arg("serve")
        .current_dir(root())
        .env("DATABASE_URL", url)
        .env("LK_ADDR", format!("127.0.0.1:{PORT}"))
        .env("LK_LOG_FORMAT", "json")
        .env("RUST_LOG", "error")
        .env("LK_DATA_DIR", target_dir().join("bench"))
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .spawn()
        .context("starting lk serve")?;
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let ok = Command::new("curl")
            .args(["-sf", &format!("http://127.0.0.1:{PORT}/health/ready")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Ok(server);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    bail!("lk serve did not become ready")
}

fn login() -> Result<String> {
    let out = Command::new("curl")
        .args([
            "-sf",
            "-H",
            "content-type: application/json",
            "-d",
            r#"{"email":"demo@lk.example","password":"demo-password"}"#,
            &format!("http://127.0.0.1:{PORT}/api/v1/auth/login"),
        ])
        .output()?;
    let v: Value = serde_json::from_slice(&out.stdout).context("login answer")?;
    Ok(v["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned())
}

#[derive(Debug, Clone, Copy)]
struct Measure {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn oha(
    oha: &PathBuf,
    url: &str,
    token: Option<&str>,
    seconds: u64,
    rate: Option<f64>,
) -> Result<Measure> {
    let mut c = Command::new(oha);
    c.args([
        "-z",
        &format!("{seconds}s"),
        "-c",
        "64",
        "--no-tui",
        "--output-format",
        "json",
    ]);
    if let Some(t) = token {
        c.args(["-H", &format!("Authorization: Bearer {t}")]);
    }
    if let Some(r) = rate {
        c.args([
            "-q",
            &format!("{}", r.max(1.0).round()),
            "--latency-correction",
        ]);
    }
    c.arg(url);
    let out = c.output().context("running oha")?;
    if !out.status.success() {
        bail!("oha failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let v: Value = serde_json::from_slice(&out.stdout).context("oha json")?;
    let codes = &v["statusCodeDistribution"];
    if codes
        .as_object()
        .is_some_and(|m| m.keys().any(|k| k != "200"))
    {
        bail!("{url} answered non-200 statuses: {codes}");
    }
    let ms = |k: &str| v["latencyPercentiles"][k].as_f64().unwrap_or(f64::NAN) * 1000.0;
    Ok(Measure {
        rps: v["summary"]["requestsPerSec"].as_f64().unwrap_or_default(),
        p50_ms: ms("p50"),
        p99_ms: ms("p99"),
    })
}

/// `lk bench-data`: `accounts` synthetic accounts with `months` of history, the demo
/// subscriber's three houses bound to them.
pub(crate) fn generate(url: &str, accounts: i64, months: u32) -> Result<()> {
    let mut c = Command::new(lk());
    c.args([
        "bench-data",
        "--accounts",
        &accounts.to_string(),
        "--months",
        &months.to_string(),
    ])
    .current_dir(root())
    .env("DATABASE_URL", url)
    .env("LK_LOG_FORMAT", "json")
    .env("RUST_LOG", "error");
    status(c)
}

fn fresh_database(backend: &str, o: &Options) -> Result<String> {
    fresh_database_named(backend, &format!("{}_{}", o.accounts, o.months))
}

/// An empty database of `backend` for a bench run named `name` (a file under the target
/// folder, or a PostgreSQL database `lk_bench_<name>`).
pub(crate) fn fresh_database_named(backend: &str, name: &str) -> Result<String> {
    match backend {
        "sqlite" => {
            let dir = target_dir().join("bench");
            std::fs::create_dir_all(&dir)?;
            let file = dir.join(format!("lk-{name}.sqlite3"));
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", file.display()));
            }
            Ok(format!("sqlite://{}", file.display()))
        }
        _ => {
            let admin =
                tools::postgres(true)?.context("PostgreSQL is needed for the PostgreSQL bench")?;
            let name = format!("lk_bench_{name}");
            for sql in [
                format!("DROP DATABASE IF EXISTS {name}"),
                format!("CREATE DATABASE {name}"),
            ] {
                let st = Command::new("psql")
                    .args([admin.as_str(), "-q", "-c", &sql])
                    .status()?;
                anyhow::ensure!(st.success(), "psql: {sql}");
            }
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_owned())
                .unwrap_or(admin);
            Ok(format!("{base}/{name}"))
        }
    }
}

/// The release `lk` with the bench data generator (`lk bench-data` exists only in bench
/// builds: the `bench-data` feature).
pub fn build_lk() -> Result<()> {
    status(cmd(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "lk-server",
            "--bin",
            "lk",
            "--features",
            "bench-data",
        ],
    ))
}

/// `cargo xtask bench` without a named bench: the read endpoints under oha (`billing`, `peak`
/// and `spa` are dispatched by `main`, so that the benches only use this module's helpers).
pub fn run(args: &[String]) -> Result<()> {
    let o = parse(args)?;
    tools::ensure_apt(&["curl"])?;
    let oha_bin = ensure_oha()?;
    build_lk()?;
    let mut report = Vec::new();
    for backend in o.backends.clone() {
        eprintln!(
            "\n==> {backend}: generating {} accounts × {} months",
            o.accounts, o.months
        );
        let url = fresh_database(backend, &o)?;
        let started = Instant::now();
        generate(&url, o.accounts, o.months)?;
        let gen_secs = started.elapsed().as_secs_f64();
        let _server = start_server(&url)?;
        let token = login()?;
        let base = format!("http://127.0.0.1:{PORT}");
        let account = 690_000_000_000_i64 + (o.accounts / 2).max(1);
        let history = format!("{base}/api/v1/accounts/{account}/operations");
        // A filled receipt: queries, layout, font subsetting and compression of a PDF (reported,
        // no target; it runs on the blocking pool, off the async workers).
        let receipt = format!("{base}/api/v1/accounts/{account}/receipt.pdf?amount=500");
        // The ceiling is the cheapest authenticated endpoint: one row (the user) behind the same
        // authentication as every subscriber page. /health/ready (no authentication,
        // `SELECT 1`) is reported for reference.
        let t = Some(token.as_str());
        let endpoints: [(&str, String, Option<&str>); 5] = [
            ("ceiling  GET /api/v1/me", format!("{base}/api/v1/me"), t),
            (
                "main     GET /api/v1/houses",
                format!("{base}/api/v1/houses"),
                t,
            ),
            ("history  GET …/operations", history, t),
            ("receipt  GET …/receipt.pdf", receipt, t),
            (
                "ref.     GET /health/ready",
                format!("{base}/health/ready"),
                None,
            ),
        ];
        // Warm-up, then closed-loop throughput.
        for (_, url, t) in &endpoints {
            oha(&oha_bin, url, *t, 2, None)?;
        }
        let mut closed = Vec::new();
        for (_, url, t) in &endpoints {
            closed.push(oha(&oha_bin, url, *t, o.seconds, None)?);
        }
        // Open-loop latency at half of each endpoint's own throughput.
        let mut open = Vec::new();
        for ((_, url, t), c) in endpoints.iter().zip(&closed) {
            open.push(oha(&oha_bin, url, *t, o.seconds, Some(c.rps * 0.5))?);
        }
        report.push((
            backend,
            gen_secs,
            endpoints.iter().map(|e| e.0).collect::<Vec<_>>(),
            closed,
            open,
        ));
    }

    println!(
        "\nLKA bench: {} accounts × {} months of history, 64 connections, {} s per run (oha)",
        o.accounts, o.months, o.seconds
    );
    let mut ok = true;
    for (backend, gen_secs, names, closed, open) in &report {
        println!("\n{backend} (data generated in {gen_secs:.0} s)");
        println!(
            "  {:<30} {:>10} {:>13} {:>10} {:>10}",
            "endpoint", "req/s", "open loop at", "p50 ms", "p99 ms"
        );
        for ((name, c), op) in names.iter().zip(closed).zip(open) {
            println!(
                "  {:<30} {:>10.0} {:>13.0} {:>10.2} {:>10.2}",
                name,
                c.rps,
                c.rps * 0.5,
                op.p50_ms,
                op.p99_ms
            );
        }
        let ratio = closed[1].rps / closed[0].rps;
        let p99 = open[1].p99_ms.max(open[2].p99_ms);
        println!(
            "  main page / ceiling = {:.2} (target ≥ 0.60: {})",
            ratio,
            if ratio >= 0.6 { "met" } else { "NOT met" }
        );
        println!(
            "  worst p99 of main page and history = {:.2} ms (target ≤ 25 ms: {})",
            p99,
            if p99 <= 25.0 { "met" } else { "NOT met" }
        );
        ok &= ratio >= 0.6 && p99 <= 25.0;
    }
    if !ok {
        println!("\nsome targets are not met (see above)");
    }
    Ok(())
}
