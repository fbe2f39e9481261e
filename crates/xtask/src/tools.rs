//! Installing what a fresh Debian/Ubuntu machine with Rust lacks, without downloading anything
//! but crates, npm and Debian packages. Tool versions come from Cargo.lock and Trunk.toml.

use std::env;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::{cmd, root, status};

const TRUNK_VERSION: &str = "~0.21";
const BINARYEN_VERSION: &str = "132.0.0";
/// Splits the SPA into lazily loaded chunks (see split.rs); the runtime half comes with Leptos.
const WASM_SPLIT_VERSION: &str = "0.2.4";
/// cargo-deny: 0.20.2 needs rustc ≥ 1.88 and builds with --locked on 1.95.
const CARGO_DENY_VERSION: &str = "0.20.2";

/// Where npm-installed tools live (kept outside the clone so CI reuses them).
fn tools_dir() -> PathBuf {
    env::var_os("LK_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/lk-tools")))
        .unwrap_or_else(|| root().join("target/tools"))
}

fn binaryen_bin() -> PathBuf {
    tools_dir().join("binaryen/node_modules/.bin")
}

/// Puts the pinned tools first on PATH and forbids Trunk from downloading its own.
pub fn tool_env(c: &mut Command) {
    let path = env::var_os("PATH").unwrap_or_default();
    let mut parts = vec![binaryen_bin()];
    if let Some(home) = env::var_os("HOME") {
        parts.push(PathBuf::from(home).join(".cargo/bin"));
    }
    parts.extend(env::split_paths(&path));
    if let Ok(joined) = env::join_paths(parts) {
        c.env("PATH", joined);
    }
    c.env("TRUNK_OFFLINE", "true");
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let mut c = Command::new(program);
    c.args(args).stderr(Stdio::null());
    tool_env(&mut c);
    let out = c.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn have(program: &str) -> bool {
    output(program, &["--version"]).is_some()
}

/// `apt-get install` for missing Debian packages (as root, or through sudo).
pub fn ensure_apt(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = output("id", &["-u"]).as_deref() == Some("0");
    let prefix: Vec<&str> = if is_root { vec![] } else { vec!["sudo"] };
    let run = |args: &[&str]| {
        let mut all = prefix.clone();
        all.extend_from_slice(args);
        let mut c = cmd(all[0], &all[1..]);
        c.env("DEBIAN_FRONTEND", "noninteractive");
        status(c)
    };
    run(&["apt-get", "update", "-qq"])?;
    let mut args = vec!["apt-get", "install", "-y", "-qq", "--no-install-recommends"];
    args.extend(missing.iter().copied());
    run(&args).with_context(|| format!("installing {}", missing.join(" ")))
}

/// The wasm-bindgen version the frontend is built with (from Cargo.lock).
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

/// wasm32 target, Trunk, wasm-bindgen-cli (Cargo.lock's version), wasm-split-cli and wasm-opt
/// (npm binaryen).
pub fn ensure_spa_tools() -> Result<()> {
    if !output("rustup", &["target", "list", "--installed"])
        .is_some_and(|t| t.lines().any(|l| l == "wasm32-unknown-unknown"))
    {
        status(cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if !output("trunk", &["--version"]).is_some_and(|v| v.starts_with("trunk 0.21")) {
        status(cmd(
            "cargo",
            &["install", "trunk", "--version", TRUNK_VERSION, "--locked"],
        ))?;
    }
    let wb = locked_wasm_bindgen()?;
    let trunk_toml = std::fs::read_to_string(root().join("Trunk.toml"))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{wb}\"")) {
        bail!("Trunk.toml [tools] wasm_bindgen must be \"{wb}\", the version in Cargo.lock");
    }
    if output("wasm-bindgen", &["--version"]).as_deref() != Some(&format!("wasm-bindgen {wb}")) {
        // Not --locked: wasm-bindgen-cli's own lock file asks for a newer rustc.
        status(cmd(
            "cargo",
            &["install", "wasm-bindgen-cli", "--version", &wb, "--force"],
        ))?;
    }
    // The tool has no --version; cargo knows what it installed.
    if !output("cargo", &["install", "--list"])
        .is_some_and(|l| l.contains(&format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:")))
    {
        status(cmd(
            "cargo",
            &[
                "install",
                "wasm_split_cli_support",
                "--version",
                WASM_SPLIT_VERSION,
                "--features",
                "build-binary",
                "--locked",
            ],
        ))?;
    }
    if !have("npm") {
        ensure_apt(&["nodejs", "npm"])?;
    }
    let wasm_opt = binaryen_bin().join("wasm-opt");
    let ok = Command::new(&wasm_opt)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("version 132"));
    if !ok {
        // Debian's binaryen (108) emits modules Chromium rejects; npm's 132 is known good.
        let dir = tools_dir().join("binaryen");
        std::fs::create_dir_all(&dir)?;
        let mut c = cmd("npm", &["install", "--no-audit", "--no-fund", "--prefix"]);
        c.arg(&dir).arg(format!("binaryen@{BINARYEN_VERSION}"));
        status(c)?;
    }
    Ok(())
}

/// cargo-deny at the pinned version, only when missing: `cargo install --locked` takes about
/// 4½ CPU-minutes (4–10 min on two cores, depending on what else builds); then
/// `cargo deny check licenses bans sources` takes about 3 s.
pub fn ensure_cargo_deny() -> Result<()> {
    let want = format!("cargo-deny {CARGO_DENY_VERSION}");
    if output("cargo", &["deny", "--version"]).as_deref() != Some(want.as_str()) {
        status(cmd(
            "cargo",
            &[
                "install",
                "cargo-deny",
                "--version",
                CARGO_DENY_VERSION,
                "--locked",
                "--force",
            ],
        ))?;
    }
    Ok(())
}

/// Chromium from Debian and the Playwright test runner from npm (never its browser download).
pub fn ensure_browser_test_tools() -> Result<()> {
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        ensure_apt(&["chromium"])?;
    }
    let e2e = root().join("e2e");
    if !e2e.join("node_modules/@playwright/test").exists() {
        let mut c = cmd("npm", &["ci", "--no-audit", "--no-fund"]);
        c.current_dir(&e2e)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        status(c)?;
    }
    Ok(())
}

/// Python tools of the API contract test, pinned; kept in a venv outside the clone.
const PYTHON_TOOLS: [&str; 3] = [
    "openapi-spec-validator==0.9.0",
    "openapi-python-client==0.29.1",
    "schemathesis==4.32.5",
];

/// The venv of [`PYTHON_TOOLS`]; its `bin/` holds their commands.
pub fn python_tools_dir() -> PathBuf {
    tools_dir().join("py")
}

/// Creates the venv and installs [`PYTHON_TOOLS`] into it when they are missing or of another
/// version (`pip freeze` tells).
pub fn ensure_python_tools() -> Result<()> {
    let venv = python_tools_dir();
    let python = venv.join("bin/python");
    let installed = Command::new(&python)
        .args(["-m", "pip", "freeze"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_lowercase())
        .unwrap_or_default();
    if PYTHON_TOOLS
        .iter()
        .all(|t| installed.lines().any(|l| l == t.to_lowercase()))
    {
        return Ok(());
    }
    if !python.exists() {
        if !have("python3") {
            ensure_apt(&["python3", "python3-venv"])?;
        }
        let mut c = cmd("python3", &["-m", "venv"]);
        c.arg(&venv);
        status(c)?;
    }
    let mut c = Command::new(&python);
    c.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ])
    .args(PYTHON_TOOLS);
    status(c)
}

const PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn pg_ready() -> bool {
    Command::new("pg_isready")
        .args(["-h", "127.0.0.1", "-p", "5432", "-q"])
        .status()
        .is_ok_and(|s| s.success())
}

/// The URL of a running local PostgreSQL, starting (or, under CI, installing) it when needed.
/// `None` means "skip PostgreSQL tests" — never under CI.
pub fn postgres(ci: bool) -> Result<Option<String>> {
    let url = env::var("LK_TEST_PG_URL").unwrap_or_else(|_| PG_URL.to_owned());
    if env::var("LK_TEST_PG_URL").is_ok() {
        return Ok(Some(url));
    }
    if !have("pg_isready") && ci {
        ensure_apt(&["postgresql"])?;
    }
    if !pg_ready() {
        if let Ok(versions) = std::fs::read_dir("/etc/postgresql") {
            for v in versions.flatten() {
                let v = v.file_name().to_string_lossy().into_owned();
                let _ = Command::new("pg_ctlcluster")
                    .args(["--skip-systemctl-redirect", &v, "main", "start"])
                    .status();
            }
        }
        for _ in 0..20 {
            if pg_ready() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    }
    if pg_ready() {
        Ok(Some(url))
    } else if ci {
        bail!("PostgreSQL is required under CI=true but is not reachable at 127.0.0.1:5432")
    } else {
        Ok(None)
    }
}

/// Drops the throwaway databases the tests created.
pub fn drop_test_databases(url: &str) {
    let list = Command::new("psql")
        .args([
            url,
            "-At",
            "-c",
            "SELECT datname FROM pg_database WHERE datname LIKE 'lk_test_%'",
        ])
        .output();
    if let Ok(out) = list {
        for db in String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.is_empty())
        {
            let _ = Command::new("psql")
                .args([
                    url,
                    "-q",
                    "-c",
                    &format!("DROP DATABASE IF EXISTS \"{db}\""),
                ])
                .status();
        }
    }
}
