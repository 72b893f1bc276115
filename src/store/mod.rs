//! The store: the curated layers loaded, checked and indexed (columns and index in memory, each feature's text in
//! memory or in a file: [`collection`], [`texts`]).
//!
//! [`Dataset::load`] reads the catalog and every layer from a [`DataFiles`] source, checks every rule (collecting all
//! problems rather than stopping at the first) and builds one [`Collection`] per layer with its
//! [`SpaceTimeIndex`](index::SpaceTimeIndex). The HTTP layer and the renderer reach the data only through the
//! [`FeatureStore`] and [`FeatureProvider`] traits ([`provider`]), so another backend can stand behind them.

pub mod accounts;
pub mod acled;
pub mod backend;
pub mod batch;
pub mod catalog;
pub mod check;
pub mod collection;
pub mod columns;
pub mod edit;
pub mod files;
pub mod generate;
pub mod gpkg;
pub mod index;
mod layer;
pub mod live;
pub mod postgres;
pub mod provider;
pub mod query;
pub mod ready;
pub mod saved;
pub mod sessions;
pub mod snapshot;
pub mod start;
pub mod synthetic;
pub mod texts;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::domain::Day;
pub use catalog::{Catalog, CollectionMeta, Role};
pub use check::{Problem, Publishers};
pub use collection::{Collection, Entry};
pub use files::{DataFiles, Directory, Embedded, FilesError};
pub use provider::{FeatureProvider, FeatureStore, Published};
pub use query::{Filter, MAX_LIMIT, Page, PropertyFilter, Queryable, Selection, SortOrder};
use texts::TextFile;

/// Why the data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read.
    #[error(transparent)]
    Files(#[from] FilesError),
    /// The data breaks rules; every problem is listed.
    #[error("{} problem(s) in the data:\n{}", .0.len(), ProblemList(.0))]
    Invalid(Vec<Problem>),
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in self.0 {
            writeln!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// The publisher registry, next to the catalog: which hosts each publisher publishes on, and which are mirrors.
pub const PUBLISHERS_FILE: &str = "publishers.json";

/// The spatial and temporal extent of a collection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extent {
    /// `[min lon, min lat, max lon, max lat]` of located features, if any.
    pub bbox: Option<[f64; 4]>,
    /// First start day, if any features.
    pub first: Option<Day>,
    /// Last end day; `None` when some feature is ongoing (open end) or there are none.
    pub last: Option<Day>,
}

/// The whole dataset: catalog and collections, with a content hash for HTTP caching. Cloning shares the collections.
#[derive(Clone)]
pub struct Dataset {
    /// The catalog as loaded.
    pub catalog: Catalog,
    /// The collections, in catalog order (shared between snapshots: a write rebuilds only its own).
    pub collections: Vec<Arc<Collection>>,
    /// The publisher registry the features were checked against (writes are checked against it too).
    pub publishers: Arc<Publishers>,
    /// Hex SHA-256 over the catalog, the publisher registry, every layer file and the documents: changes whenever
    /// the data changes.
    pub content_hash: String,
    /// Where the data came from (for logs).
    pub origin: String,
    /// The documents published under `/data/` besides the layers (catalog, schema, methodology), as they were read
    /// for this dataset: what is served is always what was checked and hashed.
    pub documents: BTreeMap<String, bytes::Bytes>,
    /// Each layer's SHA-256 over its features as they are served ([`layer_digest`]), by file name. The layer files
    /// themselves are not held: `/data/` writes them from the features as it sends them
    /// ([`crate::domain::record::write_layer_file`]): for files in the curated format (as `geodata/` is kept), the
    /// same bytes.
    layer_digests: BTreeMap<String, [u8; 32]>,
}

/// Files published with the data but not loaded into the index (read if present).
pub const DOCUMENT_FILES: [&str; 2] = ["schema/feature.schema.json", "METHODOLOGY.md"];

impl Dataset {
    /// Loads, checks and indexes the data, its texts in memory. On failure, every problem found is in the error.
    pub fn load(files: &dyn DataFiles) -> Result<Dataset, LoadError> {
        Dataset::load_into(files, None)
    }

    /// Loads, checks and indexes the data, its texts written to `texts` as they are read (if given; else held).
    /// On failure, every problem found is in the error.
    pub fn load_into(files: &dyn DataFiles, texts: Option<&Arc<TextFile>>) -> Result<Dataset, LoadError> {
        let mut documents = BTreeMap::new();
        let mut layer_digests = BTreeMap::new();
        let catalog_bytes = files.read("catalog.json")?;
        documents.insert("catalog.json".to_owned(), bytes::Bytes::from(catalog_bytes.to_vec()));
        let mut problems = Vec::new();
        let catalog: Catalog = match serde_json::from_slice(&catalog_bytes) {
            Ok(catalog) => catalog,
            Err(err) => {
                problems.push(Problem {
                    file: "catalog.json".into(),
                    feature: None,
                    field: "-".into(),
                    message: err.to_string(),
                });
                return Err(LoadError::Invalid(problems));
            }
        };
        let publishers_bytes = files.read(PUBLISHERS_FILE)?;
        let publishers: Publishers = match serde_json::from_slice(&publishers_bytes) {
            Ok(publishers) => publishers,
            Err(err) => {
                // Without the registry every source would be reported; the one real problem is this file.
                problems.push(Problem {
                    file: PUBLISHERS_FILE.into(),
                    feature: None,
                    field: "-".into(),
                    message: err.to_string(),
                });
                return Err(LoadError::Invalid(problems));
            }
        };
        let mut collections = Vec::new();
        for meta in &catalog.collections {
            let bytes = files.read(&meta.file)?;
            let mut findings = check::Findings::new(&meta.file, &mut problems);
            let rules = check::Rules { role: meta.role, publishers: &publishers };
            // Each feature becomes its entry as it is read: a layer is never held as features.
            let mut entries = Vec::new();
            layer::read_layer(&bytes, rules, &mut findings, &mut |feature| {
                entries.push(Entry::stored(&feature, texts.map(AsRef::as_ref)));
            });
            drop(bytes);
            check::check_collection(entries.iter().map(|e| check::Member::of_row(&e.row)), meta.role, &mut findings);
            let collection = Collection::of_entries(meta.clone(), entries, texts.cloned());
            layer_digests.insert(meta.file.clone(), layer_digest(&collection));
            collections.push(Arc::new(collection));
        }
        for name in DOCUMENT_FILES {
            match files.read(name) {
                Ok(bytes) => {
                    documents.insert(name.to_owned(), bytes::Bytes::from(bytes.into_owned()));
                }
                Err(FilesError::Missing { .. }) => {}
                Err(err) => return Err(err.into()),
            }
        }
        let mut ids = BTreeSet::new();
        for meta in &catalog.collections {
            if !ids.insert(meta.id.as_str()) {
                problems.push(Problem {
                    file: "catalog.json".into(),
                    feature: None,
                    field: "collections.id".into(),
                    message: format!("duplicate collection id `{}`", meta.id),
                });
            }
        }
        if !problems.is_empty() {
            return Err(LoadError::Invalid(problems));
        }
        let mut dataset = Dataset {
            catalog,
            collections,
            publishers: Arc::new(publishers),
            content_hash: String::new(),
            origin: files.describe(),
            documents,
            layer_digests,
        };
        dataset.content_hash = dataset.hash(&publishers_bytes);
        Ok(dataset)
    }

    /// A dataset from a store's contents: the layers are written in the curated files' format (what `/data/`
    /// serves and `footprint export` writes), the documents come from `documents` (the binary's own copy), and
    /// the content hash is computed as [`Dataset::load`] computes it.
    pub fn assemble(
        catalog_bytes: &[u8],
        publishers_bytes: &[u8],
        collections: Vec<Arc<Collection>>,
        documents: &dyn DataFiles,
        origin: String,
    ) -> Result<Dataset, LoadError> {
        let invalid = |file: &str, err: serde_json::Error| {
            LoadError::Invalid(vec![Problem {
                file: file.into(),
                feature: None,
                field: "-".into(),
                message: err.to_string(),
            }])
        };
        let catalog: Catalog = serde_json::from_slice(catalog_bytes).map_err(|e| invalid("catalog.json", e))?;
        let publishers: Publishers =
            serde_json::from_slice(publishers_bytes).map_err(|e| invalid(PUBLISHERS_FILE, e))?;
        let mut published = BTreeMap::new();
        published.insert("catalog.json".to_owned(), bytes::Bytes::copy_from_slice(catalog_bytes));
        let layer_digests = collections.iter().map(|c| (c.meta.file.clone(), layer_digest(c))).collect();
        for name in DOCUMENT_FILES {
            match documents.read(name) {
                Ok(bytes) => {
                    published.insert(name.to_owned(), bytes::Bytes::from(bytes.into_owned()));
                }
                Err(FilesError::Missing { .. }) => {}
                Err(err) => return Err(err.into()),
            }
        }
        let mut dataset = Dataset {
            catalog,
            collections,
            publishers: Arc::new(publishers),
            content_hash: String::new(),
            origin,
            documents: published,
            layer_digests,
        };
        dataset.content_hash = dataset.hash(publishers_bytes);
        Ok(dataset)
    }

    /// This dataset with one collection replaced (its layer file's digest and the hash recomputed).
    #[must_use]
    pub fn with_collection(&self, collection: Collection, publishers_bytes: &[u8]) -> Dataset {
        let mut layer_digests = self.layer_digests.clone();
        layer_digests.insert(collection.meta.file.clone(), layer_digest(&collection));
        let collection = Arc::new(collection);
        let collections = self
            .collections
            .iter()
            .map(|c| if c.meta.id == collection.meta.id { Arc::clone(&collection) } else { Arc::clone(c) })
            .collect();
        let mut dataset = Dataset {
            catalog: self.catalog.clone(),
            collections,
            publishers: Arc::clone(&self.publishers),
            content_hash: String::new(),
            origin: self.origin.clone(),
            documents: self.documents.clone(),
            layer_digests,
        };
        dataset.content_hash = dataset.hash(publishers_bytes);
        dataset
    }

    /// The content hash: the catalog, the publisher registry, each layer file's digest and the documents, in
    /// catalog order (however the dataset was made: loaded from files, or assembled from a store).
    fn hash(&self, publishers_bytes: &[u8]) -> String {
        let mut hasher = Sha256::new();
        if let Some(catalog) = self.documents.get("catalog.json") {
            hasher.update(catalog);
        }
        hasher.update(publishers_bytes);
        for meta in &self.catalog.collections {
            hasher.update(meta.file.as_bytes());
            if let Some(digest) = self.layer_digests.get(&meta.file) {
                hasher.update(digest);
            }
        }
        for name in DOCUMENT_FILES {
            if let Some(bytes) = self.documents.get(name) {
                hasher.update(name.as_bytes());
                hasher.update(bytes);
            }
        }
        hex(&hasher.finalize())
    }
}

/// The SHA-256 of a collection's features as they are served: over each text's digest ([`texts::digest_of`]), in
/// row order. However the collection was made (loaded from a file, replayed from a store, started from a saved
/// snapshot, or rebuilt by a write), the same features give the same digest, and a write re-hashes only the texts
/// it changes.
fn layer_digest(collection: &Collection) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for row in 0..collection.len() {
        if let Some(digest) = collection.digest(row) {
            hasher.update(digest);
        }
    }
    hasher.finalize().into()
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

impl FeatureStore for Dataset {
    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn collections(&self) -> Vec<&dyn FeatureProvider> {
        self.collections.iter().map(|c| c.as_ref() as &dyn FeatureProvider).collect()
    }

    fn collection(&self, id: &str) -> Option<&dyn FeatureProvider> {
        // Every items request looks its collection up: no list is built for it.
        self.collections.iter().find(|c| c.meta.id == id).map(|c| c.as_ref() as &dyn FeatureProvider)
    }

    fn published(&self, name: &str) -> Option<Published<'_>> {
        if let Some(collection) = self.collections.iter().find(|c| c.meta.file == name) {
            return Some(Published::Layer(collection.as_ref()));
        }
        self.documents.get(name).map(Published::Document)
    }

    fn content_hash(&self) -> &str {
        &self.content_hash
    }

    fn origin(&self) -> &str {
        &self.origin
    }
}
