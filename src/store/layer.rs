//! Reading a layer file: a GeoJSON `FeatureCollection` parsed one feature at a time, each checked as it is read.
//!
//! The file is never turned into one JSON tree (at a million features that tree alone would be several times the
//! file's size): the `features` array is walked element by element, and only the element being read is held as a
//! JSON value (the JSON-FG `time` member is taken out of it and checked against `start`/`end`).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::domain::Feature;

use super::check::{self, Findings, Rules};

/// Parses a GeoJSON `FeatureCollection`, checking each feature; bad features are reported and left out.
#[cfg(test)]
pub(crate) fn parse_layer(bytes: &[u8], rules: Rules<'_>, out: &mut Findings<'_>) -> Vec<Feature> {
    let mut features = Vec::new();
    read_layer(bytes, rules, out, &mut |feature| features.push(feature));
    features
}

/// Reads a layer file, handing each feature that parses to `each` as it is read (checked: its problems are in
/// `out`), so a layer of a million features is never held whole.
pub(crate) fn read_layer(bytes: &[u8], rules: Rules<'_>, out: &mut Findings<'_>, each: &mut dyn FnMut(Feature)) {
    let mut reader = LayerReader { rules, out, each, kind: None, has_features: false };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = de::Deserializer::deserialize_map(&mut deserializer, &mut reader).and_then(|()| deserializer.end());
    if let Err(err) = parsed {
        reader.out.add(None, "-", format!("not valid JSON: {err}"));
        return;
    }
    if reader.kind.as_deref() != Some("FeatureCollection") {
        reader.out.add(None, "type", "the file must be a GeoJSON FeatureCollection");
    }
    if !reader.has_features {
        reader.out.add(None, "features", "missing or not an array");
    }
}

struct LayerReader<'r, 'f> {
    rules: Rules<'r>,
    out: &'r mut Findings<'f>,
    each: &'r mut dyn FnMut(Feature),
    kind: Option<String>,
    has_features: bool,
}

impl LayerReader<'_, '_> {
    /// Checks one element of `features` (the `i`th) and keeps it if it is a feature.
    fn read(&mut self, i: usize, mut item: serde_json::Value) {
        let label = item.get("id").and_then(|id| id.as_str()).map_or_else(|| format!("#{i}"), str::to_owned);
        // The JSON-FG `time` member is derived on output; in a file it is optional and checked against start/end.
        let time = item.as_object_mut().and_then(|o| o.remove("time"));
        match serde_path_to_error::deserialize::<_, Feature>(&item) {
            Ok(feature) => {
                check::check_feature(&feature, time.as_ref(), self.rules, self.out);
                (self.each)(feature);
            }
            Err(err) => {
                let path = err.path().to_string();
                let field = if path == "." { "-".to_owned() } else { path };
                self.out.add(Some(&label), &field, err.into_inner().to_string());
            }
        }
    }
}

impl<'de> Visitor<'de> for &mut LayerReader<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => self.kind = map.next_value::<serde_json::Value>()?.as_str().map(str::to_owned),
                "features" => self.has_features = map.next_value_seed(Features(&mut *self))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The `features` member: read element by element when it is an array (`true`), skipped otherwise (`false`).
struct Features<'a, 'r, 'f>(&'a mut LayerReader<'r, 'f>);

impl<'de> DeserializeSeed<'de> for Features<'_, '_, '_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Features<'_, '_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut i = 0;
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            self.0.read(i, item);
            i += 1;
        }
        Ok(true)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Problem, Publishers, Role};

    fn problems_of(text: &str) -> (usize, Vec<Problem>) {
        let publishers: Publishers =
            serde_json::from_str("{\"publishers\": {}, \"mirrors\": {}}").unwrap_or_else(|e| panic!("{e}"));
        let mut problems = Vec::new();
        let mut findings = Findings::new("x.geojson", &mut problems);
        let rules = Rules { role: Role::Strike, publishers: &publishers };
        let features = parse_layer(text.as_bytes(), rules, &mut findings);
        (features.len(), problems)
    }

    #[test]
    fn a_file_that_is_not_a_feature_collection_is_reported_once_for_each_thing_wrong() {
        let (n, problems) = problems_of("{\"type\": \"Feature\", \"features\": 3}");
        assert_eq!(n, 0);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["type", "features"]);
        let (_, problems) = problems_of("{\"type\": \"FeatureCollection\", \"features\": [");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.starts_with("not valid JSON"), "{}", problems[0].message);
        let (_, problems) = problems_of("[]");
        assert!(problems[0].message.starts_with("not valid JSON"), "{}", problems[0].message);
    }

    #[test]
    fn a_feature_that_does_not_parse_is_named_by_its_id_and_the_field_at_fault() {
        let text = "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"id\": \"x1\", \
                    \"geometry\": null, \"properties\": {\"kind\": 5}}, {\"no\": \"id\"}]}";
        let (n, problems) = problems_of(text);
        assert_eq!(n, 0);
        assert_eq!(problems[0].feature.as_deref(), Some("x1"));
        assert_eq!(problems[1].feature.as_deref(), Some("#1"));
    }
}
