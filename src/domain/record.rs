//! The one definition of a feature's properties as they are written down: [`PropertiesRecord`]. The curated files
//! are read through it (so the loader's checks see exactly these fields), the API's GeoJSON is written through it,
//! and the published JSON Schema (`geodata/schema/feature.schema.json`) is generated from it ([`feature_schema`]);
//! the CSV columns are checked against it. A new property is added here, once.
//!
//! In memory, features keep a compact shape ([`Properties`] with rarely used fields boxed in [`Details`]); a record
//! borrows from it for writing, so serialising allocates nothing per field.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::feature::{Confidence, Details, Feature, LocationPrecision, Properties, Status};
use super::place::Country;
use super::source::{Casualties, Claim, Source};
use super::text::{Lang, Text};
use super::time::{DateBasis, DatePrecision};

/// A feature's properties, flat, as in the files and the API's GeoJSON.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertiesRecord<'a> {
    /// Served by the API only (not in the files): the name in the language asked for (`lang` or Accept-Language),
    /// or in English when it has no translation.
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub title: Option<Cow<'a, str>>,
    /// Served by the API only: the language `title` is in (differs from Content-Language when the name fell back
    /// to English).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub title_lang: Option<Lang>,
    /// Display name, in English and where known Arabic and Russian.
    pub name: Cow<'a, Text>,
    /// Neutral, attributed description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Cow<'a, Text>>,
    /// What kind of thing this is (`air-base`, `airstrike`, `diplomatic-meeting`, …).
    #[schemars(regex(pattern = r"^[a-z][a-z-]*$"))]
    pub kind: Cow<'a, str>,
    /// First day (inclusive).
    #[schemars(schema_with = "date")]
    pub start: NaiveDate,
    /// How precisely `start` is known.
    pub start_precision: DatePrecision,
    /// Inclusive last day; null = open (ongoing, no end reported).
    #[schemars(schema_with = "date_or_null")]
    pub end: Option<NaiveDate>,
    /// How precisely `end` is known; null with an open end.
    pub end_precision: Option<DatePrecision>,
    /// What the day rests on: `publication` when it is only the publication date of a report (one source is then
    /// dated that day); left out (`event`) when the sources give the event's own day.
    #[serde(default, skip_serializing_if = "DateBasis::is_event")]
    pub date_basis: DateBasis,
    /// How precisely the location is known.
    pub location_precision: LocationPrecision,
    /// Where the coordinate comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub location_note: Option<Cow<'a, str>>,
    /// true when the coordinate is an unsourced estimate (fact sheet label approx-unsourced): verify before use.
    #[serde(default, skip_serializing_if = "is_false")]
    pub location_unsourced: bool,
    /// ISO 3166-1 alpha-2 code of the country of the place; required on located events (sites and strikes are in
    /// Syria). `footprint check` tests the point against Natural Earth outlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// How far the claims are corroborated.
    pub confidence: Confidence,
    /// Sites: which site this status period belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9-]*$"))]
    pub site_id: Option<Cow<'a, str>>,
    /// Sites: the status during this period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Sites: who operated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub operator: Option<Cow<'a, str>>,
    /// Strikes: what was reportedly hit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub target: Option<Cow<'a, str>>,
    /// Strikes: the alleged perpetrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub actor: Option<Cow<'a, str>>,
    /// Who claimed, reported, attributed, confirmed or denied it, each citing one of `sources`.
    #[serde(default, skip_serializing_if = "<[Claim]>::is_empty")]
    pub attribution: Cow<'a, [Claim]>,
    /// Reported casualties, conflicting figures kept as ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub casualties: Option<Cow<'a, Casualties>>,
    /// Uncertainty and conflicts between sources, shown to readers.
    #[serde(default, skip_serializing_if = "<[Box<str>]>::is_empty")]
    #[schemars(inner(length(min = 1)))]
    pub notes: Cow<'a, [Box<str>]>,
    /// Row ids in the fact sheets this feature was built from.
    #[serde(default, skip_serializing_if = "<[Box<str>]>::is_empty")]
    #[schemars(inner(regex(pattern = r"^[A-Z][0-9]{2}$")))]
    pub fact_ids: Cow<'a, [Box<str>]>,
    /// The pages the feature rests on: at least one.
    #[schemars(length(min = 1))]
    pub sources: Cow<'a, [Source]>,
}

#[expect(clippy::trivially_copy_pass_by_ref, reason = "serde's skip_serializing_if passes a reference")]
fn is_false(value: &bool) -> bool {
    !*value
}

/// A calendar day, `YYYY-MM-DD`.
fn date(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

fn date_or_null(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

fn borrowed(s: Option<&str>) -> Option<Cow<'_, str>> {
    s.map(Cow::Borrowed)
}

impl Properties {
    /// The record of these properties for writing, borrowing from them; with `title`, the name chosen for a reader
    /// and the language it is in.
    pub fn record<'a>(&'a self, title: Option<(&'a str, Lang)>) -> PropertiesRecord<'a> {
        let d = self.details();
        PropertiesRecord {
            title: title.map(|(t, _)| Cow::Borrowed(t)),
            title_lang: title.map(|(_, lang)| lang),
            name: Cow::Borrowed(&self.name),
            description: d.description.as_ref().map(Cow::Borrowed),
            kind: Cow::Borrowed(&self.kind),
            start: self.start,
            start_precision: self.start_precision,
            end: self.end,
            end_precision: self.end_precision,
            date_basis: self.date_basis,
            location_precision: self.location_precision,
            location_note: borrowed(d.location_note.as_deref()),
            location_unsourced: self.location_unsourced,
            country: d.country,
            confidence: self.confidence,
            site_id: borrowed(d.site_id.as_deref()),
            status: self.status,
            operator: borrowed(d.operator.as_deref()),
            target: borrowed(d.target.as_deref()),
            actor: borrowed(d.actor.as_deref()),
            attribution: Cow::Borrowed(&d.attribution),
            casualties: d.casualties.as_ref().map(Cow::Borrowed),
            notes: Cow::Borrowed(&d.notes),
            fact_ids: Cow::Borrowed(&d.fact_ids),
            sources: Cow::Borrowed(&self.sources),
        }
    }
}

impl From<PropertiesRecord<'_>> for Properties {
    fn from(r: PropertiesRecord<'_>) -> Self {
        let owned = |s: Option<Cow<'_, str>>| s.map(|s| Box::from(s.as_ref()));
        let mut properties = Properties::new(
            r.name.into_owned(),
            Arc::from(r.kind.as_ref()),
            (r.start, r.start_precision),
            None,
            r.location_precision,
            r.confidence,
            r.status,
            r.sources.into_owned().into_boxed_slice(),
        );
        properties.end = r.end;
        properties.end_precision = r.end_precision;
        properties.date_basis = r.date_basis;
        properties.location_unsourced = r.location_unsourced;
        properties.set_details(Details {
            description: r.description.map(Cow::into_owned),
            location_note: owned(r.location_note),
            country: r.country,
            site_id: owned(r.site_id),
            operator: owned(r.operator),
            target: owned(r.target),
            actor: owned(r.actor),
            attribution: r.attribution.into_owned().into_boxed_slice(),
            casualties: r.casualties.map(Cow::into_owned),
            notes: r.notes.into_owned().into_boxed_slice(),
            fact_ids: r.fact_ids.into_owned().into_boxed_slice(),
        });
        properties
    }
}

/// A feature in its written form, as the curated files hold it: `type`, `id`, `geometry`, `properties` (the API's
/// JSON-FG `time` member is derived from `start`/`end`, so it is not written).
pub struct Written<'a>(pub &'a Feature);

impl Serialize for Written<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let f = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("type", "Feature")?;
        map.serialize_entry("id", &f.id)?;
        map.serialize_entry("geometry", &f.geometry)?;
        map.serialize_entry("properties", &f.properties)?;
        map.end()
    }
}

/// A layer file in the curated files' own format: a GeoJSON `FeatureCollection` of [`Written`] features,
/// pretty-printed with two spaces, UTF-8 unescaped, with a final newline, so that exporting what was read from
/// `geodata/` gives the same bytes and a review diff shows only what changed.
pub fn layer_file<I>(features: I) -> String
where
    I: IntoIterator,
    I::Item: std::borrow::Borrow<Feature>,
{
    let mut text = Vec::new();
    // Writing into memory fails only if a feature cannot be serialised, which no parsed feature does.
    let _ = write_layer_file(features, &mut text);
    String::from_utf8(text).unwrap_or_default()
}

/// Writes [`layer_file`]'s bytes to `out` one feature at a time as `features` yields them, holding none of the file
/// (the server streams `/data/` layers with it, reading each feature as it goes).
pub fn write_layer_file<I>(features: I, out: &mut dyn std::io::Write) -> std::io::Result<()>
where
    I: IntoIterator,
    I::Item: std::borrow::Borrow<Feature>,
{
    /// The features, taken once when serialised.
    struct Features<I>(std::cell::RefCell<Option<I>>);
    impl<I> Serialize for Features<I>
    where
        I: Iterator,
        I::Item: std::borrow::Borrow<Feature>,
    {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq as _;
            let mut seq = serializer.serialize_seq(None)?;
            for feature in self.0.borrow_mut().take().into_iter().flatten() {
                seq.serialize_element(&Written(std::borrow::Borrow::borrow(&feature)))?;
            }
            seq.end()
        }
    }
    /// `{"type": "FeatureCollection", "features": […]}`.
    struct LayerFile<I>(Features<I>);
    impl<I> Serialize for LayerFile<I>
    where
        I: Iterator,
        I::Item: std::borrow::Borrow<Feature>,
    {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap as _;
            let mut map = serializer.serialize_map(Some(2))?;
            map.serialize_entry("type", "FeatureCollection")?;
            map.serialize_entry("features", &self.0)?;
            map.end()
        }
    }
    let features = Features(std::cell::RefCell::new(Some(features.into_iter())));
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, &LayerFile(features)).map_err(std::io::Error::other)?;
    std::io::Write::write_all(&mut buffered, b"\n")?;
    std::io::Write::flush(&mut buffered)
}

/// [`feature_schema`] as the committed file holds it: pretty-printed, with a final newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&feature_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of a feature, as published in `geodata/schema/feature.schema.json`: the GeoJSON envelope
/// (`type`, `id`, a Point or null `geometry`, the optional JSON-FG `time`) around the generated schema of
/// [`PropertiesRecord`]. `footprint schema` prints it; a test checks the committed file is exactly this.
pub fn feature_schema() -> serde_json::Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().for_serialize().into_generator();
    let properties = generator.subschema_for::<PropertiesRecord<'_>>();
    let mut definitions = serde_json::Map::new();
    for (name, schema) in generator.take_definitions(true) {
        definitions.insert(name, schema);
    }
    let date = serde_json::to_value(date(&mut generator)).unwrap_or_default();
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "footprint/feature.schema.json",
        "title": "Footprint feature",
        "description": "One sourced, time-bounded feature of a Footprint collection (sites status period, strike, or event). RFC 7946 GeoJSON Feature; time is carried as flat start/end properties with their precision (the API adds the JSON-FG `time` member). Generated from the code (`footprint schema`): do not edit by hand.",
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "additionalProperties": false,
        "properties": {
            "type": {"const": "Feature"},
            "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._~-]+$",
                "minLength": 1,
                "maxLength": 64,
                "description": "Stable id, unique in its collection; at most 64 URL-safe characters (site status periods: <site_id>.<start date>)."
            },
            "geometry": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["type", "coordinates"],
                        "additionalProperties": false,
                        "properties": {
                            "type": {"const": "Point"},
                            "coordinates": {
                                "type": "array",
                                "prefixItems": [
                                    {"type": "number", "minimum": -180, "maximum": 180},
                                    {"type": "number", "minimum": -90, "maximum": 90}
                                ],
                                "minItems": 2,
                                "maxItems": 2
                            }
                        }
                    }
                ]
            },
            "time": {
                "type": "object",
                "description": "JSON-FG time member (added by the API on output; optional in files, and must agree with start/end when present).",
                "properties": {
                    "date": date,
                    "interval": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}}
                },
                "additionalProperties": false
            },
            "properties": properties,
        },
        "$defs": definitions,
    })
}
