//! The data rules of `footprint check`, one broken feature each: a feature that follows every rule loads without a
//! problem, and each mutation of it that breaks one rule is reported as `file: id: field: what is wrong`.

#![expect(clippy::unwrap_used, clippy::panic, reason = "a test fails loudly on unexpected data")]

use footprint::store::{Dataset, Directory, LoadError};
use serde_json::{Value, json};

/// A strike that follows every rule: in Damascus, dated by a source of the next day, on its publisher's host.
fn strike(id: &str) -> Value {
    json!({"type": "Feature", "id": id, "geometry": {"type": "Point", "coordinates": [36.2919, 33.5131]},
      "properties": {"name": {"en": format!("Strike {id}")}, "kind": "airstrike",
        "start": "2025-03-13", "start_precision": "day", "end": "2025-03-13", "end_precision": "day",
        "location_precision": "town", "confidence": "high", "target": "depot", "actor": "Israel",
        "attribution": [{"stance": "claimed", "by": "Israeli military (IDF)", "source": 0}],
        "casualties": {"killed": {"min": 2, "max": 4, "reports": [
          {"count": 2, "by": "SANA", "source": 0}, {"count": 4, "by": "SOHR", "source": 1}]}},
        "sources": [
          {"publisher": "Wire", "url": format!("https://www.wire.example/{id}"), "date": "2025-03-14"},
          {"publisher": "Monitor", "url": format!("https://monitor.example/{id}"), "date": "2025-03"}]}})
}

/// An event in Moscow that follows every rule.
fn event(id: &str) -> Value {
    json!({"type": "Feature", "id": id, "geometry": {"type": "Point", "coordinates": [37.6173, 55.7558]},
      "properties": {"name": {"en": format!("Talks {id}")}, "kind": "diplomatic-meeting",
        "start": "2025-10-15", "start_precision": "day", "end": "2025-10-15", "end_precision": "day",
        "location_precision": "town", "country": "RU", "confidence": "medium",
        "sources": [{"publisher": "Wire", "url": format!("https://wire.example/{id}"), "date": "2025-10-15"}]}})
}

/// Sets `pointer` (a JSON pointer into the feature; its last key is added when missing) to `value`.
fn with(mut feature: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match feature.pointer_mut(parent).unwrap() {
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        object => _ = object.as_object_mut().unwrap().insert(key.to_owned(), value),
    }
    feature
}

const PUBLISHERS: &str = r#"{"publishers": {"Wire": {"hosts": ["wire.example"]}, "Monitor": {"hosts": ["monitor.example"]},
  "Old Press": {"hosts": ["old.example"], "http_only": true}},
  "mirrors": {"mirror.example": "republishes wire copy"}}"#;

/// Loads `strikes` and `events` from a scratch directory and returns every problem line.
fn problems(name: &str, strikes: &[Value], events: &[Value]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("footprint-rules-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("catalog.json"),
        r#"{"title": "t", "description": "d", "collections": [
            {"id": "strikes", "file": "strikes.geojson", "role": "strike", "title": "t", "description": "d",
             "license": "CC-BY-4.0", "attribution": "a"},
            {"id": "events", "file": "events.geojson", "role": "event", "title": "t", "description": "d",
             "license": "CC-BY-4.0", "attribution": "a"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("publishers.json"), PUBLISHERS).unwrap();
    for (file, features) in [("strikes.geojson", strikes), ("events.geojson", events)] {
        let layer = json!({"type": "FeatureCollection", "features": features});
        std::fs::write(dir.join(file), layer.to_string()).unwrap();
    }
    let result = Dataset::load(&Directory(dir.clone()));
    let _ = std::fs::remove_dir_all(dir);
    match result {
        Ok(_) => Vec::new(),
        Err(LoadError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
        Err(err) => panic!("{err}"),
    }
}

/// Asserts that each broken feature is reported with its expected line, and nothing is reported for the others.
fn assert_reported(strikes: &[Value], events: &[Value], expected: &[(&str, &str)]) {
    let lines = problems(expected[0].0, strikes, events);
    for (id, message) in expected {
        assert!(
            lines.iter().any(|l| l.contains(&format!(": {id}: ")) && l.contains(message)),
            "no `{message}` for {id} in {lines:#?}"
        );
    }
    let stray: Vec<&String> = lines
        .iter()
        .filter(|l| !expected.iter().any(|(id, message)| l.contains(&format!(": {id}: ")) && l.contains(message)))
        .collect();
    assert!(stray.is_empty(), "reported besides the one broken rule of each feature: {stray:#?}");
}

#[test]
fn a_feature_that_follows_every_rule_loads_without_a_problem() {
    assert_eq!(problems("valid", &[strike("ok")], &[event("ok")]), Vec::<String>::new());
}

#[test]
fn points_outside_syria_in_the_sea_or_in_the_wrong_country_are_refused() {
    let point = |lon: f64, lat: f64| json!({"type": "Point", "coordinates": [lon, lat]});
    let strikes = [
        // The old Kobani point, ~0.5 km inside Turkey.
        with(strike("kobani-in-turkey"), "/geometry", point(38.355, 36.891)),
        // The old Koya point, inside Jordan.
        with(strike("koya-in-jordan"), "/geometry", point(35.85, 32.72)),
        // Tartus city point, ~210 m offshore: beyond the 150 m coastline tolerance.
        with(strike("tartus-offshore"), "/geometry", point(35.883, 34.883)),
        // The Tartus naval facility on its pier, and a point 107 m off the coast: within the 150 m tolerance.
        with(strike("tartus-facility"), "/geometry", point(35.87408, 34.91385)),
        with(strike("just-offshore"), "/geometry", point(35.884_024, 34.883_462)),
        with(strike("strike-in-russia"), "/properties/country", json!("RU")),
    ];
    let events = [
        with(event("moscow-called-syria"), "/properties/country", json!("SY")),
        with(event("no-country"), "/properties/country", Value::Null),
        with(with(event("unshipped-country"), "/properties/country", json!("US")), "/geometry", point(-77.0, 38.9)),
    ];
    assert_reported(
        &strikes,
        &events,
        &[
            ("kobani-in-turkey", "geometry: [38.355, 36.891] is outside Syria: it lies in Turkey (TR)"),
            ("koya-in-jordan", "is outside Syria: it lies in Jordan (JO)"),
            ("tartus-offshore", "is outside Syria: it lies at sea, 2"),
            ("strike-in-russia", "properties.country: is `RU`, but sites and strikes are in Syria"),
            ("moscow-called-syria", "is outside Syria: it lies in Russia (RU)"),
            ("no-country", "properties.country: is required for a located event"),
            ("unshipped-country", "no outline of `US` is shipped"),
        ],
    );
}

#[test]
fn locations_and_days_claim_no_more_than_the_sources_give() {
    let strikes = [
        with(
            with(
                with(strike("unsourced-facility"), "/properties/location_unsourced", json!(true)),
                "/properties/location_note",
                json!("estimate"),
            ),
            "/properties/location_precision",
            json!("exact-facility"),
        ),
        // Sources dated only to the month cannot back a day.
        with(
            with(strike("day-without-dated-source"), "/properties/sources/0/date", json!("2025-03")),
            "/properties/confidence",
            json!("medium"),
        ),
        // A source published before the strike cannot give its day.
        with(strike("source-before-the-day"), "/properties/sources/0/date", json!("2025-03-12")),
        with(
            with(strike("publication-day-mismatch"), "/properties/date_basis", json!("publication")),
            "/properties/sources/0/date",
            json!("2025-03-15"),
        ),
        with(strike("approximate-day"), "/properties/name/en", json!("Strike on ~13 Mar")),
        with(
            with(strike("end-after-every-source"), "/properties/end", json!("2025-03-16")),
            "/properties/sources/0/date",
            json!("2025-03-14"),
        ),
    ];
    let publication_by_month = with(
        with(
            with(strike("publication-by-month"), "/properties/date_basis", json!("publication")),
            "/properties/start_precision",
            json!("month"),
        ),
        "/properties/start",
        json!("2025-03-01"),
    );
    let valid_publication_day = with(
        with(strike("publication-day-ok"), "/properties/date_basis", json!("publication")),
        "/properties/sources/0/date",
        json!("2025-03-13"),
    );
    assert_reported(
        &[strikes.as_slice(), &[valid_publication_day, publication_by_month]].concat(),
        &[],
        &[
            (
                "unsourced-facility",
                "properties.location_precision: is `exact-facility` but the coordinate is unsourced",
            ),
            (
                "day-without-dated-source",
                "properties.start_precision: is `day`, but no source is dated to a day on or after 2025-03-13",
            ),
            ("source-before-the-day", "no source is dated to a day on or after 2025-03-13"),
            ("publication-day-mismatch", "properties.date_basis: is `publication` but no source is dated 2025-03-13"),
            ("approximate-day", "gives an approximate day"),
            ("publication-by-month", "properties.date_basis: `publication` dates a feature to a day"),
            (
                "end-after-every-source",
                "properties.end_precision: is `day`, but no source is dated to a day on or after the end 2025-03-16",
            ),
        ],
    );
}

/// A strike known to the month whose sources carry no date: only the dated-source rule is broken.
fn undated_by_month() -> Value {
    let mut feature = strike("undated");
    for (pointer, value) in [
        ("/properties/start", json!("2025-03-01")),
        ("/properties/start_precision", json!("month")),
        ("/properties/end", json!("2025-03-31")),
        ("/properties/end_precision", json!("month")),
        ("/properties/sources/0/date", Value::Null),
        ("/properties/sources/1/date", Value::Null),
    ] {
        feature = with(feature, pointer, value);
    }
    feature
}

#[test]
fn sources_are_dated_and_cited_at_the_publishers_own_https_address() {
    let source = |publisher: &str, url: &str| json!({"publisher": publisher, "url": url, "date": "2025-03-14"});
    let strikes = [
        undated_by_month(),
        with(strike("bare-ip"), "/properties/sources/1", source("Monitor", "https://3.127.128.221/story")),
        with(strike("staging"), "/properties/sources/1", source("Monitor", "https://stgmobile.monitor.example/story")),
        with(strike("mirror"), "/properties/sources/1", source("Monitor", "https://www.mirror.example/copy-of-wire")),
        with(strike("not-the-publisher"), "/properties/sources/1", source("Monitor", "https://wire.example/other")),
        with(strike("plain-http"), "/properties/sources/1", source("Monitor", "http://monitor.example/story")),
        with(strike("unregistered"), "/properties/sources/1", source("Nobody", "https://nobody.example/story")),
        with(strike("twice"), "/properties/sources/1", source("Wire", "https://wire.example/twice/#top")),
    ];
    let http_only_publisher =
        with(strike("http-only-ok"), "/properties/sources/1", source("Old Press", "http://old.example/a"));
    assert_reported(
        &[strikes.as_slice(), &[http_only_publisher]].concat(),
        &[],
        &[
            ("undated", "properties.sources: no source has a date"),
            ("bare-ip", "properties.sources[1].url: is a bare IP address"),
            ("staging", "properties.sources[1].url: `stgmobile.monitor.example` is a staging or test host"),
            (
                "mirror",
                "properties.sources[1].url: `www.mirror.example` is a mirror (mirror.example: republishes wire copy)",
            ),
            (
                "not-the-publisher",
                "properties.sources[1].url: `wire.example` is not a host of Monitor (monitor.example)",
            ),
            ("plain-http", "properties.sources[1].url: use https"),
            ("unregistered", "properties.sources[1].publisher: `Nobody` is not in publishers.json"),
            ("twice", "properties.sources[1].url: the same page as sources[0]"),
        ],
    );
}

#[test]
fn denials_cap_confidence_and_casualty_ranges_span_every_sourced_figure() {
    let denied = json!([{"stance": "claimed", "by": "Israeli military (IDF)", "source": 0},
                        {"stance": "denied", "by": "Syrian Interior Ministry", "source": 1}]);
    let strikes = [
        with(strike("denied-but-high"), "/properties/attribution", denied.clone()),
        with(strike("range-too-narrow"), "/properties/casualties/killed/max", json!(3)),
        with(strike("figure-without-source"), "/properties/casualties/killed/reports/1/source", json!(5)),
    ];
    let denied_at_medium = with(
        with(strike("denied-medium-ok"), "/properties/attribution", denied),
        "/properties/confidence",
        json!("medium"),
    );
    assert_reported(
        &[strikes.as_slice(), &[denied_at_medium]].concat(),
        &[],
        &[
            (
                "denied-but-high",
                "properties.confidence: is `high`, but the claim is denied by Syrian Interior Ministry",
            ),
            ("range-too-narrow", "properties.casualties.killed: min/max 2–3 differ from the reports' 2–4"),
            ("figure-without-source", "properties.casualties.killed.reports[1].source: index 5"),
        ],
    );
}

#[test]
fn ids_are_short_and_url_safe() {
    let long = "x".repeat(65);
    assert_reported(
        &[strike(&long), strike("a b/c"), strike(&"y".repeat(64))],
        &[],
        &[
            (long.as_str(), "id: is 65 bytes long: ids are at most 64"),
            ("a b/c", "id: contains ' ': ids use only ASCII letters"),
        ],
    );
}

#[test]
fn text_with_control_characters_is_refused_as_it_would_break_the_atom_feed() {
    let strikes = [
        with(strike("control-in-name"), "/properties/name/en", json!("Strike\u{1} on a depot")),
        with(strike("control-in-note"), "/properties/notes", json!(["fine", "bell\u{7}"])),
        with(strike("line-breaks-are-text"), "/properties/notes", json!(["two\nlines\ttabbed"])),
    ];
    assert_reported(
        &strikes,
        &[],
        &[
            ("control-in-name", "properties.name.en: contains the control character U+0001"),
            ("control-in-note", "properties.notes[1]: contains the control character U+0007"),
        ],
    );
}
