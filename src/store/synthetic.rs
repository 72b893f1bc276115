//! A deterministic synthetic layer for benchmarks: `n` strike-like events spread over Syria and two years.
//!
//! Positions are uniform over lon 35–42, lat 32–37.5; start days uniform over 730 days from 8 Dec 2024; each
//! event lasts one day and has one source and one attributed claim, like the curated strikes. The same `n` and
//! `seed` always give the same features.

use chrono::NaiveDate;

use crate::domain::{
    Claim, Confidence, DatePrecision, Feature, LocationPrecision, Point, Properties, Source, Stance, Text,
};
use crate::domain::feature::FeatureTag;

/// A tiny deterministic generator (SplitMix64), so benchmarks need no RNG crate.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The first day of the synthetic period (the fall of Assad).
pub fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 8).unwrap_or_default()
}

/// `n` synthetic events.
pub fn events(n: usize, seed: u64) -> Vec<Feature> {
    const PUBLISHERS: [&str; 4] = ["Synthetic Wire", "Synthetic Monitor", "Synthetic Daily", "Synthetic Ministry"];
    const KINDS: [&str; 3] = ["airstrike", "drone-strike", "shelling"];
    let mut rng = SplitMix(seed);
    let first = first_day();
    (0..n)
        .map(|i| {
            let lon = 35.0 + 7.0 * rng.unit();
            let lat = 32.0 + 5.5 * rng.unit();
            let offset = (rng.next() % 730) as u64;
            let start = first + chrono::Days::new(offset);
            let pick = rng.next() as usize;
            let publisher: Box<str> = PUBLISHERS[pick % PUBLISHERS.len()].into();
            Feature {
                kind: FeatureTag::Feature,
                id: format!("syn-{i:07}").into(),
                geometry: Some(Point { lon: (lon * 1e5).round() / 1e5, lat: (lat * 1e5).round() / 1e5 }),
                time_member: None,
                properties: Properties {
                    name: Text { en: format!("Synthetic strike {i}").into(), ar: None, ru: None },
                    description: None,
                    kind: KINDS[pick % KINDS.len()].into(),
                    start,
                    start_precision: DatePrecision::Day,
                    end: Some(start),
                    end_precision: Some(DatePrecision::Day),
                    location_precision: if pick % 3 == 0 {
                        LocationPrecision::ExactFacility
                    } else {
                        LocationPrecision::Town
                    },
                    location_note: None,
                    location_unsourced: false,
                    confidence: [Confidence::High, Confidence::Medium, Confidence::Low][pick % 3],
                    site_id: None,
                    status: None,
                    operator: None,
                    target: Some("synthetic target".into()),
                    actor: Some("Synthetic actor".into()),
                    attribution: vec![Claim { stance: Stance::Attributed, by: publisher.clone(), source: 0 }].into(),
                    casualties: None,
                    notes: Box::default(),
                    fact_ids: Box::default(),
                    sources: vec![Source {
                        publisher,
                        via: None,
                        url: format!("https://example.org/synthetic/{i}").into(),
                        date: Some(start.format("%Y-%m-%d").to_string().into()),
                        quote: None,
                    }]
                    .into(),
                },
            }
        })
        .collect()
}
