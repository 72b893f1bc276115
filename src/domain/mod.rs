//! The domain core: what a feature is, how its time and place are known, and who said so.
//!
//! Nothing here knows about HTTP, files or the index; query parameters are parsed into these types at the edge.

pub mod bbox;
pub mod calendar;
pub mod feature;
pub mod place;
pub mod record;
pub mod source;
pub mod text;
pub mod time;
pub mod timeline;

pub use bbox::{Bbox, BboxError};
pub use feature::{
    Confidence, Details, Feature, FeatureTag, Localized, LocationPrecision, Point, Properties, Status, Updated,
};
pub use place::{Country, CountryError};
pub use source::{Casualties, Claim, Range, Report, Source, Stance};
pub use text::{Lang, Text};
pub use time::{DateBasis, DatePrecision, Datetime, DatetimeError, Day, DaySpan, PartialDate};
