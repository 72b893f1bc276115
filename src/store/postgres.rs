//! The store for deployments with several replicas: PostgreSQL with PostGIS, reached through the synchronous
//! `postgres` client (the [`Backend`] trait is blocking and runs on the HTTP layer's blocking pool).
//!
//! The same tables as the GeoPackage: one feature table per collection (`geometry(Point, 4326)` with a `GiST` index,
//! so QGIS and `ogr2ogr PG:` read the published layers), the change log, the accounts and the stored catalog.
//! Writers serialise on a lock of the change log, so change numbers commit in order and a replica that reads every
//! change after its last one misses none; each commit also sends `NOTIFY footprint_changes` with its number.

use std::path::Path;
use std::str::FromStr as _;

use chrono::{DateTime, Utc};
use postgres::{Client, NoTls, Row, Transaction};
use serde_json::Value;

use super::backend::{
    Account, AccountRole, Action, Backend, Contents, NewVersion, Produce, Session, Stage, StoreError, VERSION_COLUMNS,
    Version,
};

/// A PostgreSQL store.
pub struct Postgres {
    client: Connection,
    /// How to connect again after the connection dropped (a database restart, a failover).
    config: postgres::Config,
    /// The address without its password.
    address: String,
}

/// The client, closed on a thread of its own: the synchronous client blocks on its runtime when dropped, which
/// panics on a thread that drives an async runtime (an actix worker shutting down, an async test).
struct Connection(Option<Client>);

impl std::ops::Deref for Connection {
    type Target = Client;

    fn deref(&self) -> &Client {
        match &self.0 {
            Some(client) => client,
            // Taken only by `drop`.
            None => unreachable!("the connection is used after it was closed"),
        }
    }
}

impl std::ops::DerefMut for Connection {
    fn deref_mut(&mut self) -> &mut Client {
        match &mut self.0 {
            Some(client) => client,
            None => unreachable!("the connection is used after it was closed"),
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            let _ = std::thread::spawn(move || drop(client)).join();
        }
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Postgres {
    /// Connects to `url` (`postgresql://user[:password]@host:port/database`) and creates the tables when missing.
    pub fn connect(url: &str) -> Result<Postgres, StoreError> {
        let config = postgres::Config::from_str(url).map_err(|e| StoreError::Address(format!("{url}: {e}")))?;
        let address = strip_password(url);
        let client =
            config.connect(NoTls).map_err(|e| StoreError::Database { store: address.clone(), message: message(&e) })?;
        let mut store = Postgres { client: Connection(Some(client)), config, address };
        store.create()?;
        Ok(store)
    }

    /// Connects again when the connection was closed; every operation starts with this.
    fn reopen_if_closed(&mut self) -> Result<(), StoreError> {
        if self.client.is_closed() {
            let client = self.config.connect(NoTls).map_err(|e| self.error(&e))?;
            tracing::warn!(store = %self.address, "the connection to the store was closed: connected again");
            self.client = Connection(Some(client));
        }
        Ok(())
    }

    fn error(&self, err: &postgres::Error) -> StoreError {
        StoreError::Database { store: self.address.clone(), message: message(err) }
    }

    fn create(&mut self) -> Result<(), StoreError> {
        // Replicas starting together take turns (CREATE … IF NOT EXISTS is not safe against a concurrent create).
        let result = self.client.batch_execute(
            "SET client_min_messages = warning;
             SELECT pg_advisory_lock(7046);
             CREATE EXTENSION IF NOT EXISTS postgis;
             CREATE TABLE IF NOT EXISTS footprint_files (name text PRIMARY KEY, content bytea NOT NULL);
             CREATE TABLE IF NOT EXISTS footprint_versions (seq bigserial PRIMARY KEY, collection text NOT NULL, \
               feature_id text NOT NULL, version bigint NOT NULL, action text NOT NULL, stage text NOT NULL, \
               publishes bigint, at timestamptz NOT NULL, role text NOT NULL, account text NOT NULL, \
               reason text NOT NULL, changed jsonb NOT NULL, feature jsonb NOT NULL);
             CREATE INDEX IF NOT EXISTS footprint_versions_feature ON footprint_versions (collection, feature_id, seq);
             CREATE INDEX IF NOT EXISTS footprint_versions_stage ON footprint_versions (stage, seq);
             CREATE TABLE IF NOT EXISTS footprint_accounts (name text PRIMARY KEY, role text NOT NULL, \
               token_id text NOT NULL UNIQUE, token_hash text NOT NULL, created timestamptz NOT NULL, \
               revoked timestamptz);
             CREATE TABLE IF NOT EXISTS footprint_sessions (key text PRIMARY KEY, account text NOT NULL, \
               csrf text NOT NULL, expires timestamptz NOT NULL);
             INSERT INTO footprint_files (name, content) \
               VALUES ('store_id', convert_to(md5(random()::text || clock_timestamp()::text), 'UTF8')) \
               ON CONFLICT (name) DO NOTHING;
             SELECT pg_advisory_unlock(7046);",
        );
        result.map_err(|e| self.error(&e))
    }

    fn file(&mut self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = self.client.query_opt("SELECT content FROM footprint_files WHERE name = $1", &[&name]);
        Ok(row.map_err(|e| self.error(&e))?.map(|r| r.get(0)))
    }

    fn versions(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Version>, StoreError> {
        let rows = self.client.query(sql, params).map_err(|e| self.error(&e))?;
        rows.iter()
            .map(|row| version(row).map_err(|message| StoreError::Corrupt { store: self.address.clone(), message }))
            .collect()
    }

    /// Hands each version a query without parameters returns to `each`, one row at a time as the server sends
    /// them.
    fn each_version(&mut self, sql: &str, each: &mut dyn FnMut(Version)) -> Result<(), StoreError> {
        use postgres::fallible_iterator::FallibleIterator as _;
        let store = self.address.clone();
        let failed = |e: &postgres::Error| StoreError::Database { store: store.clone(), message: message(e) };
        let no_parameters: [&(dyn postgres::types::ToSql + Sync); 0] = [];
        let mut rows = self.client.query_raw(sql, no_parameters).map_err(|e| failed(&e))?;
        while let Some(row) = rows.next().map_err(|e| failed(&e))? {
            each(version(&row).map_err(|message| StoreError::Corrupt { store: store.clone(), message })?);
        }
        Ok(())
    }
}

/// What went wrong, with the server's own message when it sent one (`db error` alone says nothing).
fn message(err: &postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => err.to_string(),
    }
}

/// `postgresql://user:secret@host/db` → `postgresql://user@host/db` (for logs and messages).
fn strip_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split_once(':').map_or(credentials, |(user, _)| user);
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_owned(),
    }
}

fn version(row: &Row) -> Result<Version, String> {
    let seq: i64 = row.get(0);
    let bad = |what: &str| format!("change {seq}: bad {what}");
    let changed: Value = row.get(11);
    Ok(Version {
        seq,
        collection: row.get(1),
        feature_id: row.get(2),
        version: row.get(3),
        action: Action::from_name(row.get(4)).ok_or_else(|| bad("action"))?,
        stage: Stage::from_name(row.get(5)).ok_or_else(|| bad("stage"))?,
        publishes: row.get(6),
        at: row.get(7),
        role: AccountRole::from_name(row.get(8)).ok_or_else(|| bad("role"))?,
        account: row.get(9),
        reason: row.get(10),
        changed: serde_json::from_value(changed).map_err(|_| bad("changed"))?,
        feature: serde_json::value::to_raw_value(&row.get::<_, Value>(12)).map_err(|_| bad("feature"))?,
    })
}

/// Puts a published version into its collection's feature table (or takes a retired one out).
fn apply_to_table(tx: &mut Transaction<'_>, version: &Version) -> Result<(), postgres::Error> {
    let table = quoted(&version.collection);
    if version.action == Action::Retire {
        tx.execute(&format!("DELETE FROM {table} WHERE id = $1"), &[&version.feature_id])?;
        return Ok(());
    }
    let f = &version.feature_value();
    let coordinates = f["geometry"]["coordinates"].as_array();
    let lon = coordinates.and_then(|c| c.first()).and_then(Value::as_f64);
    let lat = coordinates.and_then(|c| c.get(1)).and_then(Value::as_f64);
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let p = &f["properties"];
    tx.execute(
        &format!(
            "INSERT INTO {table} (id, geom, name, kind, start, \"end\", confidence, version, updated, feature) \
             VALUES ($1, CASE WHEN $2::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($2, $3), 4326) END, \
             $4, $5, $6::text::date, $7::text::date, $8, $9, $10, $11) \
             ON CONFLICT (id) DO UPDATE SET geom = EXCLUDED.geom, name = EXCLUDED.name, kind = EXCLUDED.kind, \
             start = EXCLUDED.start, \"end\" = EXCLUDED.\"end\", confidence = EXCLUDED.confidence, \
             version = EXCLUDED.version, updated = EXCLUDED.updated, feature = EXCLUDED.feature"
        ),
        &[
            &version.feature_id,
            &lon,
            &lat,
            &text(&p["name"]["en"]),
            &text(&p["kind"]),
            &text(&p["start"]),
            &text(&p["end"]),
            &text(&p["confidence"]),
            &version.version,
            &version.at,
            f,
        ],
    )?;
    Ok(())
}

impl Backend for Postgres {
    fn describe(&self) -> String {
        self.address.clone()
    }

    fn store_id(&mut self) -> Result<String, StoreError> {
        Ok(self.file("store_id")?.map(|b| String::from_utf8_lossy(&b).chars().take(16).collect()).unwrap_or_default())
    }

    fn connect_again(&self) -> Result<Box<dyn Backend>, StoreError> {
        let client = self.config.connect(NoTls).map_err(|e| self.error(&e))?;
        Ok(Box::new(Postgres {
            client: Connection(Some(client)),
            config: self.config.clone(),
            address: self.address.clone(),
        }))
    }

    fn is_empty(&mut self) -> Result<bool, StoreError> {
        self.reopen_if_closed()?;
        // Seeding is a transaction after the catalog's: a store with a catalog but no change is still empty.
        Ok(self.file("catalog.json")?.is_none() || self.revision()? == 0)
    }

    fn put_files(&mut self, catalog: &[u8], publishers: &[u8]) -> Result<(), StoreError> {
        self.reopen_if_closed()?;
        let parsed: super::Catalog = serde_json::from_slice(catalog)
            .map_err(|e| StoreError::Corrupt { store: self.address.clone(), message: e.to_string() })?;
        let address = self.address.clone();
        let failed = |e: postgres::Error| StoreError::Database { store: address.clone(), message: message(&e) };
        let mut tx = self.client.transaction().map_err(failed)?;
        for (name, content) in [("catalog.json", catalog), ("publishers.json", publishers)] {
            tx.execute(
                "INSERT INTO footprint_files (name, content) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content",
                &[&name, &content],
            )
            .map_err(failed)?;
        }
        for meta in &parsed.collections {
            let table = quoted(&meta.id);
            let index = quoted(&format!("{}_geom", meta.id));
            tx.batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {table} (fid bigserial PRIMARY KEY, id text NOT NULL UNIQUE, \
                   geom geometry(Point, 4326), name text, kind text, start date, \"end\" date, confidence text, \
                   version bigint NOT NULL, updated timestamptz NOT NULL, feature jsonb NOT NULL);
                 CREATE INDEX IF NOT EXISTS {index} ON {table} USING gist (geom);"
            ))
            .map_err(failed)?;
        }
        tx.commit().map_err(failed)
    }

    fn load(&mut self, each: &mut dyn FnMut(Version)) -> Result<Contents, StoreError> {
        self.reopen_if_closed()?;
        let address = self.address.clone();
        let catalog = self.file("catalog.json")?.ok_or_else(|| StoreError::Corrupt {
            store: address.clone(),
            message: "no catalog: the store is empty".into(),
        })?;
        let publishers = self
            .file("publishers.json")?
            .ok_or_else(|| StoreError::Corrupt { store: address.clone(), message: "no publisher registry".into() })?;
        let store_id = self.store_id()?;
        // One snapshot of the database for the versions and the revision.
        self.client.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").map_err(|e| self.error(&e))?;
        let versions = self.each_version(&super::backend::load_versions_sql(), each);
        let revision = self.revision();
        self.client.batch_execute("COMMIT").map_err(|e| self.error(&e))?;
        versions?;
        Ok(Contents { catalog, publishers, revision: revision?, store_id })
    }

    fn files(&mut self) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
        self.reopen_if_closed()?;
        Ok((self.file("catalog.json")?.unwrap_or_default(), self.file("publishers.json")?.unwrap_or_default()))
    }

    fn since(&mut self, after: i64) -> Result<Vec<Version>, StoreError> {
        self.reopen_if_closed()?;
        self.versions(
            &format!("SELECT {VERSION_COLUMNS} FROM footprint_versions WHERE seq > $1 ORDER BY seq"),
            &[&after],
        )
    }

    fn revision(&mut self) -> Result<i64, StoreError> {
        self.reopen_if_closed()?;
        let row = self.client.query_one("SELECT coalesce(max(seq), 0) FROM footprint_versions", &[]);
        Ok(row.map_err(|e| self.error(&e))?.get(0))
    }

    fn commit_each(&mut self, produce: &mut Produce<'_>, written: &mut dyn FnMut(Version)) -> Result<(), StoreError> {
        self.reopen_if_closed()?;
        let address = self.address.clone();
        let failed = |e: postgres::Error| StoreError::Database { store: address.clone(), message: message(&e) };
        let mut tx = self.client.transaction().map_err(failed)?;
        // Writers of every replica take turns: change numbers are handed out and committed in one order.
        tx.batch_execute("LOCK TABLE footprint_versions IN SHARE ROW EXCLUSIVE MODE").map_err(failed)?;
        let mut last = None;
        let mut append = |new: NewVersion| -> Result<(), StoreError> {
            let head: Option<i64> = tx
                .query_one(
                    "SELECT max(seq) FROM footprint_versions WHERE collection = $1 AND feature_id = $2",
                    &[&new.collection, &new.feature_id],
                )
                .map_err(failed)?
                .get(0);
            if head != new.based_on {
                return Err(StoreError::Conflict {
                    collection: new.collection.clone(),
                    feature: new.feature_id.clone(),
                    current: head.unwrap_or_default(),
                });
            }
            let changed = serde_json::to_value(&new.changed).unwrap_or(Value::Null);
            let row = tx
                .query_one(
                    "INSERT INTO footprint_versions (collection, feature_id, version, action, stage, publishes, at, \
                     role, account, reason, changed, feature) VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp(), $7, $8, \
                     $9, $10, $11) RETURNING seq, at",
                    &[
                        &new.collection,
                        &new.feature_id,
                        &new.version,
                        &new.action.name(),
                        &new.stage.name(),
                        &new.publishes,
                        &new.role.name(),
                        &new.account,
                        &new.reason,
                        &changed,
                        &new.feature,
                    ],
                )
                .map_err(failed)?;
            // The database's clock, shared by every replica: `since=` filters on it.
            let version = new.written(row.get(0), row.get(1));
            if version.stage == Stage::Published {
                apply_to_table(&mut tx, &version).map_err(failed)?;
            }
            last = Some(version.seq);
            written(version);
            Ok(())
        };
        produce(&mut append)?;
        if let Some(last) = last {
            tx.execute("SELECT pg_notify('footprint_changes', $1)", &[&last.to_string()]).map_err(failed)?;
        }
        tx.commit().map_err(failed)
    }

    fn history(&mut self, collection: &str, feature_id: &str) -> Result<Vec<Version>, StoreError> {
        self.reopen_if_closed()?;
        self.versions(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM footprint_versions WHERE collection = $1 AND feature_id = $2 ORDER BY seq"
            ),
            &[&collection, &feature_id],
        )
    }

    fn changes(
        &mut self,
        since: Option<DateTime<Utc>>,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Version>, usize), StoreError> {
        self.reopen_if_closed()?;
        let total: i64 = self
            .client
            .query_one(
                "SELECT count(*) FROM footprint_versions WHERE stage = 'published' AND ($1::timestamptz IS NULL OR at > $1)",
                &[&since],
            )
            .map_err(|e| self.error(&e))?
            .get(0);
        let (limit, offset) = (limit as i64, offset as i64);
        let page = self.versions(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM footprint_versions WHERE stage = 'published' \
                 AND ($1::timestamptz IS NULL OR at > $1) ORDER BY seq DESC LIMIT $2 OFFSET $3"
            ),
            &[&since, &limit, &offset],
        )?;
        Ok((page, total as usize))
    }

    fn add_account(&mut self, account: &Account) -> Result<(), StoreError> {
        self.reopen_if_closed()?;
        self.client
            .execute(
                "INSERT INTO footprint_accounts (name, role, token_id, token_hash, created) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, token_id = EXCLUDED.token_id, \
                 token_hash = EXCLUDED.token_hash, created = EXCLUDED.created, revoked = NULL",
                &[&account.name, &account.role.name(), &account.token_id, &account.token_hash, &account.created],
            )
            .map_err(|e| self.error(&e))?;
        Ok(())
    }

    fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        self.reopen_if_closed()?;
        let rows = self
            .client
            .query(
                "SELECT name, role, token_id, token_hash, created, revoked FROM footprint_accounts ORDER BY name",
                &[],
            )
            .map_err(|e| self.error(&e))?;
        rows.iter()
            .map(|r| {
                let name: String = r.get(0);
                Ok(Account {
                    role: AccountRole::from_name(r.get(1)).ok_or_else(|| StoreError::Corrupt {
                        store: self.address.clone(),
                        message: format!("account {name}: bad role"),
                    })?,
                    name,
                    token_id: r.get(2),
                    token_hash: r.get(3),
                    created: r.get(4),
                    revoked: r.get(5),
                })
            })
            .collect()
    }

    fn revoke_account(&mut self, name: &str) -> Result<bool, StoreError> {
        self.reopen_if_closed()?;
        let changed = self
            .client
            .execute("UPDATE footprint_accounts SET revoked = now() WHERE name = $1 AND revoked IS NULL", &[&name])
            .map_err(|e| self.error(&e))?;
        Ok(changed > 0)
    }

    fn add_session(&mut self, session: &Session) -> Result<(), StoreError> {
        self.reopen_if_closed()?;
        let result = self.client.execute("DELETE FROM footprint_sessions WHERE expires < now()", &[]).and_then(|_| {
            self.client.execute(
                "INSERT INTO footprint_sessions (key, account, csrf, expires) VALUES ($1, $2, $3, $4)",
                &[&session.key, &session.account, &session.csrf, &session.expires],
            )
        });
        result.map(|_| ()).map_err(|e| self.error(&e))
    }

    fn session(&mut self, key: &str) -> Result<Option<Session>, StoreError> {
        self.reopen_if_closed()?;
        let row = self
            .client
            .query_opt("SELECT account, csrf, expires FROM footprint_sessions WHERE key = $1", &[&key])
            .map_err(|e| self.error(&e))?;
        Ok(row.map(|r| Session { key: key.to_owned(), account: r.get(0), csrf: r.get(1), expires: r.get(2) }))
    }

    fn remove_session(&mut self, key: &str) -> Result<(), StoreError> {
        self.reopen_if_closed()?;
        self.client.execute("DELETE FROM footprint_sessions WHERE key = $1", &[&key]).map_err(|e| self.error(&e))?;
        Ok(())
    }

    fn backup(&mut self, _to: &Path) -> Result<(), StoreError> {
        Err(StoreError::Address(format!(
            "{}: back a PostgreSQL store up with pg_dump (footprint backup copies GeoPackage stores)",
            self.address
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::strip_password;

    #[test]
    fn a_password_never_appears_in_the_stores_description() {
        assert_eq!(strip_password("postgresql://fp:s3cret@db:5432/footprint"), "postgresql://fp@db:5432/footprint");
        assert_eq!(strip_password("postgresql://fp@db/footprint"), "postgresql://fp@db/footprint");
        assert_eq!(strip_password("postgresql://db/footprint"), "postgresql://db/footprint");
    }
}
