//! The domain core: what a feature is, how its time and place are known, and who said so.
//!
//! Nothing here knows about HTTP, files or the index; query parameters are parsed into these types at the edge.

pub mod bbox;
pub mod feature;
pub mod place;
pub mod time;
pub mod timeline;

pub use bbox::{Bbox, BboxError};
pub use feature::{
    Casualties, Claim, Confidence, Details, Feature, FeatureTag, Localized, LocationPrecision, Point, Properties,
    Range, Report, Source, Stance, Status, Text,
};
pub use place::{Country, CountryError};
pub use time::{DateBasis, DatePrecision, Datetime, DatetimeError, Day, DaySpan, PartialDate};
