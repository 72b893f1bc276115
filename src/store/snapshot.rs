//! One consistent state of the store as the read path serves it: the published features, indexed
//! ([`Dataset`]), and each feature's head (its latest version: the published one, or a draft waiting for a
//! publisher) with the change number that is its `ETag`. A snapshot never changes; each write builds the next one
//! from the versions it appended ([`Snapshot::apply`]), rebuilding only the collections they touch.

use std::collections::HashMap;
use std::sync::Arc;

use compact_str::CompactString;

use crate::domain::{Feature, Updated};

use super::backend::{Action, Stage, Version};
use super::collection::Entry;
use super::texts::TextFile;
use super::{Collection, Dataset, FeatureProvider as _, FeatureStore, LoadError};

/// A feature's latest version.
#[derive(Clone, Debug)]
pub struct Head {
    /// Its change number (the feature's `ETag` for writers).
    pub seq: i64,
    /// Its version number.
    pub version: i64,
    /// What it did.
    pub action: Action,
    /// Draft or published.
    pub stage: Stage,
    /// The change number of the public version, if any is public.
    pub published_seq: Option<i64>,
    /// A pending (or sent back) draft's feature; for a retired feature, its last content (the editor lists it);
    /// `None` for a draft retirement and for published heads.
    pub draft: Option<Arc<Feature>>,
    /// Why it was written (a publication of a draft keeps the draft's reason).
    pub reason: Arc<str>,
}

impl Head {
    /// Whether the feature is retired (its latest published version retired it, and nothing is pending).
    pub fn is_retired(&self) -> bool {
        self.stage == Stage::Published && self.action == Action::Retire
    }
}

/// The heads of one collection's features, by id.
pub type Heads = HashMap<CompactString, Head>;

/// The store at one moment.
pub struct Snapshot {
    /// The published features, indexed: all the public sees.
    pub data: Dataset,
    /// Each collection's heads, in catalog order.
    pub heads: Vec<Arc<Heads>>,
    /// The highest change number applied.
    pub revision: i64,
    /// The highest change number of a published version applied: what the public's caches follow.
    pub published_revision: i64,
    /// The store's id (part of every feature's `ETag`).
    pub store_id: String,
    /// The publisher registry as stored (part of the content hash).
    pub publishers_bytes: Arc<[u8]>,
}

impl Snapshot {
    /// A snapshot of data that has no store behind it (`--data DIR`, tests): every feature published, no history.
    pub fn of(data: Dataset, publishers_bytes: Arc<[u8]>) -> Snapshot {
        let heads = data
            .collections
            .iter()
            .map(|c| {
                let columns = c.columns();
                Arc::new(
                    (0..columns.len())
                        .map(|row| {
                            let head = Head {
                                seq: 0,
                                version: 1,
                                action: Action::Create,
                                stage: Stage::Published,
                                published_seq: Some(0),
                                draft: None,
                                reason: Arc::from(""),
                            };
                            (CompactString::from(columns.id(row)), head)
                        })
                        .collect(),
                )
            })
            .collect();
        // Without a store, the data's content hash stands for the store: features' ETags change with the data.
        let store_id = data.content_hash.chars().take(16).collect();
        Snapshot { data, heads, revision: 0, published_revision: 0, store_id, publishers_bytes }
    }

    /// The public data, through the store's trait.
    pub fn store(&self) -> &dyn FeatureStore {
        &self.data
    }

    /// The position of a collection in catalog order.
    pub fn position(&self, collection: &str) -> Option<usize> {
        self.data.collections.iter().position(|c| c.meta.id == collection)
    }

    /// A feature's head.
    pub fn head(&self, collection: &str, feature_id: &str) -> Option<&Head> {
        self.heads.get(self.position(collection)?)?.get(feature_id)
    }

    /// The `ETag` of change `seq` of this store (strong: a writer's `If-Match` compares it exactly).
    pub fn etag(&self, seq: i64) -> String {
        format!("\"{}-{seq}\"", self.store_id)
    }

    /// Whether an `If-Match` value names change `seq` of this store (the `-lang` suffix of a representation's tag
    /// is ignored: every language of one version is the same version).
    pub fn matches(&self, tag: &str, seq: i64) -> bool {
        let bare = tag.trim().trim_matches('"');
        let ours = format!("{}-{seq}", self.store_id);
        bare == ours || bare.strip_prefix(&ours).is_some_and(|rest| rest.starts_with('-'))
    }

    /// The drafts waiting in a collection (their features; draft retirements are listed by their heads).
    pub fn drafts(&self, collection: &str) -> Vec<(&CompactString, &Head)> {
        let mut drafts: Vec<_> = self
            .position(collection)
            .and_then(|i| self.heads.get(i))
            .map(|heads| heads.iter().filter(|(_, h)| h.stage == Stage::Draft).collect())
            .unwrap_or_default();
        drafts.sort_by_key(|(_, h)| std::cmp::Reverse(h.seq));
        drafts
    }

    /// When more than half of `texts` (and over `slack` bytes) is texts no collection uses (replaced versions, after
    /// a replay of a store whose features were corrected often), copies the current texts to a new file in `dir`;
    /// the old one goes with its last reader. The texts are the same, so the content hash is too.
    pub fn compact_texts(&mut self, texts: &Arc<TextFile>, dir: &std::path::Path, slack: u64) {
        let current: u64 = self.data.collections.iter().map(|c| c.stored_bytes()).sum();
        if texts.len() <= current.saturating_mul(2).saturating_add(slack) {
            return;
        }
        let Ok(file) = TextFile::create_in(dir) else { return };
        let moved: Option<Vec<Arc<Collection>>> =
            self.data.collections.iter().map(|c| c.moved_to(&file).map(Arc::new)).collect();
        if let Some(collections) = moved {
            tracing::info!(before = texts.len(), after = file.len(), "the features' texts were compacted");
            self.data.collections = collections;
        } else {
            tracing::warn!("the features' texts could not be compacted: the file keeps the replaced ones");
        }
    }

    /// The next snapshot: this one with `versions` (in change order) applied (see [`Replay`]).
    pub fn apply(&self, versions: &[Version]) -> Result<Snapshot, LoadError> {
        let mut replay = Replay::new(self);
        for version in versions {
            replay.add(version)?;
        }
        Ok(replay.finish())
    }
}

/// Versions applied one at a time onto a snapshot (a store's whole log as it is read at start-up, or the changes
/// a replica catches up with), then made into the next snapshot: only the collections they touch are rebuilt,
/// once each; a version of an unknown collection is ignored (the catalog decides what is served).
pub struct Replay<'a> {
    base: &'a Snapshot,
    /// Whether a published feature's text goes to its collection's text file at once (a start-up's replay of the
    /// whole log) rather than when the next snapshot is made (a catch-up, which writes nothing if it fails).
    streaming: bool,
    /// Per collection, in catalog order: its features and heads once a version has touched it.
    touched: Vec<Option<(HashMap<CompactString, Entry>, Heads)>>,
    revision: i64,
    published_revision: i64,
}

impl<'a> Replay<'a> {
    /// Nothing applied yet onto `base`.
    pub fn new(base: &'a Snapshot) -> Replay<'a> {
        Replay {
            base,
            streaming: false,
            touched: base.data.collections.iter().map(|_| None).collect(),
            revision: base.revision,
            published_revision: base.published_revision,
        }
    }

    /// Nothing applied yet onto `base`, each published feature's text written to its collection's text file as
    /// soon as it is applied: a store's whole log, replayed at start-up, never has its texts in memory together.
    pub fn streaming(base: &'a Snapshot) -> Replay<'a> {
        Replay { streaming: true, ..Replay::new(base) }
    }

    /// Applies one version (versions come in change order).
    pub fn add(&mut self, version: &Version) -> Result<(), LoadError> {
        // Every change counts towards the revisions, served or not: a replica that caught up with a change of a
        // collection the catalog does not serve must not fetch it again.
        self.revision = self.revision.max(version.seq);
        if version.stage == Stage::Published {
            self.published_revision = self.published_revision.max(version.seq);
        }
        let Some(position) = self.base.position(&version.collection) else { return Ok(()) };
        let (features, heads) = self.touched[position].get_or_insert_with(|| {
            let collection = &self.base.data.collections[position];
            let features = collection.entries().map(|e| (e.row.id.clone(), e)).collect();
            (features, (*self.base.heads[position]).clone())
        });
        let file = self.base.data.collections[position].text_file().map(AsRef::as_ref).filter(|_| self.streaming);
        apply_version(version, features, heads, file).map_err(|message| {
            LoadError::Invalid(vec![super::Problem {
                file: format!("change {}", version.seq),
                feature: Some(version.feature_id.clone()),
                field: "-".into(),
                message,
            }])
        })?;
        Ok(())
    }

    /// The next snapshot.
    pub fn finish(self) -> Snapshot {
        let base = self.base;
        let mut data = base.data.clone();
        let mut heads = base.heads.clone();
        for (position, touched) in self.touched.into_iter().enumerate() {
            let Some((features, own)) = touched else { continue };
            heads[position] = Arc::new(own);
            let meta = base.data.collections[position].meta.clone();
            let file = base.data.collections[position].text_file().cloned();
            let rebuilt = Collection::of_entries(meta, features.into_values().collect(), file);
            data = data.with_collection(rebuilt, &base.publishers_bytes);
        }
        Snapshot {
            data,
            heads,
            revision: self.revision,
            published_revision: self.published_revision,
            store_id: base.store_id.clone(),
            publishers_bytes: Arc::clone(&base.publishers_bytes),
        }
    }
}

fn apply_version(
    version: &Version,
    features: &mut HashMap<CompactString, Entry>,
    heads: &mut Heads,
    file: Option<&TextFile>,
) -> Result<(), String> {
    let id = CompactString::from(version.feature_id.as_str());
    let parse = || {
        let mut feature: Feature = serde_json::from_str(version.feature.get()).map_err(|e| e.to_string())?;
        feature.id.clone_from(&id);
        Ok::<Feature, String>(feature)
    };
    let previous_public = heads.get(&id).and_then(|h| h.published_seq);
    let head = match version.stage {
        Stage::Draft | Stage::Returned => Head {
            seq: version.seq,
            version: version.version,
            action: version.action,
            stage: version.stage,
            published_seq: previous_public,
            draft: if version.action == Action::Retire { None } else { Some(Arc::new(parse()?)) },
            reason: Arc::from(version.reason.as_str()),
        },
        Stage::Published => {
            if version.action == Action::Retire {
                features.remove(&id);
            } else {
                let mut feature = parse()?;
                // "Updated" only for a correction: a first publication is a creation, however many drafts it had.
                if version.action == Action::Update {
                    feature.updated = Some(Box::new(Updated { at: version.at, reason: version.reason.clone() }));
                }
                features.insert(id.clone(), Entry::stored(&feature, file));
            }
            Head {
                seq: version.seq,
                version: version.version,
                action: version.action,
                stage: Stage::Published,
                published_seq: Some(version.seq),
                draft: if version.action == Action::Retire { parse().ok().map(Arc::new) } else { None },
                reason: Arc::from(version.reason.as_str()),
            }
        }
    };
    heads.insert(id, head);
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::value::RawValue;

    use super::*;
    use crate::store::Embedded;
    use crate::store::backend::AccountRole;

    #[test]
    fn texts_are_compacted_when_replaced_ones_are_most_of_the_file() {
        let data = Dataset::load(&Embedded).unwrap_or_else(|e| panic!("{e}"));
        let expected: Vec<Vec<Feature>> = data.collections.iter().map(|c| c.read_all()).collect();
        let dir = std::env::temp_dir();
        let file = TextFile::create_in(&dir).unwrap_or_else(|e| panic!("{e}"));
        let mut data = data;
        for _ in 0..3 {
            // Each copy leaves the previous one unused in the file.
            data.collections = data
                .collections
                .iter()
                .map(|c| Arc::new(c.moved_to(&file).unwrap_or_else(|| panic!("moved"))))
                .collect();
        }
        let hash = data.content_hash.clone();
        let mut snapshot = Snapshot::of(data, Arc::from(&b"{}"[..]));
        let before = file.len();
        snapshot.compact_texts(&file, &dir, 0);
        let after = snapshot.data.collections.iter().filter_map(|c| c.text_file()).map(|f| f.len()).max();
        assert!(after.is_some_and(|after| after * 3 <= before + 3), "{before} -> {after:?}");
        let read: Vec<Vec<Feature>> = snapshot.data.collections.iter().map(|c| c.read_all()).collect();
        assert_eq!(read, expected);
        assert_eq!(snapshot.data.content_hash, hash);
    }

    #[test]
    fn a_change_of_a_collection_the_catalog_does_not_serve_still_counts_towards_the_revisions() {
        let data = Dataset::load(&Embedded).unwrap_or_else(|e| panic!("{e}"));
        let base = Snapshot::of(data, Arc::from(&b"{}"[..]));
        let elsewhere = Version {
            seq: 7,
            collection: "not-in-the-catalog".into(),
            feature_id: "x".into(),
            version: 1,
            action: Action::Create,
            stage: Stage::Published,
            publishes: None,
            at: chrono::Utc::now(),
            role: AccountRole::Operator,
            account: "operator".into(),
            reason: "test".into(),
            changed: Vec::new(),
            feature: RawValue::NULL.to_owned(),
        };
        let next = base.apply(&[elsewhere]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((next.revision, next.published_revision), (7, 7), "a replica does not fetch it again");
        assert_eq!(next.data.content_hash, base.data.content_hash, "and serves what it served");
    }
}
