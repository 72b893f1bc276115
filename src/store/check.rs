//! Data checks: every rule a curated layer must follow, reported as `file: feature id: field: what is wrong`.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use crate::domain::{Bbox, Feature, LocationPrecision, Range};

use super::catalog::Role;

/// One problem found in a data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the data directory.
    pub file: String,
    /// The feature id (or `#index` when it has none); `None` for file-level problems.
    pub feature: Option<String>,
    /// The field (a dotted path such as `properties.start`), or `-` for the whole item.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let feature = self.feature.as_deref().unwrap_or("-");
        write!(f, "{}: {}: {}: {}", self.file, feature, self.field, self.message)
    }
}

/// Collects problems for one file.
pub(crate) struct Findings<'a> {
    file: &'a str,
    pub(crate) problems: &'a mut Vec<Problem>,
}

impl<'a> Findings<'a> {
    pub(crate) fn new(file: &'a str, problems: &'a mut Vec<Problem>) -> Self {
        Findings { file, problems }
    }

    pub(crate) fn add(&mut self, feature: Option<&str>, field: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_owned(),
            feature: feature.map(str::to_owned),
            field: field.to_owned(),
            message: message.into(),
        });
    }
}

/// A generous box around Syria (lon 35.0–42.5, lat 32.0–37.6).
const SYRIA: Bbox = Bbox { min_lon: 35.0, min_lat: 32.0, max_lon: 42.5, max_lat: 37.6 };

/// Checks one parsed feature's own rules (precision, place, sources, ranges).
pub(crate) fn check_feature(feature: &Feature, time: Option<&serde_json::Value>, role: Role, out: &mut Findings<'_>) {
    let id = Some(feature.id.as_str());
    let p = &feature.properties;
    let d = p.details();
    if feature.id.is_empty() {
        out.add(id, "id", "must not be empty");
    }
    if p.name.en.trim().is_empty() {
        out.add(id, "properties.name.en", "must not be empty");
    }
    if !p.start_precision.is_valid_start(p.start) {
        out.add(
            id,
            "properties.start",
            format!("{} is not the first day of its {}: a {0}-precision start must be", p.start, p.start_precision),
        );
    }
    match (p.end, p.end_precision) {
        (Some(end), Some(precision)) => {
            if end < p.start {
                out.add(id, "properties.end", format!("{end} is before the start {}", p.start));
            }
            if !precision.is_valid_end(end) {
                out.add(id, "properties.end", format!("{end} is not the last day of its {precision}"));
            }
        }
        (Some(_), None) => out.add(id, "properties.end_precision", "is required when end is given"),
        (None, Some(_)) => out.add(id, "properties.end_precision", "must be null when end is null (open)"),
        (None, None) => {}
    }
    match (&feature.geometry, p.location_precision) {
        (None, precision) if precision != LocationPrecision::Unknown => out.add(
            id,
            "properties.location_precision",
            format!("is `{}` but geometry is null: use `unknown`", precision.as_str()),
        ),
        (Some(_), LocationPrecision::Unknown) => {
            out.add(id, "geometry", "a feature with location_precision `unknown` must have null geometry");
        }
        _ => {}
    }
    if let Some(time) = time {
        let expected = serde_json::to_value(feature.time_member()).unwrap_or_default();
        if *time != expected {
            out.add(id, "time", format!("{time} disagrees with start/end (expected {expected})"));
        }
    }
    if p.sources.is_empty() {
        out.add(id, "properties.sources", "every feature needs at least one source");
    }
    for (i, source) in p.sources.iter().enumerate() {
        if source.publisher.trim().is_empty() {
            out.add(id, &format!("properties.sources[{i}].publisher"), "must not be empty");
        }
        if !(source.url.starts_with("https://") || source.url.starts_with("http://")) {
            out.add(id, &format!("properties.sources[{i}].url"), format!("`{}` is not an http(s) URL", source.url));
        }
    }
    let n_sources = p.sources.len();
    for (i, claim) in d.attribution.iter().enumerate() {
        if usize::from(claim.source) >= n_sources {
            out.add(
                id,
                &format!("properties.attribution[{i}].source"),
                format!("index {} but the feature has {n_sources} sources", claim.source),
            );
        }
    }
    if let Some(casualties) = &d.casualties {
        for (name, range) in [("killed", &casualties.killed), ("injured", &casualties.injured)] {
            if let Some(range) = range {
                check_range(range, &format!("properties.casualties.{name}"), n_sources, id, out);
            }
        }
    }
    if p.location_unsourced && d.location_note.is_none() {
        out.add(
            id,
            "properties.location_note",
            "an unsourced coordinate needs a note saying where the estimate comes from",
        );
    }
    // Strikes and sites are in Syria: a point outside it is a swapped or mistyped coordinate.
    if let (Some(point), Role::Strike | Role::SiteStatus) = (feature.geometry, role)
        && !SYRIA.contains(point.lon, point.lat)
    {
        out.add(
            id,
            "geometry",
            format!(
                "[{}, {}] is outside Syria ({SYRIA}): check the order [lon, lat] and the digits",
                point.lon, point.lat
            ),
        );
    }
    match role {
        Role::SiteStatus => {
            for (field, missing) in [
                ("properties.site_id", d.site_id.is_none()),
                ("properties.status", p.status.is_none()),
                ("properties.operator", d.operator.is_none()),
            ] {
                if missing {
                    out.add(id, field, "is required for a site status period");
                }
            }
        }
        Role::Strike => {
            for (field, missing) in [
                ("properties.target", d.target.is_none()),
                ("properties.actor", d.actor.is_none()),
                ("properties.attribution", d.attribution.is_empty()),
            ] {
                if missing {
                    out.add(id, field, "is required for a strike (who is said to have hit what, according to whom)");
                }
            }
        }
        Role::Event => {}
    }
}

fn check_range(range: &Range, field: &str, n_sources: usize, id: Option<&str>, out: &mut Findings<'_>) {
    let (lo, hi) = range.reports.iter().fold((u32::MAX, 0), |(lo, hi), r| (lo.min(r.count), hi.max(r.count)));
    if range.reports.is_empty() {
        out.add(id, &format!("{field}.reports"), "a range needs at least one report");
    } else if (range.min, range.max) != (lo, hi) {
        out.add(id, field, format!("min/max {}–{} differ from the reports' {lo}–{hi}", range.min, range.max));
    }
    for (i, report) in range.reports.iter().enumerate() {
        if usize::from(report.source) >= n_sources {
            out.add(
                id,
                &format!("{field}.reports[{i}].source"),
                format!("index {} but the feature has {n_sources} sources", report.source),
            );
        }
    }
}

/// Checks rules across a collection: unique ids, non-overlapping status periods per site.
pub(crate) fn check_collection(features: &[Feature], role: Role, out: &mut Findings<'_>) {
    let mut seen = HashSet::with_capacity(features.len());
    for feature in features {
        if !seen.insert(feature.id.as_str()) {
            out.add(Some(&feature.id), "id", "duplicate id in this collection");
        }
    }
    if role == Role::SiteStatus {
        let mut by_site: BTreeMap<&str, Vec<&Feature>> = BTreeMap::new();
        for feature in features {
            if let Some(site) = &feature.properties.details().site_id {
                by_site.entry(site).or_default().push(feature);
            }
        }
        for periods in by_site.values_mut() {
            periods.sort_by_key(|f| f.properties.start);
            for pair in periods.windows(2) {
                if pair[0].span().intersects(pair[1].span()) {
                    out.add(
                        Some(&pair[1].id),
                        "properties.start",
                        format!("overlaps the previous status period `{}` of the same site", pair[0].id),
                    );
                }
            }
        }
    }
}
