//! HTTP tests of the OGC API against the production route table over the curated data: landing, conformance,
//! collections, items and their filters, queryables, bad parameters, methods, and the OpenAPI document.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected responses")]

mod common;

use std::collections::BTreeSet;

use actix_web::test::TestRequest;
use common::{get, get_json, get_with, ids, service};
use serde_json::Value;

#[actix_web::test]
async fn the_landing_page_links_the_api_definition_conformance_and_collections() {
    let app = service().await;
    let (status, body) = get_json(&app, "/api").await;
    assert_eq!(status, 200);
    let rels: BTreeSet<&str> = body["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(rel), "missing {rel} link");
    }
    let desc = body["links"].as_array().unwrap().iter().find(|l| l["rel"] == "service-desc").unwrap();
    assert_eq!(desc["href"], "http://localhost:8080/api/openapi.json");
    assert!(body["title"].as_str().unwrap().contains("Syria"));
}

#[actix_web::test]
async fn conformance_declares_core_geojson_oas30_and_queryables() {
    let app = service().await;
    let (status, body) = get_json(&app, "/api/conformance").await;
    assert_eq!(status, 200);
    let classes: Vec<&str> = body["conformsTo"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    for class in ["conf/core", "conf/geojson", "conf/oas30", "conf/queryables"] {
        assert!(classes.iter().any(|c| c.ends_with(class)), "{class}");
    }
}

#[actix_web::test]
async fn collections_list_sites_strikes_and_events_with_extents() {
    let app = service().await;
    let (status, body) = get_json(&app, "/api/collections").await;
    assert_eq!(status, 200);
    let collections = body["collections"].as_array().unwrap();
    let names: Vec<&str> = collections.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(names, ["sites", "strikes", "events"]);
    for c in collections {
        assert!(c["extent"]["spatial"]["bbox"][0].as_array().unwrap().len() == 4);
        let interval = &c["extent"]["temporal"]["interval"][0];
        // Days are days in Syria: the interval starts at midnight there, with Syria's offset that day.
        let start = interval[0].as_str().unwrap();
        assert!(start.ends_with("T00:00:00+03:00") || start.ends_with("T00:00:00+02:00"), "{interval}");
        assert!(
            c["links"].as_array().unwrap().iter().any(|l| l["rel"] == "items" && l["type"] == "application/geo+json")
        );
    }
    let (_, sites) = get_json(&app, "/api/collections/sites").await;
    assert_eq!(sites["extent"]["temporal"]["interval"][0][0], "1971-01-01T00:00:00+02:00", "Tartus supply point, 1971");
    assert!(sites["extent"]["temporal"]["interval"][0][1].is_null(), "ongoing status periods leave the end open");
    let (_, strikes) = get_json(&app, "/api/collections/strikes").await;
    // Bashan Arrow (e07): its first strikes are reported on the night of 7–8 Dec 2024, as Assad fell.
    assert_eq!(strikes["extent"]["temporal"]["interval"][0][0], "2024-12-07T00:00:00+03:00");
}

#[actix_web::test]
async fn an_unknown_collection_or_feature_is_a_json_404() {
    let app = service().await;
    for uri in
        ["/api/collections/bases", "/api/collections/bases/items", "/api/collections/sites/items/nope", "/nowhere"]
    {
        let (status, body) = get_json(&app, uri).await;
        assert_eq!(status, 404, "{uri}");
        assert_eq!(body["code"], "NotFound", "{uri}");
        assert!(body["description"].as_str().unwrap().len() > 5);
    }
}

#[actix_web::test]
async fn items_default_to_ten_features_with_counts_and_a_next_link() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/api/collections/strikes/items").await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), "application/geo+json");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["type"], "FeatureCollection");
    assert_eq!(body["numberReturned"], 10);
    assert!(body["numberMatched"].as_u64().unwrap() >= 45, "at least 45 strikes");
    let next = body["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").expect("next link");
    assert!(next["href"].as_str().unwrap().ends_with("/api/collections/strikes/items?offset=10"));
    assert!(!body["links"].as_array().unwrap().iter().any(|l| l["rel"] == "prev"), "no prev on the first page");
    let alternate = body["links"].as_array().unwrap().iter().find(|l| l["rel"] == "alternate").expect("alternate");
    assert_eq!(alternate["type"], "text/csv");
}

#[actix_web::test]
async fn following_next_links_visits_every_feature_once_in_date_order() {
    let app = service().await;
    let (_, all) = get_json(&app, "/api/collections/strikes/items?limit=10000").await;
    let total = all["numberMatched"].as_u64().unwrap() as usize;
    assert_eq!(ids(&all).len(), total);
    let mut seen = Vec::new();
    let mut uri = "/api/collections/strikes/items?limit=7".to_owned();
    loop {
        let (status, page) = get_json(&app, &uri).await;
        assert_eq!(status, 200);
        seen.extend(ids(&page));
        let Some(next) = page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next") else {
            break;
        };
        uri = next["href"].as_str().unwrap().trim_start_matches("http://localhost:8080").to_owned();
        assert!(uri.contains("limit=7"), "next keeps the other parameters: {uri}");
    }
    assert_eq!(seen, ids(&all));
    let starts: Vec<&str> =
        all["features"].as_array().unwrap().iter().map(|f| f["properties"]["start"].as_str().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "sorted by start date");
    let (_, second) = get_json(&app, "/api/collections/strikes/items?limit=7&offset=7").await;
    let prev = second["links"].as_array().unwrap().iter().find(|l| l["rel"] == "prev").unwrap();
    assert!(prev["href"].as_str().unwrap().ends_with("limit=7&offset=0"));
}

#[actix_web::test]
async fn sortby_minus_start_reverses_the_order() {
    let app = service().await;
    let (_, asc) = get_json(&app, "/api/collections/events/items?limit=1000").await;
    let (_, desc) = get_json(&app, "/api/collections/events/items?limit=1000&sortby=-start").await;
    let mut reversed = ids(&asc);
    reversed.reverse();
    assert_eq!(ids(&desc), reversed);
}

#[actix_web::test]
async fn a_bbox_returns_exactly_the_located_features_inside_it() {
    let app = service().await;
    let (_, all) = get_json(&app, "/api/collections/strikes/items?limit=10000").await;
    // Damascus and its southern approaches.
    let (min_lon, min_lat, max_lon, max_lat) = (36.0, 33.2, 36.6, 33.7);
    let expected: Vec<String> = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let c = &f["geometry"]["coordinates"];
            c.is_array() && {
                let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
                (min_lon..=max_lon).contains(&lon) && (min_lat..=max_lat).contains(&lat)
            }
        })
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.len() >= 5, "several strikes around Damascus");
    let uri = format!("/api/collections/strikes/items?limit=1000&bbox={min_lon},{min_lat},{max_lon},{max_lat}");
    let (status, body) = get_json(&app, &uri).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&body), expected);
    assert_eq!(body["numberMatched"].as_u64().unwrap() as usize, expected.len());
}

#[actix_web::test]
async fn a_bbox_never_matches_features_without_geometry_but_a_datetime_does() {
    let app = service().await;
    let (_, world) = get_json(&app, "/api/collections/events/items?limit=1000&bbox=-180,-90,180,90").await;
    assert!(world["features"].as_array().unwrap().iter().all(|f| !f["geometry"].is_null()));
    let (_, dated) = get_json(&app, "/api/collections/events/items?limit=1000&datetime=2025-02-12").await;
    assert!(
        dated["features"].as_array().unwrap().iter().any(|f| f["geometry"].is_null()),
        "the first Putin–Sharaa phone call (12 Feb 2025) has no place but is on the timeline"
    );
}

fn status_of(body: &Value, site: &str) -> Option<String> {
    body["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["site_id"] == site)
        .map(|f| f["properties"]["status"].as_str().unwrap().to_owned())
}

#[actix_web::test]
async fn a_datetime_instant_gives_each_sites_status_on_that_day() {
    let app = service().await;
    let (_, before) = get_json(&app, "/api/collections/sites/items?limit=100&datetime=2020-06-15T12:00:00Z").await;
    assert_eq!(status_of(&before, "khmeimim").as_deref(), Some("russian-operated"));
    assert_eq!(status_of(&before, "tartus").as_deref(), Some("russian-operated"));
    assert_eq!(status_of(&before, "qamishli").as_deref(), Some("russian-operated"));
    let (_, after) = get_json(&app, "/api/collections/sites/items?limit=100&datetime=2025-06-01").await;
    assert_eq!(status_of(&after, "khmeimim").as_deref(), Some("drawdown-reported"));
    assert_eq!(status_of(&after, "qamishli").as_deref(), Some("drawdown-reported"));
    let (_, later) = get_json(&app, "/api/collections/sites/items?limit=100&datetime=2026-02-01").await;
    assert_eq!(status_of(&later, "qamishli").as_deref(), Some("withdrawn"));
    // One status per site on any day: the periods never overlap.
    let sites: Vec<String> = later["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["site_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sites.len(), sites.iter().collect::<BTreeSet<_>>().len());
}

#[actix_web::test]
async fn status_boundaries_are_inclusive_on_both_ends() {
    let app = service().await;
    let (_, last_day) = get_json(&app, "/api/collections/sites/items?site_id=khmeimim&datetime=2024-12-06").await;
    assert_eq!(ids(&last_day), ["khmeimim.2015-09-30"]);
    let (_, both) =
        get_json(&app, "/api/collections/sites/items?site_id=khmeimim&datetime=2024-12-06/2024-12-07").await;
    assert_eq!(ids(&both), ["khmeimim.2015-09-30", "khmeimim.2024-12-07"]);
}

#[actix_web::test]
async fn datetime_intervals_with_open_ends_match_older_and_ongoing_features() {
    let app = service().await;
    let (_, old) = get_json(&app, "/api/collections/sites/items?limit=100&datetime=../1990-01-01").await;
    assert_eq!(ids(&old), ["tartus.1971-01-01"]);
    let (_, empty_start) = get_json(&app, "/api/collections/sites/items?limit=100&datetime=/1990").await;
    assert_eq!(ids(&empty_start), ids(&old));
    let (_, now) = get_json(&app, "/api/collections/sites/items?limit=100&datetime=2026-11-01/..").await;
    assert!(ids(&now).contains(&"khmeimim.2024-12-07".to_owned()), "ongoing status matches");
    assert!(!ids(&now).iter().any(|id| id == "qamishli.2024-12-01"), "ended periods do not");
}

#[actix_web::test]
async fn a_partial_month_datetime_matches_the_whole_month() {
    let app = service().await;
    let (_, month) = get_json(&app, "/api/collections/events/items?limit=100&datetime=2025-12").await;
    let ids = ids(&month);
    assert!(ids.contains(&"p08".to_owned()) && ids.contains(&"p09".to_owned()), "23 and 24 Dec 2025: {ids:?}");
}

#[actix_web::test]
async fn property_filters_keep_only_matching_values() {
    let app = service().await;
    let (status, body) = get_json(&app, "/api/collections/strikes/items?limit=1000&confidence=low,medium").await;
    assert_eq!(status, 200);
    let features = body["features"].as_array().unwrap();
    assert!(!features.is_empty());
    assert!(features.iter().all(|f| ["low", "medium"].contains(&f["properties"]["confidence"].as_str().unwrap())));
    let (status, none) =
        get_json(&app, "/api/collections/strikes/items?kind=picnic&location_precision=governorate").await;
    assert_eq!(status, 200, "a legal value with no matches is an empty result, not an error");
    assert_eq!(none["numberMatched"], 0);
    let (_, withdrawn) = get_json(&app, "/api/collections/sites/items?status=withdrawn").await;
    assert_eq!(ids(&withdrawn), ["qamishli.2026-01-27"]);
    let (_, combined) =
        get_json(&app, "/api/collections/strikes/items?limit=1000&location_precision=exact-facility&datetime=2024-12")
            .await;
    for f in combined["features"].as_array().unwrap() {
        assert_eq!(f["properties"]["location_precision"], "exact-facility");
        assert!(f["properties"]["start"].as_str().unwrap() <= "2024-12-31");
    }
}

#[actix_web::test]
async fn a_single_feature_carries_time_sources_and_links() {
    let app = service().await;
    let (status, f) = get_json(&app, "/api/collections/sites/items/khmeimim.2015-09-30").await;
    assert_eq!(status, 200);
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["geometry"]["coordinates"], serde_json::json!([35.945, 35.41167]));
    assert_eq!(f["time"]["interval"], serde_json::json!(["2015-09-30", "2024-12-06"]));
    let source = &f["properties"]["sources"][0];
    assert!(source["url"].as_str().unwrap().starts_with("http"));
    assert!(source["publisher"].as_str().unwrap().len() > 1);
    assert!(f["links"].as_array().unwrap().iter().any(|l| l["rel"] == "self"));
}

#[actix_web::test]
async fn queryables_describe_the_filterable_properties_with_their_values() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/api/collections/sites/queryables").await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), "application/schema+json");
    let body: Value = serde_json::from_slice(&body).unwrap();
    let status_enum = body["properties"]["status"]["enum"].as_array().unwrap();
    assert!(status_enum.contains(&Value::from("withdrawn")));
    assert!(body["properties"]["kind"].is_object() && body["properties"]["confidence"].is_object());
    let (_, strikes) = get_json(&app, "/api/collections/strikes/queryables").await;
    assert!(strikes["properties"]["actor"].is_object());
    assert!(strikes["properties"]["status"].is_null(), "sites-only queryables are not offered for strikes");
}

#[actix_web::test]
async fn every_bad_parameter_is_a_400_naming_it_and_the_server_keeps_serving() {
    let app = service().await;
    let cases = [
        ("/api/collections/strikes/items?bbox=1,2,3", "bbox"),
        ("/api/collections/strikes/items?bbox=a,b,c,d", "bbox"),
        ("/api/collections/strikes/items?bbox=0,95,1,96", "bbox"),
        ("/api/collections/strikes/items?bbox=0,20,1,10", "bbox"),
        ("/api/collections/strikes/items?bbox=35,32,43,38&bbox-crs=EPSG:3857", "bbox-crs"),
        ("/api/collections/strikes/items?datetime=yesterday", "datetime"),
        ("/api/collections/strikes/items?datetime=2025-01-01/2024-01-01", "datetime"),
        ("/api/collections/strikes/items?datetime=2024-02-30", "datetime"),
        ("/api/collections/strikes/items?datetime=a/b/c", "datetime"),
        ("/api/collections/strikes/items?limit=0", "limit"),
        ("/api/collections/strikes/items?limit=-5", "limit"),
        ("/api/collections/strikes/items?limit=ten", "limit"),
        ("/api/collections/strikes/items?offset=-1", "offset"),
        ("/api/collections/strikes/items?sortby=name", "sortby"),
        ("/api/collections/strikes/items?f=xml", "f"),
        ("/api/collections/strikes/items?confidence=certain", "confidence"),
        ("/api/collections/strikes/items?location_precision=street", "location_precision"),
        ("/api/collections/strikes/items?confidence=", "confidence"),
        ("/api/collections/strikes/items?status=withdrawn", "status"),
        ("/api/collections/strikes/items?colour=red", "colour"),
        ("/api/collections/strikes/items?limit=1&limit=2", "limit"),
        ("/api/collections/strikes/download?f=pdf", "f"),
        ("/api/collections/strikes/download?limit=5", "limit"),
        ("/api/timeline?bucket=year", "bucket"),
        ("/api/timeline?collections=bases", "collections"),
        ("/api/timeline?bucket=day&datetime=1000/3000", "datetime"),
        ("/api/timeline?bucket=day", "bucket"),
        ("/api/timeline?collections=events,events", "collections"),
        ("/api/collections?f=html", "f"),
        ("/api?x=1", "x"),
        ("/downloads?x=1", "x"),
        ("/basemap/tiles/3/1/x.mvt", "y"),
        ("/basemap/tiles/3/9/1.mvt", "z/x/y"),
    ];
    for (uri, parameter) in cases {
        let (status, body) = get_json(&app, uri).await;
        assert_eq!(status, 400, "{uri}");
        assert_eq!(body["code"], "InvalidParameterValue", "{uri}");
        let description = body["description"].as_str().unwrap();
        assert!(description.contains(&format!("`{parameter}`")), "{uri}: {description}");
    }
    let (status, _) = get_json(&app, "/api/collections/strikes/items").await;
    assert_eq!(status, 200, "still serving after bad requests");
}

#[actix_web::test]
async fn only_get_and_head_are_served() {
    let app = service().await;
    for method in [actix_web::http::Method::POST, actix_web::http::Method::DELETE, actix_web::http::Method::PUT] {
        let (status, headers, body) =
            get_with(&app, TestRequest::default().method(method.clone()).uri("/api/collections")).await;
        assert_eq!(status, 405, "{method}");
        assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("application/json"));
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "MethodNotAllowed");
    }
    let (status, _, _) = get_with(&app, TestRequest::default().method(actix_web::http::Method::HEAD).uri("/api")).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn every_path_in_the_openapi_document_is_served_and_every_route_is_documented() {
    let store = common::store().await;
    let app = common::service_with(store.state.clone()).await;
    let (status, headers, body) = get(&app, "/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("application/vnd.oai.openapi+json"));
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(doc["servers"][0]["url"], "http://localhost:8080/api");
    let paths = doc["paths"].as_object().unwrap();
    let queryables: Vec<&str> = footprint::store::Queryable::ALL.iter().map(|q| q.name()).collect();
    let mut documented = BTreeSet::new();
    // Every route of the table the document should describe is there, with exactly the parameters its handler
    // takes, and is served.
    for route in &footprint::http::ROUTES {
        let Some(path) = route.openapi_path() else { continue };
        documented.insert(path.clone());
        let item =
            paths.get(&path).unwrap_or_else(|| panic!("route {} is missing from the OpenAPI document", route.path));
        // Publishing is the one path without GET: its query parameters (none) are its POST's.
        let operation = if item.get("get").is_some() { &item["get"] } else { &item["post"] };
        let listed: BTreeSet<&str> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let mut taken: BTreeSet<&str> = (route.parameters)().into_iter().collect();
        if route.queryables {
            taken.extend(&queryables);
        }
        assert_eq!(listed, taken, "{path}: documented parameters vs the handler's");
        for param in operation["parameters"].as_array().unwrap() {
            assert!(param["schema"].is_object(), "parameter without schema: {param}");
        }
        if item.get("get").is_none() {
            continue;
        }
        let server = item["servers"][0]["url"].as_str().unwrap_or("http://localhost:8080/api");
        let uri = format!("{server}{path}").replace("http://localhost:8080", "");
        let uri = uri.replace("{collectionId}", "sites").replace("{featureId}", "khmeimim.2015-09-30");
        let uri = uri.replace("{z}/{x}/{y}", "0/0/0");
        let uri = if path == "/oembed" { format!("{uri}?url=http%3A%2F%2Flocalhost%3A8080%2F") } else { uri };
        let (status, _, _) = get(&app, &uri).await;
        // Operations for signed-in accounts answer 401 without credentials; the rest are public.
        let expected = if item["get"].get("security").is_some() { 401 } else { 200 };
        assert_eq!(status, expected, "documented path {path} is not served at {uri}");
    }
    // And it describes nothing else.
    let described: BTreeSet<String> = paths.keys().cloned().collect();
    assert_eq!(described, documented);
    assert!(documented.contains("/oembed") && documented.contains("/static.png"));
}
