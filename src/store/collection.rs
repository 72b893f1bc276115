//! One collection: its features kept ready to send ([`ReadyFeature`]: in memory or in a file, [`Texts`]), in start
//! order, with what queries read of them as columns in memory ([`Columns`]) and the spatio-temporal index over those
//! ([`SpaceTimeIndex`]).
//!
//! A query is answered from the columns and the index alone ([`FeatureProvider::select`]); only the features it
//! returns are read, as the text they are sent as. A write builds the next collection from this one's rows and
//! texts, sharing every text it does not change.

use std::borrow::Cow;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use super::columns::{Columns, Row};
use super::index::SpaceTimeIndex;
use super::query::Selection;
use super::ready::ReadyFeature;
use super::texts::{Text, TextFile, Texts};
use super::{CollectionMeta, Extent, FeatureProvider, Filter, Queryable, SortOrder};
use crate::domain::{Day, DaySpan, Feature};

/// One feature as a collection holds it: its text and its row.
#[derive(Clone, Debug)]
pub struct Entry {
    /// What is sent.
    pub text: Text,
    /// What queries read.
    pub row: Row,
}

impl Entry {
    /// The entry of `feature` (its text held until a collection stores it).
    pub fn of(feature: &Feature) -> Entry {
        Entry { text: Text::Held(Arc::new(ReadyFeature::new(feature))), row: Row::of(feature) }
    }

    /// The entry of `feature`, its text written to `file` at once if there is one.
    pub fn stored(feature: &Feature, file: Option<&TextFile>) -> Entry {
        let ready = Arc::new(ReadyFeature::new(feature));
        let text = match file {
            Some(file) => file.keep(ready),
            None => Text::Held(ready),
        };
        Entry { text, row: Row::of(feature) }
    }
}

/// One collection: its metadata, features (sorted by start date, then id) and indexes.
pub struct Collection {
    /// Catalog metadata.
    pub meta: CollectionMeta,
    /// Each feature's text, in row order.
    texts: Texts,
    /// What queries read, one row per feature.
    columns: Columns,
    /// Positions sorted by id, for lookups by id.
    by_id: Vec<u32>,
    /// Start day of each feature, in feature order (sorted), for the timeline.
    starts: Vec<Day>,
    index: SpaceTimeIndex,
    extent: Extent,
    queryables: Vec<Queryable>,
    /// Pages chosen lately, by query: readers of one map or embed ask for the same window again and again, and
    /// counting a broad window's matches walks thousands of index entries. A collection never changes (a write
    /// makes a new one), so nothing here is ever stale.
    selections: Mutex<LruCache<SelectionKey, Selection>>,
}

/// Pages remembered per collection ([`Collection::select`]).
const SELECTIONS: NonZeroUsize = NonZeroUsize::new(256).unwrap();

/// Pages of more rows than this are not remembered (downloads; each entry stays small).
const SELECTION_ROWS: usize = 10_000;

/// A query as [`Collection::select`] remembers it.
#[derive(Hash, PartialEq, Eq)]
struct SelectionKey {
    bbox: Option<[u64; 4]>,
    days: Option<(i32, i32)>,
    properties: Vec<(usize, Vec<String>)>,
    descending: bool,
    offset: usize,
    limit: usize,
}

impl SelectionKey {
    fn of(filter: &Filter, offset: usize, limit: usize) -> SelectionKey {
        SelectionKey {
            bbox: filter.bbox.map(|b| [b.min_lon, b.min_lat, b.max_lon, b.max_lat].map(f64::to_bits)),
            days: filter.datetime.map(|d| (d.span().first.0, d.span().last.0)),
            properties: filter.properties.iter().map(|p| (p.queryable.index(), p.values.clone())).collect(),
            descending: filter.sort == SortOrder::StartDescending,
            offset,
            limit,
        }
    }
}

impl Collection {
    /// Builds a collection from features (any order) and indexes them, its texts held in memory.
    pub fn new(meta: CollectionMeta, features: Vec<Feature>) -> Collection {
        let entries = features.iter().map(Entry::of).collect();
        drop(features);
        Collection::of_entries(meta, entries, None)
    }

    /// Builds a collection from entries (any order) and indexes them; with `file`, the texts it holds go there.
    pub fn of_entries(meta: CollectionMeta, mut entries: Vec<Entry>, file: Option<Arc<TextFile>>) -> Collection {
        entries.sort_by(|a, b| a.row.span.first.cmp(&b.row.span.first).then_with(|| a.row.id.cmp(&b.row.id)));
        let (texts, rows): (Vec<_>, Vec<_>) = entries.into_iter().map(|e| (e.text, e.row)).unzip();
        let texts = Texts::new(texts, file);
        let columns = Columns::build(&rows);
        drop(rows);
        #[expect(clippy::cast_possible_truncation, reason = "rows are numbered in u32")]
        let mut by_id: Vec<u32> = (0..texts.len() as u32).collect();
        by_id.sort_by(|&a, &b| columns.id(a as usize).cmp(columns.id(b as usize)));
        let starts = columns.spans().iter().map(|s| s.first).collect();
        let index = SpaceTimeIndex::build(&columns);
        let extent = extent_of(&columns);
        let queryables = columns.queryables().collect();
        let selections = Mutex::new(LruCache::new(SELECTIONS));
        Collection { meta, texts, columns, by_id, starts, index, extent, queryables, selections }
    }

    /// Every entry, in row order (to build the next collection).
    pub fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..self.texts.len())
            .filter_map(|row| Some(Entry { text: self.texts.handle(row)?, row: self.columns.row(row)? }))
    }

    /// This collection with its texts copied into `file`, if every one of them could be read and written (what
    /// its present file holds besides them is left behind).
    pub fn moved_to(&self, file: &Arc<TextFile>) -> Option<Collection> {
        let mut entries = Vec::with_capacity(self.texts.len());
        for row in 0..self.texts.len() {
            let text = file.append(self.texts.get(row)?.as_ref()).ok()?;
            entries.push(Entry { text, row: self.columns.row(row)? });
        }
        Some(Collection::of_entries(self.meta.clone(), entries, Some(Arc::clone(file))))
    }

    /// Row `row`'s text digest ([`super::texts::digest_of`]).
    pub fn digest(&self, row: usize) -> Option<super::texts::Digest> {
        self.texts.digest(row)
    }

    /// How many bytes of this collection's texts are in its file.
    pub fn stored_bytes(&self) -> u64 {
        self.texts.stored_bytes()
    }

    /// The file this collection's texts are kept in, if not in memory.
    pub fn text_file(&self) -> Option<&Arc<TextFile>> {
        self.texts.file()
    }

    /// Positions of the features matching `filter`, once each, in no particular order.
    fn candidates(&self, filter: &Filter) -> Vec<u32> {
        let mut positions: Vec<u32> = if filter.bbox.is_none() && filter.datetime.is_none() {
            #[expect(clippy::cast_possible_truncation, reason = "rows are numbered in u32")]
            let all = (0..self.texts.len() as u32).collect();
            all
        } else {
            let span = filter.datetime.map_or(DaySpan::ALL, crate::domain::Datetime::span);
            let mut found = Vec::new();
            let boxes = self.index.search(&self.columns, filter.bbox.as_ref(), span, &mut found);
            if boxes > 1 {
                // A bbox across the antimeridian is searched as two boxes, which may both find a feature.
                found.sort_unstable();
                found.dedup();
            }
            found
        };
        if !filter.properties.is_empty() {
            let codes: Vec<_> = filter.properties.iter().map(|p| self.columns.code_filter(p)).collect();
            positions.retain(|&pos| codes.iter().all(|c| c.matches(pos as usize)));
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
}

impl FeatureProvider for Collection {
    fn meta(&self) -> &CollectionMeta {
        &self.meta
    }

    fn columns(&self) -> &Columns {
        &self.columns
    }

    fn ready(&self, row: u32) -> Option<Cow<'_, ReadyFeature>> {
        self.texts.get(row as usize)
    }

    fn write_ready(&self, row: u32, lang: crate::domain::Lang, out: &mut Vec<u8>) -> bool {
        self.texts.write(row as usize, lang, out)
    }

    fn ready_size(&self, row: u32) -> usize {
        self.texts.size(row as usize)
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

    fn select(&self, filter: &Filter, offset: usize, limit: usize) -> Selection {
        let len = self.texts.len();
        if filter.is_unrestricted() && filter.sort == SortOrder::StartAscending {
            let end = offset.saturating_add(limit).min(len);
            #[expect(clippy::cast_possible_truncation, reason = "rows are numbered in u32")]
            let rows = (offset.min(end) as u32..end as u32).collect();
            return Selection { matched: len, rows };
        }
        let remembered = limit <= SELECTION_ROWS;
        let key = SelectionKey::of(filter, offset, limit);
        if remembered && let Some(selection) = self.selections.lock().ok().and_then(|mut s| s.get(&key).cloned()) {
            return selection;
        }
        let mut positions = self.candidates(filter);
        Collection::order_first(&mut positions, offset.saturating_add(limit), filter.sort);
        let matched = positions.len();
        let end = offset.saturating_add(limit).min(matched);
        positions.truncate(end);
        positions.drain(..offset.min(end));
        let selection = Selection { matched, rows: positions };
        if remembered && let Ok(mut selections) = self.selections.lock() {
            selections.put(key, selection.clone());
        }
        selection
    }

    fn row_of(&self, id: &str) -> Option<u32> {
        let found = self.by_id.binary_search_by(|&pos| self.columns.id(pos as usize).cmp(id)).ok()?;
        self.by_id.get(found).copied()
    }
}

fn extent_of(columns: &Columns) -> Extent {
    let mut bbox: Option<[f64; 4]> = None;
    for point in columns.points().iter().flatten() {
        let b = bbox.get_or_insert([point.lon, point.lat, point.lon, point.lat]);
        *b = [b[0].min(point.lon), b[1].min(point.lat), b[2].max(point.lon), b[3].max(point.lat)];
    }
    let first = columns.spans().iter().map(|s| s.first).min();
    let last = columns.spans().iter().map(|s| s.last).max().filter(|&d| d != Day::MAX);
    Extent { bbox, first, last }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::Bbox;
    use crate::store::synthetic;

    fn synthetic(n: usize) -> Collection {
        let meta: CollectionMeta = serde_json::from_value(serde_json::json!({
            "id": "synthetic", "file": "synthetic.geojson", "role": "strike", "title": "Synthetic",
            "description": "test", "license": "CC0-1.0", "attribution": "test"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        Collection::new(meta, synthetic::events(n, 3))
    }

    fn ids(c: &Collection, filter: &Filter) -> Vec<String> {
        c.select(filter, 0, usize::MAX).rows.iter().map(|&row| c.columns.id(row as usize).to_owned()).collect()
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
            let all = ids(&c, &filter);
            assert!(all.len() > 4_000);
            let starts: Vec<Day> =
                c.select(&filter, 0, usize::MAX).rows.iter().map(|&r| c.columns.span(r as usize).first).collect();
            let ordered =
                starts.windows(2).all(|w| if sort == SortOrder::StartDescending { w[0] >= w[1] } else { w[0] <= w[1] });
            assert!(ordered, "{sort:?}");
            for (offset, limit) in [(0, 100), (100, 100), (4_950, 100), (0, 10_000)] {
                let page = c.page(&filter, offset, limit);
                let page_ids: Vec<&str> = page.features.iter().map(|f| f.id.as_str()).collect();
                let end = (offset + limit).min(all.len());
                assert_eq!(page_ids, all[offset.min(end)..end], "{sort:?} {offset}+{limit}");
                assert_eq!(page.matched, all.len());
            }
        }
    }

    #[test]
    fn a_remembered_page_is_the_page_the_query_chooses() {
        let c = synthetic(3_000);
        let bbox = Some(Bbox::parse("35,32,42,37.5").unwrap_or_else(|e| panic!("{e}")));
        let filter = Filter { bbox, sort: SortOrder::StartDescending, ..Filter::default() };
        let first = c.select(&filter, 20, 50);
        let again = c.select(&filter, 20, 50);
        assert_eq!((again.matched, &again.rows), (first.matched, &first.rows));
        let all = c.select(&filter, 0, usize::MAX);
        assert_eq!(first.rows, all.rows[20..70], "the same slice of the whole result");
        // Another page, order or window is another query.
        assert_eq!(c.select(&filter, 70, 50).rows, all.rows[70..120]);
        let ascending = Filter { sort: SortOrder::StartAscending, ..filter.clone() };
        assert_ne!(c.select(&ascending, 20, 50).rows, first.rows);
        let narrower = Filter { bbox: Some(Bbox::parse("36,33,40,36").unwrap_or_else(|e| panic!("{e}"))), ..filter };
        assert!(c.select(&narrower, 0, 50).matched < first.matched);
    }

    #[test]
    fn a_bbox_across_the_antimeridian_finds_each_feature_once() {
        let c = synthetic(200);
        let filter =
            Filter { bbox: Some(Bbox::parse("30,-90,-170,90").unwrap_or_else(|e| panic!("{e}"))), ..Filter::default() };
        let found = ids(&c, &filter);
        let unique: BTreeSet<&String> = found.iter().collect();
        assert_eq!(found.len(), 200);
        assert_eq!(unique.len(), found.len());
    }

    #[test]
    fn a_collection_built_again_from_its_entries_is_the_same() {
        let c = synthetic(300);
        let again = Collection::of_entries(c.meta.clone(), c.entries().collect(), None);
        assert_eq!(again.read_all(), c.read_all());
        assert!((0..300).all(|row| again.columns.row(row) == c.columns.row(row)));
        let shared = (0..300).all(|row| match (c.texts.handle(row), again.texts.handle(row)) {
            (Some(Text::Held(a)), Some(Text::Held(b))) => Arc::ptr_eq(&a, &b),
            _ => false,
        });
        assert!(shared, "the texts are shared");
    }

    #[test]
    fn a_collection_with_its_texts_in_a_file_answers_as_one_holding_them() {
        let held = synthetic(400);
        let file = TextFile::create_in(&std::env::temp_dir()).unwrap_or_else(|e| panic!("{e}"));
        let stored = Collection::of_entries(held.meta.clone(), held.entries().collect(), Some(Arc::clone(&file)));
        assert!(!file.is_empty());
        assert!((0..400).all(|row| matches!(stored.texts.handle(row), Some(Text::Stored { .. }))));
        let filter =
            Filter { bbox: Some(Bbox::parse("36,33,40,36").unwrap_or_else(|e| panic!("{e}"))), ..Filter::default() };
        assert_eq!(stored.page(&filter, 10, 50).features, held.page(&filter, 10, 50).features);
        let rebuilt = Collection::of_entries(held.meta.clone(), stored.entries().collect(), Some(Arc::clone(&file)));
        let size = file.len();
        assert_eq!(rebuilt.read_all(), held.read_all());
        assert_eq!(file.len(), size, "a rebuild appends only the texts it changes (none here)");
    }
}
