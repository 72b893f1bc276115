//! One definition of a feature's properties: the published JSON Schema is generated from it, the CSV columns
//! cover it, and the files are read through it.

use footprint::domain::Feature;
use footprint::domain::record::{feature_schema, schema_text};
use footprint::http::csv::{NOT_IN_CSV, header};

#[test]
fn the_committed_json_schema_is_the_one_generated_from_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/schema/feature.schema.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == schema_text(),
        "geodata/schema/feature.schema.json is stale: run `cargo run -- schema > geodata/schema/feature.schema.json`"
    );
}

#[test]
fn every_property_has_csv_columns_or_a_stated_reason_and_every_column_a_property() {
    let schema = feature_schema();
    let properties: Vec<String> = schema["$defs"]["PropertiesRecord"]["properties"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    assert!(properties.len() > 20 && properties.iter().any(|p| p == "sources"), "{properties:?}");
    let columns = header();
    let covers = |property: &str, column: &str| {
        column == property
            || column.strip_prefix(property).is_some_and(|rest| rest.starts_with('_'))
            || (property == "casualties" && (column.starts_with("killed_") || column.starts_with("injured_")))
            || (property == "sources" && column == "source_count")
    };
    for property in &properties {
        let exported = columns.iter().any(|c| covers(property, c));
        let excused = NOT_IN_CSV.iter().any(|(name, _)| name == property);
        assert!(exported != excused, "`{property}`: exported {exported}, listed as not in the CSV {excused}");
    }
    for column in columns {
        let from_feature = ["id", "lon", "lat"].contains(&column);
        assert!(from_feature || properties.iter().any(|p| covers(p, column)), "column `{column}` is no property");
    }
}

#[test]
fn a_file_with_fields_only_the_api_writes_is_refused_and_unknown_fields_too() {
    let feature = |extra: &str| {
        format!(
            r#"{{"type": "Feature", "id": "x", "geometry": null, "properties": {{{extra}"name": {{"en": "X"}},
            "kind": "airstrike", "start": "2025-01-01", "start_precision": "day", "end": "2025-01-01",
            "end_precision": "day", "location_precision": "unknown", "confidence": "low",
            "sources": [{{"publisher": "P", "url": "https://example.org/a", "date": "2025-01-01"}}]}}}}"#
        )
    };
    assert!(serde_json::from_str::<Feature>(&feature("")).is_ok());
    for extra in [r#""title": "X", "#, r#""title_lang": "en", "#, r#""colour": "red", "#] {
        let err = serde_json::from_str::<Feature>(&feature(extra)).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("unknown field"), "{extra}: {err}");
    }
}

#[test]
fn every_curated_layer_written_back_is_byte_for_byte_its_file() {
    use footprint::store::{Dataset, Directory, FeatureProvider as _};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let dataset = Dataset::load(&Directory(dir.clone())).unwrap_or_else(|e| panic!("{e}"));
    for collection in &dataset.collections {
        let on_disk = std::fs::read_to_string(dir.join(&collection.meta.file)).unwrap_or_default();
        let written = footprint::domain::record::layer_file(collection.read_all());
        assert!(written == on_disk, "{} differs when written back", collection.meta.file);
    }
}
