//! Timeline histograms: how many features start in each day, week or month of a span.
//!
//! A feature counts in the bucket that holds its **start** day (for a site, the day its status changed). Weeks are
//! ISO weeks (Monday to Sunday); buckets are aligned to calendar weeks and months and the counts are clipped to the
//! requested span. Counting is two binary searches per bucket over the collection's sorted start days.

use chrono::{Datelike, Months};
use serde::{Deserialize, Serialize};

use super::time::{Day, DaySpan};

/// The most buckets one request may ask for.
pub const MAX_BUCKETS: usize = 10_000;

/// Histogram bucket size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// One UTC day.
    Day,
    /// One ISO week (Monday–Sunday).
    Week,
    /// One calendar month.
    Month,
}

impl Bucket {
    /// Parses `day`, `week` or `month`.
    pub fn parse(raw: &str) -> Option<Bucket> {
        match raw {
            "day" => Some(Bucket::Day),
            "week" => Some(Bucket::Week),
            "month" => Some(Bucket::Month),
            _ => None,
        }
    }

    /// The first day of the bucket holding `day`.
    pub fn start_of(self, day: Day) -> Day {
        match (self, day.date()) {
            (Bucket::Day, _) | (_, None) => day,
            (Bucket::Week, Some(date)) => day.plus(-(date.weekday().num_days_from_monday() as i32)),
            (Bucket::Month, Some(date)) => date.with_day(1).map_or(day, Day::from_date),
        }
    }

    /// The first day of the next bucket after the one starting at `start`.
    pub fn next(self, start: Day) -> Day {
        match (self, start.date()) {
            (Bucket::Day, _) | (_, None) => start.plus(1),
            (Bucket::Week, _) => start.plus(7),
            (Bucket::Month, Some(date)) => date.checked_add_months(Months::new(1)).map_or(Day::MAX, Day::from_date),
        }
    }

    /// An upper bound of how many buckets cover `span`.
    pub fn estimate(self, span: DaySpan) -> usize {
        let days = i64::from(span.last.0) - i64::from(span.first.0) + 1;
        let per = match self {
            Bucket::Day => 1,
            Bucket::Week => 7,
            Bucket::Month => 28,
        };
        usize::try_from(days / per + 2).unwrap_or(usize::MAX)
    }
}

/// One bar of the histogram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketCount {
    /// First day of the bucket.
    pub first: Day,
    /// Last day of the bucket.
    pub last: Day,
    /// Features starting within the bucket and the requested span.
    pub count: usize,
}

/// Counts `starts` (sorted) per bucket over a finite `span`.
pub fn histogram(starts: &[Day], span: DaySpan, bucket: Bucket) -> Vec<BucketCount> {
    let mut out = Vec::new();
    let mut start = bucket.start_of(span.first);
    while start <= span.last {
        let next = bucket.next(start);
        let (lo, hi) = (start.max(span.first), next.plus(-1).min(span.last));
        let count = starts.partition_point(|&d| d <= hi) - starts.partition_point(|&d| d < lo);
        out.push(BucketCount { first: start, last: next.plus(-1), count });
        if next <= start {
            break;
        }
        start = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> Day {
        Day::from_ymd(y, m, dd).unwrap()
    }

    #[test]
    fn weekly_buckets_start_on_monday_and_count_starts_inside_the_span() {
        let starts = [d(2024, 12, 8), d(2024, 12, 8), d(2024, 12, 9), d(2024, 12, 16), d(2025, 1, 1)];
        let span = DaySpan { first: d(2024, 12, 8), last: d(2024, 12, 22) };
        let bars = histogram(&starts, span, Bucket::Week);
        assert_eq!(bars.len(), 3);
        assert_eq!(bars[0].first, d(2024, 12, 2), "8 Dec 2024 was a Sunday");
        assert_eq!(bars.iter().map(|b| b.count).collect::<Vec<_>>(), vec![2, 1, 1]);
    }

    #[test]
    fn monthly_buckets_follow_calendar_months() {
        let starts = [d(2025, 1, 31), d(2025, 2, 1), d(2025, 2, 28)];
        let bars = histogram(&starts, DaySpan { first: d(2025, 1, 15), last: d(2025, 3, 1) }, Bucket::Month);
        assert_eq!(
            bars.iter().map(|b| (b.first, b.count)).collect::<Vec<_>>(),
            vec![(d(2025, 1, 1), 1), (d(2025, 2, 1), 2), (d(2025, 3, 1), 0)]
        );
        assert_eq!(bars[1].last, d(2025, 2, 28));
    }

    #[test]
    fn counts_are_clipped_to_the_span_inside_a_bucket() {
        let starts = [d(2024, 12, 2), d(2024, 12, 8)];
        let bars = histogram(&starts, DaySpan { first: d(2024, 12, 5), last: d(2024, 12, 8) }, Bucket::Week);
        assert_eq!(bars[0].count, 1);
    }
}
