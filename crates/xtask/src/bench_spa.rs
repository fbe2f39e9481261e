//! `cargo xtask bench spa`: how soon the main page is usable on a slow phone. Builds the SPA
//! and the release server, loads the demo data (and the demo subscriber's three houses with
//! two years of history: `lk bench-data`) into a fresh SQLite database, and runs
//! e2e/bench/spa-load.mjs: five cold loads (median) of the signed-in main page in Chromium
//! with the network throttled to 1.6 Mbit/s and 150 ms round trip and the CPU slowed 4×
//! (Playwright + CDP). Prints the figures and writes them to `<target>/bench/spa.json`.
//!
//! Options: `--runs N`, `--kbps K`, `--rtt MS`, `--cpu X`.

use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::bench::{generate, lk, start_server, PORT};
use crate::{cmd, root, target_dir, tools};

pub fn run(args: &[String]) -> Result<()> {
    let mut env: Vec<(&str, String)> = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let name = match flag.as_str() {
            "--runs" => "LK_BENCH_RUNS",
            "--kbps" => "LK_BENCH_KBPS",
            "--rtt" => "LK_BENCH_RTT_MS",
            "--cpu" => "LK_BENCH_CPU",
            other => bail!("unknown option {other} (--runs N, --kbps K, --rtt MS, --cpu X)"),
        };
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        value
            .parse::<f64>()
            .ok()
            .filter(|v| *v > 0.0)
            .with_context(|| format!("{flag} must be a positive number"))?;
        env.push((name, value.clone()));
    }

    tools::ensure_spa_tools()?;
    tools::ensure_browser_test_tools()?;
    crate::build_spa()?;
    crate::bench::build_lk()?;

    let dir = target_dir().join("bench-spa");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/lk.sqlite3", dir.display());
    let seeded = Command::new(lk())
        .arg("seed-demo")
        .current_dir(root())
        .env("DATABASE_URL", &url)
        .env("LK_DATA_DIR", &dir)
        .env("RUST_LOG", "error")
        .status()
        .context("lk seed-demo")?;
    anyhow::ensure!(seeded.success(), "lk seed-demo failed");
    // The demo subscriber's three houses, bound to accounts with two years of history.
    generate(&url, 1000, 24)?;
    let _server = start_server(&url)?;

    let mut c = cmd("node", &["bench/spa-load.mjs"]);
    c.current_dir(root().join("e2e"))
        .env("LK_URL", format!("http://127.0.0.1:{PORT}"))
        .envs(env);
    eprintln!("\n==> five cold loads of the main page on an emulated slow phone");
    let out = c.output().context("node bench/spa-load.mjs")?;
    if !out.status.success() {
        bail!(
            "the SPA benchmark failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report: Value = serde_json::from_slice(&out.stdout).context("the benchmark's JSON")?;
    let c = &report["conditions"];
    println!(
        "\nSPA main page, cold, {} kbit/s down, {} ms RTT, CPU {}× slower, {}:",
        c["down_kbps"], c["rtt_ms"], c["cpu_slowdown"], c["viewport"]
    );
    println!(
        "{:>5} {:>10} {:>13} {:>7} {:>12} {:>9}  API calls",
        "load", "usable ms", "first screen", "app ms", "transferred", "requests"
    );
    for (i, l) in report["loads"].as_array().into_iter().flatten().enumerate() {
        let api: Vec<&str> = l["api"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let first = if l["first_screen"] == true {
            "yes"
        } else {
            "no"
        };
        println!(
            "{:>5} {:>10} {:>13} {:>7} {:>12} {:>9}  {}",
            i + 1,
            l["usable_ms"],
            first,
            l["app_ms"],
            l["transferred_bytes"],
            l["requests"],
            api.join(" ")
        );
        for e in l["errors"].as_array().into_iter().flatten() {
            println!("      console error: {e}");
        }
    }
    println!(
        "median: main page usable after {} ms (its figures and links), the app's page after {} ms",
        report["median_usable_ms"], report["median_app_ms"]
    );
    let saved = target_dir().join("bench/spa.json");
    std::fs::create_dir_all(target_dir().join("bench"))?;
    std::fs::write(&saved, serde_json::to_vec_pretty(&report)?)?;
    println!("saved to {}", saved.display());
    Ok(())
}
