//! The editor's sign-in sessions in a GeoPackage (`footprint_sessions`, an unregistered table: GDAL does not list
//! it). Only the SHA-256 of a session's secret is stored.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::store::backend::Session;

/// The table, made when missing (stores older than sessions get it when opened).
pub const TABLE: &str = "CREATE TABLE IF NOT EXISTS footprint_sessions (key TEXT PRIMARY KEY, \
     account TEXT NOT NULL, csrf TEXT NOT NULL, expires TEXT NOT NULL)";

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Adds a session and forgets the expired ones.
pub fn add(connection: &Connection, session: &Session) -> rusqlite::Result<()> {
    connection.execute("DELETE FROM footprint_sessions WHERE expires < ?1", [timestamp(Utc::now())])?;
    connection.execute(
        "INSERT INTO footprint_sessions (key, account, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
        params![session.key, session.account, session.csrf, timestamp(session.expires)],
    )?;
    Ok(())
}

/// The session with this key.
pub fn find(connection: &Connection, key: &str) -> rusqlite::Result<Option<Session>> {
    let row = connection
        .prepare_cached("SELECT account, csrf, expires FROM footprint_sessions WHERE key = ?1")?
        .query_row([key], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .optional()?;
    Ok(row.and_then(|(account, csrf, expires)| {
        let expires = DateTime::parse_from_rfc3339(&expires).ok()?.with_timezone(&Utc);
        Some(Session { key: key.to_owned(), account, csrf, expires })
    }))
}

/// Ends a session.
pub fn remove(connection: &Connection, key: &str) -> rusqlite::Result<()> {
    connection.execute("DELETE FROM footprint_sessions WHERE key = ?1", [key])?;
    Ok(())
}
