//! Response compression: actix's encoder, negotiated by `Accept-Encoding`, applied only where
//! it pays.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;

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

/// Bodies up to this size are compressed right here, on the worker that made them, in one
/// pass over bytes already in memory. actix's encoder sends every chunk of 1 KiB or more to the
/// blocking pool instead, and that hand-off (two thread switches, and brotli's 4 MiB window set
/// up for a few kilobytes) cost the main page more than half its throughput. Larger bodies
/// still go to actix's encoder, off the worker.
pub const COMPRESS_INLINE_MAX_BYTES: u64 = 64 * 1024;

/// Brotli's quality for API answers: 2 compresses the main page (1.5 KB) in 12 µs against
/// actix's 3 in 20 µs, for 3 % more bytes (and the history's 7 KB in 21 µs against 31 µs,
/// for 8 % more).
const BROTLI_QUALITY: i32 = 2;
/// Brotli's window, bits: 64 KiB, as large as any body compressed inline.
const BROTLI_LGWIN: i32 = 16;

/// `body` compressed as `encoding` (brotli or gzip); `None` for any other encoding.
fn encode(encoding: ContentEncoding, body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write as _;
    let mut out = Vec::with_capacity(body.len() / 3 + 64);
    match encoding {
        ContentEncoding::Brotli => {
            let params = brotli::enc::BrotliEncoderParams {
                quality: BROTLI_QUALITY,
                lgwin: BROTLI_LGWIN,
                size_hint: body.len(),
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
            Some(out)
        }
        ContentEncoding::Gzip => {
            let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
            gz.write_all(body).ok()?;
            gz.finish().ok()
        }
        _ => None,
    }
}

/// Middleware: actix's response encoder, negotiated by `Accept-Encoding`, for bodies of
/// [`COMPRESS_MIN_BYTES`] or more (or of unknown length) that are not compressed already
/// (the SPA's precompressed files), not the SPA's files at all, and not images or video; up to
/// [`COMPRESS_INLINE_MAX_BYTES`] compressed in place.
#[allow(clippy::type_complexity)]
pub async fn compress(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<
    ServiceResponse<EitherBody<actix_http::encoding::Encoder<impl MessageBody>, Bytes>>,
    actix_web::Error,
> {
    use actix_web::body::BodySize;
    use actix_web::http::header::{AcceptEncoding, Encoding};
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
        // (A negotiated encoding means a body of 1 KiB or more, or of unknown size.)
        let inline = encoding != ContentEncoding::Identity
            && matches!(body.size(), BodySize::Sized(n) if n <= COMPRESS_INLINE_MAX_BYTES);
        if !inline {
            return EitherBody::left(actix_http::encoding::Encoder::response(
                encoding, head, body,
            ));
        }
        match body.try_into_bytes() {
            Ok(bytes) => match encode(encoding, &bytes) {
                Some(packed) => {
                    let headers = head.headers_mut();
                    headers.insert(header::CONTENT_ENCODING, encoding.to_header_value());
                    headers.remove(header::CONTENT_LENGTH);
                    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
                    EitherBody::right(Bytes::from(packed))
                }
                None => EitherBody::right(bytes),
            },
            // A body that is not bytes in memory yet: actix's encoder, as for large ones.
            Err(body) => EitherBody::left(actix_http::encoding::Encoder::response(
                encoding, head, body,
            )),
        }
    }))
}
