//! What the HTTP layer and the renderer may know of the store: a [`FeatureStore`] (catalog, collections, published
//! files, content hash) of [`FeatureProvider`]s (one collection each: metadata, extent, queryables, features in
//! start order, queries). [`Dataset`](super::Dataset) implements both, with its columns and index in memory and its
//! features' texts in memory or in a file ([`super::texts`]).
//!
//! A collection is read in two steps: [`FeatureProvider::select`] decides which rows a query returns from the
//! [`Columns`] and the index alone, then each row's feature is sent as the text it is kept as
//! ([`FeatureProvider::ready`]), or parsed where the feature itself is needed ([`FeatureProvider::read`]).

use std::borrow::Cow;
use std::sync::Arc;

use crate::domain::{Day, DaySpan, Feature};

use super::columns::Columns;
use super::ready::ReadyFeature;
use super::{Catalog, CollectionMeta, Extent, Filter, Page, Queryable, Selection};

/// One collection, as the handlers see it.
pub trait FeatureProvider: Send + Sync {
    /// Its catalog metadata.
    fn meta(&self) -> &CollectionMeta;
    /// What queries read of the features (point, days, queryable values), one row per feature, sorted by start day
    /// then id: counting or tagging features through it never reads a feature.
    fn columns(&self) -> &Columns;
    /// Row `row`'s feature, ready to send (read from the collection's text file if it is kept there).
    fn ready(&self, row: u32) -> Option<Cow<'_, ReadyFeature>>;
    /// Appends row `row`'s GeoJSON for a reader of `lang` ([`ReadyFeature::write`]); `false` if it cannot be read.
    fn write_ready(&self, row: u32, lang: crate::domain::Lang, out: &mut Vec<u8>) -> bool {
        self.ready(row).is_some_and(|ready| {
            ready.write(lang, out);
            true
        })
    }
    /// About how many bytes [`FeatureProvider::write_ready`] appends for row `row` (to size a response once).
    fn ready_size(&self, row: u32) -> usize {
        self.ready(row).map_or(0, |ready| ready.size())
    }
    /// The spatial and temporal extent.
    fn extent(&self) -> Extent;
    /// The properties clients can filter on.
    fn queryables(&self) -> &[Queryable];
    /// Start days of the features, sorted (for the timeline).
    fn starts(&self) -> &[Day];
    /// One page of the rows matching `filter`: what a query decides from the columns alone.
    fn select(&self, filter: &Filter, offset: usize, limit: usize) -> Selection;
    /// The row of the feature with this id, if any.
    fn row_of(&self, id: &str) -> Option<u32>;

    /// Row `row`'s feature, parsed from its text.
    fn read(&self, row: u32) -> Option<Feature> {
        let ready = self.ready(row)?;
        match ready.feature() {
            Ok(feature) => Some(feature),
            Err(err) => {
                // Every text was written from a parsed feature: this is a bug, not bad data.
                tracing::error!(collection = %self.id(), row, %err, "a stored feature does not read back");
                None
            }
        }
    }

    /// The feature with this id, if any (parsed).
    fn feature(&self, id: &str) -> Option<Arc<Feature>> {
        self.read(self.row_of(id)?).map(Arc::new)
    }

    /// One page of the features matching `filter` (parsed).
    fn page(&self, filter: &Filter, offset: usize, limit: usize) -> Page {
        let selection = self.select(filter, offset, limit);
        Page { matched: selection.matched, features: selection.rows.iter().filter_map(|&row| self.read(row)).collect() }
    }

    /// Every feature, in row order, parsed one at a time as the iterator is advanced (a `/data/` layer is
    /// written from it).
    fn read_each(&self) -> Box<dyn Iterator<Item = Feature> + '_> {
        #[expect(clippy::cast_possible_truncation, reason = "rows are numbered in u32")]
        let rows = 0..self.len() as u32;
        Box::new(rows.filter_map(|row| self.read(row)))
    }

    /// Every feature, in row order (parsed: for the command line and tests, not for requests).
    fn read_all(&self) -> Vec<Feature> {
        self.read_each().collect()
    }

    /// Writes the collection's layer file (the curated files' format) to `out`, one feature at a time; an error if
    /// any feature could not be read (the file would lack it).
    fn write_layer_file(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut written = 0;
        crate::domain::record::write_layer_file(self.read_each().inspect(|_| written += 1), out)?;
        if written == self.len() {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "{} of the features of `{}` could not be read",
                self.len() - written,
                self.id()
            )))
        }
    }

    /// The collection's id.
    fn id(&self) -> &str {
        &self.meta().id
    }

    /// The distinct values of a queryable, sorted (for the queryables document).
    fn values_of(&self, queryable: Queryable) -> Vec<&str> {
        self.columns().values_of(queryable).iter().map(compact_str::CompactString::as_str).collect()
    }

    /// How many features the collection has.
    fn len(&self) -> usize {
        self.columns().len()
    }

    /// Whether the collection has no features.
    fn is_empty(&self) -> bool {
        self.columns().is_empty()
    }

    /// How many features have no geometry.
    fn unlocated(&self) -> usize {
        self.columns().points().iter().filter(|p| p.is_none()).count()
    }
}

/// A file published under `/data/`.
pub enum Published<'a> {
    /// A document held as it was loaded (catalog, schema, methodology).
    Document(&'a bytes::Bytes),
    /// A layer file, written from its collection's features as it is sent
    /// ([`crate::domain::record::write_layer_file`]).
    Layer(&'a dyn FeatureProvider),
}

/// The whole store, as the handlers see it.
pub trait FeatureStore: Send + Sync {
    /// The catalog.
    fn catalog(&self) -> &Catalog;
    /// The collections, in catalog order.
    fn collections(&self) -> Vec<&dyn FeatureProvider>;
    /// A file published under `/data/` (catalog, layers, schema, methodology).
    fn published(&self, name: &str) -> Option<Published<'_>>;
    /// Hex SHA-256 of the data: changes whenever the data changes.
    fn content_hash(&self) -> &str;
    /// Where the data came from (for logs and `/healthz`).
    fn origin(&self) -> &str;

    /// The collection with this id, if any.
    fn collection(&self, id: &str) -> Option<&dyn FeatureProvider> {
        self.collections().into_iter().find(|c| c.id() == id)
    }

    /// The days the map's timeline covers (see [`crate::map::state::timeline_span`]); its last day, the latest
    /// start in any layer, is the default day of every map, card and image.
    fn timeline(&self) -> DaySpan {
        let first_strike = self.collection("strikes").and_then(|c| c.starts().first().copied());
        let latest_start = self.collections().iter().filter_map(|c| c.starts().last()).max().copied();
        crate::map::state::timeline_span(first_strike, latest_start)
    }
}
