//! A snapshot saved beside its store, so that the next start reads it instead of replaying the store's whole log.
//!
//! Replaying the log parses every stored feature and writes its text again: about a minute at a million
//! real-shaped features. A saved snapshot is what the replay produced, in one file: the features' texts
//! ([`super::ready::ReadyFeature`], as the text file keeps them), then each collection's rows (what the columns and
//! index are built from), each text's place and digest, and each feature's head. A start reads the rows and heads
//! (about 200 bytes a feature), keeps the file open as the base of its text file (its texts are read from there, by
//! position, like any other), and applies the log's versions written since.
//!
//! The file is a cache, never the store: it names the store (its id), the catalog and publisher registry it was
//! made with (their SHA-256) and the last change it includes (number, feature and time, so a store restored from an
//! older backup is noticed); if any of these differ, or the file is unreadable or from another format, the start
//! replays the log as before. It is written to a new name and renamed into place, so a process starting from the old
//! one keeps reading it; nothing ever writes into a saved file again.
//!
//! Layout: 16 bytes of magic, the metadata's offset and length (two little-endian `u64`), the texts, then the
//! metadata, [`postcard`]-encoded one record after another (a [`Meta`], then per collection a [`SavedCollection`],
//! its entries and its heads), so that neither a save nor a start holds a million of them decoded at once.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Read as _, Seek as _, Write as _};
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::backend::{Action, Stage, Version};
use super::collection::Entry;
use super::columns::{Marks, Row};
use super::snapshot::{Head, Heads, Snapshot};
use super::texts::{Digest, Text, TextFile};
use super::{Collection, DataFiles, Dataset, FeatureProvider as _, LoadError};
use crate::domain::{Confidence, Day, DaySpan, Feature, LocationPrecision, Point, Status};

const MAGIC: &[u8; 16] = b"footprint-saved\n";
/// The format: changes whenever what is saved, or the texts' form, changes.
const FORMAT: u32 = 1;
/// Where the texts begin.
const HEADER: u64 = 32;

/// Why a saved snapshot was not used (the start then replays the log) or could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    /// No file, or it cannot be read or written.
    #[error("{path}: {err}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        err: std::io::Error,
    },
    /// The file is not a saved snapshot this build reads.
    #[error("{path}: {message}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The file is of another store, catalog, registry or history.
    #[error("{0}")]
    Stale(String),
    /// The store failed while the snapshot was checked.
    #[error(transparent)]
    Store(#[from] super::backend::StoreError),
    /// What was saved does not make a dataset.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// The last change a snapshot includes, as the store's log has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// Its number (the snapshot's revision).
    pub seq: i64,
    /// Its collection.
    pub collection: String,
    /// Its feature.
    pub feature_id: String,
    /// When it was written, in microseconds since 1970.
    pub at: i64,
}

impl Anchor {
    /// The anchor of `version`.
    pub fn of(version: &Version) -> Anchor {
        Anchor {
            seq: version.seq,
            collection: version.collection.clone(),
            feature_id: version.feature_id.clone(),
            at: version.at.timestamp_micros(),
        }
    }
}

/// What a start needs to know about the store, to tell whether a saved snapshot is still its.
pub struct Expected<'a> {
    /// The store's id.
    pub store_id: &'a str,
    /// The stored catalog.
    pub catalog: &'a [u8],
    /// The stored publisher registry.
    pub publishers: &'a [u8],
}

#[derive(Serialize, Deserialize)]
struct Meta {
    format: u32,
    build: String,
    store_id: String,
    catalog: [u8; 32],
    publishers: [u8; 32],
    anchor: Anchor,
    published_revision: i64,
    /// How many collections follow, each a [`SavedCollection`] then its entries and heads.
    collections: u32,
}

/// A collection's id and how many entries, then heads, follow it.
#[derive(Serialize, Deserialize)]
struct SavedCollection {
    id: String,
    entries: u64,
    heads: u64,
}

#[derive(Serialize, Deserialize)]
struct SavedEntry {
    at: u64,
    len: u32,
    digest: Digest,
    id: CompactString,
    point: Option<(f64, f64)>,
    days: (i32, i32),
    confidence: Confidence,
    location_precision: LocationPrecision,
    location_unsourced: bool,
    status: Option<Status>,
    values: Vec<Option<CompactString>>,
}

#[derive(Serialize, Deserialize)]
struct SavedHead {
    id: CompactString,
    seq: i64,
    version: i64,
    action: Action,
    stage: Stage,
    published_seq: Option<i64>,
    /// A draft's (or a retired feature's) content, in the curated files' form.
    draft: Option<String>,
    reason: String,
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> SavedError + '_ {
    move |err| SavedError::Io { path: path.to_owned(), err }
}

/// Saves `snapshot`, whose last change is `anchor`, to `path`: written to a new file beside it, then renamed into
/// place (a half-written file is never read). Reads every text of the snapshot: run it off the request path.
pub fn save(snapshot: &Snapshot, anchor: Anchor, path: &Path) -> Result<(), SavedError> {
    remove_abandoned(path);
    let partial = path.with_extension(format!("partial-{}", std::process::id()));
    let written = write(snapshot, anchor, &partial).and_then(|()| std::fs::rename(&partial, path).map_err(io(path)));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Removes what saves of `path` by processes that ended mid-way left behind (`NAME.partial-PID` with no process
/// `PID` running).
fn remove_abandoned(path: &Path) {
    let (Some(dir), Some(stem)) = (path.parent(), path.file_stem().and_then(|s| s.to_str())) else { return };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let prefix = format!("{stem}.partial-");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn write(snapshot: &Snapshot, anchor: Anchor, path: &Path) -> Result<(), SavedError> {
    let failed = io(path);
    let encoding = |e: postcard::Error| SavedError::Unreadable { path: path.to_owned(), message: e.to_string() };
    let file = File::create(path).map_err(&failed)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(&[0; HEADER as usize]).map_err(&failed)?;
    let catalog = snapshot.data.documents.get("catalog.json").map_or([0; 32], |b| sha256(b));
    let meta = Meta {
        format: FORMAT,
        build: env!("CARGO_PKG_VERSION").to_owned(),
        store_id: snapshot.store_id.clone(),
        catalog,
        publishers: sha256(&snapshot.publishers_bytes),
        anchor,
        published_revision: snapshot.published_revision,
        collections: u32::try_from(snapshot.data.collections.len()).unwrap_or(u32::MAX),
    };
    // The metadata is encoded as the texts are written (about 100 bytes a feature), then written after them.
    let mut encoded = postcard::to_stdvec(&meta).map_err(encoding)?;
    let mut at = HEADER;
    for (collection, heads) in snapshot.data.collections.iter().zip(&snapshot.heads) {
        let columns = collection.columns();
        let counts = SavedCollection {
            id: collection.meta.id.clone(),
            entries: collection.len() as u64,
            heads: heads.len() as u64,
        };
        encoded = postcard::to_extend(&counts, encoded).map_err(encoding)?;
        #[expect(clippy::cast_possible_truncation, reason = "rows are numbered in u32")]
        for row in 0..collection.len() as u32 {
            let unreadable = || SavedError::Unreadable {
                path: path.to_owned(),
                message: format!("{}: row {row}'s text cannot be read", collection.meta.id),
            };
            let row_number = row as usize;
            let ready = collection.ready(row).ok_or_else(unreadable)?;
            let row = columns.row(row_number).ok_or_else(unreadable)?;
            let bytes = ready.as_bytes();
            out.write_all(bytes).map_err(&failed)?;
            let len = u32::try_from(bytes.len()).map_err(|_| unreadable())?;
            let entry = SavedEntry {
                at,
                len,
                // Kept with each text since it was made: not hashed again.
                digest: collection.digest(row_number).ok_or_else(unreadable)?,
                id: row.id.clone(),
                point: row.point.map(|p| (p.lon, p.lat)),
                days: (row.span.first.0, row.span.last.0),
                confidence: row.marks.confidence,
                location_precision: row.marks.location_precision,
                location_unsourced: row.marks.location_unsourced,
                status: row.marks.status,
                values: row.values().to_vec(),
            };
            encoded = postcard::to_extend(&entry, encoded).map_err(encoding)?;
            at += u64::from(len);
        }
        for (id, head) in heads.iter() {
            let head = SavedHead {
                id: id.clone(),
                seq: head.seq,
                version: head.version,
                action: head.action,
                stage: head.stage,
                published_seq: head.published_seq,
                draft: head.draft.as_deref().map(|f| super::edit::written(f).to_string()),
                reason: head.reason.to_string(),
            };
            encoded = postcard::to_extend(&head, encoded).map_err(encoding)?;
        }
    }
    out.write_all(&encoded).map_err(&failed)?;
    let file = out.into_inner().map_err(|e| failed(e.into_error()))?;
    let mut header = [0u8; HEADER as usize];
    header[..16].copy_from_slice(MAGIC);
    header[16..24].copy_from_slice(&at.to_le_bytes());
    header[24..].copy_from_slice(&(encoded.len() as u64).to_le_bytes());
    file.write_all_at(&header, 0).map_err(&failed)?;
    file.sync_all().map_err(&failed)?;
    Ok(())
}

/// The records of the metadata, decoded one at a time.
struct Records<'a> {
    rest: &'a [u8],
    path: &'a Path,
}

impl Records<'_> {
    fn next<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, SavedError> {
        let (value, rest) = postcard::take_from_bytes(self.rest)
            .map_err(|e| SavedError::Unreadable { path: self.path.to_owned(), message: e.to_string() })?;
        self.rest = rest;
        Ok(value)
    }
}

/// A saved snapshot, read: its anchor (the caller checks it against the store's log, and applies what came after)
/// and the snapshot itself.
pub struct Loaded {
    /// The last change it includes.
    pub anchor: Anchor,
    /// The snapshot, its texts read from the saved file (what the process appends goes to a new file in the
    /// directory given to [`load`]).
    pub snapshot: Snapshot,
}

/// Reads the snapshot saved at `path` if it is `expected`'s; its own texts (a write's) go to a new file in `dir`.
pub fn load(
    path: &Path,
    expected: &Expected<'_>,
    dir: &Path,
    documents: &dyn DataFiles,
    origin: String,
) -> Result<Loaded, SavedError> {
    let failed = io(path);
    let unreadable = |message: String| SavedError::Unreadable { path: path.to_owned(), message };
    let mut file = File::open(path).map_err(&failed)?;
    let mut header = [0u8; HEADER as usize];
    file.read_exact(&mut header).map_err(&failed)?;
    if &header[..16] != MAGIC {
        return Err(unreadable("not a saved snapshot".into()));
    }
    let number =
        |range: std::ops::Range<usize>| header.get(range).and_then(|b| b.try_into().ok()).map_or(0, u64::from_le_bytes);
    let (meta_at, meta_len) = (number(16..24), number(24..32));
    let size = file.metadata().map_err(&failed)?.len();
    if meta_at < HEADER || meta_at.checked_add(meta_len) != Some(size) {
        return Err(unreadable("its parts do not add up to its size (cut short?)".into()));
    }
    let mut encoded = vec![0; usize::try_from(meta_len).map_err(|e| unreadable(e.to_string()))?];
    file.seek(std::io::SeekFrom::Start(meta_at)).map_err(&failed)?;
    file.read_exact(&mut encoded).map_err(&failed)?;
    let mut records = Records { rest: &encoded, path };
    let meta: Meta = records.next()?;
    if meta.format != FORMAT || meta.build != env!("CARGO_PKG_VERSION") {
        return Err(SavedError::Stale(format!("saved by footprint {} (format {})", meta.build, meta.format)));
    }
    if meta.store_id != expected.store_id {
        return Err(SavedError::Stale("saved from another store".into()));
    }
    if meta.catalog != sha256(expected.catalog) || meta.publishers != sha256(expected.publishers) {
        return Err(SavedError::Stale("the store's catalog or publisher registry changed since".into()));
    }
    let catalog: super::Catalog = serde_json::from_slice(expected.catalog).map_err(|e| unreadable(e.to_string()))?;
    let texts = TextFile::over(file, meta_at, dir).map_err(io(dir))?;
    let mut by_id: HashMap<String, (Vec<Entry>, Heads)> = HashMap::new();
    let mut reasons: HashMap<String, Arc<str>> = HashMap::new();
    for _ in 0..meta.collections {
        let counts: SavedCollection = records.next()?;
        let mut entries = Vec::with_capacity(usize::try_from(counts.entries).unwrap_or(0).min(1 << 24));
        for _ in 0..counts.entries {
            let saved: SavedEntry = records.next()?;
            let entry = entry(saved, meta_at)
                .ok_or_else(|| unreadable(format!("{}: a row does not fit the columns", counts.id)))?;
            entries.push(entry);
        }
        let mut own = Heads::with_capacity(usize::try_from(counts.heads).unwrap_or(0).min(1 << 24));
        for _ in 0..counts.heads {
            let head: SavedHead = records.next()?;
            let draft = match head.draft {
                Some(text) => {
                    let mut feature: Feature =
                        serde_json::from_str(&text).map_err(|e| unreadable(format!("{}: {e}", head.id)))?;
                    feature.id.clone_from(&head.id);
                    Some(Arc::new(feature))
                }
                None => None,
            };
            // A million heads share a few reasons ("imported from …").
            let reason = if let Some(reason) = reasons.get(&head.reason) {
                Arc::clone(reason)
            } else {
                let reason: Arc<str> = Arc::from(head.reason.as_str());
                reasons.insert(head.reason, Arc::clone(&reason));
                reason
            };
            let kept = Head {
                seq: head.seq,
                version: head.version,
                action: head.action,
                stage: head.stage,
                published_seq: head.published_seq,
                draft,
                reason,
            };
            own.insert(head.id, kept);
        }
        by_id.insert(counts.id, (entries, own));
    }
    drop(encoded);
    let mut collections = Vec::with_capacity(catalog.collections.len());
    let mut heads = Vec::with_capacity(catalog.collections.len());
    for collection_meta in &catalog.collections {
        let (entries, own) = by_id
            .remove(&collection_meta.id)
            .ok_or_else(|| unreadable(format!("no collection `{}`", collection_meta.id)))?;
        collections.push(Arc::new(Collection::of_entries(collection_meta.clone(), entries, Some(Arc::clone(&texts)))));
        heads.push(Arc::new(own));
    }
    let data = Dataset::assemble(expected.catalog, expected.publishers, collections, documents, origin)?;
    let snapshot = Snapshot {
        data,
        heads,
        revision: meta.anchor.seq,
        published_revision: meta.published_revision,
        store_id: meta.store_id,
        publishers_bytes: Arc::from(expected.publishers),
    };
    Ok(Loaded { anchor: meta.anchor, snapshot })
}

fn entry(saved: SavedEntry, texts_end: u64) -> Option<Entry> {
    if saved.at < HEADER || saved.at.checked_add(u64::from(saved.len))? > texts_end {
        return None;
    }
    let marks = Marks {
        confidence: saved.confidence,
        location_precision: saved.location_precision,
        location_unsourced: saved.location_unsourced,
        status: saved.status,
    };
    let span = DaySpan { first: Day(saved.days.0), last: Day(saved.days.1) };
    let point = saved.point.map(|(lon, lat)| Point { lon, lat });
    let row = Row::from_parts(saved.id, point, span, marks, saved.values)?;
    Some(Entry { text: Text::Stored { at: saved.at, len: saved.len, digest: saved.digest }, row })
}
