//! Logging and request observation: `tracing`, pretty for development, JSON lines in
//! production (`RUST_LOG` filters); one span per request carrying its id and client address,
//! one access-log line per request, and the request metrics.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use tracing::Instrument;
use tracing_subscriber::{fmt, EnvFilter};

use crate::client::ClientInfo;
use crate::config::LogFormat;
use crate::state::AppState;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,actix_server=warn"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// Middleware, outermost: decides who the client is (see [`crate::client`]), runs the request
/// inside a span with its id and client address, answers with `x-request-id`, writes the
/// access-log line and counts the request.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let client = match &state {
        Some(s) => ClientInfo::resolve(
            req.peer_addr().map(|a| a.ip()),
            req.headers(),
            &s.config.trusted_proxies,
            s.config.forwarded_header,
        ),
        None => ClientInfo::resolve(
            req.peer_addr().map(|a| a.ip()),
            req.headers(),
            &Default::default(),
            Default::default(),
        ),
    };
    req.extensions_mut().insert(client.clone());
    let method = req.method().clone();
    let span = tracing::info_span!(
        "request",
        request_id = %client.request_id,
        client = %client.ip_text(),
    );
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let _entered = span.enter();
    match result {
        Ok(mut res) => {
            let route = res
                .request()
                .match_pattern()
                .unwrap_or_else(|| "unmatched".into());
            let status = res.status().as_u16();
            tracing::info!(
                target: "access",
                method = %method,
                route = %route,
                status,
                duration_ms = elapsed.as_secs_f64() * 1000.0,
                "request"
            );
            if let Some(s) = &state {
                s.metrics
                    .request(method.as_str(), &route, status, elapsed.as_secs_f64());
            }
            if let Ok(v) = HeaderValue::from_str(&client.request_id) {
                res.headers_mut()
                    .insert(HeaderName::from_static("x-request-id"), v);
            }
            Ok(res)
        }
        Err(e) => {
            let status = e.as_response_error().status_code().as_u16();
            tracing::info!(target: "access", method = %method, route = "unmatched", status, duration_ms = elapsed.as_secs_f64() * 1000.0, "request");
            Err(e)
        }
    }
}
