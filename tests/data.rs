//! Data tests: the curated layers pass every check, match the fact sheets where it matters, and bad data is
//! reported as `file: feature id: field: what is wrong` by the library, `footprint check` and `footprint serve`.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected data")]

mod common;

use footprint::store::{FeatureProvider as _, FeatureStore as _};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use footprint::domain::{LocationPrecision, Status};
use footprint::store::{Dataset, Directory, Embedded, LoadError};

#[test]
fn the_curated_geodata_loads_without_problems() {
    let dataset = common::dataset();
    let counts: Vec<(String, usize)> =
        dataset.collections.iter().map(|c| (c.meta.id.clone(), c.read_all().len())).collect();
    assert_eq!(counts.len(), 3);
    assert!(dataset.collection("strikes").unwrap().read_all().len() >= 45, "{counts:?}");
    assert!(dataset.collection("events").unwrap().read_all().len() >= 20, "{counts:?}");
}

#[test]
fn the_embedded_copy_is_the_same_data_as_geodata() {
    let embedded = Dataset::load(&Embedded).unwrap();
    assert_eq!(embedded.content_hash, common::dataset().content_hash, "rebuild after editing geodata/");
}

#[test]
fn every_feature_cites_a_source_with_publisher_and_url() {
    for collection in common::dataset().collections {
        for f in collection.read_all() {
            assert!(!f.properties.sources.is_empty(), "{}", f.id);
            for s in &f.properties.sources {
                assert!(!s.publisher.is_empty() && s.url.starts_with("http"), "{}", f.id);
            }
        }
    }
}

#[test]
fn ids_are_unique_within_each_collection() {
    for collection in common::dataset().collections {
        let features = collection.read_all();
        let ids: BTreeSet<&str> = features.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), collection.len(), "{}", collection.meta.id);
    }
}

#[test]
fn khmeimim_and_tartus_sit_at_the_fact_sheet_coordinates() {
    let dataset = common::dataset();
    let sites = dataset.collection("sites").unwrap();
    let at = |site: &str| {
        let periods: Vec<_> =
            sites.read_all().into_iter().filter(|f| f.properties.details().site_id.as_deref() == Some(site)).collect();
        assert!(!periods.is_empty(), "{site} present");
        periods.iter().map(|f| f.geometry.expect("located")).collect::<Vec<_>>()
    };
    // sites.csv S01: 35.41167, 35.94500 (lat, lon); S02: 34.913850, 35.874080 — the facility, not Tartus city.
    for p in at("khmeimim") {
        assert!((p.lat - 35.41167).abs() < 1e-9 && (p.lon - 35.945).abs() < 1e-9, "{p:?}");
    }
    for p in at("tartus") {
        assert!((p.lat - 34.91385).abs() < 1e-9 && (p.lon - 35.87408).abs() < 1e-9, "{p:?}");
    }
}

#[test]
fn qamishli_has_the_status_history_of_the_fact_sheet() {
    let dataset = common::dataset();
    let statuses: Vec<(String, Status)> = dataset
        .collection("sites")
        .unwrap()
        .read_all()
        .into_iter()
        .filter(|f| f.properties.details().site_id.as_deref() == Some("qamishli"))
        .map(|f| (f.properties.start.to_string(), f.properties.status.unwrap()))
        .collect();
    assert_eq!(statuses.first().map(|s| s.1), Some(Status::RussianOperated));
    assert_eq!(statuses.first().map(|s| s.0.as_str()), Some("2019-11-01"));
    assert_eq!(statuses.last().map(|s| s.1), Some(Status::Withdrawn));
}

#[test]
fn unlocated_features_have_null_geometry_and_unknown_precision() {
    let dataset = common::dataset();
    let mut unlocated = 0;
    for c in &dataset.collections {
        for f in c.read_all() {
            assert_eq!(f.geometry.is_none(), f.properties.location_precision == LocationPrecision::Unknown, "{}", f.id);
            unlocated += usize::from(f.geometry.is_none());
        }
    }
    assert!(unlocated > 0, "Sarrin and the phone calls stay unlocated");
}

fn write_bad_data(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("catalog.json"),
        r#"{"title": "t", "description": "d", "collections": [
            {"id": "strikes", "file": "strikes.geojson", "role": "strike", "title": "t", "description": "d",
             "license": "CC-BY-4.0", "attribution": "a"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("publishers.json"), r#"{"publishers": {"P": {"hosts": ["example.org"]}}, "mirrors": {}}"#)
        .unwrap();
    let feature = |id: &str, extra: &str, start: &str, precision: &str, geometry: &str, location: &str| {
        format!(
            r#"{{"type": "Feature", "id": "{id}", "geometry": {geometry}, "properties": {{
                "name": {{"en": "Strike {id}"}}, "kind": "airstrike", "start": "{start}", "start_precision": "{precision}",
                "end": "{start}", "end_precision": "day", "location_precision": "{location}", "confidence": "low",
                "target": "depot", "actor": "Israel", "attribution": [{{"stance": "attributed", "by": "SOHR", "source": 0}}],
                "sources": [{{"publisher": "P", "url": "https://example.org/{id}", "date": null}}]{extra}}}}}"#
        )
    };
    let point = r#"{"type": "Point", "coordinates": [36.2, 33.5]}"#;
    let features = [
        feature("ok", "", "2024-12-08", "day", point, "town"),
        feature("month-not-first", "", "2025-03-15", "month", point, "town"),
        feature("placed-but-unknown", "", "2024-12-08", "day", point, "unknown"),
        feature("null-but-town", "", "2024-12-08", "day", "null", "town"),
        feature(
            "bad-range",
            r#", "casualties": {"killed": {"min": 1, "max": 9, "reports": [{"count": 4, "by": "SANA", "source": 3}]}}"#,
            "2024-12-08",
            "day",
            point,
            "town",
        ),
        feature("ok", "", "2024-12-09", "day", point, "town"),
        feature("swapped", "", "2024-12-08", "day", r#"{"type": "Point", "coordinates": [35.4, 135.9]}"#, "town"),
        feature(
            "in-moscow",
            "",
            "2024-12-08",
            "day",
            r#"{"type": "Point", "coordinates": [37.6173, 55.7558]}"#,
            "town",
        ),
        r#"{"type": "Feature", "id": "no-kind", "geometry": null, "properties": {"name": {"en": "x"}}}"#.to_owned(),
    ];
    std::fs::write(
        dir.join("strikes.geojson"),
        format!(r#"{{"type": "FeatureCollection", "features": [{}]}}"#, features.join(",")),
    )
    .unwrap();
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("footprint-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

const EXPECTED_PROBLEMS: [&str; 8] = [
    "strikes.geojson: in-moscow: geometry: [37.6173, 55.7558] is outside Syria",
    "strikes.geojson: month-not-first: properties.start: 2025-03-15 is not the first day of its month",
    "strikes.geojson: placed-but-unknown: geometry:",
    "strikes.geojson: null-but-town: properties.location_precision:",
    "strikes.geojson: bad-range: properties.casualties.killed: min/max 1–9 differ from the reports' 4–4",
    "strikes.geojson: bad-range: properties.casualties.killed.reports[0].source: index 3",
    "strikes.geojson: ok: id: duplicate id",
    "strikes.geojson: no-kind: properties:",
];

#[test]
fn bad_data_lists_every_problem_by_file_feature_and_field() {
    let dir = scratch("lib");
    write_bad_data(&dir);
    let Err(LoadError::Invalid(problems)) = Dataset::load(&Directory(dir.clone())) else {
        panic!("bad data must not load");
    };
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for expected in EXPECTED_PROBLEMS {
        assert!(lines.iter().any(|l| l.starts_with(expected)), "missing `{expected}` in {lines:#?}");
    }
    assert!(lines.iter().any(|l| l.starts_with("strikes.geojson: swapped: geometry:")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("no-kind") && l.contains("kind")), "{lines:#?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn footprint_check_passes_on_geodata_and_fails_listing_problems_on_bad_data() {
    let ok = Command::new(env!("CARGO_BIN_EXE_footprint")).args(["check"]).arg(common::geodata()).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("strikes.geojson:"));

    let dir = scratch("cli");
    write_bad_data(&dir);
    let bad = Command::new(env!("CARGO_BIN_EXE_footprint")).arg("check").arg(&dir).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    for expected in EXPECTED_PROBLEMS {
        assert!(stderr.lines().any(|l| l.starts_with(expected)), "missing `{expected}` in\n{stderr}");
    }

    let serve = Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args(["serve", "--port", "0", "--data"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(serve.status.code(), Some(1), "serve refuses bad data at start-up");
    assert!(String::from_utf8_lossy(&serve.stderr).contains("month-not-first"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serialising_a_feature_gives_back_the_curated_json_plus_its_time_member() {
    let dataset = common::dataset();
    for meta in &dataset.catalog.collections {
        let raw: serde_json::Value =
            serde_json::from_slice(&std::fs::read(common::geodata().join(&meta.file)).unwrap()).unwrap();
        let collection = dataset.collection(&meta.id).unwrap();
        for original in raw["features"].as_array().unwrap() {
            let id = original["id"].as_str().unwrap();
            let feature = footprint::store::FeatureProvider::feature(collection, id).unwrap();
            let mut served = serde_json::to_value(feature).unwrap();
            assert!(served["time"].is_object(), "{id}: JSON-FG time member");
            served.as_object_mut().unwrap().remove("time");
            assert_eq!(&served, original, "{id}: nothing lost or invented on the way through the domain types");
        }
    }
}

#[test]
fn footprint_export_writes_the_curated_layers_back_byte_for_byte_and_refuses_bad_data() {
    let out = scratch("export");
    let ok = Command::new(env!("CARGO_BIN_EXE_footprint"))
        .arg("export")
        .arg(&out)
        .arg("--data")
        .arg(common::geodata())
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    for layer in ["sites.geojson", "strikes.geojson", "events.geojson"] {
        let exported = std::fs::read(out.join(layer)).unwrap();
        assert!(exported == std::fs::read(common::geodata().join(layer)).unwrap(), "{layer} differs");
    }
    // The embedded copy exports the same files.
    let embedded = scratch("export-embedded");
    let ok = Command::new(env!("CARGO_BIN_EXE_footprint")).arg("export").arg(&embedded).output().unwrap();
    assert!(ok.status.success());
    assert_eq!(
        std::fs::read(embedded.join("strikes.geojson")).unwrap(),
        std::fs::read(out.join("strikes.geojson")).unwrap()
    );
    let bad = scratch("export-bad");
    write_bad_data(&bad);
    let refused =
        Command::new(env!("CARGO_BIN_EXE_footprint")).arg("export").arg(&out).arg("--data").arg(&bad).output().unwrap();
    assert_eq!(refused.status.code(), Some(1), "bad data is not exported");
    for dir in [out, embedded, bad] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
