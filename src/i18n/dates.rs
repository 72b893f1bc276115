//! Dates in words, at their precision: "March 2025" never becomes "1 March 2025", in any language.
//! English "9 Dec 2024", Russian "9 декабря 2024" (genitive month after a day), Arabic "٩ ديسمبر ٢٠٢٤"
//! (Arabic-Indic digits, the month names of CLDR's `ar`, which Arabic news sites use across the region).

use chrono::{Datelike, NaiveDate};

use super::Lang;
use crate::domain::{DatePrecision, Day, DaySpan, Feature};

impl Lang {
    fn month(self, date: NaiveDate, after_day: bool) -> &'static str {
        let prefix = if after_day { "month_of_day" } else { "month" };
        self.t(&format!("{prefix}.{}", date.month()))
    }

    /// One date at its precision: "9 Dec 2024", "March 2025", "2015".
    pub fn date(self, date: NaiveDate, precision: DatePrecision) -> String {
        let year = self.number(date.year());
        match precision {
            DatePrecision::Day => self.tf(
                "date.day",
                &[("day", &self.number(date.day())), ("month", self.month(date, true)), ("year", &year)],
            ),
            DatePrecision::Month => self.tf("date.month", &[("month", self.month(date, false)), ("year", &year)]),
            DatePrecision::Year => self.tf("date.year", &[("year", &year)]),
        }
    }

    /// A day of the timeline: "23 Dec 2025" ("–" for a day outside the calendar).
    pub fn day(self, day: Day) -> String {
        day.date().map_or_else(|| "–".to_owned(), |d| self.date(d, DatePrecision::Day))
    }

    /// A span of days: "1 Dec 2024 – 30 Dec 2024"; an open start reads "up to 30 Dec 2024".
    pub fn days(self, span: DaySpan) -> String {
        if span.first == Day::MIN {
            return self.tf("date.up_to", &[("date", &self.day(span.last))]);
        }
        self.tf("date.range", &[("start", &self.day(span.first)), ("end", &self.day(span.last))])
    }

    /// A feature's time at its precision: "23 Dec 2025", "9–10 Dec 2024", "30 Sep 2015 – 6 Dec 2024",
    /// "March 2025", "since 7 Dec 2024".
    pub fn span(self, feature: &Feature) -> String {
        let p = &feature.properties;
        let start = self.date(p.start, p.start_precision);
        match (p.end, p.end_precision) {
            // A month or year after a preposition needs its own wording in some languages (Russian).
            (None, _) if p.start_precision == DatePrecision::Day => self.tf("date.since", &[("date", &start)]),
            (None, _) => self.tf("date.since_period", &[("date", &start)]),
            (Some(end), Some(ep)) if ep == p.start_precision && same_period(p.start, end, ep) => start,
            (Some(end), Some(DatePrecision::Day))
                if p.start_precision == DatePrecision::Day
                    && p.start.year() == end.year()
                    && p.start.month() == end.month() =>
            {
                self.tf(
                    "date.days_in_month",
                    &[
                        ("first", &self.number(p.start.day())),
                        ("last", &self.number(end.day())),
                        ("month", self.month(end, true)),
                        ("year", &self.number(end.year())),
                    ],
                )
            }
            (Some(end), ep) => {
                self.tf("date.range", &[("start", &start), ("end", &self.date(end, ep.unwrap_or(DatePrecision::Day)))])
            }
        }
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

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_day_precision_date_reads_naturally_in_each_language() {
        let d = ymd(2024, 12, 9);
        assert_eq!(Lang::En.date(d, DatePrecision::Day), "9 Dec 2024");
        assert_eq!(Lang::Ru.date(d, DatePrecision::Day), "9 декабря 2024");
        assert_eq!(Lang::Ar.date(d, DatePrecision::Day), "٩ ديسمبر ٢٠٢٤");
    }

    #[test]
    fn a_month_precision_date_never_gains_a_day_in_any_language() {
        let d = ymd(2025, 3, 1);
        assert_eq!(Lang::En.date(d, DatePrecision::Month), "March 2025");
        assert_eq!(Lang::Ru.date(d, DatePrecision::Month), "март 2025");
        assert_eq!(Lang::Ar.date(d, DatePrecision::Month), "مارس ٢٠٢٥");
        for lang in Lang::ALL {
            assert!(!lang.date(d, DatePrecision::Month).contains(&lang.number(1)), "{lang}");
        }
    }

    #[test]
    fn a_year_precision_date_is_only_the_year_in_each_language() {
        let d = ymd(2015, 1, 1);
        assert_eq!(Lang::En.date(d, DatePrecision::Year), "2015");
        assert_eq!(Lang::Ru.date(d, DatePrecision::Year), "2015");
        assert_eq!(Lang::Ar.date(d, DatePrecision::Year), "٢٠١٥");
    }

    #[test]
    fn a_month_precision_span_stays_a_month() {
        assert_eq!(Lang::En.span(&feature("2025-03-01", "month", Some("2025-03-31"), Some("month"))), "March 2025");
        assert_eq!(Lang::Ru.span(&feature("2025-03-01", "month", Some("2025-03-31"), Some("month"))), "март 2025");
        assert_eq!(
            Lang::En.span(&feature("2019-11-01", "month", Some("2026-01-27"), Some("day"))),
            "November 2019 – 27 Jan 2026"
        );
    }

    #[test]
    fn days_in_one_month_share_the_month() {
        assert_eq!(Lang::En.span(&feature("2024-12-09", "day", Some("2024-12-10"), Some("day"))), "9–10 Dec 2024");
        assert_eq!(Lang::Ru.span(&feature("2024-12-09", "day", Some("2024-12-10"), Some("day"))), "9–10 декабря 2024");
        assert_eq!(Lang::Ar.span(&feature("2024-12-09", "day", Some("2024-12-10"), Some("day"))), "٩–١٠ ديسمبر ٢٠٢٤");
        assert_eq!(Lang::En.span(&feature("2025-12-23", "day", Some("2025-12-23"), Some("day"))), "23 Dec 2025");
    }

    #[test]
    fn years_and_open_ends_read_naturally() {
        assert_eq!(Lang::En.span(&feature("1971-01-01", "year", Some("2024-12-08"), Some("day"))), "1971 – 8 Dec 2024");
        assert_eq!(Lang::En.span(&feature("2024-12-07", "day", None, None)), "since 7 Dec 2024");
        assert_eq!(Lang::Ru.span(&feature("2024-12-07", "day", None, None)), "с 7 декабря 2024");
        assert_eq!(Lang::Ar.span(&feature("2024-12-07", "day", None, None)), "منذ ٧ ديسمبر ٢٠٢٤");
        assert_eq!(Lang::En.span(&feature("2016-01-01", "year", Some("2016-12-31"), Some("year"))), "2016");
        assert_eq!(Lang::Ru.span(&feature("2025-03-01", "month", None, None)), "март 2025 — по настоящее время");
    }

    #[test]
    fn an_open_start_window_reads_up_to_its_end() {
        let last = Day::from_ymd(2025, 1, 5).unwrap();
        assert_eq!(Lang::En.days(DaySpan { first: Day::MIN, last }), "up to 5 Jan 2025");
        assert_eq!(Lang::En.days(DaySpan { first: last.plus(-4), last }), "1 Jan 2025 – 5 Jan 2025");
    }
}
