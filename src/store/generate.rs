//! Real-shaped layers of any size for the scale benchmarks (`footprint generate`): each generated strike is a copy
//! of a curated strike — its names in three languages, description, target, actor, attributions, casualty reports,
//! every source with its quote, its notes — with a new id, a start day over two years from the fall of Assad (its
//! length and its sources' dates shifted with it), and, when the original is located, a new point inside Syria
//! (drawn until the shipped outline contains it). Unlocated originals stay unlocated, so the share of features
//! without a point is the curated one. The same `n` and `seed` always give the same features, and they pass every
//! data rule (a test checks it with `footprint check`).

use chrono::{Days, NaiveDate};
use compact_str::format_compact;

use super::check::boundaries::{self, Placement};
use super::synthetic::{SplitMix, first_day};
use crate::domain::{Country, DatePrecision, Feature, PartialDate, Point};

/// Syria's bounding box (west, south, east, north), where points are drawn.
const SYRIA: [f64; 4] = [35.6, 32.3, 42.4, 37.4];
/// Days over which start days are spread.
const SPREAD_DAYS: u64 = 730;

/// `n` strikes shaped like `curated` (which must not be empty).
pub fn strikes(curated: &[Feature], n: usize, seed: u64) -> Vec<Feature> {
    each_strike(curated, n, seed).collect()
}

/// The same strikes as [`strikes`], made one at a time (a million are written to a file without being held).
pub fn each_strike(curated: &[Feature], n: usize, seed: u64) -> impl Iterator<Item = Feature> + '_ {
    let mut rng = SplitMix(seed);
    let outlines = boundaries::shipped().ok();
    (0..n).filter_map(move |i| {
        let template = curated.get(i % curated.len().max(1))?;
        let mut feature = template.clone();
        feature.id = format_compact!("gen-{i:07}");
        feature.updated = None;
        let p = &mut feature.properties;
        let start = first_day() + Days::new(rng.next_u64() % SPREAD_DAYS);
        let shift = |date: NaiveDate| start + Days::new(u64::try_from((date - p.start).num_days()).unwrap_or(0));
        // Generated days are whole days: a month-precision original would need month-aligned days.
        let end = p.end.map(shift);
        for source in &mut p.sources {
            if let Some(date) = source.date {
                let days = u64::try_from((date.first - p.start).num_days().max(0)).unwrap_or(0);
                source.date = Some(PartialDate { first: start + Days::new(days), precision: DatePrecision::Day });
            }
        }
        p.start = start;
        p.start_precision = DatePrecision::Day;
        p.end = end;
        p.end_precision = end.map(|_| DatePrecision::Day);
        if feature.geometry.is_some() {
            feature.geometry = loop {
                let point = Point {
                    lon: ((SYRIA[0] + (SYRIA[2] - SYRIA[0]) * rng.unit()) * 1e5).round() / 1e5,
                    lat: ((SYRIA[1] + (SYRIA[3] - SYRIA[1]) * rng.unit()) * 1e5).round() / 1e5,
                };
                match outlines {
                    Some(outlines) if outlines.place(point, Country::SYRIA) != Placement::Inside => {}
                    _ => break Some(point),
                }
            };
        }
        Some(feature)
    })
}
