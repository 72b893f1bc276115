//! How a server's read path is built from its store: from the snapshot saved at its last start ([`super::saved`])
//! and the changes written since, or by replaying the store's log; and when a snapshot is saved again.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::backend::{Backend, StoreError};
use super::live::{Live, Replay, Snapshot, WriteError};
use super::saved::{self, Anchor, Expected, SavedError};
use super::texts::TextFile;
use super::{Collection, DataFiles, Dataset};

/// At most this many changes since a saved snapshot are applied on top of it at a start, or by a running server's
/// refresh (each is parsed and written again; they are read at once): with more, the log is replayed.
pub(super) const CATCH_UP_AT_START: i64 = 50_000;

/// A snapshot is saved again once this many changes were made since the last one (saving copies every text).
const SAVE_AFTER: i64 = 10_000;

/// How a start built its snapshot (logged; tests look).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// From the saved snapshot and the changes since.
    Saved {
        /// How many changes were applied on top of it.
        caught_up: usize,
    },
    /// By replaying the store's log.
    Replayed,
}

/// Where a server saves its snapshot, and the revision of the one there (`None`: none usable).
pub(super) struct Saving {
    path: PathBuf,
    revision: Mutex<Option<i64>>,
}

/// A snapshot built from a store, how, and where it is saved.
pub(super) struct Built {
    pub snapshot: Snapshot,
    pub start: Start,
    pub saving: Saving,
}

/// Builds the read path of `backend`'s store: from its saved snapshot if it is still the store's, else by
/// replaying its log.
pub(super) fn build(backend: &mut dyn Backend, documents: &dyn DataFiles) -> Result<Built, WriteError> {
    let path = backend.saved_path();
    match from_saved(backend, documents, &path) {
        Ok((snapshot, anchor, caught_up)) => {
            tracing::info!(saved = %path.display(), caught_up, "started from the saved snapshot");
            let saving = Saving { path, revision: Mutex::new(Some(anchor)) };
            return Ok(Built { snapshot, start: Start::Saved { caught_up }, saving });
        }
        Err(SavedError::Io { err, .. }) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => tracing::info!(%err, "the saved snapshot is not used: the store's log is replayed"),
    }
    let snapshot = replay(backend, documents)?;
    Ok(Built { snapshot, start: Start::Replayed, saving: Saving { path, revision: Mutex::new(None) } })
}

/// The saved snapshot with the changes since applied, and its anchor's revision.
fn from_saved(
    backend: &mut dyn Backend,
    documents: &dyn DataFiles,
    path: &std::path::Path,
) -> Result<(Snapshot, i64, usize), SavedError> {
    let (catalog, publishers) = backend.files()?;
    let store_id = backend.store_id()?;
    let expected = Expected { store_id: &store_id, catalog: &catalog, publishers: &publishers };
    let loaded = saved::load(path, &expected, &backend.texts_dir(), documents, backend.describe())?;
    let anchor = loaded.anchor.seq;
    let revision = backend.revision()?;
    if revision < anchor {
        return Err(SavedError::Stale(format!("the store has {revision} changes, the saved snapshot {anchor}")));
    }
    if revision - anchor > CATCH_UP_AT_START {
        return Err(SavedError::Stale(format!("{} changes were made since it was saved", revision - anchor)));
    }
    let versions = backend.since(anchor - 1)?;
    if versions.first().map(Anchor::of).as_ref() != Some(&loaded.anchor) {
        return Err(SavedError::Stale(format!(
            "the store's change {anchor} is not the one it was saved after (restored from a backup?)"
        )));
    }
    let tail = versions.get(1..).unwrap_or_default();
    let snapshot = loaded.snapshot.apply(tail)?;
    Ok((snapshot, anchor, tail.len()))
}

/// The read path made by replaying the store's whole log.
fn replay(backend: &mut dyn Backend, documents: &dyn DataFiles) -> Result<Snapshot, WriteError> {
    let (catalog, publishers) = backend.files()?;
    let parsed: super::Catalog = serde_json::from_slice(&catalog)
        .map_err(|e| StoreError::Corrupt { store: backend.describe(), message: format!("catalog: {e}") })?;
    // The features' texts go to a file of their own beside the store, not memory; where no file can be made, they
    // stay in memory (the server still serves, with more memory).
    let texts = TextFile::create_in(&backend.texts_dir())
        .inspect_err(|err| {
            let dir = backend.texts_dir();
            tracing::warn!(%err, dir = %dir.display(), "no file for the features' texts: they stay in memory");
        })
        .ok();
    let empty: Vec<Arc<Collection>> = parsed
        .collections
        .iter()
        .map(|meta| Arc::new(Collection::of_entries(meta.clone(), Vec::new(), texts.clone())))
        .collect();
    let data = Dataset::assemble(&catalog, &publishers, empty, documents, backend.describe())?;
    let base = Snapshot::of(data, Arc::from(publishers.as_slice()));
    // The log is applied as it is read, one version at a time: a large store is never held whole.
    let mut replay = Replay::streaming(&base);
    let mut failed = None;
    let contents = backend.load(&mut |version| {
        if failed.is_none()
            && let Err(err) = replay.add(&version)
        {
            failed = Some(err);
        }
    })?;
    if let Some(err) = failed {
        return Err(err.into());
    }
    let mut snapshot = replay.finish();
    snapshot.store_id.clone_from(&contents.store_id);
    snapshot.revision = snapshot.revision.max(contents.revision);
    if let Some(texts) = &texts {
        // Replaying the log wrote the text of every published version, the replaced ones too.
        snapshot.compact_texts(texts, &backend.texts_dir(), 64 << 20);
    }
    Ok(snapshot)
}

impl Saving {
    /// The saved snapshot no longer fits the store (its catalog changed): the next save is due at once.
    pub(super) fn forget(&self) {
        *self.revision.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}

impl Live {
    /// Saves the current snapshot for the next start when none is saved yet, or [`SAVE_AFTER`] changes were
    /// made since the last; `true` if it did. Blocking, and as long as copying every text: the server calls it
    /// from its background refresh, never on a request.
    pub fn save_when_due(&self) -> Result<bool, WriteError> {
        let Some(saving) = self.saving() else { return Ok(false) };
        let snapshot = self.snapshot();
        // Held for the whole save: two saves never run at once.
        let mut revision = saving.revision.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let due = snapshot.revision > 0 && revision.is_none_or(|saved| snapshot.revision - saved >= SAVE_AFTER);
        if !due {
            return Ok(false);
        }
        let versions = self.reader()?.since(snapshot.revision - 1)?;
        let Some(anchor) = versions.iter().find(|v| v.seq == snapshot.revision).map(Anchor::of) else {
            return Ok(false);
        };
        drop(versions);
        let started = std::time::Instant::now();
        match saved::save(&snapshot, anchor, &saving.path) {
            Ok(()) => {
                tracing::info!(
                    saved = %saving.path.display(),
                    revision = snapshot.revision,
                    seconds = started.elapsed().as_secs_f64(),
                    "saved the snapshot for the next start"
                );
                *revision = Some(snapshot.revision);
                Ok(true)
            }
            Err(err) => {
                tracing::warn!(%err, "the snapshot could not be saved: the next start replays the store's log");
                // Not tried again before as many changes as a save would wait for.
                *revision = Some(snapshot.revision);
                Ok(false)
            }
        }
    }
}
