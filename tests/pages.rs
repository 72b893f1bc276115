//! Pages and media against the production route table: the downloads page, the web map's bundle, the offline
//! basemap, static images, oEmbed, cards, and pages in the reader's language.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected responses")]

mod common;

use std::collections::BTreeSet;
use std::io::Read as _;

use actix_web::test::TestRequest;
use common::{get, get_json, get_with, service};
use footprint::map::palette::Colour;
use serde_json::Value;

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
    assert!(!html.contains("footprint_editor"), "the reader's page does not load the editor's bundle");
    for (path, media) in [
        ("/static/footprint_web.js", "text/javascript"),
        ("/static/footprint_web_bg.wasm", "application/wasm"),
        ("/static/footprint_editor.js", "text/javascript"),
        ("/static/footprint_editor_bg.wasm", "application/wasm"),
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
    assert!(html.contains("<img id=\"static-map\" class=\"static-map\" src=\"http://localhost:8080/api/static.png?t=2025-03-31&amp;mode=window&amp;w=30&amp;speed=1&amp;at=38.3000%2C35.0000%2C5.60&amp;lang=en&amp;width=800&amp;height=450\""));
    assert!(html.contains("href=\"http://localhost:8080/?t=2025-03-31&amp;w=30\""), "view full map carries the state");
    assert!(html.contains("<script src=\"/static/embed-height.js\"></script>"), "the height messenger is loaded");
}

#[actix_web::test]
async fn the_embed_first_paints_its_image_and_timeline_and_loads_the_live_map_only_from_its_boot_script() {
    let app = service().await;
    let (status, headers, body) = get(&app, "/embed?t=2025-03-31&w=30").await;
    assert_eq!(status, 200);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<script type=\"module\" src=\"/static/embed-boot.js\"></script>"));
    for heavy in ["maplibre-gl.mjs", "maplibre-gl.css", ".wasm", "main.js", "footprint_web.js", "bridge.js"] {
        assert!(!html.contains(heavy), "the first paint names no {heavy}");
    }
    assert!(html.contains("<button id=\"go-live\" class=\"go-live\" type=\"button\">Explore the map</button>"));
    assert!(html.contains("data-loading=\"Loading"), "the status says loading only once the map loads");
    // The timeline shows the state's day where the app will put it: 2025-03-31 is day 20,178, the timeline starts
    // on 1 Dec 2024 (day 20,058).
    assert!(html.contains("max=\"") && html.contains("value=\"120\""), "the slider is at the state's day");
    assert!(html.contains(">31 Mar 2025</output>"), "the date is written");
    assert!(html.contains("data-save-data=\"off\""));
    let vary: Vec<&str> = headers.get_all("vary").filter_map(|v| v.to_str().ok()).collect();
    assert!(vary.iter().any(|v| v.contains("Save-Data")), "{vary:?}");

    let request = TestRequest::get().uri("/embed?t=2025-03-31&w=30").insert_header(("Save-Data", "on"));
    let (_, saving, body) = get_with(&app, request).await;
    assert!(String::from_utf8(body).unwrap().contains("data-save-data=\"on\""), "Save-Data keeps the image");
    assert_ne!(saving.get("etag"), headers.get("etag"), "the two variants are tagged apart");
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
