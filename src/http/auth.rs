//! Who is asking: `Authorization: Bearer fp_…`, checked against the store's accounts (argon2id, on the blocking
//! pool). No header is anonymous; a bad token is `401` with `WWW-Authenticate: Bearer`; a client address with too
//! many failed attempts is refused (`429`) for a while, before any hash is computed, except for tokens this server
//! has already verified.

use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use lru::LruCache;

use super::{ApiError, AppState};
use crate::store::live::Author;

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

/// The signed-in author of a request, `None` when it carries no `Authorization` header.
pub async fn author(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Option<Author>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Ok(None) };
    if !state.live.is_writable() {
        return Err(ApiError::Unauthorized("this server serves a data directory: it has no accounts".into()));
    }
    let address = req.peer_addr().map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or_else(|| ApiError::Unauthorized("the Authorization header must be `Bearer <token>`".into()))?
        .to_owned();
    if let Some(retry_after) = state.sign_ins.locked(address) {
        // Behind a proxy many people share an address: a token this server already verified still gets in (no
        // argon2 is computed for it), so someone guessing cannot lock the newsroom out.
        let (live, known) = (std::sync::Arc::clone(&state.live), token.clone());
        let known = web::block(move || live.is_known_token(&known))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(ApiError::from)?;
        if !known {
            return Err(ApiError::TooManyAttempts { retry_after });
        }
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
