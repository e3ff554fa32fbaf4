//! gzip for what the server renders in memory: pages, JSON, the stylesheet and script.
//!
//! Every such response is already whole when the handler returns, so it is compressed in one
//! call with a deflate state kept per thread and reset between responses. A fresh state per
//! response (as a streaming compressor makes) costs more than compressing a 5 KB page: about
//! 300 KB allocated and zeroed each time. Files from storage (PDFs, images, uploads) are left
//! as they are: they are compressed formats already.

use crate::web::error::WebError;
use axum::body::Body;
use axum::body::HttpBody as _;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::Method;
use axum::http::StatusCode;
use axum::http::header;
use axum::middleware::Next;
use axum::response::IntoResponse as _;
use axum::response::Response;
use flate2::Compress;
use flate2::Compression;
use flate2::FlushCompress;
use flate2::Status;
use std::cell::RefCell;

/// Responses larger than this are gzip-compressed when the client accepts it. Below 1 KiB a
/// response fits one packet either way: compressing it would only cost CPU.
pub const COMPRESS_ABOVE_BYTES: u64 = 1024;

/// Bodies up to this size are compressed on the request's own thread (well under a millisecond);
/// larger ones (a big export) on the blocking pool, so a worker thread is never held long.
const COMPRESS_INLINE_AT_MOST_BYTES: usize = 256 * 1024;

/// Larger in-memory bodies go out as they are.
const COMPRESS_AT_MOST_BYTES: u64 = 32 * 1024 * 1024;

thread_local! {
    /// Level 1: pages are small and repetitive, the fastest level keeps nearly all of the saving
    /// for a fraction of the CPU (docs/benchmarks.md).
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
}

pub async fn gzip(req: Request, next: Next) -> Response {
    let accepts = accepts_gzip(req.headers()) && req.method() != Method::HEAD;
    let response = next.run(req).await;
    if !compressible(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let size = body.size_hint();
    let worth_it = accepts
        && size
            .exact()
            .is_some_and(|n| n > COMPRESS_ABOVE_BYTES && n <= COMPRESS_AT_MOST_BYTES);
    if !worth_it {
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, COMPRESS_AT_MOST_BYTES as usize).await {
        Ok(b) => b,
        // An in-memory body that fails to be read is a bug: the error page, with its reference.
        Err(e) => return WebError::Internal(format!("response body: {e}")).into_response(),
    };
    let compressed = if bytes.len() <= COMPRESS_INLINE_AT_MOST_BYTES {
        gzip_bytes(&bytes)
    } else {
        let whole = bytes.clone();
        tokio::task::spawn_blocking(move || gzip_bytes(&whole))
            .await
            .ok()
            .flatten()
    };
    let Some(compressed) = compressed else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    Response::from_parts(parts, Body::from(compressed))
}

/// Whether the client takes gzip: a `gzip` (or `*`) coding in `Accept-Encoding` whose weight
/// is not zero. An explicit `gzip;q=0` wins over `*`.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut star = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut fields = item.split(';');
            let coding = fields.next().unwrap_or("").trim();
            let weight = fields
                .filter_map(|f| f.trim().strip_prefix("q=").or_else(|| f.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                return weight > 0.0;
            }
            if coding == "*" {
                star = weight > 0.0;
            }
        }
    }
    star
}

/// Text the server made: HTML, JSON, CSS, JavaScript, plain text, CSV, SVG; not already encoded.
fn compressible(response: &Response) -> bool {
    if matches!(response.status(), StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED)
        || response.status().is_informational()
        || response.headers().contains_key(header::CONTENT_ENCODING)
    {
        return false;
    }
    let Some(ct) = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime.starts_with("text/")
        || matches!(
            mime.as_str(),
            "application/json" | "application/problem+json" | "application/javascript" | "image/svg+xml"
        )
}

/// The gzip member (RFC 1952) of `data`: header, deflate stream, CRC-32 and length; `None` if
/// the deflate state reports an error (then the body goes out as it is).
pub fn gzip_bytes(data: &[u8]) -> Option<Vec<u8>> {
    // No name, no time, unknown OS: the same bytes for the same input.
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    out.extend_from_slice(&HEADER);
    DEFLATE.with(|cell| {
        let mut deflate = cell.borrow_mut();
        deflate.reset();
        loop {
            let consumed = usize::try_from(deflate.total_in()).ok()?;
            if out.capacity() - out.len() < 64 {
                out.reserve(data.len() / 4 + 256);
            }
            match deflate.compress_vec(data.get(consumed..)?, &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Some(()),
                Ok(_) => {}
                // The next response resets the state before use.
                Err(_) => return None,
            }
        }
    })?;
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE is the length modulo 2^32 (RFC 1952).
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .expect("a valid gzip member");
        out
    }

    #[test]
    fn gzip_round_trips_and_the_state_is_reused_cleanly() {
        let page = "<p>Izin Aktif — Surat Izin Praktik Bidan</p>\n".repeat(200);
        let noise: Vec<u8> = (0..200_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for data in [page.as_bytes(), &noise, b"", page.as_bytes()] {
            let z = gzip_bytes(data).expect("compressed");
            assert_eq!(gunzip(&z), data);
        }
        let small = gzip_bytes(page.as_bytes()).expect("compressed");
        assert!(
            small.len() < page.len() / 10,
            "repetitive text shrinks: {} bytes",
            small.len()
        );
        assert_eq!(gzip_bytes(b"abc"), gzip_bytes(b"abc"), "deterministic");
    }

    fn headers(accept: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for a in accept {
            h.append(header::ACCEPT_ENCODING, HeaderValue::from_str(a).expect("value"));
        }
        h
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts_gzip(&headers(&["gzip, deflate, br"])));
        assert!(accepts_gzip(&headers(&["br", "GZIP;q=0.5"])));
        assert!(accepts_gzip(&headers(&["*"])));
        assert!(!accepts_gzip(&headers(&[])));
        assert!(!accepts_gzip(&headers(&["identity"])));
        assert!(!accepts_gzip(&headers(&["gzip;q=0"])));
        assert!(!accepts_gzip(&headers(&["*, gzip;q=0"])));
        assert!(!accepts_gzip(&headers(&["br;q=1, *;q=0"])));
    }
}
