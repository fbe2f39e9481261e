//! The `lk` command line: `serve` (default), `migrate`, `seed-demo`, `user create`, `openapi`.

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::startup::Application;

#[derive(Parser)]
#[command(
    name = "lk",
    version,
    about = "LKA — личный кабинет абонента: server and administration"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the SPA (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data: the company's content, demo accounts, a demo subscriber, operator
    /// and admin with known passwords (idempotent; refused with LK_ENV=production).
    SeedDemo,
    /// Load the reference company's content (FAQ, «О компании», payment methods, help tips,
    /// services, links, branches) where nothing is saved yet; safe in production.
    SeedContent,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The month close, for companies without a billing system of their own.
    Billing {
        #[command(subcommand)]
        command: BillingCommand,
    },
    /// Load the company's registry from a CSV file (columns named like the integration
    /// API's fields, `;` or `,` separated); every refused row is reported by line, field and
    /// reason. Exits with 1 when a row was refused.
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: crate::import::ImportKind,
        /// The CSV file (UTF-8).
        file: std::path::PathBuf,
        /// Check every row, the registry's references included, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export what subscribers did in the portal (readings, online payments) after a cursor,
    /// as a `;`-separated CSV file; prints the cursor for the next export.
    Export {
        #[arg(value_enum)]
        kind: crate::billing_export::ExportKind,
        /// The cursor the previous export printed (0 for everything).
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// The file to write (standard output when left out).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Manage integrators' API keys (the billing system, banks).
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Generate a synthetic registry for load testing (after `seed-demo`; the demo user gets
    /// three houses bound to the generated accounts). Only in builds with the `bench-data`
    /// feature (`cargo xtask bench`).
    #[cfg(feature = "bench-data")]
    BenchData {
        #[arg(long, default_value_t = 100_000)]
        accounts: i64,
        #[arg(long, default_value_t = 60)]
        months: u32,
        /// Also this many confirmed subscribers `bench-<k>@lk.example` (password
        /// `bench-password`), each with `--houses-each` houses of their own.
        #[arg(long, default_value_t = 0)]
        subscribers: i64,
        #[arg(long, default_value_t = 50)]
        houses_each: i64,
    },
}

/// The password of the `lk bench-data --subscribers` users (synthetic data only).
#[cfg(feature = "bench-data")]
const BENCH_PASSWORD: &str = "bench-password";

#[derive(Subcommand)]
enum UserCommand {
    /// Create a confirmed user.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, env = "LK_NEW_USER_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long, value_enum, default_value_t = Role::Subscriber)]
        role: Role,
        #[arg(long)]
        last_name: Option<String>,
        #[arg(long)]
        first_name: Option<String>,
    },
    /// List the operators and admins (or the users of one role).
    List {
        #[arg(long, value_enum)]
        role: Option<Role>,
    },
    /// Disable a user: every session ends at once and sign-in is refused.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum BillingCommand {
    /// Issue the month's invoices from readings and tariffs (the average or the norm where no
    /// reading came); idempotent per period, one run at a time across nodes.
    Close {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = parse_period)]
        period: chrono::NaiveDate,
    },
}

fn parse_period(s: &str) -> Result<chrono::NaiveDate, String> {
    lk_domain::integration::parse_period(s).ok_or_else(|| "expected YYYY-MM".to_owned())
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create a key and print it — once: only its hash is kept.
    Create {
        /// Who uses it (shown in lists and in every log line of its calls).
        #[arg(long)]
        name: String,
        /// What it may do; repeat for several.
        #[arg(long = "scope", required = true, value_parser = parse_scope)]
        scopes: Vec<lk_domain::ApiScope>,
    },
    /// List the keys (never the keys themselves).
    List,
    /// Revoke a key: refused on every node at once.
    Revoke {
        /// The key's id (from `lk api-key list`).
        #[arg(long)]
        id: i64,
    },
}

fn parse_scope(s: &str) -> Result<lk_domain::ApiScope, String> {
    lk_domain::ApiScope::parse(s).ok_or_else(|| {
        let all: Vec<&str> = lk_domain::ApiScope::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        format!("unknown scope; one of: {}", all.join(", "))
    })
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    Subscriber,
    Operator,
    Admin,
}

impl From<Role> for lk_domain::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Subscriber => lk_domain::Role::Subscriber,
            Role::Operator => lk_domain::Role::Operator,
            Role::Admin => lk_domain::Role::Admin,
        }
    }
}

pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        print!("{}", crate::openapi::document_json());
        return Ok(());
    }
    let config = Config::load()?;
    crate::telemetry::init(config.log_format);
    actix_web::rt::System::new().block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => {
                let app = Application::build(config).await?;
                app.run_until_stopped().await?;
            }
            Command::Migrate => {
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                println!("migrations applied");
            }
            Command::SeedDemo => {
                if config.env == crate::config::Environment::Production {
                    anyhow::bail!(
                        "seed-demo creates users with known passwords and is refused with LK_ENV=production; use `lk seed-content` for the content"
                    );
                }
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                let report = crate::seed::seed_demo(store.as_ref(), &config.company).await?;
                println!("{report}");
            }
            Command::User {
                command:
                    UserCommand::Create {
                        email,
                        password,
                        role,
                        last_name,
                        first_name,
                    },
            } => {
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                let user = crate::seed::create_user(
                    store.as_ref(),
                    &email,
                    &password,
                    role.into(),
                    last_name.as_deref(),
                    first_name.as_deref(),
                )
                .await?;
                println!(
                    "created user {} <{}> with role {}",
                    user.id, user.email, user.role
                );
            }
            Command::SeedContent => {
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                println!("{}", crate::seed_content::seed_content(store.as_ref(), &config.company).await?);
            }
            Command::User {
                command: UserCommand::List { role },
            } => {
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                let roles = match role {
                    Some(r) => vec![r.into()],
                    None => vec![lk_domain::Role::Operator, lk_domain::Role::Admin],
                };
                for u in store.users_with_roles(&roles).await? {
                    let name = [u.last_name.as_deref(), u.first_name.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        u.id,
                        u.email,
                        u.role,
                        if u.disabled_at.is_some() { "disabled" } else { "active" },
                        name
                    );
                }
            }
            Command::User {
                command: ref c @ (UserCommand::Disable { .. } | UserCommand::Enable { .. }),
            } => {
                let (email, disabled) = match c {
                    UserCommand::Disable { email } => (email, true),
                    UserCommand::Enable { email } => (email, false),
                    _ => unreachable!("matched above"),
                };
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                let email = lk_domain::Email::parse(email)
                    .map_err(|e| anyhow::anyhow!("e-mail: {e}"))?;
                let user = store
                    .user_by_email(&email.normalized())
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no user with e-mail {email}"))?;
                store
                    .set_user_disabled(user.id, disabled, false, chrono::Utc::now())
                    .await?;
                println!(
                    "user {} <{}> {}",
                    user.id,
                    user.email,
                    if disabled { "disabled; every session ended" } else { "enabled" }
                );
            }
            #[cfg(feature = "bench-data")]
            Command::BenchData {
                accounts,
                months,
                subscribers,
                houses_each,
            } => {
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                crate::seed::seed_demo(store.as_ref(), &config.company).await?;
                let demo = store
                    .user_by_email(crate::seed::DEMO_EMAIL)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no demo user"))?;
                let started = std::time::Instant::now();
                let bench = crate::db::connect_bench(&config.database_url).await?;
                bench
                    .generate_bench_data(demo.id, accounts, months, config.today())
                    .await?;
                if subscribers > 0 {
                    anyhow::ensure!(
                        (1..=1000).contains(&houses_each)
                            && subscribers.saturating_mul(houses_each) <= accounts,
                        "--subscribers × --houses-each must not exceed --accounts"
                    );
                    let hash = tokio::task::spawn_blocking(|| {
                        crate::security::password::hash_blocking(BENCH_PASSWORD)
                    })
                    .await??;
                    let created = bench
                        .generate_bench_subscribers(subscribers, houses_each, &hash)
                        .await?;
                    println!("{created} subscribers bench-<k>@lk.example / {BENCH_PASSWORD}, {houses_each} houses each");
                }
                bench.settle().await?;
                println!(
                    "generated {accounts} accounts × {months} months in {:.1} s (checkpointed, statistics current)",
                    started.elapsed().as_secs_f64()
                );
            }
            Command::Billing {
                command: BillingCommand::Close { period },
            } => {
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                let today = config.today();
                if period.format("%Y-%m").to_string() == today.format("%Y-%m").to_string() {
                    eprintln!(
                        "note: {} has not ended yet; readings submitted after this close are billed next month",
                        period.format("%Y-%m")
                    );
                }
                let outcome = crate::billing::close_period(
                    store.as_ref(),
                    period,
                    today,
                    config.billing.norm_kwh_per_resident,
                    &mut crate::progress::Console::new(
                        format!("billing close {}", period.format("%Y-%m")),
                        "accounts",
                    ),
                )
                .await?;
                match outcome {
                    crate::billing::CloseOutcome::Closed(summary) => println!("{summary}"),
                    crate::billing::CloseOutcome::AlreadyClosed(summary) => {
                        println!("already closed; nothing changed\n{summary}")
                    }
                }
            }
            Command::Import {
                kind,
                file,
                dry_run,
            } => {
                let text = std::fs::read_to_string(&file).map_err(|e| {
                    anyhow::anyhow!("{}: {e} (a UTF-8 text file is expected)", file.display())
                })?;
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                let report = crate::import::import_csv(
                    store.as_ref(),
                    kind,
                    &text,
                    dry_run,
                    &mut crate::progress::Console::new(
                        format!("import {}", file.display()),
                        "rows",
                    ),
                )
                .await?;
                println!("{report}");
                anyhow::ensure!(report.refused == 0, "{} row(s) refused", report.refused);
            }
            Command::Export { kind, after, out } => {
                anyhow::ensure!(after >= 0, "--after is a cursor printed by a previous export (0 or more)");
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                let (rows, next) = match &out {
                    Some(path) => {
                        let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(
                            |e| anyhow::anyhow!("{}: {e}", path.display()),
                        )?);
                        crate::billing_export::export_csv(store.as_ref(), kind, after, &mut file).await?
                    }
                    None => {
                        let mut stdout = std::io::stdout().lock();
                        crate::billing_export::export_csv(store.as_ref(), kind, after, &mut stdout).await?
                    }
                };
                eprintln!("{rows} row(s) exported; next time pass --after {next}");
            }
            Command::ApiKey { command } => {
                let store = crate::db::connect(&config.database_url).await?;
                store.migrate().await?;
                match command {
                    ApiKeyCommand::Create { name, scopes } => {
                        let name = lk_domain::integration::parse_key_name(&name)
                            .map_err(|e| anyhow::anyhow!("name: {e}"))?;
                        let (key, prefix, hash) = crate::security::tokens::new_api_key();
                        let record = store
                            .create_api_key(&name, &prefix, &hash, &scopes, chrono::Utc::now())
                            .await
                            .map_err(|e| match e {
                                crate::db::StoreError::Conflict(crate::db::Constraint::ApiKeyName) => {
                                    anyhow::anyhow!("a live key is named {name:?}; revoke it or choose another name")
                                }
                                e => e.into(),
                            })?;
                        eprintln!(
                            "created API key {} {:?} with scopes {}; it is shown this once:",
                            record.id,
                            record.name,
                            lk_domain::ApiScope::join(&record.scopes)
                        );
                        println!("{key}");
                    }
                    ApiKeyCommand::List => {
                        for k in store.api_keys().await? {
                            println!(
                                "{}\t{}\t{}…\t{}\t{}\t{}",
                                k.id,
                                k.name,
                                k.prefix,
                                lk_domain::ApiScope::join(&k.scopes),
                                k.last_used_at
                                    .map_or("never used".to_owned(), |t| format!("last used {}", t.format("%Y-%m-%d %H:%M"))),
                                if k.revoked_at.is_some() { "revoked" } else { "live" }
                            );
                        }
                    }
                    ApiKeyCommand::Revoke { id } => {
                        if !store.revoke_api_key(id, chrono::Utc::now()).await? {
                            anyhow::bail!("no live API key with id {id}");
                        }
                        println!("API key {id} revoked");
                    }
                }
            }
            Command::Openapi => unreachable!("handled above"),
        }
        Ok(())
    })
}
