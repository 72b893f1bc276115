//! Conditional requests: weak `ETag`s from the dataset's content hash on every successful GET of a
//! data-dependent resource, `Cache-Control`, and `304 Not Modified` when `If-None-Match` (actix's typed header,
//! weak comparison) names the current tag.
//!
//! Most handlers run first and the tag is added after (so a bad parameter is never answered `304`); a handler
//! that can answer cheaply before doing expensive work (the static image) checks [`none_match`] itself and sets
//! its own, more specific tag, which this middleware keeps.

use std::fmt::Write as _;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, EntityTag, Header as _, HeaderValue, IfNoneMatch};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use sha2::{Digest as _, Sha256};

use super::AppState;

/// How long shared caches may keep a data-dependent response.
const CACHE_CONTROL: &str = "public, max-age=300";

/// Whether the request's `If-None-Match` names `etag` (or is `*`).
pub fn none_match(req: &impl HttpMessage, etag: &str) -> bool {
    IfNoneMatch::parse(req).is_ok_and(|header| names(&header, etag))
}

/// Whether an `If-None-Match` names `etag` (weak comparison) or is `*`.
fn names(header: &IfNoneMatch, etag: &str) -> bool {
    let Ok(ours) = etag.parse::<EntityTag>() else { return false };
    match header {
        IfNoneMatch::Any => true,
        IfNoneMatch::Items(tags) => tags.iter().any(|tag| tag.weak_eq(&ours)),
    }
}

/// A `304` for `etag`.
pub fn not_modified(etag: &str) -> HttpResponse {
    HttpResponse::NotModified()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .finish()
}

/// The data's tag extended with a short hash of `variant` (e.g. an image's canonical state).
pub fn derived_etag(etag: &str, variant: &str) -> String {
    let hash = Sha256::digest(variant.as_bytes());
    let short = hash.iter().take(8).fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    });
    format!("{}-{short}\"", etag.trim_end_matches('"'))
}

/// The middleware.
pub async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // A signed-in request (a token, or the editor's session cookie) may see drafts and its own pages: never
    // answered from a shared validator, never stored by a cache.
    let signed_in =
        req.headers().contains_key(header::AUTHORIZATION) || req.cookie(super::auth::SESSION_COOKIE).is_some();
    let cacheable = matches!(*req.method(), Method::GET | Method::HEAD) && req.path() != "/healthz" && !signed_in;
    let etag = req.app_data::<web::Data<AppState>>().map(|s| AppState::etag(&s.snapshot()));
    let (Some(etag), true) = (etag, cacheable) else {
        let mut res = next.call(req).await?.map_into_boxed_body();
        if signed_in && !res.headers().contains_key(header::CACHE_CONTROL) {
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        }
        return Ok(res);
    };
    // Parsed before the handler runs: routing needs the request to itself.
    let if_none_match = IfNoneMatch::parse(&req).ok();
    let mut res = next.call(req).await?.map_into_boxed_body();
    if res.status() != StatusCode::OK {
        return Ok(res);
    }
    // A handler's own tag wins; otherwise each language of a resource is its own representation, with its own tag.
    let etag = match (res.headers().get(header::ETAG), res.headers().get(header::CONTENT_LANGUAGE)) {
        (Some(own), _) => own.to_str().unwrap_or_default().to_owned(),
        (None, Some(lang)) => format!("{}-{}\"", etag.trim_end_matches('"'), lang.to_str().unwrap_or_default()),
        (None, None) => etag,
    };
    if if_none_match.is_some_and(|header| names(&header, &etag)) {
        let mut response = not_modified(&etag);
        // A 304 carries the headers a cache needs to pick the representation it validates.
        for name in [header::VARY, header::CONTENT_LANGUAGE] {
            if let Some(value) = res.headers().get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
        return Ok(res.into_response(response));
    }
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    }
    Ok(res)
}
