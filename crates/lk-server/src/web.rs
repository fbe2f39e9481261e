//! Serving the SPA and the security headers of every response.

use std::path::{Path, PathBuf};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The SPA's `index.html`, loaded once, and the Content-Security-Policy that allows exactly it.
pub struct Spa {
    pub dir: PathBuf,
    index: Option<String>,
    pub csp: String,
    hsts: bool,
}

/// Policy for pages that are not the SPA (Swagger UI needs inline styles).
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

impl Spa {
    pub fn load(dir: &Path, hsts: bool) -> Self {
        let index = std::fs::read_to_string(dir.join("index.html")).ok();
        if index.is_none() {
            tracing::warn!(dir = %dir.display(), "the SPA is not built; `cargo xtask run` builds it");
        }
        let hashes: Vec<String> = index
            .as_deref()
            .map(inline_script_hashes)
            .unwrap_or_default();
        // 'wasm-unsafe-eval' lets the page compile its own WebAssembly and nothing else; the
        // loader script Trunk inlines is allowed by its hash.
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'; img-src 'self' data:; \
             font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
            hashes.iter().map(|h| format!(" 'sha256-{h}'")).collect::<String>()
        );
        Self {
            dir: dir.to_owned(),
            index,
            csp,
            hsts,
        }
    }

    pub fn is_built(&self) -> bool {
        self.index.is_some()
    }
}

/// Base64 SHA-256 of each inline `<script>` body, for `script-src`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = &after[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let body = &body_start[..close];
            out.push(
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes())),
            );
        }
        rest = &body_start[close..];
    }
    out
}

/// `index.html` for every client route (the SPA routes itself).
pub async fn index(spa: web::Data<Spa>) -> HttpResponse {
    match &spa.index {
        Some(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(html.clone()),
        None => HttpResponse::ServiceUnavailable().content_type("text/html; charset=utf-8").body(
            "<!doctype html><meta charset=utf-8><title>ЛКА</title><p>Клиентское приложение не собрано. \
             Запустите <code>cargo xtask run</code>.</p><p><a href=\"/swagger-ui/\">API (Swagger UI)</a></p>",
        ),
    }
}

/// The encodings built beside the SPA's files (`cargo xtask spa`: brotli 11, gzip 9), in the
/// server's order of preference, with their file suffixes.
const PRECOMPRESSED: [(header::Encoding, &str); 2] = [
    (header::Encoding::brotli(), "br"),
    (header::Encoding::gzip(), "gz"),
];

/// Middleware: a GET of one of the SPA's files that has a precompressed copy the client
/// accepts (`Accept-Encoding`) is answered with that copy as it is — `Content-Encoding`, the
/// original's type, `Vary` — so static files are never compressed per request.
pub async fn precompressed(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use actix_web::http::header::{AcceptEncoding, Encoding};
    use actix_web::HttpMessage as _;

    let mut chosen = None;
    let path = req.path();
    if matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    ) && is_spa_file(path)
        && !path.contains("..")
    {
        if let (Some(spa), Some(accept)) = (
            req.app_data::<web::Data<Spa>>(),
            req.get_header::<AcceptEncoding>(),
        ) {
            let file = spa.dir.join(path.trim_start_matches('/'));
            let offered: Vec<Encoding> = PRECOMPRESSED
                .iter()
                .filter(|(_, suffix)| {
                    let mut copy = file.clone().into_os_string();
                    copy.push(".");
                    copy.push(suffix);
                    std::path::Path::new(&copy).is_file()
                })
                .map(|(e, _)| e.clone())
                .collect();
            if let Some(encoding) = accept.negotiate(offered.iter()) {
                if let Some((_, suffix)) = PRECOMPRESSED.iter().find(|(e, _)| *e == encoding) {
                    let mime = actix_files::file_extension_to_mime(
                        file.extension()
                            .and_then(|e| e.to_str())
                            .unwrap_or_default(),
                    );
                    chosen = Some((encoding, *suffix, mime));
                }
            }
        }
    }
    if let Some((_, suffix, _)) = &chosen {
        let target = format!("{}.{suffix}", req.path());
        if let Ok(uri) = target.parse::<actix_web::http::Uri>() {
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
        } else {
            chosen = None;
        }
    }
    let spa_file = is_spa_file(req.path());
    let mut res = next.call(req).await?;
    if spa_file {
        // A page's own files open in it; actix-files would name them for download.
        res.headers_mut().remove(header::CONTENT_DISPOSITION);
    }
    if let Some((encoding, _, mime)) = chosen {
        if res.status().is_success() || res.status() == actix_web::http::StatusCode::NOT_MODIFIED {
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&encoding.to_string()) {
                h.insert(header::CONTENT_ENCODING, v);
            }
            if let Ok(v) = HeaderValue::from_str(mime.essence_str()) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    Ok(res)
}

/// Static files of the SPA, falling back to `index.html` for client routes.
pub fn spa_service(spa: &Spa) -> actix_files::Files {
    actix_files::Files::new("/", &spa.dir)
        .index_file("index.html")
        .use_etag(true)
        .default_handler(web::to(index))
}

/// Middleware: security headers on every response, and cache policy for the SPA's files.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let spa = req.app_data::<web::Data<Spa>>().cloned();
    let path = req.path().to_owned();
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    let set = |h: &mut header::HeaderMap, name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if let Some(spa) = spa {
        let csp = if path.starts_with("/swagger-ui") || path.starts_with("/sandbox") {
            DOCS_CSP
        } else {
            spa.csp.as_str()
        };
        if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
            set(h, header::CONTENT_SECURITY_POLICY, csp);
        }
        if spa.hsts {
            set(
                h,
                header::STRICT_TRANSPORT_SECURITY,
                "max-age=31536000; includeSubDomains",
            );
        }
        // The SPA's page names the current build's files: revalidate it every time, or a
        // browser keeps starting the previous release after a deploy.
        let is_html = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        if is_html && !res.headers().contains_key(header::CACHE_CONTROL) {
            set(res.headers_mut(), header::CACHE_CONTROL, "no-cache");
        }
        // API answers are personal (balances, names): no cache keeps them.
        if path.starts_with("/api/") && !res.headers().contains_key(header::CACHE_CONTROL) {
            set(res.headers_mut(), header::CACHE_CONTROL, "no-store");
        }
        if is_fingerprinted_asset(&path) && res.status().is_success() {
            set(
                res.headers_mut(),
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable",
            );
        }
    }
    Ok(res)
}

/// Whether `path` names one of the SPA's built files (not the API, the docs or the sandbox).
pub fn is_spa_file(path: &str) -> bool {
    const DYNAMIC: [&str; 5] = ["/api/", "/swagger-ui", "/sandbox/", "/health/", "/metrics"];
    !DYNAMIC.iter().any(|p| path.starts_with(p))
        && path
            .rsplit('/')
            .next()
            .is_some_and(|file| file.contains('.'))
}

/// Trunk names built files `name-<hash>.ext`, the hash a 64-bit number in hex without its
/// leading zeros (16 digits, sometimes fewer: at least 12 but once in a million builds): such
/// a file never changes.
fn is_fingerprinted_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, h)| {
        (12..=16).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// The methods of each documented path, from the OpenAPI document (every route is in it: see
/// [`crate::openapi`]). actix answers a known path with an unrouted method as an unknown path;
/// RFC 9110 §15.5.6 wants 405 with `Allow`.
pub struct AllowedMethods(Vec<(Vec<String>, Vec<actix_web::http::Method>)>);

impl AllowedMethods {
    pub fn from_document(doc: &utoipa::openapi::OpenApi) -> Self {
        use actix_web::http::Method;
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (path.split('/').map(str::to_owned).collect(), methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods `path` allows, if it is a documented path.
    fn of(&self, path: &str) -> Option<Vec<actix_web::http::Method>> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut allowed: Vec<actix_web::http::Method> = Vec::new();
        let mut known = false;
        for (template, methods) in &self.0 {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                });
            if matches {
                known = true;
                for m in methods {
                    if !allowed.contains(m) {
                        allowed.push(m.clone());
                    }
                }
            }
        }
        known.then_some(allowed)
    }
}

/// Middleware: 405 `method_not_allowed` with `Allow` for a documented path and another method.
pub async fn method_not_allowed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let allowed = req
        .app_data::<web::Data<AllowedMethods>>()
        .and_then(|a| a.of(req.path()));
    if let Some(allowed) = allowed.filter(|a| !a.contains(req.method())) {
        let mut resp = crate::error::problem_response(
            actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
            lk_api_types::ErrorCode::MethodNotAllowed,
            Some("Метод не поддерживается для этого адреса.".into()),
            vec![],
        );
        let list = allowed
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if let Ok(v) = HeaderValue::from_str(&list) {
            resp.headers_mut().insert(header::ALLOW, v);
        }
        return Ok(req.into_response(resp).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// 404 for unknown API paths (never the SPA's index).
pub async fn api_not_found(_req: HttpRequest) -> actix_web::Result<HttpResponse> {
    Err(crate::error::ApiError::NotFound.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<script type="module" src="/a.js"></script><script type="module">import init from '/x.js';init();</script>"#;
        let h = inline_script_hashes(html);
        assert_eq!(h.len(), 1);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/x.js';init();"));
        assert_eq!(h[0], expected);
    }

    #[test]
    fn only_fingerprinted_files_are_cached_forever() {
        assert!(is_fingerprinted_asset(
            "/lk-frontend-3f2a9c0d1e4b5a67_bg.wasm"
        ));
        assert!(is_fingerprinted_asset("/style-0123456789abcdef.css"));
        // A hash with leading zeros is written without them.
        assert!(is_fingerprinted_asset(
            "/lk-frontend-5e52e62bc19253_bg.wasm"
        ));
        assert!(!is_fingerprinted_asset("/favicon-2.png"));
        assert!(!is_fingerprinted_asset("/index.html"));
        assert!(!is_fingerprinted_asset("/login"));
    }
}
