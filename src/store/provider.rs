//! What the HTTP layer and the renderer may know of the store: a [`FeatureStore`] (catalog, collections, published
//! files, content hash) of [`FeatureProvider`]s (one collection each: metadata, extent, queryables, features in
//! start order, queries). The in-memory [`Dataset`](super::Dataset) implements both; any other backend that keeps
//! the same in-memory read path can stand behind the same handlers.

use std::collections::BTreeSet;

use crate::domain::{Day, DaySpan, Feature};

use super::{Catalog, CollectionMeta, Extent, Filter, Page, Queryable};

/// One collection, as the handlers see it.
pub trait FeatureProvider: Send + Sync {
    /// Its catalog metadata.
    fn meta(&self) -> &CollectionMeta;
    /// Every feature, sorted by start day then id.
    fn features(&self) -> &[Feature];
    /// The spatial and temporal extent.
    fn extent(&self) -> Extent;
    /// The properties clients can filter on.
    fn queryables(&self) -> &[Queryable];
    /// Start days of the features, sorted (for the timeline).
    fn starts(&self) -> &[Day];
    /// One page of the features matching `filter`.
    fn page(&self, filter: &Filter, offset: usize, limit: usize) -> Page<'_>;
    /// Every feature matching `filter`, in order (for downloads).
    fn all(&self, filter: &Filter) -> Vec<&Feature>;
    /// The feature with this id, if any.
    fn feature(&self, id: &str) -> Option<&Feature>;

    /// The collection's id.
    fn id(&self) -> &str {
        &self.meta().id
    }

    /// The distinct values of a queryable, sorted (for the queryables document).
    fn values_of(&self, queryable: Queryable) -> BTreeSet<&str> {
        self.features().iter().filter_map(|f| queryable.value(f)).collect()
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
