//! Time: dates with their precision, the day spans features cover, and the OGC `datetime` query parameter.
//!
//! All data is known to the day at best, so time is indexed as whole UTC days ([`Day`]). A feature covers the
//! inclusive span `[first, last]` of days; a month-precision date covers the whole month. A query `datetime`
//! (an instant, a partial date, or an interval with `..`/empty open ends) becomes a [`DaySpan`] too, and a feature
//! matches when the two spans intersect (OGC semantics; both ends inclusive).
//!
//! ```
//! use footprint::domain::{Datetime, DaySpan, Day};
//! let month = Datetime::parse("2019-11").unwrap();
//! assert_eq!(month.to_string(), "2019-11-01/2019-11-30");
//! let open = Datetime::parse("../2015-09-30").unwrap();
//! assert!(open.span().contains(Day::from_ymd(1971, 1, 1).unwrap()));
//! ```

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// How precisely a date is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    /// Known to the day.
    Day,
    /// Known to the month only: the date is the first (as a start) or last (as an end) day of that month.
    Month,
    /// Known to the year only: the date is 1 January (as a start) or 31 December (as an end).
    Year,
}

names_of_all!(DatePrecision, 3);

impl DatePrecision {
    /// Every value, in order.
    pub const ALL: [DatePrecision; 3] = [Self::Day, Self::Month, Self::Year];

    /// The lowercase name used in data files and query parameters.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    /// Whether `date` is a valid *start* at this precision (the first day of its month or year).
    pub fn is_valid_start(self, date: NaiveDate) -> bool {
        match self {
            Self::Day => true,
            Self::Month => date.day() == 1,
            Self::Year => date.day() == 1 && date.month() == 1,
        }
    }

    /// Whether `date` is a valid *end* at this precision (the last day of its month or year).
    pub fn is_valid_end(self, date: NaiveDate) -> bool {
        match self {
            Self::Day => true,
            Self::Month => date.succ_opt().is_none_or(|next| next.day() == 1),
            Self::Year => date.day() == 31 && date.month() == 12,
        }
    }
}

/// What a feature's day rests on: the day the sources give for the event, or only the day a report was published.
///
/// A report dated 26 March about "a strike on Tuesday" gives the event's day; a report that says only "Israeli
/// jets struck" gives its own publication day, and a feature dated by it says so with [`DateBasis::Publication`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DateBasis {
    /// The sources give the day of the event itself (the default; not written in files).
    #[default]
    Event,
    /// The day is the publication date of the report that carries the event.
    Publication,
}

names_of_all!(DateBasis, 2);

impl DateBasis {
    /// Every value, in order.
    pub const ALL: [DateBasis; 2] = [Self::Event, Self::Publication];

    /// The lowercase name used in data files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Publication => "publication",
        }
    }

    /// Whether this is the default (left out of files and responses).
    pub fn is_event(&self) -> bool {
        *self == Self::Event
    }
}

impl fmt::Display for DatePrecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A UTC calendar day, counted from 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

/// Days from 0001-01-01 (day 1 in chrono's count) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i32 = 719_163;

impl Day {
    /// The earliest representable day (used for open starts).
    pub const MIN: Day = Day(i32::MIN);
    /// The latest representable day (used for open, ongoing ends).
    pub const MAX: Day = Day(i32::MAX);

    /// The day of a calendar date.
    pub fn from_date(date: NaiveDate) -> Day {
        Day(date.num_days_from_ce() - UNIX_EPOCH_FROM_CE)
    }

    /// The day of a year, month and day, if that date exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        NaiveDate::from_ymd_opt(year, month, day).map(Day::from_date)
    }

    /// The calendar date of this day, if it is within chrono's range (not for [`Day::MIN`]/[`Day::MAX`]).
    pub fn date(self) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(self.0.checked_add(UNIX_EPOCH_FROM_CE)?)
    }

    /// The day `n` days later (saturating).
    #[must_use]
    pub fn plus(self, n: i32) -> Day {
        Day(self.0.saturating_add(n))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.date() {
            Some(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            None => f.write_str(".."),
        }
    }
}

/// An inclusive span of days; either end may be open ([`Day::MIN`] / [`Day::MAX`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DaySpan {
    /// First day covered.
    pub first: Day,
    /// Last day covered (inclusive).
    pub last: Day,
}

impl DaySpan {
    /// The span covering every day.
    pub const ALL: DaySpan = DaySpan { first: Day::MIN, last: Day::MAX };

    /// Whether two spans share at least one day.
    pub fn intersects(self, other: DaySpan) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// Whether `day` lies within the span (ends inclusive).
    pub fn contains(self, day: Day) -> bool {
        self.first <= day && day <= self.last
    }
}

/// A date known to the day, month or year, written `2024-12-08`, `2024-12` or `2024` (e.g. a publication date).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The first day of the period.
    pub first: NaiveDate,
    /// How precisely it is known.
    pub precision: DatePrecision,
}

impl PartialDate {
    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub fn parse(raw: &str) -> Result<PartialDate, DatetimeError> {
        let bad = || DatetimeError::Unparseable(raw.to_owned());
        if raw.contains('/') || raw.contains('T') || raw.contains('.') {
            return Err(bad());
        }
        let span = parse_bound(raw)?.ok_or_else(bad)?;
        let precision = match raw.len() {
            4 => DatePrecision::Year,
            7 => DatePrecision::Month,
            _ => DatePrecision::Day,
        };
        Ok(PartialDate { first: span.first.date().ok_or_else(bad)?, precision })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = match self.precision {
            DatePrecision::Day => "%Y-%m-%d",
            DatePrecision::Month => "%Y-%m",
            DatePrecision::Year => "%Y",
        };
        write!(f, "{}", self.first.format(format))
    }
}

impl schemars::JsonSchema for PartialDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PartialDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"})
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        PartialDate::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// A parsed OGC API `datetime` parameter: an instant or a closed, half-open or open interval, as whole days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Datetime {
    span: DaySpan,
}

/// Why a `datetime` value could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatetimeError {
    /// A part is neither an RFC 3339 date-time, a date (`2024-12-08`), a month (`2024-12`) nor a year (`2024`).
    #[error("`{0}` is not an RFC 3339 date-time, a date (YYYY-MM-DD), a month (YYYY-MM) or a year (YYYY)")]
    Unparseable(String),
    /// An interval whose start is after its end.
    #[error("the interval starts ({start}) after it ends ({end})")]
    Reversed {
        /// The start as given.
        start: String,
        /// The end as given.
        end: String,
    },
    /// Year 0 or a year before it: the data's calendar starts at year 1.
    #[error("`{0}`: the year must be 1 or later")]
    YearOutOfRange(String),
    /// More than one `/`.
    #[error("an interval has exactly one `/` between its start and end")]
    TooManyParts,
}

impl Datetime {
    /// Parses `2024-12-08T10:00:00Z`, `2024-12-08`, `2024-12`, `2024`, or an interval `a/b` whose ends may be `..`
    /// or empty (open). Partial dates cover their whole month or year; both ends are inclusive.
    pub fn parse(input: &str) -> Result<Datetime, DatetimeError> {
        let input = input.trim();
        let mut parts = input.split('/');
        let (Some(first), second, None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(DatetimeError::TooManyParts);
        };
        let span = match second {
            None => parse_bound(first)?.ok_or_else(|| DatetimeError::Unparseable(first.to_owned()))?,
            Some(second) => {
                let start = parse_bound(first)?.map_or(Day::MIN, |s| s.first);
                let end = parse_bound(second)?.map_or(Day::MAX, |s| s.last);
                let instants = DateTime::parse_from_rfc3339(first.trim())
                    .ok()
                    .zip(DateTime::parse_from_rfc3339(second.trim()).ok());
                if start > end || instants.is_some_and(|(a, b)| a > b) {
                    return Err(DatetimeError::Reversed { start: first.to_owned(), end: second.to_owned() });
                }
                DaySpan { first: start, last: end }
            }
        };
        Ok(Datetime { span })
    }

    /// A datetime covering exactly this span.
    pub fn from_span(span: DaySpan) -> Datetime {
        Datetime { span }
    }

    /// The days this datetime covers.
    pub fn span(self) -> DaySpan {
        self.span
    }
}

impl fmt::Display for Datetime {
    /// Formats as a closed or open interval of dates (`2024-12-01/..`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.span.first, self.span.last)
    }
}

/// Parses one end of an interval: `None` for an open end (`..` or empty), else the days it covers.
fn parse_bound(raw: &str) -> Result<Option<DaySpan>, DatetimeError> {
    let raw = raw.trim();
    if raw.is_empty() || raw == ".." {
        return Ok(None);
    }
    let bad = || DatetimeError::Unparseable(raw.to_owned());
    if raw.contains('T') || raw.contains('t') {
        let instant = DateTime::parse_from_rfc3339(raw).map_err(|_| bad())?;
        let day = super::calendar::day_of(instant);
        if day.date().is_none_or(|d| d.year() < 1) {
            return Err(DatetimeError::YearOutOfRange(raw.to_owned()));
        }
        return Ok(Some(DaySpan { first: day, last: day }));
    }
    let (precision, first) = match raw.len() {
        4 => (DatePrecision::Year, NaiveDate::parse_from_str(&format!("{raw}-01-01"), "%Y-%m-%d")),
        7 => (DatePrecision::Month, NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d")),
        10 => (DatePrecision::Day, NaiveDate::parse_from_str(raw, "%Y-%m-%d")),
        _ => return Err(bad()),
    };
    if !raw.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return Err(bad());
    }
    let first = first.map_err(|_| bad())?;
    if first.year() < 1 {
        return Err(DatetimeError::YearOutOfRange(raw.to_owned()));
    }
    let last = match precision {
        DatePrecision::Day => first,
        DatePrecision::Month => {
            let next = first.checked_add_months(chrono::Months::new(1)).ok_or_else(bad)?;
            next - Duration::days(1)
        }
        DatePrecision::Year => NaiveDate::from_ymd_opt(first.year(), 12, 31).ok_or_else(bad)?,
    };
    Ok(Some(DaySpan { first: Day::from_date(first), last: Day::from_date(last) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Day {
        Day::from_ymd(y, m, d).unwrap()
    }

    #[test]
    fn the_unix_epoch_is_day_zero_and_round_trips() {
        assert_eq!(day(1970, 1, 1), Day(0));
        assert_eq!(day(2024, 12, 8).to_string(), "2024-12-08");
        assert_eq!(Day::MAX.to_string(), "..");
    }

    #[test]
    fn an_rfc3339_instant_covers_its_day_in_damascus() {
        let dt = Datetime::parse("2024-12-08T23:30:00-02:00").unwrap();
        assert_eq!(dt.span(), DaySpan { first: day(2024, 12, 9), last: day(2024, 12, 9) });
        let dt = Datetime::parse("2024-12-08T22:30:00Z").unwrap();
        assert_eq!(dt.span(), DaySpan { first: day(2024, 12, 9), last: day(2024, 12, 9) });
        let dt = Datetime::parse("2024-12-08T20:30:00Z/2024-12-09T20:30:00Z").unwrap();
        assert_eq!(dt.span(), DaySpan { first: day(2024, 12, 8), last: day(2024, 12, 9) });
    }

    #[test]
    fn year_zero_and_negative_years_are_rejected() {
        for raw in ["0000", "0000-12", "0000-12-08", "0000-12-08T10:00:00Z", "-001", "0000/2024", "2024/0000-01-01"] {
            let err = Datetime::parse(raw).unwrap_err();
            assert!(matches!(err, DatetimeError::YearOutOfRange(_) | DatetimeError::Unparseable(_)), "{raw}: {err:?}");
        }
        assert!(matches!(Datetime::parse("0000-12-08"), Err(DatetimeError::YearOutOfRange(_))));
        assert!(matches!(Datetime::parse("0000-01-01T01:00:00Z"), Err(DatetimeError::YearOutOfRange(_))));
        assert!(Datetime::parse("0001-01-01").is_ok());
    }

    #[test]
    fn a_partial_month_covers_the_whole_month_including_leap_days() {
        let dt = Datetime::parse("2024-02").unwrap();
        assert_eq!(dt.span(), DaySpan { first: day(2024, 2, 1), last: day(2024, 2, 29) });
    }

    #[test]
    fn a_year_covers_the_whole_year() {
        let dt = Datetime::parse("1971").unwrap();
        assert_eq!(dt.span(), DaySpan { first: day(1971, 1, 1), last: day(1971, 12, 31) });
    }

    #[test]
    fn a_closed_interval_includes_both_end_days() {
        let dt = Datetime::parse("2024-12-08/2024-12-10").unwrap();
        assert!(dt.span().contains(day(2024, 12, 8)));
        assert!(dt.span().contains(day(2024, 12, 10)));
        assert!(!dt.span().contains(day(2024, 12, 11)));
    }

    #[test]
    fn a_partial_date_as_interval_end_covers_its_whole_period() {
        let dt = Datetime::parse("2024-12-08/2025-01").unwrap();
        assert_eq!(dt.span().last, day(2025, 1, 31));
    }

    #[test]
    fn a_datetime_interval_with_open_start_matches_older_events() {
        for raw in ["../2015-09-30", "/2015-09-30"] {
            let dt = Datetime::parse(raw).unwrap();
            assert_eq!(dt.span().first, Day::MIN);
            let soviet_era = DaySpan { first: day(1971, 1, 1), last: day(1971, 12, 31) };
            assert!(dt.span().intersects(soviet_era), "{raw}");
        }
    }

    #[test]
    fn a_datetime_interval_with_open_end_matches_ongoing_status() {
        let dt = Datetime::parse("2026-02-01/..").unwrap();
        let ongoing = DaySpan { first: day(2024, 12, 7), last: Day::MAX };
        assert!(dt.span().intersects(ongoing));
        let ended = DaySpan { first: day(2019, 11, 1), last: day(2026, 1, 27) };
        assert!(!dt.span().intersects(ended));
    }

    #[test]
    fn a_status_period_that_overlaps_the_query_only_at_its_last_day_matches() {
        let period = DaySpan { first: day(2015, 9, 30), last: day(2024, 12, 6) };
        assert!(Datetime::parse("2024-12-06/2024-12-31").unwrap().span().intersects(period));
        assert!(!Datetime::parse("2024-12-07/2024-12-31").unwrap().span().intersects(period));
    }

    #[test]
    fn malformed_datetimes_are_rejected_with_the_offending_text() {
        for raw in ["", "yesterday", "2024-13-01", "2024-02-30", "2024/2025/2026", "20241", "2024-1-1", "+2024"] {
            assert!(Datetime::parse(raw).is_err(), "{raw:?} should be rejected");
        }
        let err = Datetime::parse("2024-12-08/soon").unwrap_err();
        assert!(err.to_string().contains("soon"));
    }

    #[test]
    fn a_reversed_interval_is_rejected() {
        let err = Datetime::parse("2025-01-01/2024-01-01").unwrap_err();
        assert!(matches!(err, DatetimeError::Reversed { .. }));
        let same_day = Datetime::parse("2015-09-30T10:00:00Z/2015-09-30T09:00:00Z").unwrap_err();
        assert!(matches!(same_day, DatetimeError::Reversed { .. }), "instants on one day are compared too");
    }

    #[test]
    fn partial_dates_keep_their_precision_when_written_back() {
        for raw in ["2024", "2024-12", "2024-12-08"] {
            assert_eq!(PartialDate::parse(raw).unwrap().to_string(), raw);
        }
        assert_eq!(PartialDate::parse("2019-11").unwrap().precision, DatePrecision::Month);
        for raw in ["2024-12-08/..", "2024-13", "19", "2024-12-08T00:00:00Z"] {
            assert!(PartialDate::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn precision_checks_accept_only_period_boundaries() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert!(DatePrecision::Month.is_valid_start(d(2019, 11, 1)));
        assert!(!DatePrecision::Month.is_valid_start(d(2019, 11, 2)));
        assert!(DatePrecision::Month.is_valid_end(d(2024, 2, 29)));
        assert!(!DatePrecision::Month.is_valid_end(d(2024, 2, 28)));
        assert!(DatePrecision::Year.is_valid_end(d(2017, 12, 31)));
        assert!(!DatePrecision::Year.is_valid_start(d(2017, 2, 1)));
    }
}
