//! Limits on the request head and on what the access log keeps of it.
//!
//! Footprint's limits sit well below actix-http's own (a 128 KiB head, 96 header fields, a 64 KiB URI): a request
//! target over [`MAX_URI_BYTES`] gets `414`; headers over [`MAX_HEADER_BYTES`] in all, or more than
//! [`MAX_HEADER_FIELDS`] fields, get `431`, each with a JSON body like every other error. Heads beyond actix-http's
//! limits never reach this middleware; [`super::connection`] answers those with JSON too.
//!
//! One structured `tracing` event is logged per request, with its path and query cut to [`MAX_LOGGED_BYTES`]
//! each (marked `…[cut N bytes]`), so no client can make a log line long.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError as _};

use super::error::{ApiError, RequestLimit};

/// The longest request target (path and query), in bytes.
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// The most bytes of header names and values in all.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// The most header fields.
pub const MAX_HEADER_FIELDS: usize = 64;
/// The most bytes of a path or query written to the log.
pub const MAX_LOGGED_BYTES: usize = 512;

/// Which limit, if any, the request's head exceeds.
fn exceeded(req: &ServiceRequest) -> Option<RequestLimit> {
    let uri = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri > MAX_URI_BYTES {
        return Some(RequestLimit::Uri { max: MAX_URI_BYTES });
    }
    if req.headers().len() > MAX_HEADER_FIELDS {
        return Some(RequestLimit::HeaderCount { max: MAX_HEADER_FIELDS });
    }
    let bytes: usize = req.headers().iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
    (bytes > MAX_HEADER_BYTES).then_some(RequestLimit::HeaderBytes { max: MAX_HEADER_BYTES })
}

/// `text` cut to `max` bytes at a character boundary, marked with how much was cut.
pub fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max {
        return text.into();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…[cut {} bytes]", &text[..end], text.len() - end).into()
}

/// The middleware (outermost): refuses heads over the limits, and logs every request once.
pub async fn guard_and_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = cut(req.path(), MAX_LOGGED_BYTES).into_owned();
    let query = cut(req.query_string(), MAX_LOGGED_BYTES).into_owned();
    let result = match exceeded(&req) {
        Some(limit) => Ok(req.into_response(ApiError::TooLarge(limit).error_response())),
        None => next.call(req).await.map(ServiceResponse::map_into_boxed_body),
    };
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(err) => err.as_response_error().status_code().as_u16(),
    };
    tracing::info!(
        target: "footprint::access",
        %method,
        %path,
        %query,
        status,
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    result
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn a_long_text_is_cut_at_a_character_boundary_and_says_how_much_was_cut() {
        assert_eq!(cut("short", 512), "short");
        let long = "é".repeat(400);
        let logged = cut(&long, 511);
        assert!(logged.starts_with(&"é".repeat(255)));
        assert!(logged.ends_with("…[cut 290 bytes]"), "{logged}");
    }
}
