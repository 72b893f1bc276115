//! API tokens: `fp_<id>_<secret>`, made from the operating system's random source, shown once and stored only as an
//! argon2id hash (the `<id>` finds the account without trying every hash).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use chrono::Utc;

use super::backend::{Account, AccountRole};

/// Why an account could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The name is not usable.
    #[error("account name `{0}`: use 1 to 64 ASCII letters, digits, `.`, `-` or `_`")]
    Name(String),
    /// The random source or the hash failed.
    #[error("cannot make a token: {0}")]
    Token(String),
}

/// A new account and its token, which is shown once and never stored.
pub struct Issued {
    /// The account as stored.
    pub account: Account,
    /// The bearer token.
    pub token: String,
}

fn random_hex(bytes: usize) -> Result<String, AccountError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| AccountError::Token(e.to_string()))?;
    Ok(super::hex(&buffer))
}

/// Makes an account named `name` with `role` and a new token.
pub fn issue(name: &str, role: AccountRole) -> Result<Issued, AccountError> {
    let usable = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !usable {
        return Err(AccountError::Name(name.to_owned()));
    }
    let token_id = random_hex(6)?;
    let token = format!("fp_{token_id}_{}", random_hex(32)?);
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AccountError::Token(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Token(e.to_string()))?;
    let hash = Argon2::default()
        .hash_password(token.as_bytes(), &salt)
        .map_err(|e| AccountError::Token(e.to_string()))?
        .to_string();
    let account =
        Account { name: name.to_owned(), role, token_id, token_hash: hash, created: Utc::now(), revoked: None };
    Ok(Issued { account, token })
}

/// The `<id>` part of a token shaped `fp_<id>_<secret>`.
pub fn token_id(token: &str) -> Option<&str> {
    let rest = token.strip_prefix("fp_")?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some(id)
}

/// Whether `token` is the one `hash` was made from (argon2id, constant-time comparison).
pub fn verify(token: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(token.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_token_verifies_against_its_hash_and_no_other_token_does() {
        let issued = issue("amal", AccountRole::Editor).unwrap();
        assert_eq!(token_id(&issued.token), Some(issued.account.token_id.as_str()));
        assert!(issued.account.token_hash.starts_with("$argon2id$"));
        assert!(!issued.account.token_hash.contains(&issued.token));
        assert!(verify(&issued.token, &issued.account.token_hash));
        let other = issue("amal", AccountRole::Editor).unwrap();
        assert!(!verify(&other.token, &issued.account.token_hash));
        assert!(issue("a b", AccountRole::Editor).is_err());
    }
}
