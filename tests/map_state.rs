//! One map state for every surface: the map page's card, the embed, oEmbed and the static image read a URL the
//! same way (defaults, clamps) and show the same things for it. Expected values are computed here from the curated
//! GeoJSON, not with the server's own functions.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected responses")]
#![expect(clippy::panic, reason = "a test fails loudly, naming what it looked for")]

mod common;

use chrono::NaiveDate;
use common::{get, get_json, service};
use serde_json::Value;

/// The features of a curated layer file.
fn layer(name: &str) -> Vec<Value> {
    let path = format!("{}/geodata/{name}.geojson", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: Value = serde_json::from_str(&text).unwrap();
    json["features"].as_array().unwrap().clone()
}

fn date(feature: &Value, key: &str) -> Option<NaiveDate> {
    let raw = feature["properties"][key].as_str()?;
    // Starts and ends may be months or years: the first (start) or last (end) day they cover.
    match raw.len() {
        10 => NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok(),
        7 if key == "start" => NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").ok(),
        4 if key == "start" => NaiveDate::parse_from_str(&format!("{raw}-01-01"), "%Y-%m-%d").ok(),
        _ => None,
    }
}

/// The latest start of any curated feature: the day a reader should land on.
fn latest_start() -> NaiveDate {
    ["sites", "strikes", "events"].iter().flat_map(|l| layer(l)).filter_map(|f| date(&f, "start")).max().unwrap()
}

/// The `content` of a page's `<meta property="{property}">`, unescaped.
fn meta(html: &str, property: &str) -> String {
    let marker = format!("<meta property=\"{property}\" content=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {property}")) + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&")
}

async fn page<S, B>(app: &S, uri: &str) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (status, _, body) = get(app, uri).await;
    assert_eq!(status, 200, "{uri}");
    String::from_utf8(body).unwrap()
}

/// The path and query of an absolute URL the server wrote.
fn local(url: &str) -> &str {
    url.strip_prefix("http://localhost:8080").unwrap_or_else(|| panic!("{url} is not on this server"))
}

#[actix_web::test]
async fn the_map_its_card_and_its_image_open_on_the_latest_day_with_data() {
    let app = service().await;
    let last = latest_start();
    let html = page(&app, "/").await;
    let image = meta(&html, "og:image");
    assert!(image.contains(&format!("t={last}&mode=window&w=30")), "{image}");
    let english = format!("{} {} {}", last.format("%-d"), last.format("%b"), last.format("%Y"));
    assert!(meta(&html, "og:description").contains(&format!("30 days to {english}")), "{html}");
    // The image without a day is the image of that day.
    let (_, _, default) = get(&app, "/api/static.png?width=120&height=90").await;
    let (_, _, explicit) = get(&app, &format!("/api/static.png?width=120&height=90&t={last}")).await;
    assert_eq!(default, explicit);
}

#[actix_web::test]
async fn a_state_the_map_clamps_gives_a_card_and_an_image_that_work() {
    let app = service().await;
    for (query, words) in [
        ("w=400", "366 days"),
        ("w=0", "1 day to"),
        ("at=36,35,21", "30 days"),
        ("at=36,89,40&t=2031-01-01", "30 days"),
    ] {
        let html = page(&app, &format!("/?{query}")).await;
        assert!(meta(&html, "og:description").contains(words), "{query}: {}", meta(&html, "og:description"));
        let image = meta(&html, "og:image");
        let (status, headers, _) = get(&app, local(&image)).await;
        assert_eq!(status, 200, "{query}: {image}");
        assert_eq!(headers.get("content-type").unwrap(), "image/png");
        let embed = page(&app, &format!("/embed?{query}")).await;
        let (status, _, _) = get(&app, local(&meta(&embed, "og:image"))).await;
        assert_eq!(status, 200, "/embed?{query}");
    }
    // What the map ignores, the card ignores too; the image URL it writes is still valid.
    let html = page(&app, "/?mode=sideways&conf=sure&t=someday").await;
    let (status, _, _) = get(&app, local(&meta(&html, "og:image"))).await;
    assert_eq!(status, 200);
    let (status, body) = get_json(&app, "/oembed?url=http%3A%2F%2Flocalhost%3A8080%2F%3Fw%3D400").await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = get(&app, local(body["thumbnail_url"].as_str().unwrap())).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn the_card_counts_the_strikes_the_map_lists_for_its_confidence_and_layers() {
    let app = service().await;
    let day = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let strikes: Vec<Value> =
        layer("strikes").into_iter().filter(|f| date(f, "start").is_some_and(|s| s <= day)).collect();
    let high = strikes.iter().filter(|f| f["properties"]["confidence"] == "high").count();
    assert!(high < strikes.len() && high > 0, "the curated data has strikes of several confidence levels");
    for (query, expected) in [
        ("t=2025-12-31&mode=cumulative", strikes.len()),
        ("t=2025-12-31&mode=cumulative&conf=high", high),
        ("t=2025-12-31&mode=cumulative&layers=sites,events", 0),
    ] {
        let html = page(&app, &format!("/?{query}")).await;
        let description = meta(&html, "og:description");
        let count = if expected == 1 { "1 strike ".to_owned() } else { format!("{expected} strikes ") };
        assert!(description.starts_with(&count), "{query}: {description}");
    }
}

#[actix_web::test]
async fn a_confidence_filter_hides_strikes_and_events_but_no_site_in_the_image() {
    let app = service().await;
    // A day on which a located site period of less than high confidence is current.
    let day = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let uncertain = layer("sites").into_iter().filter(|f| !f["geometry"].is_null()).any(|f| {
        f["properties"]["confidence"] != "high"
            && date(&f, "start").is_some_and(|s| s <= day)
            && date(&f, "end").is_none_or(|e| e >= day)
    });
    assert!(uncertain, "the test needs a site period of medium or low confidence on {day}");
    let uri = format!("/api/static.png?t={day}&layers=sites&bbox=35.5,32.0,42.5,37.5&width=300&height=200");
    let (_, _, all) = get(&app, &uri).await;
    let (_, _, high) = get(&app, &format!("{uri}&conf=high")).await;
    assert_eq!(all, high, "sites are drawn whatever the confidence filter, as on the map");
}

#[actix_web::test]
async fn the_image_speaks_the_language_asked_for_with_its_legend_on_the_reading_side() {
    let app = service().await;
    let uri = "/api/static.png?t=2025-03-31&width=480&height=270";
    let decode = |png: &[u8]| tiny_skia::Pixmap::decode_png(png).unwrap();
    let (_, _, english) = get(&app, uri).await;
    let (_, _, arabic) = get(&app, &format!("{uri}&lang=ar")).await;
    let (_, _, russian) = get(&app, &format!("{uri}&lang=ru")).await;
    assert!(english != arabic && english != russian && arabic != russian);
    // The legend is a light box at the bottom: on the left in English, on the right in Arabic.
    let light = |png: &[u8], x0: u32| {
        let pixmap = decode(png);
        (x0..x0 + 40)
            .flat_map(|x| (200..240).map(move |y| (x, y)))
            .filter(|&(x, y)| pixmap.pixel(x, y).is_some_and(|p| p.red() > 0xf5 && p.green() > 0xf5 && p.blue() > 0xf5))
            .count()
    };
    assert!(light(&english, 10) > light(&english, 430), "English legend on the left");
    assert!(light(&arabic, 430) > light(&arabic, 10), "Arabic legend on the right");
}
