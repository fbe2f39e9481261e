//! Building and running the application: `Application::build` binds (port 0 in tests) and
//! returns before serving, so callers can read the real port.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context as _;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::{Config, Environment};
use crate::db::{self, Store};
use crate::state::AppState;
use crate::web::Spa;
use crate::{error, mail, payments};

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    transport: Option<mail::Transport>,
}

impl Application {
    /// Checks the configuration, connects to the database, applies migrations and binds
    /// `config.addr`. Every error names the setting, address or path involved.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let store = db::connect(&config.database_url).await.with_context(|| {
            format!(
                "could not open the database at {}",
                db::redacted(&config.database_url)
            )
        })?;
        store.migrate().await.with_context(|| {
            format!(
                "could not migrate the database at {}",
                db::redacted(&config.database_url)
            )
        })?;
        Self::build_with_store(config, store).await
    }

    /// Like [`Application::build`] with an already migrated store.
    pub async fn build_with_store(config: Config, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        if config.env == Environment::Production {
            config.validate()?;
        } else {
            for hazard in config.development_hazards() {
                tracing::warn!("DEVELOPMENT MODE (LK_ENV=development), never expose it: {hazard}");
            }
        }
        let secret = config.jwt_secret()?;
        let listener = TcpListener::bind(&config.addr)
            .with_context(|| format!("could not listen on {} (LK_ADDR)", config.addr))?;
        let port = listener.local_addr()?.port();
        config.check_payee()?;
        let state = AppState::new(config, store, &secret, port)?;
        let transport = mail::Transport::from_config(&state.config)?;
        let spa = web::Data::new(Spa::load(
            &state.config.static_dir,
            state.config.behind_https(),
        ));
        let openapi = crate::openapi::document();
        let allowed_methods = web::Data::new(crate::web::AllowedMethods::from_document(&openapi));
        let data = web::Data::new(state.clone());
        let json_limit = state.config.json_limit_bytes;
        tracing::info!(addr = %state.config.addr, port, env = ?state.config.env, backend = ?state.store.backend(), spa_built = spa.is_built(), "listening");

        let server = HttpServer::new(move || {
            let app = App::new()
                .into_utoipa_app()
                .app_data(data.clone())
                .app_data(spa.clone())
                .app_data(allowed_methods.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(json_limit)
                        .error_handler(error::json_error),
                )
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(web::QueryConfig::default().error_handler(error::query_error));
            let (app, _) = crate::routes::mount(app).split_for_parts();
            app.service(
                SwaggerUi::new("/swagger-ui/{_:.*}").url("/api/openapi.json", openapi.clone()),
            )
            .route(
                "/swagger-ui",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header(("location", "/swagger-ui/"))
                        .finish()
                }),
            )
            .route("/api/{tail:.*}", web::to(crate::web::api_not_found))
            .route("/sandbox/pay/{id}", web::get().to(payments::sandbox_page))
            .route(
                "/sandbox/pay/{id}",
                web::post().to(payments::sandbox_page_submit),
            )
            .service(crate::web::spa_service(&spa))
            .wrap(from_fn(crate::web::method_not_allowed))
            .wrap(from_fn(crate::web::precompressed))
            .wrap(ErrorHandlers::new().default_handler(error::problem_for_bare_errors))
            .wrap(from_fn(crate::compress::compress))
            .wrap(from_fn(crate::web::security_headers))
            .wrap(from_fn(crate::telemetry::observe))
        })
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Self {
            port,
            server,
            state,
            transport: Some(transport),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests (graceful shutdown).
    /// The background jobs (mail sender, payment re-check, reminders, housekeeping) run beside it; they
    /// claim their work in the database, so any number of nodes may run them.
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        if let Some(transport) = self.transport.take() {
            actix_web::rt::spawn(mail::run_sender(self.state.mail.clone(), transport));
        }
        spawn_housekeeping(self.state.store.clone());
        spawn_payment_recheck(self.state.clone());
        if self.state.config.reminder_interval_secs > 0 {
            let every = std::time::Duration::from_secs(self.state.config.reminder_interval_secs);
            actix_web::rt::spawn(crate::reminders::run_job(self.state.clone(), every));
        }
        let served = self.server.await;
        // In-flight requests are done: let the database see the connections go.
        self.state.store.close().await;
        served
    }
}

/// Asks the acquirer about payments left unsettled for two minutes (a lost notification, a
/// window closed on the acquirer's page), every `recheck_interval_secs`.
fn spawn_payment_recheck(state: AppState) {
    let every = std::time::Duration::from_secs(state.config.payments.recheck_interval_secs.max(5));
    let again = chrono::Duration::from_std(every).unwrap_or(chrono::Duration::minutes(1));
    actix_web::rt::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            payments::recheck_unsettled(&state, chrono::Utc::now(), again).await;
        }
    });
}

/// Prunes stale throttling counters and idempotency keys once an hour.
fn spawn_housekeeping(store: Arc<dyn Store>) {
    actix_web::rt::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let now = chrono::Utc::now();
            match store.throttle_prune(now.timestamp() - 86_400).await {
                Ok(n) if n > 0 => tracing::info!(pruned = n, "throttle counters pruned"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "throttle prune failed"),
            }
            match store
                .prune_idempotent(now.timestamp_millis() - 86_400_000)
                .await
            {
                Ok(n) if n > 0 => tracing::info!(pruned = n, "idempotency keys pruned"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "idempotency key prune failed"),
            }
            match store.prune_login_challenges(now).await {
                Ok(n) if n > 0 => tracing::info!(pruned = n, "sign-in challenges pruned"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sign-in challenge prune failed"),
            }
            // Delivered mail is kept a month for operators' questions, then forgotten.
            match store
                .prune_mails(now.timestamp_millis() - 30 * 86_400_000)
                .await
            {
                Ok(n) if n > 0 => tracing::info!(pruned = n, "old mail pruned"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "mail prune failed"),
            }
        }
    });
}
