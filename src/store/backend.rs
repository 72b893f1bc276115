//! The persistent store behind the in-memory read path: what a backend (the embedded GeoPackage, PostgreSQL) keeps
//! and the few operations [`Live`](super::live::Live) asks of it. Every change is an immutable row of a log of
//! [`Version`]s numbered by `seq`; a backend also keeps the current published features in its own feature tables
//! (so GDAL and QGIS read what the API serves) and the accounts.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// The columns of a change-log row, in the order both backends read them.
pub(super) const VERSION_COLUMNS: &str =
    "seq, collection, feature_id, version, action, stage, publishes, at, role, account, reason, changed, feature";

/// What [`Backend::load`] reads (the same SQL in SQLite and PostgreSQL): for each feature, its latest publication
/// and every row after it, in change order.
pub(super) fn load_versions_sql() -> String {
    format!(
        "WITH public AS (SELECT collection, feature_id, max(seq) AS last FROM footprint_versions \
           WHERE stage = 'published' GROUP BY collection, feature_id) \
         SELECT {VERSION_COLUMNS} FROM footprint_versions LEFT JOIN public USING (collection, feature_id) \
         WHERE seq >= coalesce(public.last, 0) ORDER BY seq"
    )
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (I/O, corruption, a constraint).
    #[error("{store}: {message}")]
    Database {
        /// Which store.
        store: String,
        /// What the database said.
        message: String,
    },
    /// Another write got there first: the feature's current version is not the one the write was based on.
    #[error("{collection}/{feature}: changed by another write (now at change {current})")]
    Conflict {
        /// The collection.
        collection: String,
        /// The feature.
        feature: String,
        /// The `seq` of its current head version.
        current: i64,
    },
    /// The store's contents cannot be read back (a row that does not parse).
    #[error("{store}: {message}")]
    Corrupt {
        /// Which store.
        store: String,
        /// What does not parse.
        message: String,
    },
    /// The store address is not one this build understands.
    #[error("{0}")]
    Address(String),
}

/// What a write does to a feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// It did not exist before.
    Create,
    /// A new version replaces the previous one (a correction).
    Update,
    /// It leaves queries and maps (kept in the history and the feed).
    Retire,
}

impl Action {
    /// The name stored and served.
    pub fn name(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Retire => "retire",
        }
    }

    /// Parses a stored name.
    pub fn from_name(name: &str) -> Option<Action> {
        [Action::Create, Action::Update, Action::Retire].into_iter().find(|a| a.name() == name)
    }
}

/// Whether a version is waiting for a publisher or public.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// An editor's write, invisible to the public until published.
    Draft,
    /// Public: a publisher's own write, or the publication of a draft.
    Published,
    /// A draft a publisher sent back to its editor, with a note (the version's reason); still invisible to the
    /// public, no longer waiting for publication until an editor saves it again.
    Returned,
}

impl Stage {
    /// The name stored and served.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Published => "published",
            Stage::Returned => "returned",
        }
    }

    /// Parses a stored name.
    pub fn from_name(name: &str) -> Option<Stage> {
        [Stage::Draft, Stage::Published, Stage::Returned].into_iter().find(|s| s.name() == name)
    }
}

/// Who may do what: editors write drafts, publishers publish (their own writes at once); the operator is the
/// command line (`footprint import`, the initial load).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AccountRole {
    /// Writes drafts.
    Editor,
    /// Writes published versions and publishes drafts.
    Publisher,
    /// The command line on the server's machine.
    Operator,
}

impl AccountRole {
    /// The name stored and served.
    pub fn name(self) -> &'static str {
        match self {
            AccountRole::Editor => "editor",
            AccountRole::Publisher => "publisher",
            AccountRole::Operator => "operator",
        }
    }

    /// Parses a stored name.
    pub fn from_name(name: &str) -> Option<AccountRole> {
        [AccountRole::Editor, AccountRole::Publisher, AccountRole::Operator].into_iter().find(|r| r.name() == name)
    }

    /// Whether this role's writes are published at once.
    pub fn publishes(self) -> bool {
        self != AccountRole::Editor
    }
}

/// One row of the change log.
#[derive(Clone, Debug, Serialize)]
pub struct Version {
    /// Position in the store's change log (increasing, unique).
    pub seq: i64,
    /// The collection.
    pub collection: String,
    /// The feature.
    pub feature_id: String,
    /// The feature's version number: 1 for its creation, one more for each later write (a publication keeps the
    /// number of the draft it publishes).
    pub version: i64,
    /// What the version does.
    pub action: Action,
    /// Draft or published.
    pub stage: Stage,
    /// For a publication: the `seq` of the draft it publishes.
    pub publishes: Option<i64>,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The role of who wrote it.
    pub role: AccountRole,
    /// The account name (shown publicly only when the operator opts in).
    pub account: String,
    /// Why (the `Footprint-Reason` header, or `--reason`).
    pub reason: String,
    /// The members changed against the previous version (`geometry`, `properties.start`, …).
    pub changed: Vec<String>,
    /// The feature as written (the curated files' form); for a retirement, its last content. Kept as JSON text
    /// and parsed where it is used, so loading a store never holds every version's JSON tree at once.
    pub feature: Box<RawValue>,
}

impl Version {
    /// The feature as a JSON value (`null` if the stored text were not JSON, which the stores never write).
    pub fn feature_value(&self) -> Value {
        serde_json::from_str(self.feature.get()).unwrap_or(Value::Null)
    }
}

/// A version to append (the store assigns `seq` and `at`).
#[derive(Clone, Debug)]
pub struct NewVersion {
    /// The collection.
    pub collection: String,
    /// The feature.
    pub feature_id: String,
    /// The feature's version number.
    pub version: i64,
    /// What it does.
    pub action: Action,
    /// Draft or published.
    pub stage: Stage,
    /// For a publication, the draft it publishes.
    pub publishes: Option<i64>,
    /// The role of who writes it.
    pub role: AccountRole,
    /// The account name.
    pub account: String,
    /// Why.
    pub reason: String,
    /// The members changed.
    pub changed: Vec<String>,
    /// The feature as written.
    pub feature: Value,
    /// The `seq` of the feature's head version this write was based on (`None`: the feature must not exist).
    pub based_on: Option<i64>,
}

impl NewVersion {
    /// The version as stored, numbered `seq`, written `at`.
    pub fn written(&self, seq: i64, at: DateTime<Utc>) -> Version {
        Version {
            seq,
            collection: self.collection.clone(),
            feature_id: self.feature_id.clone(),
            version: self.version,
            action: self.action,
            stage: self.stage,
            publishes: self.publishes,
            at,
            role: self.role,
            account: self.account.clone(),
            reason: self.reason.clone(),
            changed: self.changed.clone(),
            // A JSON value always serialises.
            feature: serde_json::value::to_raw_value(&self.feature).unwrap_or_else(|_| RawValue::NULL.to_owned()),
        }
    }
}

/// An account, as listed (never its token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: AccountRole,
    /// The public part of its token (`fp_<id>_…`), to find it without scanning hashes.
    pub token_id: String,
    /// The argon2id hash of its whole token (PHC string).
    #[serde(skip)]
    pub token_hash: String,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked: Option<DateTime<Utc>>,
}

/// A signed-in browser session (the editor's), found by the SHA-256 of the secret its cookie holds: the store
/// never holds the secret itself, and every replica finds the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The hex SHA-256 of the cookie's secret.
    pub key: String,
    /// The account it signed in.
    pub account: String,
    /// The token every state-changing request of this session must carry (`X-CSRF-Token`, or a form's `csrf`).
    pub csrf: String,
    /// When it ends.
    pub expires: DateTime<Utc>,
}

/// Everything the read path is built from.
#[derive(Clone, Debug, Default)]
pub struct Contents {
    /// `catalog.json` as stored.
    pub catalog: Vec<u8>,
    /// `publishers.json` as stored.
    pub publishers: Vec<u8>,
    /// The highest `seq` in the store.
    pub revision: i64,
    /// A random id made when the store was created: part of every feature's ETag.
    pub store_id: String,
}

/// What [`Backend::commit_each`] appends: a function that hands each version to the function it is given.
pub type Produce<'a> = dyn FnMut(&mut dyn FnMut(NewVersion) -> Result<(), StoreError>) -> Result<(), StoreError> + 'a;

/// A persistent store. Calls are blocking: the HTTP layer makes them off its async workers.
pub trait Backend: Send {
    /// Where the store is (a path, or a database URL without its password).
    fn describe(&self) -> String;
    /// The directory the read path keeps its features' texts in ([`super::texts::TextFile`]): the system's
    /// temporary directory unless the store has a directory of its own.
    fn texts_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir()
    }
    /// Where a snapshot of the read path is saved for the next start ([`super::saved`]): beside the store when it
    /// has a directory of its own, else in the system's temporary directory under a name made from
    /// [`Backend::describe`].
    fn saved_path(&self) -> std::path::PathBuf {
        use sha2::Digest as _;
        let key = sha2::Sha256::digest(self.describe().as_bytes());
        std::env::temp_dir().join(format!("footprint-{}.snapshot", super::hex(&key[..8])))
    }
    /// The store's id (made when it was created; part of every feature's `ETag`).
    fn store_id(&mut self) -> Result<String, StoreError>;
    /// A second connection to the same store: reads of history, feeds and accounts use it, so they never wait for
    /// a write.
    fn connect_again(&self) -> Result<Box<dyn Backend>, StoreError>;
    /// Whether the store holds no data yet (just created).
    fn is_empty(&mut self) -> Result<bool, StoreError>;
    /// Stores the catalog and publisher registry (on creation, and by `footprint import`).
    fn put_files(&mut self, catalog: &[u8], publishers: &[u8]) -> Result<(), StoreError>;
    /// Everything the read path needs: the files and revision returned, each version handed to `each` as it is
    /// read (in `seq` order: for each feature, its latest publication and every row after it), so a large log is
    /// never held whole.
    fn load(&mut self, each: &mut dyn FnMut(Version)) -> Result<Contents, StoreError>;
    /// The stored catalog and publisher registry (a few KB: read on every refresh, so a server notices when
    /// `footprint import` changed them).
    fn files(&mut self) -> Result<(Vec<u8>, Vec<u8>), StoreError>;
    /// The versions with `seq > after`, in order (a replica's catch-up).
    fn since(&mut self, after: i64) -> Result<Vec<Version>, StoreError>;
    /// The highest `seq` (cheap: polled by every replica).
    fn revision(&mut self) -> Result<i64, StoreError>;
    /// Appends versions in one transaction, after checking each is based on its feature's current head; published
    /// ones also update the feature tables. All or nothing.
    fn commit(&mut self, versions: &[NewVersion]) -> Result<Vec<Version>, StoreError> {
        let mut written = Vec::with_capacity(versions.len());
        self.commit_each(&mut |append| versions.iter().try_for_each(|v| append(v.clone())), &mut |v| written.push(v))?;
        Ok(written)
    }
    /// Appends, in one transaction, each version `produce` hands to the function it is given (checked as
    /// [`Backend::commit`] checks them), and hands each appended one to `written`: an import of a million
    /// features is never held whole. All or nothing: if `produce` or an append fails, nothing is written.
    fn commit_each(&mut self, produce: &mut Produce<'_>, written: &mut dyn FnMut(Version)) -> Result<(), StoreError>;
    /// Every version of one feature, in order.
    fn history(&mut self, collection: &str, feature_id: &str) -> Result<Vec<Version>, StoreError>;
    /// Published versions, newest first: `(page, total)` of those after `since`.
    fn changes(
        &mut self,
        since: Option<DateTime<Utc>>,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Version>, usize), StoreError>;
    /// Adds an account.
    fn add_account(&mut self, account: &Account) -> Result<(), StoreError>;
    /// Every account.
    fn accounts(&mut self) -> Result<Vec<Account>, StoreError>;
    /// Revokes an account's token; `false` when there is no such active account.
    fn revoke_account(&mut self, name: &str) -> Result<bool, StoreError>;
    /// Adds a session (and forgets the expired ones).
    fn add_session(&mut self, session: &Session) -> Result<(), StoreError>;
    /// The session with this key, expired or not.
    fn session(&mut self, key: &str) -> Result<Option<Session>, StoreError>;
    /// Ends a session (signing out).
    fn remove_session(&mut self, key: &str) -> Result<(), StoreError>;
    /// A consistent copy of the whole store, taken while it serves.
    fn backup(&mut self, to: &Path) -> Result<(), StoreError>;
}
