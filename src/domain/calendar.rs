//! Which calendar day an instant falls on.
//!
//! Footprint's dates are local reporting dates in Syria, so a day is a day in Syria: it runs from midnight to
//! midnight in the `Asia/Damascus` time zone (UTC+3 since October 2022; before that UTC+2 with summer time, all
//! from the IANA database through `chrono-tz`). `2024-12-08T22:30:00Z` is 9 December in Damascus and matches the
//! features of 9 December. The API's `datetime`, the map's `t` and the temporal extents all use this rule.
//!
//! ```
//! use chrono::DateTime;
//! use footprint::domain::{Day, calendar};
//!
//! let late_evening = DateTime::parse_from_rfc3339("2024-12-08T22:30:00Z").unwrap();
//! assert_eq!(calendar::day_of(late_evening), Day::from_ymd(2024, 12, 9).unwrap());
//! assert_eq!(calendar::start_of(Day::from_ymd(2024, 12, 9).unwrap()).unwrap().to_rfc3339(), "2024-12-09T00:00:00+03:00");
//! ```

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Offset as _, TimeZone as _};
use chrono_tz::Asia::Damascus;

use super::time::Day;

/// The IANA name of the zone whose days Footprint counts.
pub const DAY_ZONE: &str = "Asia/Damascus";

/// The day in Syria on which `instant` falls.
pub fn day_of(instant: DateTime<FixedOffset>) -> Day {
    Day::from_date(instant.with_timezone(&Damascus).date_naive())
}

/// The first instant of `day` in Syria, with Syria's offset on that day (`None` beyond chrono's range).
///
/// Where summer time began at midnight the day starts at 01:00.
pub fn start_of(day: Day) -> Option<DateTime<FixedOffset>> {
    let date = day.date()?;
    (0..=2).find_map(|hour| {
        let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?);
        let instant = Damascus.from_local_datetime(&local).earliest()?;
        Some(instant.with_timezone(&instant.offset().fix()))
    })
}

/// The last second of `day` in Syria (one second before the next day starts).
pub fn end_of(day: Day) -> Option<DateTime<FixedOffset>> {
    let next = start_of(day.plus(1))?;
    let last = next - Duration::seconds(1);
    let offset = Damascus.offset_from_utc_datetime(&last.naive_utc()).fix();
    Some(last.with_timezone(&offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Day {
        Day::from_ymd(y, m, d).unwrap()
    }

    fn instant(raw: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(raw).unwrap()
    }

    #[test]
    fn an_instant_late_in_the_utc_evening_falls_on_the_next_day_in_damascus() {
        assert_eq!(day_of(instant("2024-12-08T22:30:00Z")), day(2024, 12, 9));
        assert_eq!(day_of(instant("2024-12-08T20:59:59Z")), day(2024, 12, 8));
        assert_eq!(day_of(instant("2024-12-08T21:00:00Z")), day(2024, 12, 9));
    }

    #[test]
    fn before_october_2022_syria_kept_utc_plus_two_in_winter_and_plus_three_in_summer() {
        // Winter 2019: UTC+2, so 22:30Z is already the next day but 21:30Z is not.
        assert_eq!(day_of(instant("2019-01-10T21:30:00Z")), day(2019, 1, 10));
        assert_eq!(day_of(instant("2019-01-10T22:30:00Z")), day(2019, 1, 11));
        // Summer 2019: UTC+3.
        assert_eq!(day_of(instant("2019-07-10T21:30:00Z")), day(2019, 7, 11));
        assert_eq!(start_of(day(2019, 1, 10)).unwrap().to_rfc3339(), "2019-01-10T00:00:00+02:00");
        assert_eq!(start_of(day(2024, 12, 8)).unwrap().to_rfc3339(), "2024-12-08T00:00:00+03:00");
    }

    #[test]
    fn a_day_whose_midnight_was_skipped_by_summer_time_starts_at_one() {
        // Summer time began at 00:00 on Friday 29 March 2019.
        assert_eq!(start_of(day(2019, 3, 29)).unwrap().to_rfc3339(), "2019-03-29T01:00:00+03:00");
        assert_eq!(end_of(day(2019, 3, 28)).unwrap().to_rfc3339(), "2019-03-28T23:59:59+02:00");
    }

    #[test]
    fn a_day_ends_one_second_before_the_next_begins() {
        assert_eq!(end_of(day(2024, 12, 8)).unwrap().to_rfc3339(), "2024-12-08T23:59:59+03:00");
    }
}
