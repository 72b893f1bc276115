//! Compression of responses made per request (JSON, GeoJSON, CSV, pages), off the async workers.
//!
//! actix-web's `Compress` middleware compresses on the async worker, and its brotli encoder keeps a 4 MiB window
//! per response: at 64 connections a soak held ~300 MiB, against ~130 MiB with gzip and ~60 MiB with none. Here
//! the whole body (these bodies are bounded: see the page limits and `store::MAX_LIMIT`) is compressed on the
//! blocking pool, at most one compression per core at a time, with brotli's window kept to 512 KiB. The encoding is
//! negotiated with actix's typed `Accept-Encoding` ([`super::encoding`]); bodies under 1 KiB, images and responses
//! already encoded are sent as they are.

use std::io::Write as _;
use std::sync::LazyLock;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Header as _, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use tokio::sync::Semaphore;

use super::encoding;

/// Bodies smaller than this are not worth compressing.
const MIN_BYTES: usize = 1024;
/// Brotli quality (0–11) and window (log2 bytes): fast, and small in memory.
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW: u32 = 19;
/// Gzip level (0–9).
const GZIP_LEVEL: u32 = 6;

/// One compression per core at a time.
static COMPRESSING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)));

/// A brotli encoder writing into `out`, with this module's quality and window.
pub fn brotli_writer<W: std::io::Write>(out: W) -> brotli::CompressorWriter<W> {
    brotli::CompressorWriter::new(out, 16 * 1024, BROTLI_QUALITY, BROTLI_WINDOW)
}

/// A gzip encoder writing into `out`, with this module's level.
pub fn gzip_writer<W: std::io::Write>(out: W) -> flate2::write::GzEncoder<W> {
    flate2::write::GzEncoder::new(out, flate2::Compression::new(GZIP_LEVEL))
}

/// `data` compressed with `encoding` (brotli or gzip).
pub fn compress(data: &[u8], encoding: ContentEncoding) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4);
    if encoding == ContentEncoding::Brotli {
        let mut writer = brotli_writer(&mut out);
        writer.write_all(data)?;
        writer.flush()?;
    } else {
        let mut writer = gzip_writer(&mut out);
        writer.write_all(data)?;
        writer.finish()?;
    }
    Ok(out)
}

/// Whether a response may be compressed here: a full `200` body, not yet encoded, not an image.
fn compressible(res: &ServiceResponse<BoxBody>) -> bool {
    let headers = res.headers();
    let image =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("image/"));
    res.status() == StatusCode::OK && !headers.contains_key(header::CONTENT_ENCODING) && !image
}

/// The middleware (wraps each resource whose responses are made per request).
pub async fn compress_response(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // Parsed before the handler runs: routing needs the request to itself.
    let accepted = AcceptEncoding::parse(&req).unwrap_or(AcceptEncoding(Vec::new()));
    let res = next.call(req).await?.map_into_boxed_body();
    if !compressible(&res) {
        return Ok(res);
    }
    let held = [ContentEncoding::Brotli, ContentEncoding::Gzip, ContentEncoding::Identity];
    let chosen = encoding::choose(&accepted, &held).unwrap_or(ContentEncoding::Identity);
    let (request, response) = res.into_parts();
    let (mut response, body) = response.into_parts();
    append_vary(response.headers_mut());
    let bytes = match body.try_into_bytes() {
        Ok(bytes) if bytes.len() >= MIN_BYTES && chosen != ContentEncoding::Identity => bytes,
        Ok(bytes) => return Ok(ServiceResponse::new(request, response.set_body(BoxBody::new(bytes)))),
        Err(body) => return Ok(ServiceResponse::new(request, response.set_body(body))),
    };
    let permit = COMPRESSING.acquire().await.map_err(actix_web::error::ErrorInternalServerError)?;
    let compressed = web::block(move || compress(&bytes, chosen)).await?;
    drop(permit);
    let compressed = compressed.map_err(actix_web::error::ErrorInternalServerError)?;
    response.headers_mut().insert(header::CONTENT_ENCODING, chosen.to_header_value());
    response.headers_mut().remove(header::CONTENT_LENGTH);
    Ok(ServiceResponse::new(request, response.set_body(BoxBody::new(compressed))))
}

/// Adds `Accept-Encoding` to the response's one `Vary` line.
fn append_vary(headers: &mut header::HeaderMap) {
    let mut vary: Vec<String> =
        headers.get_all(header::VARY).filter_map(|v| v.to_str().ok()).map(str::to_owned).collect();
    if !vary.iter().any(|v| v.to_ascii_lowercase().contains("accept-encoding")) {
        vary.push("Accept-Encoding".to_owned());
    }
    if let Ok(value) = HeaderValue::from_str(&vary.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn both_encodings_round_trip() {
        let data = "Khmeimim Air Base, Tartus naval facility; ".repeat(200);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&compress(data.as_bytes(), ContentEncoding::Gzip).unwrap()[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, data);
        let br = compress(data.as_bytes(), ContentEncoding::Brotli).unwrap();
        assert!(br.len() < data.len() / 10);
    }
}
