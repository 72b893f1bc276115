//! What no crafted request may do: grow a page beyond its inputs, reflect a placeholder, frame a page where it may
//! not be framed, follow a forged Host, block the workers with images, or get around the head limits. Each test
//! speaks HTTP to the production route table.

#![expect(clippy::unwrap_used, clippy::panic, reason = "a test fails loudly on unexpected responses")]

mod common;

use std::sync::Arc;

use actix_web::test::TestRequest;
use common::{geodata, get, get_json, get_with, service, service_with, state};
use footprint::http::image_cache::Images;
use footprint::http::{AppState, Site};
use footprint::store::{Dataset, Directory};
use serde_json::Value;

/// The pages a reader or an editor can open.
const PAGES: [&str; 3] = ["/", "/embed", "/downloads"];

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

#[actix_web::test]
async fn a_placeholder_in_user_text_is_written_once_escaped_and_never_expanded() {
    let app = service().await;
    // Every kind of placeholder the pages were ever filled with, in every parameter that reaches the page.
    let bait = "{{ card.title }}{{t:page.title}}{{lang}}<!-- include card.html --><!-- head -->{{classes}}";
    let encoded: String = form_urlencoded::byte_serialize(bait.as_bytes()).collect();
    let short: String = form_urlencoded::byte_serialize(b"{{ card.title }}<!-- head -->").collect();
    let uri = format!("/embed?title={encoded}&caption={encoded}&sel={short}&t={short}");
    let (status, _, body) = get_with(&app, TestRequest::get().uri(&uri).insert_header(("Host", bait))).await;
    assert_eq!(status, 200);
    let html = String::from_utf8(body).unwrap();
    let escaped =
        "{{ card.title }}{{t:page.title}}{{lang}}&lt;!-- include card.html --&gt;&lt;!-- head --&gt;{{classes}}";
    assert!(html.contains(&format!("<h1 class=\"embed-title\">{escaped}</h1>")), "the title is written as text");
    assert!(html.contains(&format!("<p class=\"embed-caption\">{escaped}</p>")));
    assert!(!html.contains("<!-- head -->") && !html.contains("<!-- include"), "no raw placeholder reached the page");
    assert!(html.len() < 64 * 1024, "{} bytes", html.len());
}

#[actix_web::test]
async fn every_page_is_bounded_by_a_constant_whatever_the_query() {
    let app = service().await;
    // Every known parameter at its longest, then 40 KB of repeats and unknown parameters.
    let at_most = |n: usize| "%22".repeat(n);
    let mut query = format!(
        "t={}&mode={}&w={}&speed={}&layers={}&conf={}&sel={}&at={}&title={}&caption={}&controls={}&theme={}&autoplay={}&bbox={}&lang={}",
        at_most(64),
        at_most(16),
        at_most(8),
        at_most(8),
        at_most(64),
        at_most(32),
        at_most(80),
        at_most(64),
        at_most(120),
        at_most(400),
        at_most(8),
        at_most(8),
        at_most(8),
        at_most(128),
        at_most(35),
    );
    let known = query.clone();
    while query.len() < 14 * 1024 {
        query.push_str("&title=x&unknown=%7B%7Bcard.title%7D%7D");
    }
    for page in ["/", "/embed"] {
        let (status, _, body) = get(&app, &format!("{page}?{query}")).await;
        assert_eq!(status, 200, "{page}");
        assert!(body.len() < 96 * 1024, "{page}: {} bytes for a {}-byte query", body.len(), query.len());
    }
    let page_url: String =
        form_urlencoded::byte_serialize(format!("http://localhost:8080/?{known}").as_bytes()).collect();
    let (status, _, body) = get(&app, &format!("/oembed?url={page_url}")).await;
    assert_eq!(status, 200);
    assert!(body.len() < 32 * 1024, "oembed: {} bytes", body.len());
}

#[actix_web::test]
async fn an_over_long_free_text_parameter_is_a_400_naming_it() {
    let app = service().await;
    for (uri, parameter) in [
        (format!("/embed?title={}", "x".repeat(121)), "title"),
        (format!("/embed?caption={}", "x".repeat(401)), "caption"),
        (format!("/?sel={}", "x".repeat(81)), "sel"),
        (format!("/api/static.png?title={}", "x".repeat(121)), "title"),
    ] {
        let (status, body) = get_json(&app, &uri).await;
        assert_eq!(status, 400, "{uri}");
        assert!(body["description"].as_str().unwrap().contains(&format!("`{parameter}`")), "{body}");
    }
    let (status, _, _) = get(&app, &format!("/embed?title={}", "%D0%B6".repeat(120))).await;
    assert_eq!(status, 200, "the limit counts characters, not bytes");
}

#[actix_web::test]
async fn a_head_over_the_limits_gets_a_json_414_or_431_and_the_server_keeps_serving() {
    let app = service().await;
    let (status, headers, body) = get(&app, &format!("/api/collections?x={}", "a".repeat(17 * 1024))).await;
    assert_eq!(status, 414);
    assert_eq!(json(&body)["code"], "URITooLong");
    assert_eq!(headers.get("content-type").unwrap(), "application/json");
    let mut many = TestRequest::get().uri("/api");
    for i in 0..70 {
        many = many.insert_header((format!("x-field-{i}"), "1"));
    }
    let (status, _, body) = get_with(&app, many).await;
    assert_eq!(status, 431);
    assert_eq!(json(&body)["code"], "RequestHeaderFieldsTooLarge");
    let big = TestRequest::get().uri("/api").insert_header(("x-big", "b".repeat(33 * 1024)));
    let (status, _, body) = get_with(&app, big).await;
    assert_eq!(status, 431);
    assert!(json(&body)["description"].as_str().unwrap().contains("headers are larger than"));
    let (status, _) = get_json(&app, "/healthz").await;
    assert_eq!(status, 200);
}

fn policy(headers: &actix_web::http::header::HeaderMap) -> String {
    headers.get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

#[actix_web::test]
async fn every_page_has_a_strict_policy_and_only_the_embed_may_be_framed() {
    let app = service().await;
    for page in PAGES {
        let (status, headers, body) = get(&app, page).await;
        assert_eq!(status, 200, "{page}");
        let csp = policy(&headers);
        for directive in
            ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "object-src 'none'"]
        {
            assert!(csp.contains(directive), "{page}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{page}: {csp}");
        let frames = if page == "/embed" { "frame-ancestors *" } else { "frame-ancestors 'none'" };
        assert!(csp.ends_with(frames), "{page}: {csp}");
        assert_eq!(headers.get("x-frame-options").is_some(), page != "/embed", "{page}");
        assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(headers.get("referrer-policy").unwrap(), "strict-origin-when-cross-origin");
        // Nothing inline for the policy to block.
        let html = String::from_utf8(body).unwrap();
        assert!(!html.contains("<style") && !html.contains(" style=\""), "{page} has inline style");
        for script in html.split("<script").skip(1) {
            assert!(
                script.trim_start().starts_with("type=\"module\" src=") || script.trim_start().starts_with("src="),
                "{page}: <script{script}"
            );
        }
    }
    for resource in ["/api", "/api/collections/strikes/items", "/static/app.css", "/api/static.png?width=10&height=10"]
    {
        let (_, headers, _) = get(&app, resource).await;
        assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff", "{resource}");
        assert!(headers.get("referrer-policy").is_some(), "{resource}");
    }
}

#[actix_web::test]
async fn configured_embed_origins_are_the_only_sites_that_may_frame_the_widget() {
    let mut state = AppState::new(common::dataset(), Arc::new(Directory(geodata())));
    state.site = Site {
        embed_origins: vec!["https://news.example".into(), "https://other.example:8443".into()],
        ..Site::default()
    };
    let app = service_with(actix_web::web::Data::new(state)).await;
    let (_, headers, _) = get(&app, "/embed").await;
    assert!(policy(&headers).ends_with("frame-ancestors https://news.example https://other.example:8443"));
    let (_, headers, _) = get(&app, "/").await;
    assert!(policy(&headers).ends_with("frame-ancestors 'none'"));
}

#[actix_web::test]
async fn a_forged_host_never_reaches_links_and_an_allowed_or_public_one_does() {
    let app = service().await;
    for uri in ["/api", "/basemap/style.json", "/", "/embed", "/api/collections/strikes/items"] {
        let request = TestRequest::get().uri(uri).insert_header(("Host", "evil.example"));
        let (status, headers, body) = get_with(&app, request).await;
        assert_eq!(status, 200, "{uri}");
        let text = String::from_utf8(body).unwrap();
        assert!(!text.contains("evil.example"), "{uri} follows a forged Host");
        assert!(text.contains("http://localhost:8080/"), "{uri}: links use the bound address");
        let vary = headers.get("vary").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(!vary.contains("Host"), "{uri}: nothing depends on an untrusted Host ({vary})");
    }
    let mut configured = AppState::new(common::dataset(), Arc::new(Directory(geodata())));
    configured.site.allowed_hosts = vec!["maps.internal:8080".into()];
    let app = service_with(actix_web::web::Data::new(configured)).await;
    let (_, _, body) =
        get_with(&app, TestRequest::get().uri("/api").insert_header(("Host", "Maps.Internal:8080"))).await;
    assert!(String::from_utf8(body).unwrap().contains("http://maps.internal:8080/api/openapi.json"));
    let mut public = AppState::new(common::dataset(), Arc::new(Directory(geodata())));
    public.site.public_url = Some("https://maps.example.org".into());
    let app = service_with(actix_web::web::Data::new(public)).await;
    let (_, _, body) = get_with(&app, TestRequest::get().uri("/api").insert_header(("Host", "localhost:8080"))).await;
    assert!(String::from_utf8(body).unwrap().contains("https://maps.example.org/api/openapi.json"));
}

#[actix_web::test]
async fn a_matching_if_none_match_on_an_image_is_answered_without_rendering() {
    let state = state().await;
    let app = service_with(state.clone()).await;
    let uri = "/api/static.png?t=2025-02-01&width=64&height=48";
    let (status, headers, _) = get(&app, uri).await;
    assert_eq!(status, 200);
    let etag = headers.get("etag").unwrap().to_str().unwrap().to_owned();
    assert_eq!(state.images.held().1, 1, "rendered once and cached");
    // Another state has another tag; asking for it with this state's tag renders nothing.
    let other = "/api/static.png?t=2025-02-02&width=64&height=48";
    let (status, _, _) =
        get_with(&app, TestRequest::get().uri(other).insert_header(("If-None-Match", etag.as_str()))).await;
    assert_eq!(status, 200, "a different state is a different image");
    assert_eq!(state.images.held().1, 2);
    let fresh = AppState::new(common::dataset(), Arc::new(Directory(geodata()))).with_basemap().await;
    let fresh = actix_web::web::Data::new(fresh);
    let app = service_with(fresh.clone()).await;
    let (status, headers, body) =
        get_with(&app, TestRequest::get().uri(uri).insert_header(("If-None-Match", etag.as_str()))).await;
    assert_eq!(status, 304);
    assert!(body.is_empty());
    assert_eq!(headers.get("etag").unwrap().to_str().unwrap(), etag);
    assert_eq!(fresh.images.held(), (0, 0), "the 304 rendered nothing");
}

#[actix_web::test]
async fn images_beyond_the_render_limit_get_a_503_with_retry_after_and_others_keep_being_served() {
    let mut state = AppState::new(common::dataset(), Arc::new(Directory(geodata())));
    state.images = Images::with_limits(1, 0);
    let state = actix_web::web::Data::new(state);
    let app = service_with(state.clone()).await;
    let busy = state.images.permit().await.unwrap();
    let (status, headers, body) = get(&app, "/api/static.png?width=32&height=32").await;
    assert_eq!(status, 503);
    assert_eq!(headers.get("retry-after").unwrap(), "2");
    assert_eq!(json(&body)["code"], "ServiceUnavailable");
    let (status, _) = get_json(&app, "/api/collections/strikes/items?limit=1").await;
    assert_eq!(status, 200, "the API is not held up by images");
    drop(busy);
    let (status, _, _) = get(&app, "/api/static.png?width=32&height=32").await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn q_values_are_honoured_for_the_bundle_tiles_and_api() {
    let app = service().await;
    let with =
        |uri: &str, accept: &str| TestRequest::get().uri(uri).insert_header(("Accept-Encoding", accept.to_owned()));
    let (_, plain, original) = get(&app, "/static/maplibre-gl.mjs").await;
    assert!(plain.get("content-encoding").is_none());
    for (accept, expected) in [("br;q=0, gzip", Some("gzip")), ("br;q=0", None), ("gzip;q=0.2, br;q=0.8", Some("br"))] {
        let (status, headers, body) = get_with(&app, with("/static/maplibre-gl.mjs", accept)).await;
        assert_eq!(status, 200);
        assert_eq!(headers.get("content-encoding").map(|v| v.to_str().unwrap()), expected, "{accept}");
        let decoded = match expected {
            Some("gzip") => {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut out).unwrap();
                out
            }
            Some(_) => {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut brotli_decompressor::Decompressor::new(&body[..], 4096), &mut out)
                    .unwrap();
                out
            }
            None => body,
        };
        assert_eq!(decoded, original, "{accept}: the same file");
    }
    // Tiles are stored gzip-compressed: a client that does not take gzip gets them inflated.
    let (_, headers, plain_tile) = get(&app, "/basemap/tiles/5/19/12.mvt").await;
    assert!(headers.get("content-encoding").is_none());
    assert!(!plain_tile.starts_with(&[0x1f, 0x8b]), "an uncompressed tile");
    let (_, headers, gz_tile) = get_with(&app, with("/basemap/tiles/5/19/12.mvt", "gzip")).await;
    assert_eq!(headers.get("content-encoding").unwrap(), "gzip");
    assert!(gz_tile.starts_with(&[0x1f, 0x8b]));
    let (status, _, body) = get_with(&app, with("/basemap/tiles/5/19/12.mvt", "identity;q=0, gzip;q=0")).await;
    assert_eq!(status, 406);
    assert_eq!(json(&body)["code"], "NotAcceptable");
    let (_, headers, _) = get_with(&app, with("/api/collections/strikes/items", "br;q=0, gzip")).await;
    assert_eq!(headers.get("content-encoding").unwrap(), "gzip", "the API honours q=0 too");
}

#[actix_web::test]
async fn an_instant_matches_the_features_of_its_day_in_damascus_and_year_zero_is_refused() {
    let app = service().await;
    let items = |datetime: &str| format!("/api/collections/strikes/items?limit=1000&datetime={datetime}");
    let (_, late_evening) = get_json(&app, &items("2024-12-08T22:30:00Z")).await;
    let (_, ninth) = get_json(&app, &items("2024-12-09")).await;
    let (_, eighth) = get_json(&app, &items("2024-12-08")).await;
    assert!(!common::ids(&ninth).is_empty());
    assert_eq!(common::ids(&late_evening), common::ids(&ninth), "22:30Z on 8 Dec is 9 Dec in Damascus");
    assert_ne!(common::ids(&ninth), common::ids(&eighth), "the test tells the two days apart");
    let (_, afternoon) = get_json(&app, &items("2024-12-08T20:59:59Z")).await;
    assert_eq!(common::ids(&afternoon), common::ids(&eighth));
    for bad in ["0000-12-08", "0000-12-08T10:00:00Z", "-001", "0000/2024"] {
        let (status, body) = get_json(&app, &items(bad)).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["description"].as_str().unwrap().contains("`datetime`"), "{body}");
    }
    let (_, openapi) = get_json(&app, "/api/openapi.json").await;
    assert!(openapi.to_string().contains("Asia/Damascus"), "the rule is documented");
}

#[actix_web::test]
async fn data_files_are_served_as_loaded_even_after_the_disk_changes() {
    let dir = std::env::temp_dir().join(format!("footprint-data-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    for file in [
        "catalog.json",
        "publishers.json",
        "sites.geojson",
        "strikes.geojson",
        "events.geojson",
        "METHODOLOGY.md",
        "schema/feature.schema.json",
    ] {
        std::fs::copy(geodata().join(file), dir.join(file)).unwrap();
    }
    let dataset = Dataset::load(&Directory(dir.clone())).unwrap();
    let app = service_with(actix_web::web::Data::new(AppState::new(dataset, Arc::new(Directory(dir.clone()))))).await;
    let original = std::fs::read(dir.join("strikes.geojson")).unwrap();
    std::fs::write(dir.join("strikes.geojson"), b"{\"type\": \"FeatureCollection\", \"features\": []}").unwrap();
    std::fs::remove_file(dir.join("METHODOLOGY.md")).unwrap();
    let (status, _, body) = get(&app, "/data/strikes.geojson").await;
    assert_eq!(status, 200);
    assert_eq!(body, original, "the loaded bytes, under the loaded data's ETag");
    let (status, _, _) = get(&app, "/data/METHODOLOGY.md").await;
    assert_eq!(status, 200, "a deleted file is still what the server loaded");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[actix_web::test]
async fn a_limit_above_the_maximum_is_clamped_to_it_on_a_layer_larger_than_the_maximum() {
    use footprint::store::{Collection, MAX_LIMIT, synthetic};
    let mut dataset = common::dataset();
    let strikes = dataset.collections.iter_mut().find(|c| c.meta.id == "strikes").unwrap();
    *strikes = Arc::new(Collection::new(strikes.meta.clone(), synthetic::events(MAX_LIMIT + 50, 7)));
    let state = AppState::new(dataset, Arc::new(Directory(geodata())));
    let app = service_with(actix_web::web::Data::new(state)).await;
    let (status, body) = get_json(&app, "/api/collections/strikes/items?limit=99999").await;
    assert_eq!(status, 200);
    assert_eq!(body["numberMatched"], MAX_LIMIT + 50);
    assert_eq!(body["numberReturned"], MAX_LIMIT);
    assert_eq!(body["features"].as_array().unwrap().len(), MAX_LIMIT);
    let next = body["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").unwrap();
    assert!(next["href"].as_str().unwrap().contains(&format!("offset={MAX_LIMIT}")), "{next}");
}
