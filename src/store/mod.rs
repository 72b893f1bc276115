//! The store: the curated layers loaded, checked and indexed in memory.
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
pub mod sessions;
pub mod snapshot;
pub mod synthetic;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::domain::{Day, DaySpan, Feature};
pub use catalog::{Catalog, CollectionMeta, Role};
pub use check::{Problem, Publishers};
pub use files::{DataFiles, Directory, Embedded, FilesError};
use index::SpaceTimeIndex;
pub use provider::{FeatureProvider, FeatureStore, Published};
pub use query::{Filter, MAX_LIMIT, Page, PropertyFilter, Queryable, SortOrder};

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

/// One collection: its metadata, features (sorted by start date, then id) and indexes.
pub struct Collection {
    /// Catalog metadata.
    pub meta: CollectionMeta,
    features: Vec<Feature>,
    /// Positions sorted by id, for lookups by id.
    by_id: Vec<u32>,
    /// Start day of each feature, in feature order (sorted), for the timeline.
    starts: Vec<Day>,
    index: SpaceTimeIndex,
    extent: Extent,
    queryables: Vec<Queryable>,
}

impl Collection {
    /// Builds a collection from features (any order) and indexes them.
    pub fn new(meta: CollectionMeta, mut features: Vec<Feature>) -> Collection {
        features.sort_by(|a, b| a.properties.start.cmp(&b.properties.start).then_with(|| a.id.cmp(&b.id)));
        let mut by_id: Vec<u32> = (0..features.len() as u32).collect();
        by_id.sort_by(|&a, &b| features[a as usize].id.cmp(&features[b as usize].id));
        let starts = features.iter().map(|f| f.span().first).collect();
        let index = SpaceTimeIndex::build(&features);
        let extent = extent_of(&features);
        let queryables = Queryable::ALL.into_iter().filter(|q| features.iter().any(|f| q.value(f).is_some())).collect();
        Collection { meta, features, by_id, starts, index, extent, queryables }
    }

    /// Positions of the features matching `filter`, once each, in no particular order.
    fn candidates(&self, filter: &Filter) -> Vec<u32> {
        let mut positions: Vec<u32> = if filter.bbox.is_none() && filter.datetime.is_none() {
            (0..self.features.len() as u32).collect()
        } else {
            let span = filter.datetime.map_or(DaySpan::ALL, crate::domain::Datetime::span);
            let mut found = Vec::new();
            let boxes = self.index.search(&self.features, filter.bbox.as_ref(), span, &mut found);
            if boxes > 1 {
                // A bbox across the antimeridian is searched as two boxes, which may both find a feature.
                found.sort_unstable();
                found.dedup();
            }
            found
        };
        if !filter.properties.is_empty() {
            positions.retain(|&pos| {
                let feature = &self.features[pos as usize];
                filter.properties.iter().all(|p| p.matches(feature))
            });
        }
        positions
    }

    /// Puts the first `wanted` of `positions` in result order (features are stored in start order, so a position's
    /// order is the result order): a partial selection, so a broad query's first page does not sort every match.
    fn order_first(positions: &mut [u32], wanted: usize, sort: SortOrder) {
        let order = |a: &u32, b: &u32| if sort == SortOrder::StartDescending { b.cmp(a) } else { a.cmp(b) };
        if wanted < positions.len() {
            positions.select_nth_unstable_by(wanted, order);
        }
        let wanted = wanted.min(positions.len());
        positions[..wanted].sort_unstable_by(order);
    }

    /// Positions of the features matching `filter`, in result order.
    fn matching(&self, filter: &Filter) -> Vec<u32> {
        let mut positions = self.candidates(filter);
        let all = positions.len();
        Collection::order_first(&mut positions, all, filter.sort);
        positions
    }
}

impl FeatureProvider for Collection {
    fn meta(&self) -> &CollectionMeta {
        &self.meta
    }

    fn features(&self) -> &[Feature] {
        &self.features
    }

    fn extent(&self) -> Extent {
        self.extent
    }

    fn queryables(&self) -> &[Queryable] {
        &self.queryables
    }

    fn starts(&self) -> &[Day] {
        &self.starts
    }

    fn page(&self, filter: &Filter, offset: usize, limit: usize) -> Page<'_> {
        if filter.is_unrestricted() && filter.sort == SortOrder::StartAscending {
            let end = offset.saturating_add(limit).min(self.features.len());
            let features = self.features.get(offset..end).map(|s| s.iter().collect()).unwrap_or_default();
            return Page { matched: self.features.len(), features };
        }
        let mut positions = self.candidates(filter);
        Collection::order_first(&mut positions, offset.saturating_add(limit), filter.sort);
        let features = positions.iter().skip(offset).take(limit).map(|&pos| &self.features[pos as usize]).collect();
        Page { matched: positions.len(), features }
    }

    fn all(&self, filter: &Filter) -> Vec<&Feature> {
        self.matching(filter).into_iter().map(|pos| &self.features[pos as usize]).collect()
    }

    fn feature(&self, id: &str) -> Option<&Feature> {
        let found = self.by_id.binary_search_by(|&pos| self.features[pos as usize].id.as_str().cmp(id)).ok()?;
        Some(&self.features[self.by_id[found] as usize])
    }
}

fn extent_of(features: &[Feature]) -> Extent {
    let mut bbox: Option<[f64; 4]> = None;
    for point in features.iter().filter_map(|f| f.geometry) {
        let b = bbox.get_or_insert([point.lon, point.lat, point.lon, point.lat]);
        *b = [b[0].min(point.lon), b[1].min(point.lat), b[2].max(point.lon), b[3].max(point.lat)];
    }
    let first = features.iter().map(|f| f.span().first).min();
    let last = features.iter().map(|f| f.span().last).max().filter(|&d| d != Day::MAX);
    Extent { bbox, first, last }
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
    /// Each layer file's SHA-256, by file name: of the file as read ([`Dataset::load`]), or as written from the
    /// features ([`Dataset::assemble`], a write). The layer files themselves are not held: `/data/` writes them from
    /// the features as it sends them ([`crate::domain::record::write_layer_file`]): for files in the curated format
    /// (as `geodata/` is kept), the same bytes.
    layer_digests: BTreeMap<String, [u8; 32]>,
}

/// Files published with the data but not loaded into the index (read if present).
pub const DOCUMENT_FILES: [&str; 2] = ["schema/feature.schema.json", "METHODOLOGY.md"];

impl Dataset {
    /// Loads, checks and indexes the data. On failure, every problem found is in the error.
    pub fn load(files: &dyn DataFiles) -> Result<Dataset, LoadError> {
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
            layer_digests.insert(meta.file.clone(), Sha256::digest(&bytes).into());
            let mut findings = check::Findings::new(&meta.file, &mut problems);
            let rules = check::Rules { role: meta.role, publishers: &publishers };
            let features = layer::parse_layer(&bytes, rules, &mut findings);
            check::check_collection(&features, meta.role, &mut findings);
            collections.push(Arc::new(Collection::new(meta.clone(), features)));
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
        let layer_digests = collections.iter().map(|c| (c.meta.file.clone(), layer_digest(c.features()))).collect();
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
        layer_digests.insert(collection.meta.file.clone(), layer_digest(collection.features()));
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

/// The SHA-256 of a layer file written from `features`, computed as it is written (the file is never held).
fn layer_digest(features: &[Feature]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    // Hashing cannot fail, and no parsed feature fails to serialise.
    let _ = crate::domain::record::write_layer_file(features, &mut hasher);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Bbox;

    fn synthetic(n: usize) -> Collection {
        let meta: CollectionMeta = serde_json::from_value(serde_json::json!({
            "id": "synthetic", "file": "synthetic.geojson", "role": "strike", "title": "Synthetic",
            "description": "test", "license": "CC0-1.0", "attribution": "test"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        Collection::new(meta, synthetic::events(n, 3))
    }

    #[test]
    fn every_page_of_a_broad_query_is_the_same_slice_of_the_fully_sorted_result() {
        let c = synthetic(5_000);
        for sort in [SortOrder::StartAscending, SortOrder::StartDescending] {
            let filter = Filter {
                bbox: Some(Bbox::parse("35,32,42,37.5").unwrap_or_else(|e| panic!("{e}"))),
                sort,
                ..Filter::default()
            };
            let all: Vec<&str> = c.all(&filter).iter().map(|f| f.id.as_str()).collect();
            assert!(all.len() > 4_000);
            let starts: Vec<Day> = c.all(&filter).iter().map(|f| f.span().first).collect();
            let ordered =
                starts.windows(2).all(|w| if sort == SortOrder::StartDescending { w[0] >= w[1] } else { w[0] <= w[1] });
            assert!(ordered, "{sort:?}");
            for (offset, limit) in [(0, 100), (100, 100), (4_950, 100), (0, 10_000)] {
                let page = c.page(&filter, offset, limit);
                let ids: Vec<&str> = page.features.iter().map(|f| f.id.as_str()).collect();
                let end = (offset + limit).min(all.len());
                assert_eq!(ids, all[offset.min(end)..end], "{sort:?} {offset}+{limit}");
                assert_eq!(page.matched, all.len());
            }
        }
    }

    #[test]
    fn a_bbox_across_the_antimeridian_finds_each_feature_once() {
        let c = synthetic(200);
        let filter =
            Filter { bbox: Some(Bbox::parse("30,-90,-170,90").unwrap_or_else(|e| panic!("{e}"))), ..Filter::default() };
        let ids: Vec<&str> = c.all(&filter).iter().map(|f| f.id.as_str()).collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), 200);
        assert_eq!(unique.len(), ids.len());
    }
}
