//! Response compression: actix's encoder, negotiated by `Accept-Encoding`, applied only where
//! it pays.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// Bodies smaller than this go out as they are: they fit in one TCP segment anyway, and
/// compressing them (brotli allocates and clears its window for every response) cost the
/// small API answers a fifth of their throughput.
pub const COMPRESS_MIN_BYTES: u64 = 1024;

/// What the client may receive, in the server's order of preference.
const ENCODINGS: [header::Encoding; 3] = [
    header::Encoding::brotli(),
    header::Encoding::gzip(),
    header::Encoding::identity(),
];

/// Middleware: actix's response encoder, negotiated by `Accept-Encoding`, for bodies of
/// [`COMPRESS_MIN_BYTES`] or more (or of unknown length) that are not compressed already
/// (the SPA's precompressed files), not the SPA's files at all, and not images or video.
pub async fn compress(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_http::encoding::Encoder<impl MessageBody>>, actix_web::Error> {
    use actix_web::body::BodySize;
    use actix_web::http::header::{AcceptEncoding, ContentEncoding, Encoding};
    use actix_web::HttpMessage as _;

    // The SPA's own files go out as built: precompressed (see `web::precompressed`) or, where
    // compression did not pay at build time, as they are.
    let spa_file = crate::web::is_spa_file(req.path());
    let negotiated = req
        .get_header::<AcceptEncoding>()
        .filter(|_| !spa_file)
        .and_then(|accept| accept.negotiate(ENCODINGS.iter()))
        .and_then(|e| match e {
            Encoding::Known(known) => Some(known),
            Encoding::Unknown(_) => None,
        })
        .unwrap_or(ContentEncoding::Identity);
    let res = next.call(req).await?;
    Ok(res.map_body(move |head, body| {
        let media = head
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let binary_media = media.starts_with("video/")
            || media.starts_with("image/") && !media.starts_with("image/svg");
        let compressible = !binary_media && !head.headers().contains_key(header::CONTENT_ENCODING);
        let worth_it = !matches!(body.size(), BodySize::Sized(n) if n < COMPRESS_MIN_BYTES);
        let encoding = if compressible && worth_it {
            negotiated
        } else {
            ContentEncoding::Identity
        };
        // A compressible answer depends on the header whatever its size today; the encoder
        // adds `Vary` itself when it compresses.
        if compressible && encoding == ContentEncoding::Identity {
            head.headers_mut()
                .append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        actix_http::encoding::Encoder::response(encoding, head, body)
    }))
}
