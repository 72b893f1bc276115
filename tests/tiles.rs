//! Vector tiles against the items API, through the production route table, on a layer of real-shaped strikes
//! (`footprint generate`'s): a tile holds exactly what the items API returns for its bounds and window, the tiles
//! of a zoom level together hold every located feature of the window, and bad addresses get a `400` naming the part.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected responses")]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use actix_web::test::TestRequest;
use common::{geodata, get, get_json, get_with, ids, service_over, with_generated_strikes};
use footprint::domain::tile::Tile;
use footprint::store::{Collection, PUBLISHERS_FILE};

/// The features of a tile's one layer, by id: their properties as text.
fn decode(layer: &str, bytes: Vec<u8>) -> BTreeMap<String, BTreeMap<String, String>> {
    let reader = mvt_reader::Reader::new(bytes).unwrap();
    let names = reader.get_layer_names().unwrap();
    assert_eq!(names, [layer], "one layer, named after the collection");
    reader
        .get_features(0)
        .unwrap()
        .into_iter()
        .map(|f| {
            let properties: BTreeMap<String, String> = f
                .properties
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        mvt_reader::feature::Value::String(s) => s,
                        mvt_reader::feature::Value::SInt(i) | mvt_reader::feature::Value::Int(i) => i.to_string(),
                        other => format!("{other:?}"),
                    };
                    (k, text)
                })
                .collect();
            (properties["id"].clone(), properties)
        })
        .collect()
}

fn bbox_of(tile: Tile) -> String {
    let b = tile.bbox();
    format!("{},{},{},{}", b.min_lon, b.min_lat, b.max_lon, b.max_lat)
}

#[actix_web::test]
async fn a_tile_holds_exactly_the_features_the_items_api_returns_for_its_bounds_and_window() {
    let app = service_over(with_generated_strikes(3_000)).await;
    let mut seen = 0;
    for (z, x, y) in [(5, 19, 12), (6, 38, 25), (6, 39, 25), (7, 77, 51), (8, 155, 101)] {
        let tile = Tile::new(z, x, y).unwrap();
        for window in ["2025-03-01/2025-03-31", "2025-06-01/2025-09-30", "2026-01-01/.."] {
            let uri = format!("/api/collections/strikes/tiles/{z}/{x}/{y}.mvt?datetime={window}");
            let (status, headers, body) = get(&app, &uri).await;
            assert_eq!(status, 200, "{uri}");
            assert_eq!(headers.get("content-type").unwrap(), "application/vnd.mapbox-vector-tile");
            let in_tile = decode("strikes", body);
            let items_uri =
                format!("/api/collections/strikes/items?bbox={}&datetime={window}&limit=10000", bbox_of(tile));
            let (_, items) = get_json(&app, &items_uri).await;
            let from_items: BTreeSet<String> = ids(&items).into_iter().collect();
            let from_tile: BTreeSet<String> = in_tile.keys().cloned().collect();
            assert_eq!(from_tile, from_items, "{uri}");
            seen += from_tile.len();
            // Each carries its days and the collection's queryables, as the items API gives them.
            for feature in items["features"].as_array().unwrap() {
                let p = &in_tile[feature["id"].as_str().unwrap()];
                assert_eq!(p["confidence"], feature["properties"]["confidence"].as_str().unwrap());
                assert_eq!(p["kind"], feature["properties"]["kind"].as_str().unwrap());
                let unsourced = feature["properties"]["location_unsourced"].as_bool().unwrap_or(false);
                assert_eq!(p.get("location_unsourced").map(String::as_str), unsourced.then_some("Bool(true)"));
                let start = feature["properties"]["start"].as_str().unwrap();
                let day = chrono::NaiveDate::parse_from_str(&start[..10.min(start.len())], "%Y-%m-%d")
                    .map(|d| (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days().to_string());
                if let Ok(day) = day {
                    assert_eq!(p["start_day"], day, "{}", feature["id"]);
                }
            }
        }
    }
    assert!(seen > 100, "the tiles held features to compare: {seen}");
}

#[actix_web::test]
async fn the_tiles_of_a_zoom_level_together_hold_every_located_feature_of_the_window() {
    let app = service_over(with_generated_strikes(1_500)).await;
    let window = "2025-01-01/2025-12-31";
    let mut union = BTreeSet::new();
    for x in 0..8 {
        for y in 0..8 {
            let (status, _, body) =
                get(&app, &format!("/api/collections/strikes/tiles/3/{x}/{y}.mvt?datetime={window}")).await;
            assert_eq!(status, 200);
            union.extend(decode("strikes", body).into_keys());
        }
    }
    let (_, items) = get_json(&app, &format!("/api/collections/strikes/items?datetime={window}&limit=10000")).await;
    let located: BTreeSet<String> = items["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["geometry"].is_null())
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(located.len() > 500);
    assert!(items["features"].as_array().unwrap().iter().any(|f| f["geometry"].is_null()), "unlocated ones exist");
    assert_eq!(union, located, "no unlocated feature is drawn, no located one is missing");
}

#[actix_web::test]
async fn tiles_filter_by_queryables_revalidate_and_name_the_part_of_a_bad_address() {
    let app = service_over(common::dataset()).await;
    let uri = "/api/collections/strikes/tiles/4/9/6.mvt?datetime=2024-12-01/2026-12-31&confidence=high";
    let (status, headers, body) = get(&app, uri).await;
    assert_eq!(status, 200);
    let tiled: BTreeSet<String> = decode("strikes", body).into_keys().collect();
    let bbox = bbox_of(Tile::new(4, 9, 6).unwrap());
    let (_, items) = get_json(
        &app,
        &format!(
            "/api/collections/strikes/items?bbox={bbox}&datetime=2024-12-01/2026-12-31&confidence=high&limit=1000"
        ),
    )
    .await;
    assert!(!tiled.is_empty());
    assert_eq!(tiled, ids(&items).into_iter().collect());
    let etag = headers.get("etag").unwrap().clone();
    let (status, _, _) = get_with(&app, TestRequest::get().uri(uri).insert_header(("If-None-Match", etag))).await;
    assert_eq!(status, 304, "an unchanged tile revalidates");
    for (uri, part) in [
        ("/api/collections/strikes/tiles/23/0/0.mvt", "z"),
        ("/api/collections/strikes/tiles/3/8/0.mvt", "x"),
        ("/api/collections/strikes/tiles/3/0/-1.mvt", "y"),
        ("/api/collections/strikes/tiles/3/0/0.mvt?bbox=1,2,3,4", "bbox"),
        ("/api/collections/strikes/tiles/3/0/0.mvt?confidence=certain", "confidence"),
        ("/api/collections/strikes/tiles/3/0/0.mvt?properties=start_day,name", "properties"),
    ] {
        let (status, body) = get_json(&app, uri).await;
        assert_eq!(status, 400, "{uri}");
        assert!(body["description"].as_str().unwrap().contains(&format!("`{part}`")), "{uri}: {body}");
    }
}

#[actix_web::test]
async fn a_tile_that_would_hold_too_many_features_is_refused_naming_datetime() {
    let dataset = common::dataset();
    let strikes = dataset.collections.iter().find(|c| c.meta.id == "strikes").unwrap();
    let many = footprint::store::synthetic::events(footprint::http::tiles::MAX_TILE_FEATURES + 1, 5);
    let collection = Collection::new(strikes.meta.clone(), many);
    let publishers = std::fs::read(geodata().join(PUBLISHERS_FILE)).unwrap();
    let app = service_over(dataset.with_collection(collection, &publishers)).await;
    let (status, body) = get_json(&app, "/api/collections/strikes/tiles/0/0/0.mvt").await;
    assert_eq!(status, 400);
    assert!(body["description"].as_str().unwrap().contains("`datetime`"), "{body}");
    let (status, _, _) = get(&app, "/healthz").await;
    assert_eq!(status, 200, "and the server goes on");
}

#[actix_web::test]
async fn a_tile_keeps_only_the_properties_asked_for_and_every_feature() {
    let app = service_over(with_generated_strikes(3_000)).await;
    let base = "/api/collections/strikes/tiles/6/38/25.mvt?datetime=2025-03-01/2025-05-31";
    let keys_and_count = |bytes: Vec<u8>| {
        let features = mvt_reader::Reader::new(bytes).unwrap().get_features(0).unwrap();
        let keys: BTreeSet<String> =
            features.iter().flat_map(|f| f.properties.clone().unwrap_or_default().into_keys()).collect();
        (keys, features.len())
    };
    let (status, _, all) = get(&app, base).await;
    assert_eq!(status, 200);
    let (all_keys, count) = keys_and_count(all);
    assert!(count > 50 && all_keys.contains("id") && all_keys.contains("kind"), "{count} {all_keys:?}");
    let (status, _, some) = get(&app, &format!("{base}&properties=start_day,end_day,confidence,start_day")).await;
    assert_eq!(status, 200);
    let (some_keys, some_count) = keys_and_count(some);
    assert_eq!(some_count, count, "the same features");
    assert_eq!(some_keys, ["confidence", "end_day", "start_day"].map(str::to_owned).into());
}
