//! The domain core: what a feature is, how its time and place are known, and who said so.
//!
//! Nothing here knows about HTTP, files or the index; query parameters are parsed into these types at the edge.

/// Gives an enum with `ALL` and a `const fn as_str` the constant `NAMES`: the name of every value, in the order of
/// `ALL` (the names stay defined once, by `as_str`; lists of choices and queryables' enums use them).
macro_rules! names_of_all {
    ($type:ty, $n:literal) => {
        impl $type {
            /// The name of every value, in the order of `ALL`.
            pub const NAMES: [&'static str; $n] = {
                let mut names = [""; $n];
                let mut i = 0;
                while i < $n {
                    names[i] = Self::ALL[i].as_str();
                    i += 1;
                }
                names
            };
        }
    };
}

pub mod bbox;
pub mod calendar;
pub mod feature;
pub mod place;
pub mod record;
pub mod source;
pub mod text;
pub mod tile;
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
