//! A deterministic synthetic layer for benchmarks: `n` strike-like events spread over Syria and two years.
//!
//! Positions are uniform over lon 35–42, lat 32–37.5; start days uniform over 730 days from 8 Dec 2024; each
//! event lasts one day and has one source and one attributed claim, like the curated strikes. The same `n` and
//! `seed` always give the same features.

use std::sync::Arc;

use chrono::NaiveDate;
use compact_str::format_compact;

use crate::domain::{
    Confidence, DatePrecision, Feature, FeatureTag, LocationPrecision, PartialDate, Point, Properties, Source, Text,
};

/// A tiny deterministic generator (SplitMix64), so benchmarks need no RNG crate; the seed is its state.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The first day of the synthetic period (the fall of Assad).
pub fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 8).unwrap_or_default()
}

/// `n` synthetic events.
pub fn events(n: usize, seed: u64) -> Vec<Feature> {
    let publishers: Vec<Arc<str>> =
        ["Synthetic Wire", "Synthetic Monitor", "Synthetic Daily", "Synthetic Ministry"].map(Arc::from).into();
    let kinds: Vec<Arc<str>> = ["airstrike", "drone-strike", "shelling", "diplomatic-meeting"].map(Arc::from).into();
    let mut rng = SplitMix(seed);
    let first = first_day();
    (0..n)
        .map(|i| {
            let lon = 35.0 + 7.0 * rng.unit();
            let lat = 32.0 + 5.5 * rng.unit();
            let start = first + chrono::Days::new(rng.next_u64() % 730);
            let pick = rng.next_u64() as usize;
            let source = Source::new(
                publishers[pick % publishers.len()].clone(),
                format!("https://example.org/synthetic/{i}").into(),
                Some(PartialDate { first: start, precision: DatePrecision::Day }),
                None,
                None,
            );
            Feature {
                kind: FeatureTag::Feature,
                id: format_compact!("syn-{i:07}"),
                geometry: Some(Point { lon: (lon * 1e5).round() / 1e5, lat: (lat * 1e5).round() / 1e5 }),
                properties: Properties::new(
                    Text::new(format_compact!("Synthetic event {i}"), None, None),
                    kinds[pick % kinds.len()].clone(),
                    (start, DatePrecision::Day),
                    Some((start, DatePrecision::Day)),
                    if pick.is_multiple_of(3) { LocationPrecision::ExactFacility } else { LocationPrecision::Town },
                    [Confidence::High, Confidence::Medium, Confidence::Low][pick % 3],
                    None,
                    vec![source].into(),
                ),
                updated: None,
            }
        })
        .collect()
}
