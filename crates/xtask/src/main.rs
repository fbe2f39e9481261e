//! Project automation, run as `cargo xtask <command>`:
//!
//! * `run` — installs what is missing, builds the SPA (release), loads the demo data and
//!   serves everything on SQLite at http://127.0.0.1:8080;
//! * `test` — fmt, `deploy-check`, clippy, every Rust test on SQLite and PostgreSQL, the
//!   OpenAPI drift check, the API contract (a third-party validator, a generated client's
//!   journey, schemathesis), the SPA release build and the browser tests;
//! * `openapi` — rewrites `openapi/openapi.json`;
//! * `deploy-check` — the dependency policy (`cargo deny`, deny.toml) and the files of deploy/
//!   (`nginx -t`, `systemd-analyze verify`), also part of `test`;
//! * `bench` — load test of the main page, the history and the stack's ceiling (see bench.rs);
//!   `bench billing` the integration API and the month close; `bench spa` the SPA's cold load on
//!   an emulated slow phone; `bench peak` the morning login storm and the reading rush.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

mod bench;
mod bench_billing;
mod bench_peak;
mod bench_spa;
mod deploy;
mod first_screen;
mod precompress;
mod split;
mod tools;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(),
        Some("test") => test(),
        Some("openapi") => openapi(),
        Some("api-contract") => api_contract(),
        Some("bench") => match args.get(1).map(String::as_str) {
            Some("billing") => bench_billing::run(&args[2..]),
            Some("peak") => bench_peak::run(&args[2..]),
            Some("spa") => bench_spa::run(&args[2..]),
            _ => bench::run(&args[1..]),
        },
        Some("spa") => tools::ensure_spa_tools().and_then(|_| build_spa()),
        Some("deploy-check") => deploy_check(),
        _ => {
            eprintln!("usage: cargo xtask <run|test|openapi|api-contract|bench|spa|deploy-check>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (the workspace of this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

/// Cargo's target directory (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root().join(p) })
        .unwrap_or_else(|| root().join("target"))
}

fn is_ci() -> bool {
    env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Runs a command in the repository root, failing with its name if it fails.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root());
    c
}

pub fn status(mut c: Command) -> Result<()> {
    let shown = format!("{:?}", c).replace('"', "");
    eprintln!("\n==> {shown}");
    let st = c
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !st.success() {
        bail!("failed: {shown} ({st})");
    }
    Ok(())
}

fn step(title: &str) {
    eprintln!("\n================ {title} ================");
}

pub(crate) fn build_spa() -> Result<()> {
    step("SPA release build (Trunk)");
    let mut c = cmd("trunk", &["build", "--release"]);
    tools::tool_env(&mut c);
    status(c)?;
    let index = root().join("dist/index.html");
    anyhow::ensure!(index.exists(), "trunk produced no dist/index.html");
    step("SPA split into lazily loaded chunks");
    let split = split::dist(&root().join("dist"))?;
    eprintln!(
        "main module {} bytes; {} chunks, {} bytes",
        split.main_bytes, split.chunks, split.chunk_bytes
    );
    let texts = first_screen::script(&root().join("frontend/locales"))?;
    let html = std::fs::read_to_string(&index)?;
    anyhow::ensure!(html.contains("</head>"), "dist/index.html has no </head>");
    std::fs::write(
        &index,
        html.replacen("</head>", &format!("<script>{texts}</script>\n</head>"), 1),
    )?;
    let started = std::time::Instant::now();
    let (files, bytes, gz, br) = precompress::dir(&root().join("dist"))?;
    eprintln!(
        "precompressed {files} files of dist/ ({bytes} bytes → gzip {gz}, brotli {br}) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run() -> Result<()> {
    tools::ensure_spa_tools()?;
    build_spa()?;
    step("server (release build)");
    status(cmd(
        "cargo",
        &["build", "--release", "-p", "lk-server", "--bin", "lk"],
    ))?;
    let lk = target_dir().join("release/lk");
    let lk = lk.to_string_lossy();
    step("demo data");
    status(cmd(&lk, &["seed-demo"]))?;
    step("serving");
    eprintln!("\n  Личный кабинет абонента:  http://127.0.0.1:8080");
    eprintln!("  Демо-вход:                demo@lk.example / demo-password");
    eprintln!("  Swagger UI:               http://127.0.0.1:8080/swagger-ui/");
    eprintln!("  Письма (dev mailbox):     http://127.0.0.1:8080/api/v1/dev/mailbox\n");
    status(cmd(&lk, &["serve"]))
}

fn openapi() -> Result<()> {
    let out = cmd(
        "cargo",
        &[
            "run",
            "-q",
            "-p",
            "lk-server",
            "--bin",
            "lk",
            "--",
            "openapi",
        ],
    )
    .output()?;
    if !out.status.success() {
        bail!(
            "lk openapi failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::write(root().join("openapi/openapi.json"), &out.stdout)?;
    eprintln!("openapi/openapi.json rewritten");
    Ok(())
}

/// Licenses, bans and sources of every dependency (deny.toml), then deploy/'s files.
fn deploy_check() -> Result<()> {
    step("dependencies: licenses, bans, sources (cargo deny, deny.toml)");
    tools::ensure_cargo_deny()?;
    status(cmd(
        "cargo",
        &[
            "deny",
            "--locked",
            "check",
            "--hide-inclusion-graph",
            "licenses",
            "bans",
            "sources",
        ],
    ))?;
    step("deploy/: nginx -t, systemd-analyze verify");
    deploy::check()
}

/// The API contract, by third-party tools (pinned in `tools::ensure_python_tools`): the
/// committed document validates (openapi-spec-validator); a client generated from it
/// (openapi-python-client) takes the demo user through a journey (`openapi/tests/journey.py`);
/// schemathesis finds no failure with every check (`openapi/tests/schemathesis.toml`). Against a
/// debug `lk serve` on a throwaway SQLite database with the demo data.
fn api_contract() -> Result<()> {
    step("API contract: OpenAPI validator, generated client, schemathesis");
    let started = std::time::Instant::now();
    tools::ensure_python_tools()?;
    let bin = tools::python_tools_dir().join("bin");
    let spec = root().join("openapi/openapi.json");
    let tests = root().join("openapi/tests");
    let mut c = Command::new(bin.join("openapi-spec-validator"));
    c.arg(&spec);
    status(c)?;

    let work = target_dir().join("api-contract");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let mut c = Command::new(bin.join("openapi-python-client"));
    c.args(["generate", "--meta", "none", "--fail-on-warning", "--path"])
        .arg(&spec)
        .arg("--output-path")
        .arg(work.join("client/lk_client"))
        .arg("--config")
        .arg(tests.join("client-config.yaml"));
    status(c)?;

    status(cmd("cargo", &["build", "-p", "lk-server", "--bin", "lk"]))?;
    let server = LiveServer::start(&work)?;
    let base = format!("http://127.0.0.1:{}", server.port);
    let ids = work.join("journey.json");
    let mut c = Command::new(bin.join("python"));
    c.arg(tests.join("journey.py"))
        .arg(&base)
        .arg(work.join("client"))
        .arg(&ids);
    status(c)?;
    let ids: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&ids)?)?;

    let mut c = Command::new(bin.join("schemathesis"));
    c.arg("--config-file")
        .arg(tests.join("schemathesis.toml"))
        .args(["--no-color", "run"])
        .arg(format!("{base}/api/openapi.json"))
        .arg("--report-dir")
        .arg(work.join("schemathesis-report"))
        .env(
            "LK_ST_ACCOUNT",
            ids["account_number"].as_str().unwrap_or_default(),
        )
        .current_dir(&work);
    status(c)?;
    drop(server);
    eprintln!(
        "API contract checked in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `lk serve` (debug build) on a free port with a fresh SQLite database holding the demo data;
/// stopped when dropped.
struct LiveServer {
    child: std::process::Child,
    port: u16,
}

impl LiveServer {
    fn start(work: &Path) -> Result<Self> {
        use std::io::{BufRead, BufReader};
        let lk = target_dir().join("debug/lk");
        let data = work.join("data");
        std::fs::create_dir_all(&data)?;
        let env = |c: &mut Command| {
            c.env(
                "DATABASE_URL",
                format!("sqlite://{}", data.join("lk.sqlite3").display()),
            )
            .env("LK_DATA_DIR", &data)
            .env("LK_STATIC_DIR", &data)
            .env("LK_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn,lk_server=info")
            .env("LK_COOKIE_SECURE", "false")
            .current_dir(work);
        };
        let mut seed = Command::new(&lk);
        seed.arg("seed-demo");
        env(&mut seed);
        status(seed)?;
        let mut serve = Command::new(&lk);
        serve
            .arg("serve")
            .env("LK_ADDR", "127.0.0.1:0")
            .stdout(std::process::Stdio::piped());
        env(&mut serve);
        let mut child = serve.spawn().context("starting lk serve")?;
        let stdout = child.stdout.take().context("lk serve's output")?;
        let mut lines = BufReader::new(stdout).lines();
        let port = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                bail!("lk serve stopped before listening");
            };
            let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            if v["message"] == "listening" {
                if let Some(port) = v["port"].as_u64().and_then(|p| u16::try_from(p).ok()) {
                    break port;
                }
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, port })
    }
}

impl Drop for LiveServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn test() -> Result<()> {
    step("format");
    status(cmd("cargo", &["fmt", "--all", "--", "--check"]))?;
    deploy_check()?;

    tools::ensure_spa_tools()?;
    step("clippy");
    status(cmd(
        "cargo",
        &["clippy", "--all-targets", "--", "-D", "warnings"],
    ))?;
    status(cmd(
        "cargo",
        &[
            "clippy",
            "-p",
            "lk-frontend",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ],
    ))?;

    step("Rust tests on SQLite and PostgreSQL (+ OpenAPI drift check)");
    // The receipt tests read PDFs back: text with poppler, the QR code with zbar.
    tools::ensure_apt(&["poppler-utils", "zbar-tools"])?;
    let pg = tools::postgres(is_ci())?;
    let mut c = cmd(
        "cargo",
        &["test", "--workspace", "--exclude", "lk-frontend"],
    );
    match &pg {
        Some(url) => {
            c.env("LK_TEST_PG_URL", url);
        }
        None => {
            eprintln!("\n!!!!!!!! PostgreSQL is not available: its tests are SKIPPED (CI=true makes this a failure) !!!!!!!!\n");
            c.env("LK_TEST_SKIP_PG", "1");
        }
    }
    let tests = status(c);
    if let Some(url) = &pg {
        tools::drop_test_databases(url);
    }
    tests?;

    api_contract()?;

    build_spa()?;

    step("browser tests (Playwright, Debian's Chromium)");
    status(cmd("cargo", &["build", "-p", "lk-server", "--bin", "lk"]))?;
    tools::ensure_browser_test_tools()?;
    let mut c = cmd("npx", &["playwright", "test"]);
    c.current_dir(root().join("e2e"));
    c.env("LK_BIN", target_dir().join("debug/lk"));
    status(c)?;
    eprintln!("\nall checks passed");
    Ok(())
}
