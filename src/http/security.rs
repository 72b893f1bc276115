//! Security headers on every response.
//!
//! - Every response: `X-Content-Type-Options: nosniff` and `Referrer-Policy: strict-origin-when-cross-origin`.
//! - HTML pages: a Content-Security-Policy that allows only this server's own scripts, styles, fonts, images and
//!   connections (no inline script or style; `'wasm-unsafe-eval'` so the app's WebAssembly may compile; `blob:`
//!   for MapLibre's images), and framing rules: `/embed` may be framed by any site, or only by the origins given
//!   with `--embed-origins`; every other page by none (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for
//!   older browsers).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::AppState;
use super::origin::embed_ancestors;

/// The policy of every page, without its `frame-ancestors`.
pub const PAGE_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; frame-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'";

/// The `Content-Security-Policy` of a page: [`PAGE_POLICY`] plus who may frame it.
pub fn page_policy(frame_ancestors: &str) -> String {
    format!("{PAGE_POLICY}; frame-ancestors {frame_ancestors}")
}

/// The middleware.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let embed = req.path() == "/embed";
    let ancestors = if embed {
        req.app_data::<web::Data<AppState>>().map_or_else(|| "*".to_owned(), |s| embed_ancestors(&s.site))
    } else {
        "'none'".to_owned()
    };
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    let html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    if html {
        if let Ok(policy) = HeaderValue::from_str(&page_policy(&ancestors)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        if !embed {
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
    }
    Ok(res)
}
