//! HTTP tests against the production route table over the curated data: every endpoint, filter and error case.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected responses")]

mod common;

use std::collections::BTreeSet;
use std::io::Read as _;

use actix_web::test::TestRequest;
use common::{get, get_json, get_with, ids, service};
use footprint::map::palette::Colour;
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
async fn csv_downloads_have_a_filename_a_header_and_one_row_per_feature() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/api/collections/strikes/download?f=csv").await;
    assert_eq!(status, 200);
    assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/csv"));
    assert_eq!(headers.get("content-disposition").unwrap(), "attachment; filename=\"footprint-strikes.csv\"");
    let mut reader = csv::Reader::from_reader(body.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    // The published column contract (METHODOLOGY.md): changing it is a deliberate change here too.
    let expected = "id,name_en,name_ar,name_ru,kind,start,start_precision,end,end_precision,date_basis,lon,lat,\
        location_precision,location_unsourced,location_note,country,confidence,site_id,status,operator,target,actor,\
        attribution,killed_min,killed_max,injured_min,injured_max,description_en,notes,sources,source_count";
    assert_eq!(header.join(","), expected);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let (_, all) = get_json(&app, "/api/collections/strikes/items?limit=10000").await;
    assert_eq!(rows.len() as u64, all["numberMatched"].as_u64().unwrap());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (sources, lon) = (column("sources"), column("lon"));
    assert!(rows.iter().all(|r| r[sources].contains("http")), "every row lists its sources");
    let unlocated = rows.iter().filter(|r| r[lon].is_empty()).count();
    let null_geometry = all["features"].as_array().unwrap().iter().filter(|f| f["geometry"].is_null()).count();
    assert_eq!(unlocated, null_geometry, "no invented coordinates in CSV");
}

#[actix_web::test]
async fn downloads_filter_like_items_and_name_the_file_accordingly() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/api/collections/strikes/download?datetime=2025-03&f=geojson").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-disposition").unwrap(),
        "attachment; filename=\"footprint-strikes-filtered.geojson\""
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    let (_, items) = get_json(&app, "/api/collections/strikes/items?datetime=2025-03&limit=10000").await;
    assert_eq!(ids(&body), ids(&items));
    assert!(!ids(&body).is_empty());
    let (_, _, csv_page) = get(&app, "/api/collections/events/items?f=csv&limit=3").await;
    assert_eq!(csv::Reader::from_reader(csv_page.as_slice()).records().count(), 3, "items?f=csv is paged");
}

#[actix_web::test]
async fn the_timeline_counts_features_per_week_and_its_totals_match_the_items() {
    let app = service().await;
    let (status, body) = get_json(&app, "/api/timeline?bucket=week&collections=strikes,events").await;
    assert_eq!(status, 200);
    let series = body["collections"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    let strikes = &series[0];
    let (_, all) = get_json(&app, "/api/collections/strikes/items?limit=1").await;
    assert_eq!(strikes["total"], all["numberMatched"]);
    let sum: u64 = strikes["buckets"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(Some(sum), strikes["total"].as_u64());
    assert_eq!(series[1]["buckets"][0]["start"], "1970-12-28", "shared buckets start at the earliest event (1971)");
    let (_, only) = get_json(&app, "/api/timeline?collections=strikes").await;
    assert_eq!(only["bucket"], "week", "weekly by default");
    assert_eq!(only["collections"][0]["buckets"][0]["start"], "2024-12-02", "ISO weeks: 8 Dec 2024 was a Sunday");

    let (_, month) =
        get_json(&app, "/api/timeline?bucket=month&datetime=2025-03-01/2025-03-31&collections=strikes").await;
    assert_eq!(month["collections"][0]["buckets"].as_array().unwrap().len(), 1);
    let (_, march) = get_json(&app, "/api/collections/strikes/items?limit=1000&datetime=2025-03-01/2025-03-31").await;
    let starting_in_march = march["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["start"].as_str().unwrap() >= "2025-03-01")
        .count() as u64;
    assert_eq!(month["collections"][0]["total"].as_u64(), Some(starting_in_march));
}

#[actix_web::test]
async fn responses_carry_an_etag_and_a_matching_if_none_match_gets_304() {
    let app = service().await;
    let (status, headers, _) = get(&app, "/api/collections/sites/items").await;
    assert_eq!(status, 200);
    let etag = headers.get("etag").expect("etag").to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""));
    assert!(headers.get("cache-control").unwrap().to_str().unwrap().contains("max-age"));
    let (status, headers, body) = get_with(
        &app,
        TestRequest::get().uri("/api/collections/sites/items").insert_header(("If-None-Match", etag.as_str())),
    )
    .await;
    assert_eq!(status, 304);
    assert!(body.is_empty());
    assert_eq!(headers.get("etag").unwrap().to_str().unwrap(), etag);
    let (status, _, _) = get_with(
        &app,
        TestRequest::get().uri("/api/collections/sites/items").insert_header(("If-None-Match", "W/\"stale\"")),
    )
    .await;
    assert_eq!(status, 200);
    let (_, health, _) = get(&app, "/healthz").await;
    assert!(health.get("etag").is_none(), "health is never cached");
}

#[actix_web::test]
async fn responses_are_compressed_with_gzip_or_brotli_when_asked() {
    let app = service().await;
    let (_, plain, plain_body) = get(&app, "/api/collections/strikes/items?limit=50").await;
    assert!(plain.get("content-encoding").is_none());
    let (_, headers, gz) = get_with(
        &app,
        TestRequest::get().uri("/api/collections/strikes/items?limit=50").insert_header(("Accept-Encoding", "gzip")),
    )
    .await;
    assert_eq!(headers.get("content-encoding").unwrap(), "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice()).read_to_end(&mut unzipped).unwrap();
    assert_eq!(strip_timestamp(&unzipped), strip_timestamp(&plain_body));
    assert!(gz.len() < plain_body.len() / 2);
    let (_, headers, br) = get_with(
        &app,
        TestRequest::get().uri("/api/collections/strikes/items?limit=50").insert_header(("Accept-Encoding", "br")),
    )
    .await;
    assert_eq!(headers.get("content-encoding").unwrap(), "br");
    let mut unbrotli = Vec::new();
    brotli_decompressor::Decompressor::new(br.as_slice(), 4096).read_to_end(&mut unbrotli).unwrap();
    assert_eq!(strip_timestamp(&unbrotli), strip_timestamp(&plain_body));
}

fn strip_timestamp(body: &[u8]) -> Value {
    let mut v: Value = serde_json::from_slice(body).unwrap();
    v["timeStamp"] = Value::Null;
    v
}

#[actix_web::test]
async fn cross_origin_gets_are_allowed_from_any_origin() {
    let app = service().await;
    let (status, headers, _) =
        get_with(&app, TestRequest::get().uri("/api/collections").insert_header(("Origin", "https://news.example")))
            .await;
    assert_eq!(status, 200);
    let allowed = headers.get("access-control-allow-origin").unwrap().to_str().unwrap();
    assert!(allowed == "*" || allowed == "https://news.example");
    let preflight = TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/api/collections/strikes/items")
        .insert_header(("Origin", "https://news.example"))
        .insert_header(("Access-Control-Request-Method", "GET"));
    let (status, headers, _) = get_with(&app, preflight).await;
    assert_eq!(status, 200);
    assert!(headers.get("access-control-allow-methods").unwrap().to_str().unwrap().contains("GET"));
}

#[actix_web::test]
async fn healthz_reports_what_is_loaded() {
    let app = service().await;
    let (status, body) = get_json(&app, "/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert!(body["features"]["strikes"].as_u64().unwrap() >= 45);
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
    let app = service().await;
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
        let listed: BTreeSet<&str> = item["get"]["parameters"]
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
        for param in item["get"]["parameters"].as_array().unwrap() {
            assert!(param["schema"].is_object(), "parameter without schema: {param}");
        }
        let server = item["servers"][0]["url"].as_str().unwrap_or("http://localhost:8080/api");
        let uri = format!("{server}{path}").replace("http://localhost:8080", "");
        let uri = uri.replace("{collectionId}", "sites").replace("{featureId}", "khmeimim.2015-09-30");
        let uri = if path == "/oembed" { format!("{uri}?url=http%3A%2F%2Flocalhost%3A8080%2F") } else { uri };
        let (status, _, _) = get(&app, &uri).await;
        assert_eq!(status, 200, "documented path {path} is not served at {uri}");
    }
    // And it describes nothing else.
    let described: BTreeSet<String> = paths.keys().cloned().collect();
    assert_eq!(described, documented);
    assert!(documented.contains("/oembed") && documented.contains("/static.png"));
}

#[actix_web::test]
async fn the_downloads_page_links_every_collection_and_its_downloads() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/downloads").await;
    assert_eq!(status, 200);
    assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/html"));
    let html = String::from_utf8(body).unwrap();
    for id in ["sites", "strikes", "events"] {
        assert!(html.contains(&format!("/api/collections/{id}/download?f=csv")), "{id}");
        assert!(html.contains(&format!("/api/collections/{id}/download?f=geojson")), "{id}");
    }
    assert!(html.contains("href=\"/\""), "links the map");
    let (status, _, schema) = get(&app, "/data/schema/feature.schema.json").await;
    assert_eq!(status, 200);
    assert!(serde_json::from_slice::<Value>(&schema).is_ok());
    let (status, _, _) = get(&app, "/data/METHODOLOGY.md").await;
    assert_eq!(status, 200);
    let (status, _, _) = get(&app, "/data/../Cargo.toml").await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn the_web_map_and_its_bundle_are_served_from_the_binary() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/?t=2025-03-01&sel=sites:khmeimim.2015-09-30").await;
    assert_eq!(status, 200);
    assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/html"));
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("/static/footprint_web.js"));
    for (path, media) in [
        ("/static/footprint_web.js", "text/javascript"),
        ("/static/footprint_web_bg.wasm", "application/wasm"),
        ("/static/maplibre-gl.mjs", "text/javascript"),
        ("/static/maplibre-gl-worker.mjs", "text/javascript"),
        ("/static/mapbox-gl-rtl-text.js", "text/javascript"),
        ("/static/app.css", "text/css"),
    ] {
        let (status, headers, body) = get(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with(media), "{path}");
        assert!(!body.is_empty(), "{path}");
    }
    let (status, _, _) = get(&app, "/static/nope.js").await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn the_offline_basemap_style_points_only_at_this_server() {
    let app = service().await;
    let (status, style) = get_json(&app, "/basemap/style.json").await;
    assert_eq!(status, 200);
    let text = style.to_string();
    let urls: Vec<&str> = text.split('"').filter(|s| s.starts_with("http")).collect();
    assert!(!urls.is_empty());
    for url in urls {
        assert!(url.starts_with("http://localhost:8080/basemap/"), "{url} leaves the server");
    }
    let glyphs = style["glyphs"].as_str().unwrap().replace("http://localhost:8080", "");
    let font = style["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|l| l["layout"]["text-font"].as_array())
        .expect("a labelled layer")
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(",");
    for range in ["0-255", "1024-1279", "1536-1791", "65024-65279"] {
        let path = glyphs.replace("{fontstack}", &font.replace(' ', "%20")).replace("{range}", range);
        let (status, _, body) = get(&app, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.is_empty(), "{path}");
    }
    let sprite = style["sprite"].as_str().unwrap().replace("http://localhost:8080", "");
    let (status, sprites) = get_json(&app, &format!("{sprite}.json")).await;
    assert_eq!(status, 200);
    for icon in ["airfield", "harbor", "town-hall", "marker"] {
        assert!(sprites.get(icon).is_some(), "sprite {icon}");
    }
}

#[actix_web::test]
async fn basemap_tiles_come_from_the_embedded_pmtiles() {
    let app = service().await;
    // z5 tile over Syria.
    let (status, headers, body) = get(&app, "/basemap/tiles/5/19/12.mvt").await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), "application/vnd.mapbox-vector-tile");
    assert!(body.len() > 100);
    // Beyond the archive's zoom range: no content rather than an error, so the map logs nothing.
    let (status, _, _) = get(&app, "/basemap/tiles/14/9000/6000.mvt").await;
    assert_eq!(status, 204);
}

#[actix_web::test]
async fn the_bundle_is_served_brotli_compressed_to_browsers_that_accept_it() {
    let app = service().await;
    let (_, plain_headers, plain) = get(&app, "/static/maplibre-gl.mjs").await;
    assert!(plain_headers.get("content-encoding").is_none());
    for _ in 0..2 {
        let request = TestRequest::get()
            .uri("/static/maplibre-gl.mjs")
            .insert_header(("Accept-Encoding", "gzip, deflate, br, zstd"));
        let (status, headers, body) = get_with(&app, request).await;
        assert_eq!(status, 200);
        assert_eq!(headers.get("content-encoding").unwrap(), "br");
        assert!(body.len() < plain.len() / 2);
        let mut decoded = Vec::new();
        brotli_decompressor::Decompressor::new(body.as_slice(), 4096).read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, plain);
        // Sent as stored: the copy web/build.sh made, not compressed again per request.
        let stored = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/web/dist/maplibre-gl.mjs.br")).unwrap();
        assert_eq!(body, stored, "the precompressed copy, byte for byte");
    }
}

fn decode_png(bytes: &[u8]) -> tiny_skia::Pixmap {
    tiny_skia::Pixmap::decode_png(bytes).unwrap()
}

#[actix_web::test]
async fn a_static_map_shows_khmeimim_in_its_status_colour_and_is_deterministic() {
    let app = service().await;
    let uri = "/api/static.png?t=2024-12-01&at=36.0,35.3,7&width=640&height=480&title=Khmeimim";
    let (status, headers, first) = get(&app, uri).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), "image/png");
    assert!(headers.get("etag").is_some() && headers.get("cache-control").is_some());
    let pixmap = decode_png(&first);
    assert_eq!((pixmap.width(), pixmap.height()), (640, 480));
    let colours: BTreeSet<[u8; 4]> =
        pixmap.pixels().iter().map(|p| [p.red(), p.green(), p.blue(), p.alpha()]).collect();
    assert!(colours.len() > 50, "not blank: {} colours", colours.len());
    // Where Khmeimim projects (Web Mercator, computed here: the image is centred on `at` at MapLibre zoom 7, a
    // world 512·2^7 pixels wide), the pixel has the colour of its status on that day (Russian-operated).
    let mercator = |lon: f64, lat: f64| {
        let world = 512.0 * 2f64.powi(7);
        let lat = lat.to_radians();
        let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
        ((lon + 180.0) / 360.0 * world, y * world)
    };
    let (centre, khmeimim) = (mercator(36.0, 35.3), mercator(35.945, 35.41167));
    let (x, y) = (khmeimim.0 - centre.0 + 320.0, khmeimim.1 - centre.1 + 240.0);
    let pixel = pixmap.pixel(x.round() as u32, y.round() as u32).unwrap();
    let expected = footprint::map::palette::status_colour(footprint::domain::Status::RussianOperated);
    assert_eq!(Colour(pixel.red(), pixel.green(), pixel.blue()), expected, "Khmeimim at ({x}, {y})");
    // Once the drawdown is reported, the same place has the drawdown colour.
    let later = uri.replace("t=2024-12-01", "t=2025-06-01");
    let (_, _, after) = get(&app, &later).await;
    let pixel = decode_png(&after).pixel(x.round() as u32, y.round() as u32).unwrap();
    let drawdown = footprint::map::palette::status_colour(footprint::domain::Status::DrawdownReported);
    assert_eq!(Colour(pixel.red(), pixel.green(), pixel.blue()), drawdown);
    let (_, _, second) = get(&app, uri).await;
    assert_eq!(first, second, "the same request gives the same bytes");
}

#[actix_web::test]
async fn static_map_parameters_are_checked() {
    let app = service().await;
    for (uri, parameter) in [
        ("/api/static.png?width=4096", "width"),
        ("/api/static.png?height=0", "height"),
        ("/api/static.png?width=wide", "width"),
        ("/api/static.png?t=someday", "t"),
        ("/api/static.png?mode=sideways", "mode"),
        ("/api/static.png?w=thirty", "w"),
        ("/api/static.png?speed=3", "speed"),
        ("/api/static.png?sel=roads:x", "sel"),
        ("/api/static.png?lang=fr", "lang"),
        ("/api/static.png?layers=roads", "layers"),
        ("/api/static.png?conf=certain", "conf"),
        ("/api/static.png?at=1,2", "at"),
        ("/api/static.png?bbox=1,2,3", "bbox"),
        ("/api/static.png?colour=red", "colour"),
    ] {
        let (status, body) = get_json(&app, uri).await;
        assert_eq!(status, 400, "{uri}");
        assert!(body["description"].as_str().unwrap().contains(&format!("`{parameter}`")), "{uri}: {body}");
    }
    let (status, _, png) = get(&app, "/api/static.png?width=200&height=100&layers=").await;
    assert_eq!(status, 200);
    assert_eq!(decode_png(&png).width(), 200);
}

#[actix_web::test]
async fn forwarded_headers_cannot_redirect_the_links_the_server_writes() {
    let app = service().await;
    let request = TestRequest::get()
        .uri("/api")
        .insert_header(("Host", "127.0.0.1:8080"))
        .insert_header(("X-Forwarded-Host", "evil.example"))
        .insert_header(("Forwarded", "host=evil.example;proto=https"));
    let (_, _, body) = get_with(&app, request).await;
    let text = String::from_utf8(body).unwrap();
    assert!(!text.contains("evil.example"), "{text}");
    assert!(text.contains("http://127.0.0.1:8080/api/openapi.json"), "a trusted loopback Host is followed");
}

#[actix_web::test]
async fn a_conditional_request_never_turns_an_error_into_a_304() {
    let app = service().await;
    for uri in ["/api/collections/nope", "/api/collections/strikes/items?limit=abc"] {
        let request = TestRequest::get().uri(uri).insert_header(("If-None-Match", "*"));
        let (status, _, _) = get_with(&app, request).await;
        assert!(status == 400 || status == 404, "{uri}: {status}");
    }
}

fn oembed_uri(page: &str, extra: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(format!("http://localhost:8080{page}").as_bytes()).collect();
    format!("/oembed?url={encoded}{extra}")
}

#[actix_web::test]
async fn oembed_describes_a_map_url_as_rich_html_with_an_iframe_and_a_thumbnail() {
    let app = service().await;
    let (status, body) = get_json(&app, &oembed_uri("/?t=2025-03-31&w=30&layers=sites,strikes", "&format=json")).await;
    assert_eq!(status, 200);
    assert_eq!(body["type"], "rich");
    assert_eq!(body["version"], "1.0");
    assert_eq!(body["provider_name"], "Footprint");
    assert_eq!(body["provider_url"], "http://localhost:8080/");
    assert!(body["cache_age"].as_u64().unwrap() > 0);
    assert!(body["title"].as_str().unwrap().contains("31 Mar 2025"));
    let html = body["html"].as_str().unwrap();
    assert!(html.starts_with(
        "<iframe src=\"http://localhost:8080/embed?t=2025-03-31&amp;w=30&amp;layers=sites%2Cstrikes&amp;lang=en\""
    ));
    assert!(html.contains("title=\""));
    assert_eq!((body["width"].as_u64(), body["height"].as_u64()), (Some(800), Some(600)));
    let thumb = body["thumbnail_url"].as_str().unwrap().replace("http://localhost:8080", "");
    let (status, _, png) = get(&app, &thumb).await;
    assert_eq!(status, 200, "{thumb}");
    let pixmap = decode_png(&png);
    assert_eq!(
        (u64::from(pixmap.width()), u64::from(pixmap.height())),
        (body["thumbnail_width"].as_u64().unwrap(), body["thumbnail_height"].as_u64().unwrap())
    );
}

#[actix_web::test]
async fn oembed_honours_maxwidth_and_maxheight() {
    let app = service().await;
    for (extra, width, height) in
        [("&maxwidth=400", 400, 300), ("&maxwidth=600&maxheight=200", 600, 200), ("&maxheight=100", 800, 100)]
    {
        let (status, body) = get_json(&app, &oembed_uri("/embed?t=2025-01-01", extra)).await;
        assert_eq!(status, 200, "{extra}");
        assert_eq!((body["width"].as_u64(), body["height"].as_u64()), (Some(width), Some(height)), "{extra}");
        let html = body["html"].as_str().unwrap();
        assert!(html.contains(&format!("width=\"{width}\" height=\"{height}\"")), "{html}");
        assert!(body["thumbnail_width"].as_u64().unwrap() <= width);
    }
}

#[actix_web::test]
async fn oembed_refuses_other_servers_and_formats_and_bad_sizes() {
    let app = service().await;
    let other: String = form_urlencoded::byte_serialize(b"https://elsewhere.example/?t=2025-01-01").collect();
    let (status, body) = get_json(&app, &format!("/oembed?url={other}")).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "NotFound");
    let (status, _) = get_json(&app, &oembed_uri("/api/collections", "")).await;
    assert_eq!(status, 404, "not a map page");
    let (status, body) = get_json(&app, &oembed_uri("/", "&format=xml")).await;
    assert_eq!(status, 501);
    assert!(body["description"].as_str().unwrap().contains("`format=xml`"));
    for (extra, parameter) in
        [("&maxwidth=0", "maxwidth"), ("&maxheight=tall", "maxheight"), ("&format=yaml", "format")]
    {
        let (status, body) = get_json(&app, &oembed_uri("/", extra)).await;
        assert_eq!(status, 400, "{extra}");
        assert!(body["description"].as_str().unwrap().contains(&format!("`{parameter}`")), "{body}");
    }
    let (status, body) = get_json(&app, "/oembed").await;
    assert_eq!(status, 400);
    assert!(body["description"].as_str().unwrap().contains("`url`"));
}

#[actix_web::test]
async fn map_and_embed_pages_carry_oembed_discovery_and_cards_for_their_state() {
    let app = service().await;
    for page in [
        "/?t=2025-03-31&w=30",
        "/embed?t=2025-03-31&w=30&title=A%20%3Cb%3Etitle%3C%2Fb%3E&caption=Source%3A%20Footprint",
    ] {
        let (status, _, body) = get(&app, page).await;
        assert_eq!(status, 200);
        let html = String::from_utf8(body).unwrap();
        assert!(
            html.contains(
                "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"http://localhost:8080/oembed?url="
            ),
            "{page}"
        );
        let image = "http://localhost:8080/api/static.png?t=2025-03-31&amp;mode=window&amp;w=30&amp;speed=1&amp;at=38.3000%2C35.0000%2C5.60&amp;lang=en";
        assert!(
            html.contains(&format!("<meta property=\"og:image\" content=\"{image}&amp;width=1200&amp;height=630\">")),
            "{page}"
        );
        assert!(html.contains("twitter:card"));
        assert!(html.contains("strikes reported in the 30 days to 31 Mar 2025"), "{page}");
    }
    let (_, _, body) =
        get(&app, "/embed?t=2025-03-31&w=30&title=A%20%3Cb%3Etitle%3C%2Fb%3E&controls=0&theme=dark").await;
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<h1 class=\"embed-title\">A &lt;b&gt;title&lt;/b&gt;</h1>"), "title is text, not HTML");
    assert!(html.contains("class=\"embed no-controls theme-dark\""));
    assert!(html.contains("<noscript><img class=\"static-fallback\" src=\"http://localhost:8080/api/static.png?t=2025-03-31&amp;mode=window&amp;w=30&amp;speed=1&amp;at=38.3000%2C35.0000%2C5.60&amp;lang=en&amp;width=800&amp;height=450\""));
    assert!(html.contains("href=\"http://localhost:8080/?t=2025-03-31&amp;w=30\""), "view full map carries the state");
    assert!(html.contains("<script src=\"/static/embed-height.js\"></script>"), "the height messenger is loaded");
}

#[actix_web::test]
async fn the_api_answers_in_the_language_asked_for_and_says_which() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/api/collections?lang=ar").await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-language").unwrap(), "ar");
    assert!(headers.get_all("vary").any(|v| v.to_str().unwrap().contains("Accept-Language")));
    let body: Value = serde_json::from_slice(&body).unwrap();
    let strikes = body["collections"].as_array().unwrap().iter().find(|c| c["id"] == "strikes").unwrap();
    assert!(strikes["title"].as_str().unwrap().chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "{strikes}");
    assert_eq!(strikes["title_lang"], "ar");
    // Accept-Language when there is no `lang`; English when neither names a language Footprint has.
    let request = TestRequest::get()
        .uri("/api/collections/sites")
        .insert_header(("Accept-Language", "de-DE, ru;q=0.8, en;q=0.5"));
    let (_, headers, body) = get_with(&app, request).await;
    assert_eq!(headers.get("content-language").unwrap(), "ru");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert!(body["title"].as_str().unwrap().chars().any(|c| ('а'..='я').contains(&c)), "{}", body["title"]);
    let request = TestRequest::get().uri("/api/collections/sites").insert_header(("Accept-Language", "de"));
    let (_, headers, _) = get_with(&app, request).await;
    assert_eq!(headers.get("content-language").unwrap(), "en");
    // A language Footprint does not have is a 400 naming `lang`.
    let (status, body) = get_json(&app, "/api/collections/strikes/items?lang=fr").await;
    assert_eq!(status, 400);
    assert!(body["description"].as_str().unwrap().contains("`lang`"), "{body}");
}

#[actix_web::test]
async fn feature_titles_follow_the_language_and_an_english_fallback_is_labelled() {
    let app = service().await;
    let (_, headers, body) = get(&app, "/api/collections/sites/items/khmeimim.2015-09-30?lang=ru").await;
    assert_eq!(headers.get("content-language").unwrap(), "ru");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["properties"]["title"], "Авиабаза Хмеймим");
    assert_eq!(body["properties"]["title_lang"], "ru");
    assert_eq!(body["properties"]["name"]["en"], "Khmeimim (Hmeimim) Air Base", "every language stays in `name`");
    // Every feature has a title in the language asked for, or says it fell back to English.
    for collection in ["sites", "strikes", "events"] {
        let (_, body) = get_json(&app, &format!("/api/collections/{collection}/download?f=geojson&lang=ar")).await;
        for f in body["features"].as_array().unwrap() {
            let p = &f["properties"];
            let expected = p["name"]["ar"].as_str().map_or(("en", p["name"]["en"].as_str()), |ar| ("ar", Some(ar)));
            assert_eq!((p["title_lang"].as_str().unwrap(), p["title"].as_str()), expected, "{}", f["id"]);
        }
    }
    // Each language is its own representation: its own ETag.
    let (_, en, _) = get(&app, "/api/collections/sites/items?lang=en").await;
    let (_, ar, _) = get(&app, "/api/collections/sites/items?lang=ar").await;
    assert_ne!(en.get("etag"), ar.get("etag"));
    let request = TestRequest::get()
        .uri("/api/collections/sites/items?lang=en")
        .insert_header(("If-None-Match", ar.get("etag").unwrap().clone()));
    let (status, _, _) = get_with(&app, request).await;
    assert_eq!(status, 200, "the Arabic tag does not validate the English page");
}

#[actix_web::test]
async fn pages_are_served_in_the_readers_language_right_to_left_for_arabic() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/?lang=ar&t=2024-12-09").await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-language").unwrap(), "ar");
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(!html.contains("{{"), "every placeholder is filled");
    assert!(html.contains("٩ ديسمبر ٢٠٢٤"), "the card's date is in Arabic");
    assert!(html.contains("hreflang=\"ru\""), "the page links its other languages");
    // The switch keeps the state and changes only the language.
    assert!(html.contains("href=\"?t=2024-12-09&amp;lang=ru\""), "the switch keeps the state");
    let request = TestRequest::get().uri("/embed").insert_header(("Accept-Language", "ru-RU,ru;q=0.9"));
    let (_, _, body) = get_with(&app, request).await;
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<html lang=\"ru\" dir=\"ltr\">"));

    // A language the page does not have falls back (links always open), as malformed state does.
    let (status, _, body) = get(&app, "/?lang=xx").await;
    assert_eq!(status, 200);
    assert!(String::from_utf8(body).unwrap().contains("<html lang=\"en\" dir=\"ltr\">"));
}

#[actix_web::test]
async fn the_basemap_labels_places_in_the_language_asked_for() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/basemap/style.json?lang=ru").await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-language").unwrap(), "ru");
    let style: Value = serde_json::from_slice(&body).unwrap();
    let fields: Vec<String> = style["layers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["layout"].get("text-field").map(Value::to_string))
        .collect();
    assert!(!fields.is_empty());
    for field in fields {
        assert!(field.starts_with("[\"coalesce\",[\"get\",\"name_ru\"],[\"get\",\"name_en\"]"), "{field}");
    }
    let (status, _) = get_json(&app, "/basemap/style.json?lang=zz").await;
    assert_eq!(status, 400);
}

#[actix_web::test]
async fn pages_and_oembed_vary_by_language_and_say_which_they_are_in() {
    let app = service().await;
    for uri in ["/", "/embed", &oembed_uri("/?t=2025-03-31", "")] {
        let request = TestRequest::get().uri(uri).insert_header(("Accept-Language", "ar"));
        let (status, headers, body) = get_with(&app, request).await;
        assert_eq!(status, 200, "{uri}");
        assert_eq!(headers.get("content-language").unwrap(), "ar", "{uri}");
        let vary: Vec<&str> = headers.get_all("vary").filter_map(|v| v.to_str().ok()).collect();
        assert!(vary.iter().any(|v| v.contains("Accept-Language")), "{uri}: Vary {vary:?}");
        if uri.starts_with("/oembed") {
            let body: Value = serde_json::from_slice(&body).unwrap();
            assert!(body["html"].as_str().unwrap().contains("lang=ar"), "the widget is in the title's language");
        }
    }
    // The 304 of a page keeps its Vary and Content-Language.
    let request = TestRequest::get().uri("/?lang=ru");
    let (_, headers, _) = get_with(&app, request).await;
    let request =
        TestRequest::get().uri("/?lang=ru").insert_header(("If-None-Match", headers.get("etag").unwrap().clone()));
    let (status, headers, _) = get_with(&app, request).await;
    assert_eq!(status, 304);
    assert_eq!(headers.get("content-language").unwrap(), "ru");
    assert!(headers.get_all("vary").any(|v| v.to_str().unwrap().contains("Accept-Language")));
}
