//! Human-readable dates that keep their precision: "March 2025" never becomes "1 March 2025".

use chrono::{Datelike, NaiveDate};
use footprint::domain::{DatePrecision, Day, Feature};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_short(date: NaiveDate) -> &'static str {
    &MONTHS[date.month0() as usize][..3]
}

/// One date at its precision: "9 Dec 2024", "March 2025", "2015".
pub fn date(date: NaiveDate, precision: DatePrecision) -> String {
    match precision {
        DatePrecision::Day => format!("{} {} {}", date.day(), month_short(date), date.year()),
        DatePrecision::Month => format!("{} {}", MONTHS[date.month0() as usize], date.year()),
        DatePrecision::Year => date.year().to_string(),
    }
}

/// A day as a long label for the timeline: "Tuesday 23 December 2025" is too long; "23 Dec 2025".
pub fn day(day: Day) -> String {
    day.date().map_or_else(|| "–".to_owned(), |d| date(d, DatePrecision::Day))
}

/// A feature's time at its precision: "23 Dec 2025", "9–10 Dec 2024", "20 Jan – 24 Jan 2025",
/// "30 Sep 2015 – 6 Dec 2024", "March 2025", "since 7 Dec 2024".
pub fn span(feature: &Feature) -> String {
    let p = &feature.properties;
    let start = date(p.start, p.start_precision);
    match (p.end, p.end_precision) {
        (None, _) => format!("since {start}"),
        (Some(end), Some(ep)) if ep == p.start_precision && same_period(p.start, end, ep) => start,
        (Some(end), Some(DatePrecision::Day))
            if p.start_precision == DatePrecision::Day
                && p.start.year() == end.year()
                && p.start.month() == end.month() =>
        {
            format!("{}–{} {} {}", p.start.day(), end.day(), month_short(end), end.year())
        }
        (Some(end), ep) => format!("{start} – {}", date(end, ep.unwrap_or(DatePrecision::Day))),
    }
}

fn same_period(a: NaiveDate, b: NaiveDate, precision: DatePrecision) -> bool {
    match precision {
        DatePrecision::Day => a == b,
        DatePrecision::Month => (a.year(), a.month()) == (b.year(), b.month()),
        DatePrecision::Year => a.year() == b.year(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(start: &str, sp: &str, end: Option<&str>, ep: Option<&str>) -> Feature {
        let end = end.map_or("null".to_owned(), |e| format!("\"{e}\""));
        let ep = ep.map_or("null".to_owned(), |e| format!("\"{e}\""));
        serde_json::from_str(&format!(
            r#"{{"type":"Feature","id":"x","geometry":null,"properties":{{"name":{{"en":"x"}},"kind":"k",
            "start":"{start}","start_precision":"{sp}","end":{end},"end_precision":{ep},"location_precision":"unknown",
            "confidence":"low","sources":[{{"publisher":"p","url":"https://e.org","date":null}}]}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn a_month_precision_date_stays_a_month() {
        assert_eq!(span(&feature("2025-03-01", "month", Some("2025-03-31"), Some("month"))), "March 2025");
        assert_eq!(
            span(&feature("2019-11-01", "month", Some("2026-01-27"), Some("day"))),
            "November 2019 – 27 Jan 2026"
        );
    }

    #[test]
    fn days_in_one_month_share_the_month() {
        assert_eq!(span(&feature("2024-12-09", "day", Some("2024-12-10"), Some("day"))), "9–10 Dec 2024");
        assert_eq!(span(&feature("2025-12-23", "day", Some("2025-12-23"), Some("day"))), "23 Dec 2025");
    }

    #[test]
    fn years_and_open_ends_read_naturally() {
        assert_eq!(span(&feature("1971-01-01", "year", Some("2024-12-08"), Some("day"))), "1971 – 8 Dec 2024");
        assert_eq!(span(&feature("2024-12-07", "day", None, None)), "since 7 Dec 2024");
        assert_eq!(span(&feature("2016-01-01", "year", Some("2016-12-31"), Some("year"))), "2016");
    }
}
