//! The editor's sign-in sessions: a browser signs in once with its account's token and then carries a random
//! secret in an `HttpOnly` cookie. The store keeps the SHA-256 of that secret (every replica finds the session, a
//! stolen copy of the store opens none), the account, a CSRF token and the expiry.

use chrono::{DateTime, Duration, Utc};
use sha2::Digest as _;

use super::backend::{Account, Session};
use super::live::{Live, WriteError};

/// How long a session lasts after signing in (a working day; then the editor signs in again).
pub const SESSION_LENGTH: Duration = Duration::hours(12);

/// A session as the HTTP layer sees it: who, and the CSRF token its forms and requests carry.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The active account.
    pub account: Account,
    /// The CSRF token of the session.
    pub csrf: String,
    /// When the session ends.
    pub expires: DateTime<Utc>,
}

/// A new session: its cookie's secret (given to the browser once, never stored) and who it is.
pub struct Opened {
    /// The cookie's value.
    pub secret: String,
    /// The session.
    pub signed_in: SignedIn,
}

fn random_hex(bytes: usize) -> Result<String, WriteError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| {
        WriteError::Store(super::backend::StoreError::Database {
            store: "the operating system's random source".into(),
            message: e.to_string(),
        })
    })?;
    Ok(super::hex(&buffer))
}

/// The stored key of a session secret.
fn key(secret: &str) -> String {
    super::hex(&sha2::Sha256::digest(secret.as_bytes()))
}

impl Live {
    /// Signs in with an account's token: a new session, or `None` when the token is not valid. Blocking.
    pub fn sign_in(&self, token: &str) -> Result<Option<Opened>, WriteError> {
        self.sign_in_until(token, Utc::now() + SESSION_LENGTH)
    }

    /// [`Live::sign_in`] with the session's end given (tests make expired sessions with it). Blocking.
    pub fn sign_in_until(&self, token: &str, expires: DateTime<Utc>) -> Result<Option<Opened>, WriteError> {
        let Some(account) = self.authenticate(token)? else { return Ok(None) };
        let secret = random_hex(32)?;
        let csrf = random_hex(16)?;
        let session = Session { key: key(&secret), account: account.name.clone(), csrf: csrf.clone(), expires };
        self.reader()?.add_session(&session)?;
        Ok(Some(Opened { secret, signed_in: SignedIn { account, csrf, expires } }))
    }

    /// The live session whose cookie holds `secret`: `None` when unknown, expired, or its account was revoked
    /// since (a revocation ends every session at once). Blocking.
    pub fn session(&self, secret: &str) -> Result<Option<SignedIn>, WriteError> {
        if secret.is_empty() || secret.len() > 128 {
            return Ok(None);
        }
        let mut reader = self.reader()?;
        let Some(session) = reader.session(&key(secret))? else { return Ok(None) };
        if session.expires <= Utc::now() {
            reader.remove_session(&session.key)?;
            return Ok(None);
        }
        let account = reader.accounts()?.into_iter().find(|a| a.name == session.account && a.revoked.is_none());
        Ok(account.map(|account| SignedIn { account, csrf: session.csrf, expires: session.expires }))
    }

    /// Ends the session whose cookie holds `secret`. Blocking.
    pub fn sign_out(&self, secret: &str) -> Result<(), WriteError> {
        Ok(self.reader()?.remove_session(&key(secret))?)
    }
}
