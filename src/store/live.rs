//! The living store: the current [`Snapshot`] for readers (swapped atomically, so a read never waits for a write)
//! and one writer in front of the persistent [`Backend`]. A write is checked against the current snapshot,
//! committed by the backend (which checks again, in its transaction, that nobody changed the feature meanwhile), and
//! then becomes the next snapshot. Changes made by other processes on the same store (replicas, `footprint import`)
//! are picked up by [`Live::refresh`], which the server calls every [`REFRESH`].

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::backend::{Account, AccountRole, Action, Backend, NewVersion, Stage, StoreError, Version};
use super::check::Problem;
pub use super::snapshot::{Head, Replay, Snapshot};
use super::start::{Saving, Start};
use super::{Collection, DataFiles, Dataset, FeatureProvider as _, LoadError, PUBLISHERS_FILE, edit};

/// How often a server looks for changes made by other processes on its store.
pub const REFRESH: Duration = Duration::from_millis(500);

/// Why a write was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// This server serves a data directory, not a store.
    #[error("this server serves a data directory read-only; writes need a store (--store)")]
    ReadOnly,
    /// No such collection.
    #[error("no collection `{0}`")]
    CollectionNotFound(String),
    /// No such feature.
    #[error("no feature `{feature}` in collection `{collection}`")]
    FeatureNotFound {
        /// The collection.
        collection: String,
        /// The feature.
        feature: String,
    },
    /// The feature was retired.
    #[error("feature `{0}` was retired; its history is still served")]
    Retired(String),
    /// A `POST` with the id of an existing (or retired) feature.
    #[error("feature `{0}` already exists: change it with PUT or PATCH")]
    Exists(String),
    /// A publish with nothing to publish.
    #[error("feature `{0}` has no draft waiting to be published")]
    NoDraft(String),
    /// `If-Match` is required and missing.
    #[error("If-Match is required: send the feature's ETag (from GET) so no other editor's change is overwritten")]
    PreconditionRequired,
    /// `If-Match` names another version: someone else changed the feature.
    #[error(
        "the feature changed since you read it (If-Match does not name its current version {current}); read it again"
    )]
    Stale {
        /// The current `ETag`.
        current: String,
    },
    /// The role may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The feature breaks rules; every problem is listed.
    #[error("{} problem(s) in the feature", .0.len())]
    Invalid(Vec<Problem>),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// What was stored cannot be served.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// Who writes.
#[derive(Clone, Debug)]
pub struct Author {
    /// The account's role.
    pub role: AccountRole,
    /// The account's name.
    pub account: String,
}

/// What a write does.
#[derive(Clone, Debug)]
pub enum Change {
    /// `POST …/items`: a new feature (its id from the body, or made up).
    Create(Value),
    /// `PUT …/items/{id}`: a whole new version.
    Replace(Value),
    /// `PATCH …/items/{id}`: a JSON Merge Patch on the current version.
    Patch(Value),
    /// `DELETE …/items/{id}`: retire it.
    Retire,
    /// `POST …/items/{id}/publish`: publish the waiting draft.
    Publish,
    /// `POST …/items/{id}/send-back`: return the waiting draft to its editor with a note (the reason).
    SendBack,
}

/// One write.
#[derive(Clone, Debug)]
pub struct Write {
    /// The collection.
    pub collection: String,
    /// The feature (`None` for a create: from the body, or made up).
    pub feature_id: Option<String>,
    /// What to do.
    pub change: Change,
    /// The `If-Match` values (`None` when the header is absent).
    pub if_match: Option<Vec<String>>,
    /// Why (required).
    pub reason: String,
    /// Who.
    pub author: Author,
}

/// What a write did.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The version appended.
    pub version: Version,
    /// The feature's new `ETag`.
    pub etag: String,
}

struct Writer {
    backend: Box<dyn Backend>,
    documents: Arc<dyn DataFiles>,
}

/// The store as the server holds it.
pub struct Live {
    current: ArcSwap<Snapshot>,
    /// Where the snapshot is saved for the next start (a store's server only).
    saving: Option<Saving>,
    /// How the snapshot was first built.
    start: Option<Start>,
    writer: Option<Mutex<Writer>>,
    /// A second connection for reads (history, feeds, accounts): they never wait for a write.
    reader: Option<Mutex<Box<dyn Backend>>>,
    origin: String,
    /// Tokens already checked against their account's hash (by the token's SHA-256).
    verified: Mutex<lru::LruCache<[u8; 32], String>>,
}

/// Tokens remembered as checked.
const VERIFIED_TOKENS: std::num::NonZeroUsize = std::num::NonZeroUsize::new(1_000).unwrap();

impl Live {
    /// Data without a store behind it: served read-only.
    pub fn read_only(data: Dataset, publishers_bytes: Arc<[u8]>) -> Live {
        let origin = data.origin.clone();
        Live {
            current: ArcSwap::from_pointee(Snapshot::of(data, publishers_bytes)),
            saving: None,
            start: None,
            writer: None,
            reader: None,
            origin,
            verified: Mutex::new(lru::LruCache::new(VERIFIED_TOKENS)),
        }
    }

    /// Opens a store; an empty one is first filled from `seed` (checked as `footprint check` checks it), every
    /// feature published as version 1. `documents` supplies the schema and methodology served with the data.
    pub fn open(
        mut backend: Box<dyn Backend>,
        seed: &dyn DataFiles,
        documents: Arc<dyn DataFiles>,
    ) -> Result<Live, WriteError> {
        if backend.is_empty()? {
            let dataset = Dataset::load(seed)?;
            let catalog = seed.read("catalog.json").map_err(LoadError::from)?;
            let publishers = seed.read(PUBLISHERS_FILE).map_err(LoadError::from)?;
            backend.put_files(&catalog, &publishers)?;
            let reason = format!("Store created from {} (footprint {})", seed.describe(), env!("CARGO_PKG_VERSION"));
            let versions: Vec<NewVersion> = dataset
                .collections
                .iter()
                .flat_map(|c| c.read_all().into_iter().map(move |f| (c.meta.id.clone(), f)))
                .map(|(collection, feature)| NewVersion {
                    collection,
                    feature_id: feature.id.to_string(),
                    version: 1,
                    action: Action::Create,
                    stage: Stage::Published,
                    publishes: None,
                    role: AccountRole::Operator,
                    account: "operator".into(),
                    reason: reason.clone(),
                    changed: Vec::new(),
                    feature: edit::written(&feature),
                    based_on: None,
                })
                .collect();
            match backend.commit(&versions) {
                // Another replica starting on the same empty database seeded it first: the same data.
                Ok(_) | Err(StoreError::Conflict { .. }) => {}
                Err(err) => return Err(err.into()),
            }
        }
        let origin = backend.describe();
        let built = super::start::build(backend.as_mut(), documents.as_ref())?;
        let reader = backend.connect_again()?;
        Ok(Live {
            current: ArcSwap::from_pointee(built.snapshot),
            saving: Some(built.saving),
            start: Some(built.start),
            writer: Some(Mutex::new(Writer { backend, documents })),
            reader: Some(Mutex::new(reader)),
            origin,
            verified: Mutex::new(lru::LruCache::new(VERIFIED_TOKENS)),
        })
    }

    fn build(backend: &mut dyn Backend, documents: &dyn DataFiles) -> Result<Snapshot, WriteError> {
        Ok(super::start::build(backend, documents)?.snapshot)
    }

    /// A rebuild (the catalog changed): the saved snapshot no longer fits, and the next save is due at once.
    fn rebuild(&self, writer: &mut Writer) -> Result<(), WriteError> {
        let snapshot = Live::build(writer.backend.as_mut(), writer.documents.as_ref())?;
        self.current.store(Arc::new(snapshot));
        if let Some(saving) = &self.saving {
            saving.forget();
        }
        Ok(())
    }

    /// Where this server saves its snapshot for the next start.
    pub(super) fn saving(&self) -> Option<&Saving> {
        self.saving.as_ref()
    }

    /// How this server's read path was built when it opened its store (`None`: it serves a directory).
    pub fn start(&self) -> Option<Start> {
        self.start
    }

    /// The current snapshot (cheap: readers hold it for the length of a request).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Where the data lives (for logs).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Whether writes are possible.
    pub fn is_writable(&self) -> bool {
        self.writer.is_some()
    }

    fn writer(&self) -> Result<MutexGuard<'_, Writer>, WriteError> {
        let writer = self.writer.as_ref().ok_or(WriteError::ReadOnly)?;
        Ok(writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    pub(super) fn reader(&self) -> Result<MutexGuard<'_, Box<dyn Backend>>, WriteError> {
        let reader = self.reader.as_ref().ok_or(WriteError::ReadOnly)?;
        Ok(reader.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Catches up with changes other processes made to the store; `true` when there were any. Blocking.
    pub fn refresh(&self) -> Result<bool, WriteError> {
        let mut writer = self.writer()?;
        let current = self.snapshot();
        // A new catalog or publisher registry (`footprint import`) means every collection may change: rebuild.
        let (catalog, publishers) = writer.backend.files()?;
        let stored_catalog = current.data.documents.get("catalog.json").map_or(&[][..], |b| &b[..]);
        if catalog != stored_catalog || publishers[..] != current.publishers_bytes[..] {
            self.rebuild(&mut writer)?;
            return Ok(true);
        }
        let revision = writer.backend.revision()?;
        if revision <= current.revision {
            return Ok(false);
        }
        if revision - current.revision > super::start::CATCH_UP_AT_START {
            // An import of many features: replayed as a start replays the log (its texts straight to the file),
            // rather than read at once and held.
            self.rebuild(&mut writer)?;
            return Ok(true);
        }
        self.catch_up(&mut writer, &current)?;
        Ok(true)
    }

    /// Applies every version after the snapshot's revision (ours and other processes') and publishes the result.
    fn catch_up(&self, writer: &mut Writer, current: &Snapshot) -> Result<Arc<Snapshot>, WriteError> {
        let versions = writer.backend.since(current.revision)?;
        let next = Arc::new(current.apply(&versions)?);
        self.current.store(Arc::clone(&next));
        Ok(next)
    }

    /// Reloads everything (after `import` changed the catalog). Blocking.
    pub fn reload(&self) -> Result<(), WriteError> {
        let mut writer = self.writer()?;
        self.rebuild(&mut writer)
    }

    /// Carries out one write. Blocking: the HTTP layer calls it off its async workers.
    pub fn write(&self, write: &Write) -> Result<Outcome, WriteError> {
        let mut writer = self.writer()?;
        let mut current = self.snapshot();
        // A replica may be up to one refresh behind: catch up first, so the write is checked against the latest.
        if writer.backend.revision()? > current.revision {
            current = self.catch_up(&mut writer, &current)?;
        }
        let new = plan(&current, write)?;
        let written = writer.backend.commit(std::slice::from_ref(&new)).map_err(|e| match e {
            StoreError::Conflict { collection, feature, .. } => {
                // Another process wrote first; the snapshot catches up on the next refresh.
                WriteError::Stale { current: format!("(changed elsewhere: {collection}/{feature})") }
            }
            other => WriteError::Store(other),
        })?;
        let version = written.into_iter().next().ok_or(WriteError::Store(StoreError::Corrupt {
            store: writer.backend.describe(),
            message: "a commit returned no version".into(),
        }))?;
        // The write is on disk: it is acknowledged even if serving it fails now (the next refresh tries again).
        if let Err(err) = self.catch_up(&mut writer, &current) {
            tracing::error!(%err, seq = version.seq, "a committed write could not be applied to the served data yet");
        }
        Ok(Outcome { etag: current.etag(version.seq), version })
    }

    /// Every version of a feature (`drafts`: with drafts, for signed-in editors). Blocking.
    pub fn history(&self, collection: &str, feature_id: &str, drafts: bool) -> Result<Vec<Version>, WriteError> {
        let mut versions = self.reader()?.history(collection, feature_id)?;
        if !drafts {
            versions.retain(|v| v.stage == Stage::Published);
        }
        Ok(versions)
    }

    /// Published changes, newest first, after `since`. Blocking.
    pub fn changes(
        &self,
        since: Option<DateTime<Utc>>,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Version>, usize), WriteError> {
        Ok(self.reader()?.changes(since, offset, limit)?)
    }

    /// The active account whose token this is. Blocking: the account is read from the store on every call (a
    /// revocation takes effect at once); the argon2 check, slow on purpose, runs once per token and hash, then a
    /// SHA-256 of the token finds it in a bounded cache.
    pub fn authenticate(&self, token: &str) -> Result<Option<Account>, WriteError> {
        use sha2::Digest as _;
        let Some(id) = super::accounts::token_id(token) else { return Ok(None) };
        let account = self.reader()?.accounts()?.into_iter().find(|a| a.token_id == id && a.revoked.is_none());
        let Some(account) = account else { return Ok(None) };
        let key: [u8; 32] = sha2::Sha256::digest(token.as_bytes()).into();
        let mut verified = self.verified.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if verified.get(&key).is_some_and(|hash| *hash == account.token_hash) {
            return Ok(Some(account));
        }
        drop(verified);
        if !super::accounts::verify(token, &account.token_hash) {
            return Ok(None);
        }
        let mut verified = self.verified.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        verified.put(key, account.token_hash.clone());
        Ok(Some(account))
    }

    /// Whether this token was already verified for its (still active) account: such a token is let through even
    /// while its client address is locked out after failed attempts (behind a proxy, many people share one
    /// address). Blocking: reads the account.
    pub fn is_known_token(&self, token: &str) -> Result<bool, WriteError> {
        use sha2::Digest as _;
        let Some(id) = super::accounts::token_id(token) else { return Ok(false) };
        let Some(account) = self.reader()?.accounts()?.into_iter().find(|a| a.token_id == id && a.revoked.is_none())
        else {
            return Ok(false);
        };
        let key: [u8; 32] = sha2::Sha256::digest(token.as_bytes()).into();
        let mut verified = self.verified.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(verified.get(&key).is_some_and(|hash| *hash == account.token_hash))
    }

    /// Runs `f` on the backend (the command line's account and backup commands). Blocking.
    pub fn with_backend<T>(&self, f: impl FnOnce(&mut dyn Backend) -> Result<T, StoreError>) -> Result<T, WriteError> {
        let mut writer = self.writer()?;
        Ok(f(writer.backend.as_mut())?)
    }

    /// Appends, in one transaction, the versions `produce` hands over (`footprint import`), and returns how many;
    /// they are not applied to this process's snapshot (a server picks them up on its next refresh; the command
    /// line ends), so a million of them are never held.
    pub fn commit_each(&self, produce: &mut super::backend::Produce<'_>) -> Result<usize, WriteError> {
        let mut writer = self.writer()?;
        let mut count = 0;
        writer.backend.commit_each(produce, &mut |_| count += 1)?;
        Ok(count)
    }

    /// Appends versions prepared by the command line in one transaction.
    pub fn commit(&self, versions: &[NewVersion]) -> Result<(), WriteError> {
        let mut writer = self.writer()?;
        let current = self.snapshot();
        writer.backend.commit(versions)?;
        self.catch_up(&mut writer, &current)?;
        Ok(())
    }
}

/// Checks a write against the snapshot and prepares the version to append.
fn plan(snapshot: &Snapshot, write: &Write) -> Result<NewVersion, WriteError> {
    let position =
        snapshot.position(&write.collection).ok_or_else(|| WriteError::CollectionNotFound(write.collection.clone()))?;
    let collection = &snapshot.data.collections[position];
    let heads = &snapshot.heads[position];
    let author = &write.author;
    let stage = if author.role.publishes() { Stage::Published } else { Stage::Draft };
    let new = |feature_id: String, version: i64, action: Action, feature: Value, based_on: Option<i64>| NewVersion {
        collection: write.collection.clone(),
        feature_id,
        version,
        action,
        stage,
        publishes: None,
        role: author.role,
        account: author.account.clone(),
        reason: write.reason.clone(),
        changed: Vec::new(),
        feature,
        based_on,
    };
    let file = collection.meta.file.clone();
    if let Change::Create(body) = &write.change {
        let id = match body.get("id").and_then(Value::as_str) {
            Some(id) => id.to_owned(),
            None => made_up_id(collection, body, heads),
        };
        if heads.contains_key(id.as_str()) {
            return Err(WriteError::Exists(id));
        }
        let feature =
            edit::parse(body, &id, collection, &snapshot.data.publishers, &file).map_err(WriteError::Invalid)?;
        return Ok(new(id, 1, Action::Create, edit::written(&feature), None));
    }
    let id = write.feature_id.clone().unwrap_or_default();
    let head = heads
        .get(id.as_str())
        .ok_or_else(|| WriteError::FeatureNotFound { collection: write.collection.clone(), feature: id.clone() })?;
    if head.is_retired() {
        return Err(WriteError::Retired(id));
    }
    // A named version is required, publishing included (what the publisher reviewed is what goes public); `*`
    // would let a write land on whatever another editor wrote meanwhile.
    match write.if_match.as_ref() {
        None => return Err(WriteError::PreconditionRequired),
        Some(tags) if !tags.iter().any(|t| snapshot.matches(t, head.seq)) => {
            return Err(WriteError::Stale { current: snapshot.etag(head.seq) });
        }
        Some(_) => {}
    }
    // The head's content: the pending draft, or the published feature.
    let current = head.draft.clone().or_else(|| collection.feature(&id)).as_deref().map(edit::written);
    let next_version = head.version + 1;
    match &write.change {
        Change::Replace(body) | Change::Patch(body) => {
            let body = if let Change::Patch(patch) = &write.change {
                let mut merged = current.clone().unwrap_or(Value::Null);
                json_patch::merge(&mut merged, patch);
                merged
            } else {
                body.clone()
            };
            let feature =
                edit::parse(&body, &id, collection, &snapshot.data.publishers, &file).map_err(WriteError::Invalid)?;
            let after = edit::written(&feature);
            // Until it is first published, a feature's versions are all its creation.
            let action = if head.published_seq.is_some() { Action::Update } else { Action::Create };
            let mut version = new(id, next_version, action, after, Some(head.seq));
            // A draft says what it changes in the version it was based on; a published version, what it changes
            // in what the public saw.
            let base = if version.stage == Stage::Published {
                collection.feature(&version.feature_id).as_deref().map(edit::written)
            } else {
                current
            };
            version.changed = edit::changed(base.as_ref(), &version.feature);
            Ok(version)
        }
        Change::Retire => Ok(new(id, next_version, Action::Retire, current.unwrap_or(Value::Null), Some(head.seq))),
        Change::Publish => {
            if !author.role.publishes() {
                return Err(WriteError::Forbidden("only a publisher can publish drafts"));
            }
            if head.stage != Stage::Draft {
                return Err(WriteError::NoDraft(id));
            }
            let published = collection.feature(&id).as_deref().map(edit::written);
            let content = current.unwrap_or(Value::Null);
            let mut version = new(id, head.version, head.action, content, Some(head.seq));
            version.stage = Stage::Published;
            version.publishes = Some(head.seq);
            version.changed = edit::changed(published.as_ref(), &version.feature);
            if write.reason.is_empty() {
                version.reason = head.reason.to_string();
            }
            Ok(version)
        }
        Change::SendBack => {
            if !author.role.publishes() {
                return Err(WriteError::Forbidden("only a publisher can send a draft back"));
            }
            if head.stage != Stage::Draft {
                return Err(WriteError::NoDraft(id));
            }
            let mut version = new(id, next_version, head.action, current.unwrap_or(Value::Null), Some(head.seq));
            version.stage = Stage::Returned;
            Ok(version)
        }
        Change::Create(_) => Err(WriteError::Forbidden("create is handled above")),
    }
}

/// An id for a `POST` without one: the collection's singular, the start day, and a random part
/// (`strike-2025-03-01-4f9a`).
fn made_up_id(collection: &Collection, body: &Value, heads: &super::snapshot::Heads) -> String {
    let prefix = collection.meta.id.trim_end_matches('s');
    let day = body["properties"]["start"].as_str().filter(|d| d.len() == 10).unwrap_or("undated");
    loop {
        let mut random = [0u8; 3];
        let _ = getrandom::fill(&mut random);
        let id = format!("{prefix}-{day}-{}", super::hex(&random));
        if !heads.contains_key(id.as_str()) {
            return id;
        }
    }
}
