//! Typed item queries (what the `items` and `download` endpoints ask a collection) and their answers.

use std::fmt;

use crate::domain::{Bbox, Confidence, DatePrecision, Datetime, Feature, LocationPrecision, Status};

/// The largest page a client may ask for; larger `limit`s are clamped to it.
pub const MAX_LIMIT: usize = 10_000;
/// The page size when no `limit` is given.
pub const DEFAULT_LIMIT: usize = 10;

/// A property clients can filter on (`?kind=airstrike&confidence=high,medium`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Queryable {
    /// `kind`.
    Kind,
    /// `confidence`.
    Confidence,
    /// `location_precision`.
    LocationPrecision,
    /// `start_precision`.
    StartPrecision,
    /// `site_id` (sites).
    SiteId,
    /// `status` (sites).
    Status,
    /// `operator` (sites).
    Operator,
    /// `actor` (strikes).
    Actor,
}

impl Queryable {
    /// Every queryable, in the order they are documented.
    pub const ALL: [Queryable; 8] = [
        Queryable::Kind,
        Queryable::Confidence,
        Queryable::LocationPrecision,
        Queryable::StartPrecision,
        Queryable::SiteId,
        Queryable::Status,
        Queryable::Operator,
        Queryable::Actor,
    ];

    /// Its position in [`Queryable::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The property (and query parameter) name.
    pub fn name(self) -> &'static str {
        match self {
            Queryable::Kind => "kind",
            Queryable::Confidence => "confidence",
            Queryable::LocationPrecision => "location_precision",
            Queryable::StartPrecision => "start_precision",
            Queryable::SiteId => "site_id",
            Queryable::Status => "status",
            Queryable::Operator => "operator",
            Queryable::Actor => "actor",
        }
    }

    /// The queryable named `name`, if any.
    pub fn from_name(name: &str) -> Option<Queryable> {
        Queryable::ALL.into_iter().find(|q| q.name() == name)
    }

    /// A one-line description for the queryables document and the OpenAPI parameters.
    pub fn description(self) -> &'static str {
        match self {
            Queryable::Kind => "What kind of feature (air-base, airstrike, diplomatic-meeting, …).",
            Queryable::Confidence => "How far the claims are corroborated: high, medium or low.",
            Queryable::LocationPrecision => {
                "How precisely the place is known: exact-facility, town, district, governorate, region, unknown."
            }
            Queryable::StartPrecision => "How precisely the start date is known: day, month or year.",
            Queryable::SiteId => "The site a status period belongs to.",
            Queryable::Status => "A site's status during the period.",
            Queryable::Operator => "Who operated the site.",
            Queryable::Actor => "The alleged perpetrator of a strike.",
        }
    }

    /// The closed set of values a property can take, for those that have one; `None` for free text
    /// (`kind`, `site_id`, `operator`, `actor`), where any value is accepted and may simply match nothing.
    pub fn vocabulary(self) -> Option<&'static [&'static str]> {
        match self {
            Queryable::Confidence => Some(&Confidence::NAMES),
            Queryable::LocationPrecision => Some(&LocationPrecision::NAMES),
            Queryable::StartPrecision => Some(&DatePrecision::NAMES),
            Queryable::Status => Some(&Status::NAMES),
            Queryable::Kind | Queryable::SiteId | Queryable::Operator | Queryable::Actor => None,
        }
    }

    /// This property's value on `feature`, if it has one.
    pub fn value(self, feature: &Feature) -> Option<&str> {
        let p = &feature.properties;
        match self {
            Queryable::Kind => Some(&p.kind),
            Queryable::Confidence => Some(p.confidence.as_str()),
            Queryable::LocationPrecision => Some(p.location_precision.as_str()),
            Queryable::StartPrecision => Some(p.start_precision.as_str()),
            Queryable::SiteId => p.details().site_id.as_deref(),
            Queryable::Status => p.status.map(crate::domain::Status::as_str),
            Queryable::Operator => p.details().operator.as_deref(),
            Queryable::Actor => p.details().actor.as_deref(),
        }
    }
}

impl fmt::Display for Queryable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Keep features whose `queryable` equals one of `values`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyFilter {
    /// The property.
    pub queryable: Queryable,
    /// Accepted values (any of them matches).
    pub values: Vec<String>,
}

impl PropertyFilter {
    /// Whether `feature` passes.
    pub fn matches(&self, feature: &Feature) -> bool {
        self.queryable.value(feature).is_some_and(|v| self.values.iter().any(|want| want == v))
    }
}

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Oldest first (start date, then id). The default.
    #[default]
    StartAscending,
    /// Newest first.
    StartDescending,
}

/// A filter over a collection, as the items and download endpoints take it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Spatial filter; features without geometry never match one.
    pub bbox: Option<Bbox>,
    /// Temporal filter (intersects).
    pub datetime: Option<Datetime>,
    /// Property filters, all of which must match.
    pub properties: Vec<PropertyFilter>,
    /// Result order.
    pub sort: SortOrder,
}

impl Filter {
    /// Whether nothing restricts the features (so they can be paged without searching).
    pub fn is_unrestricted(&self) -> bool {
        self.bbox.is_none() && self.datetime.is_none() && self.properties.is_empty()
    }
}

/// One page of matches, as rows of the collection's [`Columns`](super::columns::Columns) (and positions in its
/// features).
#[derive(Clone, Debug)]
pub struct Selection {
    /// How many features match in all.
    pub matched: usize,
    /// The rows of this page, in order.
    pub rows: Vec<u32>,
}

/// One page of matches, parsed.
#[derive(Debug)]
pub struct Page {
    /// How many features match in all.
    pub matched: usize,
    /// The features of this page, in order.
    pub features: Vec<Feature>,
}
