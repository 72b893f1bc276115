//! Who is asking: `Authorization: Bearer fp_…`, checked against the store's accounts (argon2id, on the blocking
//! pool), or the editor's session cookie ([`SESSION_COOKIE`], see [`crate::store::sessions`]). Neither is
//! anonymous; a bad token is `401` with `WWW-Authenticate: Bearer`; a client address with too many failed attempts
//! is refused (`429`) for a while, before any hash is computed, except for tokens this server has already verified.
//!
//! A request that changes anything with a session cookie must also come from this server's own pages: its
//! `Origin` (or `Sec-Fetch-Site`) must be this site, and it must carry the session's CSRF token in
//! `X-CSRF-Token`. (The cookie is `SameSite=Strict` as well; the two checks do not rely on it.)

use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use lru::LruCache;

use super::{ApiError, AppState};
use crate::store::live::Author;
use crate::store::sessions::SignedIn;

/// Failed attempts allowed per client address within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: u32 = 10;
/// How long failed attempts are remembered.
pub const FAILURE_WINDOW: Duration = Duration::from_mins(1);
/// Client addresses remembered at most (the least recently seen are forgotten first).
const REMEMBERED: usize = 10_000;

/// Failed sign-ins, per client address: a bounded map.
pub struct SignIns {
    failures: Mutex<LruCache<IpAddr, (Instant, u32)>>,
}

impl Default for SignIns {
    fn default() -> Self {
        SignIns { failures: Mutex::new(LruCache::new(NonZeroUsize::MIN.saturating_add(REMEMBERED - 1))) }
    }
}

impl SignIns {
    /// Seconds until `address` may try again, if it is locked out.
    fn locked(&self, address: IpAddr) -> Option<u32> {
        let mut failures = self.failures.lock().ok()?;
        let &(since, count) = failures.get(&address)?;
        let elapsed = since.elapsed();
        if elapsed >= FAILURE_WINDOW {
            failures.pop(&address);
            return None;
        }
        (count >= MAX_FAILURES).then(|| FAILURE_WINDOW.saturating_sub(elapsed).as_secs() as u32 + 1)
    }

    fn failed(&self, address: IpAddr) {
        if let Ok(mut failures) = self.failures.lock() {
            let entry = failures.get_or_insert_mut(address, || (Instant::now(), 0));
            if entry.0.elapsed() >= FAILURE_WINDOW {
                *entry = (Instant::now(), 0);
            }
            entry.1 += 1;
        }
    }
}

/// The name of the editor's session cookie.
pub const SESSION_COOKIE: &str = "fp_session";
/// The header carrying a session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The client's address (for the lock-out).
pub fn client_address(req: &HttpRequest) -> IpAddr {
    req.peer_addr().map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip())
}

impl SignIns {
    /// Counts a failed sign-in from `address`.
    pub fn count_failure(&self, address: IpAddr) {
        self.failed(address);
    }
}

/// Seconds until `address` may try `token` again, when it is locked out. Behind a proxy many people share an
/// address: a token this server already verified still gets in (no argon2 is computed for it), so someone guessing
/// cannot lock the newsroom out. Used by bearer tokens and the sign-in form alike.
pub async fn locked_out(state: &web::Data<AppState>, address: IpAddr, token: &str) -> Result<Option<u32>, ApiError> {
    let Some(retry_after) = state.sign_ins.locked(address) else { return Ok(None) };
    if token.is_empty() || token.len() > 200 {
        return Ok(Some(retry_after));
    }
    let (live, known) = (std::sync::Arc::clone(&state.live), token.to_owned());
    let known = web::block(move || live.is_known_token(&known))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)?;
    Ok((!known).then_some(retry_after))
}

/// The session the request's cookie holds, if it holds a live one. Blocking work runs on the blocking pool.
pub async fn signed_in(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Option<SignedIn>, ApiError> {
    let Some(cookie) = req.cookie(SESSION_COOKIE) else { return Ok(None) };
    if !state.live.is_writable() {
        return Ok(None);
    }
    let (live, secret) = (std::sync::Arc::clone(&state.live), cookie.value().to_owned());
    web::block(move || live.session(&secret))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)
}

/// Whether the request comes from this server's own pages: `Origin` names this host, or, without `Origin`,
/// `Sec-Fetch-Site` is `same-origin` or `none` (a browser without either is not a browser that sends cookies
/// across sites).
pub fn same_origin(req: &HttpRequest) -> bool {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("null").to_ascii_lowercase();
        let origin_host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
        let public = super::origin::base_url(req).to_ascii_lowercase();
        // The public URL's origin: `--public-url` may carry a path (`https://example.org/maps`).
        let public_origin = match public.find("://") {
            Some(i) => public[i + 3..].find('/').map_or(public.as_str(), |j| &public[..i + 3 + j]),
            None => public.as_str(),
        };
        return origin == public_origin || (origin_host.is_some() && origin_host == host.as_deref());
    }
    match req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => true,
    }
}

/// Compares two secrets without stopping at the first difference.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The author of a request made with a session cookie.
async fn session_author(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Author, ApiError> {
    let session = signed_in(req, state).await?.ok_or_else(|| {
        ApiError::Unauthorized("the session has ended (expired, signed out or revoked): sign in again at /edit".into())
    })?;
    if !req.method().is_safe() {
        if !same_origin(req) {
            return Err(ApiError::Forbidden("this request did not come from this site's own pages".into()));
        }
        let csrf = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !same_secret(csrf, &session.csrf) {
            return Err(ApiError::Forbidden(
                "a request with the session cookie needs its CSRF token in the X-CSRF-Token header".into(),
            ));
        }
    }
    Ok(Author { role: session.account.role, account: session.account.name })
}

/// The signed-in author of a request, `None` when it carries no `Authorization` header and no session cookie.
pub async fn author(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Option<Author>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        if req.cookie(SESSION_COOKIE).is_some() {
            return match session_author(req, state).await {
                // A dead session on a read is anonymous: a reader with an old cookie still reads what the public does.
                Err(ApiError::Unauthorized(_)) if req.method().is_safe() => Ok(None),
                other => other.map(Some),
            };
        }
        return Ok(None);
    };
    if !state.live.is_writable() {
        return Err(ApiError::Unauthorized("this server serves a data directory: it has no accounts".into()));
    }
    let address = client_address(req);
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or_else(|| ApiError::Unauthorized("the Authorization header must be `Bearer <token>`".into()))?
        .to_owned();
    if let Some(retry_after) = locked_out(state, address, &token).await? {
        return Err(ApiError::TooManyAttempts { retry_after });
    }
    let live = std::sync::Arc::clone(&state.live);
    let account = web::block(move || live.authenticate(&token))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)?;
    if let Some(account) = account {
        Ok(Some(Author { role: account.role, account: account.name }))
    } else {
        state.sign_ins.failed(address);
        Err(ApiError::Unauthorized("the token is not valid (unknown, revoked or mistyped)".into()))
    }
}

/// The signed-in author of a request; `401` without one.
pub async fn required(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Author, ApiError> {
    author(req, state).await?.ok_or_else(|| {
        ApiError::Unauthorized("sign in: send `Authorization: Bearer <token>` (footprint user add)".into())
    })
}
