//! The embedded store: one GeoPackage file (SQLite, compiled in through rusqlite's `bundled` feature).
//!
//! Each collection is a feature table with the GeoPackage spatial index (R-tree) holding its current published
//! features, so `ogrinfo footprint.gpkg` lists the layers an analyst sees in the API; the change log
//! (`footprint_versions`, every draft, publication and retirement) is an attribute table beside them. Writes are
//! SQLite transactions in WAL mode with `synchronous=FULL`: a write is acknowledged only once it is on disk.

mod geometry;
mod schema;
mod sessions;

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension as _, Row, TransactionBehavior, params};
use serde_json::Value;
use serde_json::value::RawValue;

use super::backend::{
    Account, AccountRole, Action, Backend, Contents, NewVersion, Produce, Session, Stage, StoreError, VERSION_COLUMNS,
    Version,
};
pub use geometry::{blob_point, point_blob};

/// A GeoPackage store.
pub struct GeoPackage {
    path: PathBuf,
    connection: Connection,
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl GeoPackage {
    /// Opens the store at `path`, creating an empty GeoPackage when there is no file.
    pub fn open(path: &Path) -> Result<GeoPackage, StoreError> {
        let new = !path.exists();
        if new && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Database {
                store: path.display().to_string(),
                message: format!("cannot create its directory: {e}"),
            })?;
        }
        let connection = Connection::open(path).map_err(|e| database(path, &e))?;
        let store = GeoPackage { path: path.to_owned(), connection };
        store.configure().map_err(|e| store.error(&e))?;
        if new {
            store.create().map_err(|e| store.error(&e))?;
        } else {
            let id: i32 = store
                .connection
                .pragma_query_value(None, "application_id", |r| r.get(0))
                .map_err(|e| store.error(&e))?;
            if id != schema::APPLICATION_ID {
                return Err(StoreError::Address(format!("{}: not a GeoPackage", path.display())));
            }
        }
        // Stores made before sessions existed get their table.
        store.connection.execute_batch(sessions::TABLE).map_err(|e| store.error(&e))?;
        Ok(store)
    }

    fn configure(&self) -> rusqlite::Result<()> {
        let c = &self.connection;
        c.busy_timeout(std::time::Duration::from_secs(10))?;
        c.pragma_update(None, "journal_mode", "WAL")?;
        c.pragma_update(None, "synchronous", "FULL")?;
        geometry::register_functions(c)
    }

    fn create(&self) -> rusqlite::Result<()> {
        let mut id = [0u8; 8];
        let _ = getrandom::fill(&mut id);
        let store_id = super::hex(&id);
        let tx = self.connection.unchecked_transaction()?;
        schema::create(&tx, &store_id)?;
        tx.commit()
    }

    fn error(&self, err: &rusqlite::Error) -> StoreError {
        database(&self.path, err)
    }

    fn corrupt(&self, message: impl Into<String>) -> StoreError {
        StoreError::Corrupt { store: self.path.display().to_string(), message: message.into() }
    }

    fn file(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.connection
            .query_row("SELECT content FROM footprint_files WHERE name = ?1", [name], |r| r.get(0))
            .optional()
            .map_err(|e| self.error(&e))
    }

    fn versions(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<Version>, StoreError> {
        let mut versions = Vec::new();
        self.each_version(sql, params, &mut |v| versions.push(v))?;
        Ok(versions)
    }

    /// Hands each version the query returns to `each`, one row at a time.
    fn each_version(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        each: &mut dyn FnMut(Version),
    ) -> Result<(), StoreError> {
        let mut statement = self.connection.prepare_cached(sql).map_err(|e| self.error(&e))?;
        let rows = statement.query_map(params, raw_version).map_err(|e| self.error(&e))?;
        for row in rows {
            let raw = row.map_err(|e| self.error(&e))?;
            each(raw.parse().map_err(|m| self.corrupt(m))?);
        }
        Ok(())
    }
}

fn database(path: &Path, err: &rusqlite::Error) -> StoreError {
    StoreError::Database { store: path.display().to_string(), message: err.to_string() }
}

/// A change-log row as stored, before its names and JSON are parsed.
struct RawVersion {
    seq: i64,
    collection: String,
    feature_id: String,
    version: i64,
    action: String,
    stage: String,
    publishes: Option<i64>,
    at: String,
    role: String,
    account: String,
    reason: String,
    changed: String,
    feature: String,
}

fn raw_version(row: &Row<'_>) -> rusqlite::Result<RawVersion> {
    Ok(RawVersion {
        seq: row.get(0)?,
        collection: row.get(1)?,
        feature_id: row.get(2)?,
        version: row.get(3)?,
        action: row.get(4)?,
        stage: row.get(5)?,
        publishes: row.get(6)?,
        at: row.get(7)?,
        role: row.get(8)?,
        account: row.get(9)?,
        reason: row.get(10)?,
        changed: row.get(11)?,
        feature: row.get(12)?,
    })
}

impl RawVersion {
    fn parse(self) -> Result<Version, String> {
        let seq = self.seq;
        let bad = |what: &str| format!("change {seq}: bad {what}");
        Ok(Version {
            seq,
            collection: self.collection,
            feature_id: self.feature_id,
            version: self.version,
            action: Action::from_name(&self.action).ok_or_else(|| bad("action"))?,
            stage: Stage::from_name(&self.stage).ok_or_else(|| bad("stage"))?,
            publishes: self.publishes,
            at: DateTime::parse_from_rfc3339(&self.at).map_err(|_| bad("time"))?.with_timezone(&Utc),
            role: AccountRole::from_name(&self.role).ok_or_else(|| bad("role"))?,
            account: self.account,
            reason: self.reason,
            changed: serde_json::from_str(&self.changed).map_err(|_| bad("changed"))?,
            feature: RawValue::from_string(self.feature).map_err(|_| bad("feature"))?,
        })
    }
}

/// The columns of a feature table row, from a feature in its written form.
struct FeatureRow {
    geom: Option<Vec<u8>>,
    name: Option<String>,
    kind: Option<String>,
    start: Option<String>,
    end: Option<String>,
    confidence: Option<String>,
}

fn feature_row(feature: &Value) -> Result<FeatureRow, String> {
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let geom = match feature["geometry"]["coordinates"].as_array().map(Vec::as_slice) {
        Some([lon, lat]) => Some(point_blob(lon.as_f64().unwrap_or_default(), lat.as_f64().unwrap_or_default())?),
        _ => None,
    };
    let p = &feature["properties"];
    Ok(FeatureRow {
        geom,
        name: text(&p["name"]["en"]),
        kind: text(&p["kind"]),
        start: text(&p["start"]),
        end: text(&p["end"]),
        confidence: text(&p["confidence"]),
    })
}

impl GeoPackage {
    /// Puts a published version into its collection's feature table (or takes a retired one out).
    fn apply_to_table(tx: &rusqlite::Transaction<'_>, version: &Version) -> Result<(), String> {
        let table = schema::quoted(&version.collection);
        if version.action == Action::Retire {
            tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [&version.feature_id])
                .map_err(|e| e.to_string())?;
            return Ok(());
        }
        let row = feature_row(&version.feature_value())?;
        let json = version.feature.get();
        // A plain UPDATE, then an INSERT when there was nothing to update: an UPSERT's conflict clause would
        // override the R-tree triggers' own `INSERT OR REPLACE` (SQLite applies the outer statement's).
        let values = params![
            row.geom,
            version.feature_id,
            row.name,
            row.kind,
            row.start,
            row.end,
            row.confidence,
            version.version,
            timestamp(version.at),
            json
        ];
        let updated = tx
            .execute(
                &format!(
                    "UPDATE {table} SET geom = ?1, name = ?3, kind = ?4, start = ?5, \"end\" = ?6, confidence = ?7, \
                     version = ?8, updated = ?9, feature = ?10 WHERE id = ?2"
                ),
                values,
            )
            .map_err(|e| e.to_string())?;
        if updated == 0 {
            tx.execute(
                &format!(
                    "INSERT INTO {table} (geom, id, name, kind, start, \"end\", confidence, version, updated, feature) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                ),
                values,
            )
            .map_err(|e| e.to_string())?;
        }
        if let Some((lon, lat)) = row.geom.as_deref().map(blob_point).transpose()?.flatten() {
            tx.execute(
                "UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?2), ?2), min_y = min(coalesce(min_y, ?3), ?3), \
                 max_x = max(coalesce(max_x, ?2), ?2), max_y = max(coalesce(max_y, ?3), ?3) WHERE table_name = ?1",
                params![version.collection, lon, lat],
            )
            .map_err(|e| e.to_string())?;
        }
        tx.execute(
            "UPDATE gpkg_contents SET last_change = ?2 WHERE table_name = ?1",
            params![version.collection, timestamp(version.at)],
        )
        .map_err(|e| e.to_string())?;
        Ok(())
    }
}

impl Backend for GeoPackage {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn texts_dir(&self) -> PathBuf {
        // Beside the GeoPackage, on the store's own disk.
        self.path.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }

    fn saved_path(&self) -> PathBuf {
        let mut name = self.path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
        name.push(".snapshot");
        self.path.with_file_name(name)
    }

    fn store_id(&mut self) -> Result<String, StoreError> {
        Ok(self.file("store_id")?.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default())
    }

    fn connect_again(&self) -> Result<Box<dyn Backend>, StoreError> {
        Ok(Box::new(GeoPackage::open(&self.path)?))
    }

    fn is_empty(&mut self) -> Result<bool, StoreError> {
        // Seeding is a transaction after the catalog's: a store with a catalog but no change is still empty.
        Ok(self.file("catalog.json")?.is_none() || self.revision()? == 0)
    }

    fn put_files(&mut self, catalog: &[u8], publishers: &[u8]) -> Result<(), StoreError> {
        let parsed: super::Catalog = serde_json::from_slice(catalog).map_err(|e| self.corrupt(e.to_string()))?;
        let tx = self.connection.unchecked_transaction().map_err(|e| self.error(&e))?;
        for (name, content) in [("catalog.json", catalog), ("publishers.json", publishers)] {
            tx.execute(
                "INSERT INTO footprint_files (name, content) VALUES (?1, ?2) \
                 ON CONFLICT (name) DO UPDATE SET content = ?2",
                params![name, content],
            )
            .map_err(|e| self.error(&e))?;
        }
        for meta in &parsed.collections {
            schema::ensure_feature_table(&tx, &meta.id, &meta.title).map_err(|e| self.error(&e))?;
        }
        tx.commit().map_err(|e| self.error(&e))
    }

    fn load(&mut self, each: &mut dyn FnMut(Version)) -> Result<Contents, StoreError> {
        let catalog = self.file("catalog.json")?.ok_or_else(|| self.corrupt("no catalog: the store is empty"))?;
        let publishers = self.file("publishers.json")?.ok_or_else(|| self.corrupt("no publisher registry"))?;
        let store_id = self.store_id()?;
        // One read transaction: the versions and the revision are of the same moment.
        self.connection.execute_batch("BEGIN").map_err(|e| self.error(&e))?;
        let versions = self.each_version(&super::backend::load_versions_sql(), [], each);
        let revision = self.revision();
        self.connection.execute_batch("COMMIT").map_err(|e| self.error(&e))?;
        let ((), revision) = (versions?, revision?);
        Ok(Contents { catalog, publishers, revision, store_id })
    }

    fn files(&mut self) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
        Ok((self.file("catalog.json")?.unwrap_or_default(), self.file("publishers.json")?.unwrap_or_default()))
    }

    fn since(&mut self, after: i64) -> Result<Vec<Version>, StoreError> {
        self.versions(&format!("SELECT {VERSION_COLUMNS} FROM footprint_versions WHERE seq > ?1 ORDER BY seq"), [after])
    }

    fn revision(&mut self) -> Result<i64, StoreError> {
        self.connection
            .query_row("SELECT coalesce(max(seq), 0) FROM footprint_versions", [], |r| r.get(0))
            .map_err(|e| self.error(&e))
    }

    fn commit_each(&mut self, produce: &mut Produce<'_>, written: &mut dyn FnMut(Version)) -> Result<(), StoreError> {
        let path = self.path.clone();
        let failed = |e: rusqlite::Error| database(&path, &e);
        let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed)?;
        let mut append = |new: NewVersion| -> Result<(), StoreError> {
            let head: Option<i64> = tx
                .query_row(
                    "SELECT max(seq) FROM footprint_versions WHERE collection = ?1 AND feature_id = ?2",
                    params![new.collection, new.feature_id],
                    |r| r.get(0),
                )
                .map_err(failed)?;
            if head != new.based_on {
                return Err(StoreError::Conflict {
                    collection: new.collection.clone(),
                    feature: new.feature_id.clone(),
                    current: head.unwrap_or_default(),
                });
            }
            let at = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
            let changed = serde_json::to_string(&new.changed).unwrap_or_else(|_| "[]".into());
            let feature = serde_json::to_string(&new.feature).unwrap_or_else(|_| "null".into());
            tx.execute(
                "INSERT INTO footprint_versions (collection, feature_id, version, action, stage, publishes, at, \
                 role, account, reason, changed, feature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    new.collection,
                    new.feature_id,
                    new.version,
                    new.action.name(),
                    new.stage.name(),
                    new.publishes,
                    timestamp(at),
                    new.role.name(),
                    new.account,
                    new.reason,
                    changed,
                    feature
                ],
            )
            .map_err(failed)?;
            let version = new.written(tx.last_insert_rowid(), at);
            if version.stage == Stage::Published {
                GeoPackage::apply_to_table(&tx, &version)
                    .map_err(|message| StoreError::Database { store: path.display().to_string(), message })?;
            }
            written(version);
            Ok(())
        };
        produce(&mut append)?;
        tx.commit().map_err(failed)
    }

    fn history(&mut self, collection: &str, feature_id: &str) -> Result<Vec<Version>, StoreError> {
        self.versions(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM footprint_versions WHERE collection = ?1 AND feature_id = ?2 ORDER BY seq"
            ),
            params![collection, feature_id],
        )
    }

    fn changes(
        &mut self,
        since: Option<DateTime<Utc>>,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Version>, usize), StoreError> {
        let since = since.map_or_else(String::new, timestamp);
        let total: i64 = self
            .connection
            .query_row("SELECT count(*) FROM footprint_versions WHERE stage = 'published' AND at > ?1", [&since], |r| {
                r.get(0)
            })
            .map_err(|e| self.error(&e))?;
        let page = self.versions(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM footprint_versions WHERE stage = 'published' AND at > ?1 \
                 ORDER BY seq DESC LIMIT ?2 OFFSET ?3"
            ),
            params![since, limit as i64, offset as i64],
        )?;
        Ok((page, total as usize))
    }

    fn add_account(&mut self, account: &Account) -> Result<(), StoreError> {
        self.connection
            .execute(
                "INSERT INTO footprint_accounts (name, role, token_id, token_hash, created) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (name) DO UPDATE SET role = ?2, token_id = ?3, token_hash = ?4, created = ?5, revoked = NULL",
                params![
                    account.name,
                    account.role.name(),
                    account.token_id,
                    account.token_hash,
                    timestamp(account.created)
                ],
            )
            .map_err(|e| self.error(&e))?;
        Ok(())
    }

    fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT name, role, token_id, token_hash, created, revoked FROM footprint_accounts ORDER BY name",
            )
            .map_err(|e| database(&self.path, &e))?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .map_err(|e| database(&self.path, &e))?;
        let time = |s: &str| DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc));
        let mut accounts = Vec::new();
        for row in rows {
            let (name, role, token_id, token_hash, created, revoked) = row.map_err(|e| database(&self.path, &e))?;
            accounts.push(Account {
                role: AccountRole::from_name(&role).ok_or_else(|| StoreError::Corrupt {
                    store: self.path.display().to_string(),
                    message: format!("account {name}: bad role"),
                })?,
                name,
                token_id,
                token_hash,
                created: time(&created).unwrap_or_default(),
                revoked: revoked.as_deref().and_then(time),
            });
        }
        Ok(accounts)
    }

    fn revoke_account(&mut self, name: &str) -> Result<bool, StoreError> {
        let changed = self
            .connection
            .execute(
                "UPDATE footprint_accounts SET revoked = ?2 WHERE name = ?1 AND revoked IS NULL",
                params![name, timestamp(Utc::now())],
            )
            .map_err(|e| self.error(&e))?;
        Ok(changed > 0)
    }

    fn add_session(&mut self, session: &Session) -> Result<(), StoreError> {
        sessions::add(&self.connection, session).map_err(|e| self.error(&e))
    }

    fn session(&mut self, key: &str) -> Result<Option<Session>, StoreError> {
        sessions::find(&self.connection, key).map_err(|e| self.error(&e))
    }

    fn remove_session(&mut self, key: &str) -> Result<(), StoreError> {
        sessions::remove(&self.connection, key).map_err(|e| self.error(&e))
    }

    fn backup(&mut self, to: &Path) -> Result<(), StoreError> {
        if to.exists() {
            return Err(StoreError::Address(format!("{}: already exists; choose a new file", to.display())));
        }
        // VACUUM INTO copies from one read transaction: a consistent snapshot while writers go on.
        self.connection.execute("VACUUM INTO ?1", [to.display().to_string()]).map_err(|e| self.error(&e))?;
        Ok(())
    }
}
