//! The Prometheus metrics of a node, exported at `/metrics` by [`crate::ops`].

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// Everything exported at `/metrics`: HTTP traffic by route, the process, the database pool
/// and what the business cares about. Every label has a bounded set of values.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    logins: IntCounterVec,
    throttled: IntCounterVec,
    readings: IntCounter,
    payments_credited: IntCounter,
    mails: IntCounterVec,
    contact_requests: IntCounterVec,
    request_actions: IntCounterVec,
    integration_items: IntCounterVec,
    password_hashes: IntCounterVec,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("lk".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["method", "route"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database pool connections by state (open, idle, max)",
            ),
            &["state"],
        )?;
        let logins = IntCounterVec::new(
            Opts::new("logins_total", "Sign-in attempts by outcome (ok, failed)"),
            &["outcome"],
        )?;
        let throttled = IntCounterVec::new(
            Opts::new("throttled_total", "Requests refused by a throttling rule"),
            &["rule"],
        )?;
        let readings = IntCounter::new("readings_submitted_total", "Meter readings stored")?;
        let payments_credited = IntCounter::new(
            "payments_credited_total",
            "Online payments credited to accounts",
        )?;
        let mails = IntCounterVec::new(
            Opts::new(
                "mails_total",
                "Outgoing e-mails by outcome (queued, sent, retried, failed)",
            ),
            &["outcome"],
        )?;
        let contact_requests = IntCounterVec::new(
            Opts::new(
                "contact_requests_total",
                "Requests to the company received, by kind (question, support, change, service_order)",
            ),
            &["kind"],
        )?;
        let request_actions = IntCounterVec::new(
            Opts::new(
                "request_actions_total",
                "Operators' actions on requests, by the status after them",
            ),
            &["status"],
        )?;
        let integration_items = IntCounterVec::new(
            Opts::new(
                "integration_items_total",
                "Items of the integration API's batches, by kind and result",
            ),
            &["kind", "result"],
        )?;
        let password_hashes = IntCounterVec::new(
            Opts::new(
                "password_hashes_total",
                "Password hashes by how they were scheduled (immediate, queued) or refused (queue_full, waited_too_long)",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(password_hashes.clone()))?;
        registry.register(Box::new(integration_items.clone()))?;
        registry.register(Box::new(contact_requests.clone()))?;
        registry.register(Box::new(request_actions.clone()))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        registry.register(Box::new(logins.clone()))?;
        registry.register(Box::new(throttled.clone()))?;
        registry.register(Box::new(readings.clone()))?;
        registry.register(Box::new(payments_credited.clone()))?;
        registry.register(Box::new(mails.clone()))?;
        #[cfg(target_os = "linux")]
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool,
            logins,
            throttled,
            readings,
            payments_credited,
            mails,
            contact_requests,
            request_actions,
            integration_items,
            password_hashes,
        })
    }

    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }

    /// Counts a finished request. Methods outside the standard set count as `OTHER` and
    /// unmatched paths as `unmatched`, so nobody can grow the label space from outside.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let method = bounded_method(method);
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    pub fn login(&self, ok: bool) {
        self.logins
            .with_label_values(&[if ok { "ok" } else { "failed" }])
            .inc();
    }

    /// `rule` is one of the static rule names.
    pub fn throttled(&self, rule: &'static str) {
        self.throttled.with_label_values(&[rule]).inc();
    }

    pub fn reading_submitted(&self) {
        self.readings.inc();
    }

    pub fn payment_credited(&self) {
        self.payments_credited.inc();
    }

    /// `outcome`: `queued`, `sent`, `retried` or `failed`.
    pub fn mail(&self, outcome: &'static str) {
        self.mails.with_label_values(&[outcome]).inc();
    }

    pub fn contact_request(&self, kind: lk_domain::RequestKind) {
        self.contact_requests
            .with_label_values(&[kind.as_str()])
            .inc();
    }

    pub fn request_action(&self, status: lk_domain::RequestStatus) {
        self.request_actions
            .with_label_values(&[status.as_str()])
            .inc();
    }

    pub fn integration_items(&self, kind: &str, result: lk_domain::ItemResult, n: usize) {
        self.integration_items
            .with_label_values(&[kind, result.as_str()])
            .inc_by(n as u64);
    }

    /// `outcome`: `immediate`, `queued`, `queue_full` or `waited_too_long`.
    pub fn password_hash(&self, outcome: &'static str) {
        self.password_hashes.with_label_values(&[outcome]).inc();
    }

    pub fn set_pool(&self, stats: crate::db::PoolStats) {
        self.pool
            .with_label_values(&["open"])
            .set(stats.open.into());
        self.pool
            .with_label_values(&["idle"])
            .set(i64::try_from(stats.idle).unwrap_or(i64::MAX));
        self.pool.with_label_values(&["max"]).set(stats.max.into());
    }
}

fn bounded_method(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "OTHER",
    }
}
