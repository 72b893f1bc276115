//! The web map's server side at scale, through the production route table, on a layer of real-shaped strikes
//! larger than the map loads whole: the page tells the app to draw it from tiles (and preloads only the small
//! layers), and `/listed` counts and lists what a map state shows exactly as the items API finds it.

#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected responses")]

mod common;

use std::collections::BTreeSet;

use common::{get, get_json, ids, service_over, with_generated_strikes};
use footprint::domain::DaySpan;
use footprint::map::state::MapState;
use footprint::map::tiling::{self, TILED_ABOVE};

/// The features the items API returns for `datetime` (and `extra` filters), every page.
async fn items<S, B>(app: &S, datetime: &str, extra: &str) -> Vec<serde_json::Value>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut all = Vec::new();
    loop {
        let uri = format!("/api/collections/strikes/items?datetime={datetime}{extra}&limit=1000&offset={}", all.len());
        let (status, page) = get_json(app, &uri).await;
        assert_eq!(status, 200, "{uri}: {page}");
        let features = page["features"].as_array().unwrap();
        if features.is_empty() {
            return all;
        }
        all.extend(features.iter().cloned());
    }
}

#[actix_web::test]
async fn a_page_draws_a_large_layer_from_tiles_and_preloads_only_the_small_ones() {
    let large = service_over(with_generated_strikes(TILED_ABOVE + 1_000)).await;
    let curated = service_over(common::dataset()).await;
    for (app, tiled) in [(&large, "strikes"), (&curated, "")] {
        for page in ["/", "/embed"] {
            let (status, _, body) = get(app, page).await;
            assert_eq!(status, 200);
            let html = String::from_utf8(body).unwrap();
            assert!(html.contains(&format!(r#"data-tiled="{tiled}""#)), "{page}: tiled {tiled:?}");
            assert!(html.contains(r#"data-timeline="2024-12-01/"#), "{page}: the timeline's days");
        }
        let (_, _, body) = get(app, "/").await;
        let html = String::from_utf8(body).unwrap();
        for layer in ["sites", "strikes", "events"] {
            let preload = format!(r#"<link rel="preload" href="/api/collections/{layer}/download?f=geojson""#);
            assert_eq!(html.contains(&preload), layer != tiled, "{layer} is preloaded only when loaded whole");
        }
    }
}

#[actix_web::test]
async fn listed_counts_and_lists_what_a_map_state_shows_as_the_items_api_finds_it() {
    let app = service_over(with_generated_strikes(TILED_ABOVE + 1_000)).await;
    let (_, _, body) = get(&app, "/").await;
    let html = String::from_utf8(body).unwrap();
    let span = html.split(r#"data-timeline=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    let (first, last) = span.split_once('/').unwrap();
    let day = |s: &str| {
        footprint::domain::Day::from_ymd(s[..4].parse().unwrap(), s[5..7].parse().unwrap(), s[8..10].parse().unwrap())
            .unwrap()
    };
    let timeline = DaySpan { first: day(first), last: day(last) };
    let mut compared = 0;
    for query in
        ["", "t=2025-03-31&w=7", "t=2025-06-15&w=90", "t=2025-02-01&mode=cumulative", "t=2025-09-30&w=30&conf=high"]
    {
        let (status, listed) = get_json(&app, &format!("/api/collections/strikes/listed?{query}")).await;
        assert_eq!(status, 200, "{query}: {listed}");
        let state = MapState::parse(query, timeline).state;
        let window = tiling::datetime(state.window());
        let extra = if query.contains("conf=high") { "&confidence=high" } else { "" };
        let found = items(&app, &window, extra).await;
        assert_eq!(listed["numberMatched"], found.len(), "{query}");
        let unlocated = found.iter().filter(|f| f["geometry"].is_null()).count();
        assert_eq!(listed["numberUnlocated"], unlocated, "{query}");
        // The latest hundred, in the items API's order (by start day, then id).
        let latest: Vec<String> =
            found.iter().rev().take(100).rev().map(|f| f["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(ids(&listed), latest, "{query}");
        assert_eq!(listed["numberReturned"], latest.len());
        assert!(listed["features"][0]["properties"]["sources"].is_array(), "whole features, to list and to open");
        compared += found.len();
    }
    assert!(compared > 1_000, "the states showed features to compare: {compared}");
    let distinct: BTreeSet<_> =
        ids(&get_json(&app, "/api/collections/strikes/listed?t=2025-03-31").await.1).into_iter().collect();
    assert_eq!(distinct.len(), 100);
}

#[actix_web::test]
async fn listed_names_the_parameter_it_cannot_use_and_the_server_goes_on() {
    let app = service_over(common::dataset()).await;
    for (uri, status, named) in [
        ("/api/collections/strikes/listed?w=soon", 400, "`w`"),
        ("/api/collections/strikes/listed?conf=certain", 400, "`conf`"),
        ("/api/collections/strikes/listed?bbox=1,2,3,4", 400, "`bbox`"),
        ("/api/collections/strikes/listed?lang=xx", 400, "`lang`"),
        ("/api/collections/nowhere/listed", 404, "nowhere"),
    ] {
        let (got, body) = get_json(&app, uri).await;
        assert_eq!(got, status, "{uri}: {body}");
        assert!(body["description"].as_str().unwrap().contains(named), "{uri}: {body}");
    }
    let (status, listed) = get_json(&app, "/api/collections/strikes/listed?t=2025-12-31&mode=cumulative").await;
    assert_eq!(status, 200);
    assert!(listed["numberMatched"].as_u64().unwrap() > 0, "{listed}");
}
