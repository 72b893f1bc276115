//! Features: a site's status period, a reported strike or a dated event, with its place, time and sources.
//!
//! The structs serialise straight to the GeoJSON the service serves and deserialise from the curated files in
//! `geodata/` (same shape; the JSON-FG `time` member is derived from `start`/`end` and added on output).
//!
//! ```
//! use footprint::domain::Feature;
//! let json = r#"{"type": "Feature", "id": "khmeimim.2015-09-30",
//!   "geometry": {"type": "Point", "coordinates": [35.945, 35.41167]},
//!   "properties": {"name": {"en": "Khmeimim Air Base"}, "kind": "air-base",
//!     "start": "2015-09-30", "start_precision": "day", "end": "2024-12-06", "end_precision": "day",
//!     "location_precision": "exact-facility", "confidence": "high",
//!     "sources": [{"publisher": "TASS", "url": "https://tass.com/politics/1977359", "date": "2025-06-20"}]}}"#;
//! let feature: Feature = serde_json::from_str(json).unwrap();
//! assert_eq!(feature.properties.name.en, "Khmeimim Air Base");
//! let out = serde_json::to_value(&feature).unwrap();
//! assert_eq!(out["time"]["interval"][1], "2024-12-06");
//! ```

use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use compact_str::CompactString;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::place::Country;
use super::record::PropertiesRecord;
use super::source::{Casualties, Claim, Source};
use super::text::Lang;
use super::text::Text;
use super::time::{DateBasis, DatePrecision, Day, DaySpan};

/// A WGS84 position `[lon, lat]`, serialised as a GeoJSON Point.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(try_from = "PointRepr")]
pub struct Point {
    /// Longitude in degrees, -180..180.
    pub lon: f64,
    /// Latitude in degrees, -90..90.
    pub lat: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointRepr {
    #[serde(rename = "type")]
    kind: String,
    coordinates: serde_json::Value,
}

impl TryFrom<PointRepr> for Point {
    type Error = String;

    fn try_from(repr: PointRepr) -> Result<Self, Self::Error> {
        if repr.kind != "Point" {
            return Err(format!("geometry type `{}` is not supported: features are Points or null", repr.kind));
        }
        let numbers: Option<Vec<f64>> =
            repr.coordinates.as_array().map(|items| items.iter().filter_map(serde_json::Value::as_f64).collect());
        let items = repr.coordinates.as_array().map_or(0, Vec::len);
        match numbers.as_deref() {
            Some([lon, lat] | [lon, lat, _]) if items == numbers.as_ref().map_or(0, Vec::len) => {
                if !(-180.0..=180.0).contains(lon) || !(-90.0..=90.0).contains(lat) {
                    return Err(format!("coordinates [{lon}, {lat}] are not [lon, lat] in WGS84 range"));
                }
                Ok(Point { lon: *lon, lat: *lat })
            }
            _ => Err(format!("a Point has coordinates [lon, lat], got {}", repr.coordinates)),
        }
    }
}

impl Serialize for Point {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", "Point")?;
        map.serialize_entry("coordinates", &[self.lon, self.lat])?;
        map.end()
    }
}

/// How precisely a feature's location is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LocationPrecision {
    /// The named facility itself.
    ExactFacility,
    /// The town or city; the site within it was not located.
    Town,
    /// A district.
    District,
    /// A governorate.
    Governorate,
    /// A wider region.
    Region,
    /// Not located: the feature has no geometry.
    Unknown,
}

names_of_all!(LocationPrecision, 6);

impl LocationPrecision {
    /// Every value, in order.
    pub const ALL: [LocationPrecision; 6] =
        [Self::ExactFacility, Self::Town, Self::District, Self::Governorate, Self::Region, Self::Unknown];

    /// The kebab-case name used in data and queries.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ExactFacility => "exact-facility",
            Self::Town => "town",
            Self::District => "district",
            Self::Governorate => "governorate",
            Self::Region => "region",
            Self::Unknown => "unknown",
        }
    }
}

/// How far a feature's claims are corroborated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Several independent or wire-service sources.
    High,
    /// One credible source.
    Medium,
    /// A single unverified or low-reliability source.
    Low,
}

names_of_all!(Confidence, 3);

impl Confidence {
    /// Every level, most corroborated first.
    pub const ALL: [Confidence; 3] = [Confidence::High, Confidence::Medium, Confidence::Low];

    /// The level with this lowercase name.
    pub fn from_name(name: &str) -> Option<Confidence> {
        Confidence::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Its position in [`Confidence::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The lowercase name used in data and queries.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

/// A site's status during one period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Operated by Russia (or the Soviet Union).
    RussianOperated,
    /// Russian use reported (intermittent, auxiliary or only documented in passing).
    RussianUseReported,
    /// A drawdown of Russian forces reported.
    DrawdownReported,
    /// Withdrawal under way.
    WithdrawalUnderWay,
    /// Withdrawn.
    Withdrawn,
    /// Withdrawal claimed by an unverified source.
    WithdrawalClaimed,
}

names_of_all!(Status, 6);

impl Status {
    /// Every status, in legend order.
    pub const ALL: [Status; 6] = [
        Self::RussianOperated,
        Self::RussianUseReported,
        Self::DrawdownReported,
        Self::WithdrawalUnderWay,
        Self::Withdrawn,
        Self::WithdrawalClaimed,
    ];

    /// The status named `name` in data and queries (`russian-operated`), if any.
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The kebab-case name used in data and queries.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RussianOperated => "russian-operated",
            Self::RussianUseReported => "russian-use-reported",
            Self::DrawdownReported => "drawdown-reported",
            Self::WithdrawalUnderWay => "withdrawal-under-way",
            Self::Withdrawn => "withdrawn",
            Self::WithdrawalClaimed => "withdrawal-claimed",
        }
    }
}

/// The properties every feature has. Those that only some features have are in [`Details`].
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(from = "PropertiesRecord<'static>")]
pub struct Properties {
    /// Display name.
    pub name: Text,
    /// What kind of thing this is (`air-base`, `airstrike`, `diplomatic-meeting`, …).
    pub kind: Arc<str>,
    /// First day (inclusive).
    pub start: NaiveDate,
    /// Last day (inclusive); `None` = open (ongoing).
    pub end: Option<NaiveDate>,
    /// How precisely `start` is known.
    pub start_precision: DatePrecision,
    /// How precisely `end` is known; `None` with an open end.
    pub end_precision: Option<DatePrecision>,
    /// Whether the day rests on the event as the sources give it, or only on a report's publication date.
    pub date_basis: DateBasis,
    /// How precisely the location is known.
    pub location_precision: LocationPrecision,
    /// True when the coordinate is an unsourced estimate.
    pub location_unsourced: bool,
    /// How far the claims are corroborated.
    pub confidence: Confidence,
    /// Sites: the status during this period.
    pub status: Option<Status>,
    /// At least one source.
    pub sources: Box<[Source]>,
    details: Option<Box<Details>>,
}

/// Properties only some features have (boxed, so that features without them stay small).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Details {
    /// Neutral, attributed description.
    pub description: Option<Text>,
    /// Where the coordinate comes from.
    pub location_note: Option<Box<str>>,
    /// The country of the place (events; sites and strikes are in Syria by rule).
    pub country: Option<Country>,
    /// Sites: which site this status period belongs to.
    pub site_id: Option<Box<str>>,
    /// Sites: who operated it.
    pub operator: Option<Box<str>>,
    /// Strikes: what was reportedly hit.
    pub target: Option<Box<str>>,
    /// Strikes: the alleged perpetrator.
    pub actor: Option<Box<str>>,
    /// Who claimed, reported, attributed or denied it.
    pub attribution: Box<[Claim]>,
    /// Reported casualties, as ranges.
    pub casualties: Option<Casualties>,
    /// Conflicts and uncertainty between sources, for readers.
    pub notes: Box<[Box<str>]>,
    /// Fact-sheet rows this feature was built from.
    pub fact_ids: Box<[Box<str>]>,
}

static NO_DETAILS: LazyLock<Details> = LazyLock::new(Details::default);

impl Properties {
    /// The optional properties (empty when the feature has none).
    pub fn details(&self) -> &Details {
        self.details.as_deref().unwrap_or(&NO_DETAILS)
    }

    /// Sets the optional properties.
    pub fn set_details(&mut self, details: Details) {
        self.details = (details != Details::default()).then(|| Box::new(details));
    }
}

impl Properties {
    /// Properties with no [`Details`].
    #[expect(clippy::too_many_arguments, reason = "mirrors the flat property list of the data files")]
    pub fn new(
        name: Text,
        kind: Arc<str>,
        (start, start_precision): (NaiveDate, DatePrecision),
        end: Option<(NaiveDate, DatePrecision)>,
        location_precision: LocationPrecision,
        confidence: Confidence,
        status: Option<Status>,
        sources: Box<[Source]>,
    ) -> Properties {
        Properties {
            name,
            kind,
            start,
            end: end.map(|e| e.0),
            start_precision,
            end_precision: end.map(|e| e.1),
            date_basis: DateBasis::Event,
            location_precision,
            location_unsourced: false,
            confidence,
            status,
            sources,
            details: None,
        }
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.record(None).serialize(serializer)
    }
}

/// A feature as the API serves it to a reader of `lang`: its properties gain `title` (the name in that language,
/// or in English when it has no translation) and `title_lang` (the language `title` is actually in), so a fallback
/// to English is never silent.
#[derive(Clone, Copy, Debug)]
pub struct Localized<'a> {
    /// The feature.
    pub feature: &'a Feature,
    /// The language asked for.
    pub lang: Lang,
}

struct LocalizedProperties<'a>(&'a Properties, Lang);

impl Serialize for LocalizedProperties<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.record(Some(self.1.pick(&self.0.name))).serialize(serializer)
    }
}

impl Serialize for Localized<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let f = self.feature;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("type", "Feature")?;
        map.serialize_entry("id", &f.id)?;
        map.serialize_entry("geometry", &f.geometry)?;
        map.serialize_entry("time", &f.time_member())?;
        map.serialize_entry("properties", &LocalizedProperties(&f.properties, self.lang))?;
        if let Some(updated) = &f.updated {
            map.serialize_entry("updated", updated)?;
        }
        map.end()
    }
}

/// A GeoJSON feature of a Footprint collection.
///
/// In files, the JSON-FG `time` member is optional (the loader checks it against `start`/`end`); on output it is
/// always derived from them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    /// Always `"Feature"`.
    #[serde(rename = "type")]
    pub kind: FeatureTag,
    /// Stable identifier, unique within its collection.
    pub id: CompactString,
    /// The location, or `None` when it could not be placed.
    pub geometry: Option<Point>,
    /// The properties.
    pub properties: Properties,
    /// Written by the server, never by editors: when the published version corrected an earlier one, when and why.
    /// Accepted (and ignored) on input so a feature can be sent back exactly as it was served.
    #[serde(default, skip_serializing)]
    pub updated: Option<Box<Updated>>,
}

/// The latest published correction of a feature: shown to readers as "Updated on … — reason".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Updated {
    /// When the correction was published (UTC).
    pub at: chrono::DateTime<chrono::Utc>,
    /// The editor's reason for it.
    pub reason: String,
}

/// The GeoJSON `type` tag of a feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeatureTag {
    /// `"Feature"`.
    Feature,
}

impl Feature {
    /// The days this feature covers (open end = [`Day::MAX`]).
    pub fn span(&self) -> DaySpan {
        DaySpan {
            first: Day::from_date(self.properties.start),
            last: self.properties.end.map_or(Day::MAX, Day::from_date),
        }
    }

    /// The JSON-FG `time` member: `{"date": …}` for a single day, else `{"interval": [start, end or ".."]}`.
    pub fn time_member(&self) -> TimeMember {
        let p = &self.properties;
        match p.end {
            Some(end) if end == p.start => TimeMember::Date(p.start),
            Some(end) => TimeMember::Interval([IntervalEnd::Date(p.start), IntervalEnd::Date(end)]),
            None => TimeMember::Interval([IntervalEnd::Date(p.start), IntervalEnd::Open("..")]),
        }
    }
}

/// The JSON-FG `time` member of a feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeMember {
    /// A single day.
    Date(NaiveDate),
    /// An inclusive interval; the end may be open.
    Interval([IntervalEnd; 2]),
}

/// One end of a JSON-FG interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum IntervalEnd {
    /// A day.
    Date(NaiveDate),
    /// `".."`: open.
    Open(&'static str),
}

impl Serialize for Feature {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("type", "Feature")?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("geometry", &self.geometry)?;
        map.serialize_entry("time", &self.time_member())?;
        map.serialize_entry("properties", &self.properties)?;
        if let Some(updated) = &self.updated {
            map.serialize_entry("updated", updated)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(geometry: &str, end: &str) -> String {
        format!(
            r#"{{"type":"Feature","id":"x","geometry":{geometry},"properties":{{"name":{{"en":"X"}},"kind":"airstrike",
            "start":"2024-12-08","start_precision":"day","end":{end},"end_precision":null,
            "location_precision":"town","confidence":"low",
            "sources":[{{"publisher":"P","url":"https://example.org","date":null}}]}}}}"#
        )
    }

    #[test]
    fn a_point_feature_round_trips_through_geojson() {
        let f: Feature =
            serde_json::from_str(&minimal(r#"{"type":"Point","coordinates":[36.2,33.5]}"#, "null")).unwrap();
        assert_eq!(f.geometry, Some(Point { lon: 36.2, lat: 33.5 }));
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["geometry"]["coordinates"], serde_json::json!([36.2, 33.5]));
        assert_eq!(v["time"]["interval"], serde_json::json!(["2024-12-08", ".."]));
        assert_eq!(f.span().last, Day::MAX);
    }

    #[test]
    fn a_feature_without_a_place_keeps_null_geometry() {
        let f: Feature = serde_json::from_str(&minimal("null", r#""2024-12-08""#)).unwrap();
        let v = serde_json::to_value(&f).unwrap();
        assert!(v["geometry"].is_null());
        assert_eq!(v["time"], serde_json::json!({"date": "2024-12-08"}));
    }

    #[test]
    fn lines_and_out_of_range_points_are_rejected() {
        let line = minimal(r#"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#, "null");
        assert!(serde_json::from_str::<Feature>(&line).unwrap_err().to_string().contains("LineString"));
        let swapped = minimal(r#"{"type":"Point","coordinates":[35.4,135.9]}"#, "null");
        assert!(serde_json::from_str::<Feature>(&swapped).is_err());
    }

    #[test]
    fn unknown_properties_are_rejected() {
        let json = minimal("null", "null").replace(r#""kind""#, r#""colour":"red","kind""#);
        assert!(serde_json::from_str::<Feature>(&json).unwrap_err().to_string().contains("colour"));
    }
}
