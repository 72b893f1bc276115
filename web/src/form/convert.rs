//! A feature's JSON as the text of the form's fields ([`Form::from_feature`]) and back ([`Form::to_feature`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::Field;
use super::{CLAIM_COLUMNS, FIELDS, Form, Invalid, REPORT_COLUMNS, Row, SOURCE_COLUMNS, element_id};

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => {
            if *b {
                "true".into()
            } else {
                String::new()
            }
        }
        other => other.to_string(),
    }
}

impl Form {
    /// The fields of a feature as the API serves it (server-written members are left out).
    pub fn from_feature(feature: &Value) -> Form {
        let p = &feature["properties"];
        let mut values = BTreeMap::new();
        let mut put = |key: &str, value: &Value| {
            values.insert(key.to_owned(), text(value));
        };
        for lang in ["en", "ar", "ru"] {
            put(&format!("name.{lang}"), &p["name"][lang]);
            put(&format!("description.{lang}"), &p["description"][lang]);
        }
        for key in [
            "kind",
            "status",
            "site_id",
            "operator",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "location_precision",
            "location_unsourced",
            "location_note",
            "country",
            "target",
            "actor",
            "confidence",
        ] {
            put(key, &p[key]);
        }
        let event = json!("event");
        put("date_basis", if p["date_basis"].is_null() { &event } else { &p["date_basis"] });
        put("lon", &feature["geometry"]["coordinates"][0]);
        put("lat", &feature["geometry"]["coordinates"][1]);
        for side in ["killed", "injured"] {
            put(&format!("{side}.min"), &p["casualties"][side]["min"]);
            put(&format!("{side}.max"), &p["casualties"][side]["max"]);
        }
        let lines = |v: &Value| v.as_array().map(|a| a.iter().map(text).collect::<Vec<_>>()).unwrap_or_default();
        values.insert("notes".into(), lines(&p["notes"]).join("\n"));
        values.insert("fact_ids".into(), lines(&p["fact_ids"]).join(", "));
        let rows = |v: &Value, columns: &[Field], one_based: &[&str]| -> Vec<Row> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .map(|item| {
                            columns
                                .iter()
                                .map(|c| {
                                    let value = &item[c.key];
                                    let shown = match value.as_u64() {
                                        Some(n) if one_based.contains(&c.key) => (n + 1).to_string(),
                                        _ => text(value),
                                    };
                                    (c.key.to_owned(), shown)
                                })
                                .collect()
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut lists = BTreeMap::new();
        lists.insert("sources".into(), rows(&p["sources"], &SOURCE_COLUMNS, &[]));
        lists.insert("attribution".into(), rows(&p["attribution"], &CLAIM_COLUMNS, &["source"]));
        for side in ["killed", "injured"] {
            lists.insert(
                format!("{side}.reports"),
                rows(&p["casualties"][side]["reports"], &REPORT_COLUMNS, &["source"]),
            );
        }
        Form { id: feature["id"].as_str().unwrap_or_default().to_owned(), values, lists }
    }

    fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", |v| v.trim())
    }

    /// The feature these fields describe, as a write sends it; or every value that is not what its field takes
    /// (numbers that are not numbers). The rules of the data are the server's: see `POST …/check`.
    pub fn to_feature(&self, collection: &str) -> Result<Value, Vec<Invalid>> {
        let mut numbers = Numbers::default();
        let mut p = Map::new();
        let translated = |prefix: &str| {
            let mut text = Map::new();
            for lang in ["en", "ar", "ru"] {
                let v = self.value(&format!("{prefix}.{lang}"));
                if !v.is_empty() {
                    text.insert(lang.into(), json!(v));
                }
            }
            text
        };
        p.insert("name".into(), Value::Object(translated("name")));
        let description = translated("description");
        if !description.is_empty() {
            p.insert("description".into(), Value::Object(description));
        }
        for key in [
            "kind",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "location_precision",
            "location_note",
            "confidence",
        ] {
            if !self.value(key).is_empty() {
                p.insert(key.into(), json!(self.value(key)));
            }
        }
        if self.value("date_basis") == "publication" {
            p.insert("date_basis".into(), json!("publication"));
        }
        if self.value("location_unsourced") == "true" {
            p.insert("location_unsourced".into(), json!(true));
        }
        for f in
            FIELDS.iter().filter(|f| ["status", "site_id", "operator", "country", "target", "actor"].contains(&f.key))
        {
            if f.applies_to(collection) && !self.value(f.key).is_empty() {
                p.insert(f.key.into(), json!(self.value(f.key)));
            }
        }
        let list = |key: &str| self.lists.get(key).map_or(&[][..], Vec::as_slice);
        let cell = |row: &Row, key: &str| row.get(key).map_or(String::new(), |v| v.trim().to_owned());
        let claims: Vec<Value> = list("attribution")
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut claim = Map::new();
                let stance = cell(row, "stance");
                if stance.is_empty() {
                    numbers.invalid.push(Invalid {
                        field: element_id(Some(("attribution", i)), "stance"),
                        message: "edit.invalid.choose",
                    });
                }
                claim.insert("stance".into(), json!(stance));
                claim.insert("by".into(), json!(cell(row, "by")));
                if let Some(n) = numbers.source(element_id(Some(("attribution", i)), "source"), &cell(row, "source")) {
                    claim.insert("source".into(), n);
                }
                Value::Object(claim)
            })
            .collect();
        if !claims.is_empty() {
            p.insert("attribution".into(), Value::Array(claims));
        }
        let mut casualties = Map::new();
        for side in ["killed", "injured"] {
            let key = format!("{side}.reports");
            let reports: Vec<Value> = list(&key)
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let mut report = Map::new();
                    if let Some(n) = numbers.number(element_id(Some((&key, i)), "count"), &cell(row, "count"), true) {
                        report.insert("count".into(), n);
                    }
                    report.insert("by".into(), json!(cell(row, "by")));
                    if let Some(n) = numbers.source(element_id(Some((&key, i)), "source"), &cell(row, "source")) {
                        report.insert("source".into(), n);
                    }
                    Value::Object(report)
                })
                .collect();
            let min =
                numbers.number(element_id(None, &format!("{side}.min")), self.value(&format!("{side}.min")), true);
            let max =
                numbers.number(element_id(None, &format!("{side}.max")), self.value(&format!("{side}.max")), true);
            if min.is_some() || max.is_some() || !reports.is_empty() {
                let mut range = Map::new();
                range.insert("min".into(), min.unwrap_or(Value::Null));
                range.insert("max".into(), max.unwrap_or(Value::Null));
                range.insert("reports".into(), Value::Array(reports));
                casualties.insert(side.into(), Value::Object(range));
            }
        }
        if !casualties.is_empty() {
            p.insert("casualties".into(), Value::Object(casualties));
        }
        let notes: Vec<&str> = self.value("notes").lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        if !notes.is_empty() {
            p.insert("notes".into(), json!(notes));
        }
        let facts: Vec<&str> = self.value("fact_ids").split(',').map(str::trim).filter(|l| !l.is_empty()).collect();
        if !facts.is_empty() {
            p.insert("fact_ids".into(), json!(facts));
        }
        let sources: Vec<Value> = list("sources")
            .iter()
            .map(|row| {
                let mut source = Map::new();
                for column in ["publisher", "via", "url", "date", "quote"] {
                    let v = cell(row, column);
                    if !v.is_empty() || column == "publisher" || column == "url" {
                        source.insert(column.into(), json!(v));
                    }
                }
                Value::Object(source)
            })
            .collect();
        p.insert("sources".into(), Value::Array(sources));
        let lon = numbers.number(element_id(None, "lon"), self.value("lon"), false);
        let lat = numbers.number(element_id(None, "lat"), self.value("lat"), false);
        let geometry = if let (Some(lon), Some(lat)) = (lon, lat) {
            json!({"type": "Point", "coordinates": [lon, lat]})
        } else {
            // One coordinate without the other (a value that is not a number is already noted).
            let missing = match (self.value("lon").is_empty(), self.value("lat").is_empty()) {
                (true, false) => Some("lon"),
                (false, true) => Some("lat"),
                _ => None,
            };
            if let Some(missing) = missing {
                let field = element_id(None, missing);
                numbers.invalid.push(Invalid { field, message: "edit.invalid.both_coordinates" });
            }
            Value::Null
        };
        if !numbers.invalid.is_empty() {
            return Err(numbers.invalid);
        }
        let mut feature = Map::new();
        feature.insert("type".into(), json!("Feature"));
        if !self.id.is_empty() {
            feature.insert("id".into(), json!(self.id));
        }
        feature.insert("geometry".into(), geometry);
        feature.insert("properties".into(), Value::Object(p));
        Ok(Value::Object(feature))
    }
}

/// Numbers read from the form, and those that are not numbers.
#[derive(Default)]
struct Numbers {
    invalid: Vec<Invalid>,
}

impl Numbers {
    /// A number (`integer`: a count), `None` when empty or not a number (then noted against field `id`).
    fn number(&mut self, id: String, raw: &str, integer: bool) -> Option<Value> {
        if raw.is_empty() {
            return None;
        }
        let parsed = if integer {
            raw.parse::<u64>().ok().map(Value::from)
        } else {
            raw.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite()).map(Value::from)
        };
        if parsed.is_none() {
            let message = if integer { "edit.invalid.count" } else { "edit.invalid.number" };
            self.invalid.push(Invalid { field: id, message });
        }
        parsed
    }

    /// A source's number in the list (1, 2, …) as the data counts it (from 0).
    fn source(&mut self, id: String, raw: &str) -> Option<Value> {
        let n = self.number(id, raw, true)?;
        Some(json!(n.as_u64().unwrap_or(1).saturating_sub(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use footprint::domain::Feature;

    fn curated(file: &str) -> Vec<Value> {
        let path = format!("{}/../geodata/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let collection: Value = serde_json::from_str(&text).unwrap();
        collection["features"].as_array().unwrap().clone()
    }

    fn parsed(mut value: Value) -> Feature {
        value.as_object_mut().unwrap().remove("time");
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn every_curated_feature_survives_the_round_trip_through_the_form() {
        for (file, collection) in
            [("sites.geojson", "sites"), ("strikes.geojson", "strikes"), ("events.geojson", "events")]
        {
            for feature in curated(file) {
                let form = Form::from_feature(&feature);
                let back = form.to_feature(collection).unwrap();
                assert_eq!(parsed(back), parsed(feature.clone()), "{collection}/{}", feature["id"]);
            }
        }
    }

    #[test]
    fn numbers_that_are_not_numbers_are_named_by_their_field() {
        let located = curated("strikes.geojson").into_iter().find(|f| !f["geometry"].is_null()).unwrap();
        let mut form = Form::from_feature(&located);
        form.values.insert("lon".into(), "east".into());
        form.lists.insert(
            "attribution".into(),
            vec![Row::from([("stance".into(), "reported".into()), ("source".into(), "first".into())])],
        );
        let invalid = form.to_feature("strikes").unwrap_err();
        let fields: Vec<&str> = invalid.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["fld-attribution-0-source", "fld-lon"]);
        form.values.insert("lon".into(), String::new());
        form.lists.insert("attribution".into(), Vec::new());
        assert_eq!(form.to_feature("strikes").unwrap_err()[0].message, "edit.invalid.both_coordinates");
    }
}
