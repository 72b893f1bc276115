//! HTTP behaviour against the production route table: downloads and CSV, the timeline, `ETag`s and `304`s,
//! compression, CORS, health, trusted links, and the language the API answers in.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected responses")]

mod common;

use std::io::Read as _;

use actix_web::test::TestRequest;
use common::{get, get_json, get_with, ids, service};
use serde_json::Value;

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
async fn a_streamed_download_is_the_same_in_every_encoding_and_holds_exactly_the_paged_items() {
    let app = service().await;
    let filter = "bbox=35,32,43,38&datetime=2024-12-01/2025-12-31";
    for format in ["geojson", "csv"] {
        let uri = format!("/api/collections/strikes/download?f={format}&{filter}");
        let plain = get_with(&app, TestRequest::get().uri(&uri).insert_header(("Accept-Encoding", "identity"))).await;
        assert_eq!(plain.0, 200);
        assert!(plain.1.get("content-encoding").is_none());
        let gz = get_with(&app, TestRequest::get().uri(&uri).insert_header(("Accept-Encoding", "gzip"))).await;
        assert_eq!(gz.1.get("content-encoding").unwrap(), "gzip");
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(gz.2.as_slice()).read_to_end(&mut unzipped).unwrap();
        assert_eq!(unzipped, plain.2, "{format}: gzip");
        let br = get_with(&app, TestRequest::get().uri(&uri).insert_header(("Accept-Encoding", "br"))).await;
        assert_eq!(br.1.get("content-encoding").unwrap(), "br");
        let mut unbrotli = Vec::new();
        brotli_decompressor::Decompressor::new(br.2.as_slice(), 4096).read_to_end(&mut unbrotli).unwrap();
        assert_eq!(unbrotli, plain.2, "{format}: brotli");
        if format == "geojson" {
            let download: Value = serde_json::from_slice(&plain.2).unwrap();
            let (_, items) = get_json(&app, &format!("/api/collections/strikes/items?limit=1000&{filter}")).await;
            assert_eq!(ids(&download), ids(&items), "the download holds exactly what the items API pages");
            assert_eq!(download["numberMatched"], items["numberMatched"]);
        }
    }
}

#[actix_web::test]
async fn a_layer_file_under_data_is_streamed_in_every_encoding_as_the_curated_file_holds_it() {
    let app = service().await;
    let curated = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/strikes.geojson")).unwrap();
    let uri = "/data/strikes.geojson";
    let plain = get_with(&app, TestRequest::get().uri(uri).insert_header(("Accept-Encoding", "identity"))).await;
    assert_eq!(plain.0, 200);
    assert_eq!(plain.1.get("content-type").unwrap(), "application/geo+json");
    assert!(plain.1.get("etag").is_some(), "a layer is tagged like the rest of the data");
    assert_eq!(plain.2, curated, "the layer is written exactly as the curated file holds it");
    let gz = get_with(&app, TestRequest::get().uri(uri).insert_header(("Accept-Encoding", "gzip"))).await;
    assert_eq!(gz.1.get("content-encoding").unwrap(), "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(gz.2.as_slice()).read_to_end(&mut unzipped).unwrap();
    assert_eq!(unzipped, curated);
    let br = get_with(&app, TestRequest::get().uri(uri).insert_header(("Accept-Encoding", "br"))).await;
    assert_eq!(br.1.get("content-encoding").unwrap(), "br");
    let mut unbrotli = Vec::new();
    brotli_decompressor::Decompressor::new(br.2.as_slice(), 4096).read_to_end(&mut unbrotli).unwrap();
    assert_eq!(unbrotli, curated);
}
