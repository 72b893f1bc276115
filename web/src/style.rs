//! The map layers Footprint adds on top of the basemap (MapLibre style JSON), coloured from [`palette`].
//!
//! Colour is never the only signal: sites also carry an icon by kind and a letter by status, and strikes located
//! only to a town or area are drawn as a wide hollow ring (the uncertainty) instead of a solid dot.

use footprint::domain::Status;
use footprint::map::palette;
use serde_json::{Value, json};

/// A MapLibre `match` expression giving each site its status's colour or letter (from [`palette`]).
fn match_status(value: impl Fn(Status) -> String, otherwise: &str) -> Value {
    let mut expr = vec![json!("match"), json!(["get", "status"])];
    for status in Status::ALL {
        expr.push(json!(status.as_str()));
        expr.push(json!(value(status)));
    }
    expr.push(json!(otherwise));
    Value::Array(expr)
}

/// The sources Footprint adds (empty until the first render); strikes are clustered.
pub fn sources() -> Value {
    let empty = json!({"type": "FeatureCollection", "features": []});
    json!({
        "fp-sites": {"type": "geojson", "data": empty},
        "fp-strikes": {"type": "geojson", "data": empty, "cluster": true, "clusterRadius": 28, "clusterMaxZoom": 7},
        "fp-events": {"type": "geojson", "data": empty},
    })
}

/// The layers Footprint adds, bottom to top. Sites are on top: a strike ring or cluster at a base stays visible
/// around the site's dot, and the base's status is never hidden. Ids start with the source id so a layer toggle can find them.
pub fn layers() -> Value {
    let font = json!(["Noto Sans Regular", "Noto Sans Arabic Regular"]);
    let (strike, event) = (palette::STRIKE.hex(), palette::EVENT.hex());
    let status_colour = match_status(|s| palette::status_colour(s).hex(), &palette::NO_STATUS.hex());
    let status_letter = match_status(|s| palette::status_letter(s).to_owned(), "");
    json!([
        {"id": "fp-events-dot", "type": "circle", "source": "fp-events",
         "paint": {"circle-radius": 6, "circle-color": event, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5}},
        {"id": "fp-events-icon", "type": "symbol", "source": "fp-events",
         "layout": {"icon-image": "town-hall", "icon-size": 0.7, "icon-allow-overlap": true, "icon-offset": [0, -16]}},
        {"id": "fp-strikes-cluster", "type": "circle", "source": "fp-strikes", "filter": ["has", "point_count"],
         "paint": {"circle-color": strike, "circle-opacity": 0.85, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5,
                   "circle-radius": ["step", ["get", "point_count"], 11, 5, 15, 15, 20]}},
        {"id": "fp-strikes-cluster-count", "type": "symbol", "source": "fp-strikes", "filter": ["has", "point_count"],
         "layout": {"text-field": ["get", "point_count_abbreviated"], "text-font": font, "text-size": 12, "text-allow-overlap": true},
         "paint": {"text-color": "#ffffff"}},
        {"id": "fp-strikes-area", "type": "circle", "source": "fp-strikes",
         "filter": ["all", ["!", ["has", "point_count"]], ["!=", ["get", "precision"], "exact"]],
         "paint": {"circle-radius": ["match", ["get", "precision"], "town", 14, "district", 11, 20],
                   "circle-color": strike, "circle-opacity": 0.12, "circle-stroke-color": strike, "circle-stroke-width": 1.5,
                   "circle-stroke-opacity": 0.8}},
        {"id": "fp-strikes-exact", "type": "circle", "source": "fp-strikes",
         "filter": ["all", ["!", ["has", "point_count"]], ["==", ["get", "precision"], "exact"]],
         "paint": {"circle-radius": 5.5, "circle-color": strike, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5}},
        {"id": "fp-strikes-pulse", "type": "circle", "source": "fp-strikes",
         "filter": ["all", ["!", ["has", "point_count"]], ["==", ["get", "new"], true]],
         "paint": {"circle-radius": 8, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": strike, "circle-stroke-width": 2,
                   "circle-stroke-opacity": 0}},
        {"id": "fp-sites-dot", "type": "circle", "source": "fp-sites",
         "paint": {"circle-radius": 11, "circle-color": status_colour, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}},
        {"id": "fp-sites-letter", "type": "symbol", "source": "fp-sites",
         "layout": {"text-field": status_letter, "text-font": font, "text-size": 11, "text-allow-overlap": true},
         "paint": {"text-color": "#ffffff"}},
        {"id": "fp-sites-icon", "type": "symbol", "source": "fp-sites",
         "layout": {"icon-image": ["match", ["get", "kind"], "naval-facility", "harbor", "airport", "airport", "air-base", "airfield", "marker"],
                    "icon-size": 0.8, "icon-allow-overlap": true, "icon-offset": [0, -22]}},
    ])
}

/// The ids of the layers drawing a source, for toggles.
pub fn layer_ids(source: &str) -> Vec<String> {
    layers()
        .as_array()
        .map(|layers| {
            layers
                .iter()
                .filter(|l| l["source"] == source)
                .filter_map(|l| l["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_are_coloured_and_lettered_by_status_from_the_palette() {
        let layers = layers();
        let dot = layers.as_array().unwrap().iter().find(|l| l["id"] == "fp-sites-dot").unwrap();
        let colours = dot["paint"]["circle-color"].to_string();
        for status in Status::ALL {
            assert!(colours.contains(&palette::status_colour(status).hex()), "{status:?}: {colours}");
        }
    }

    #[test]
    fn every_layer_draws_one_of_our_sources() {
        let sources = sources();
        for layer in layers().as_array().unwrap() {
            assert!(sources.get(layer["source"].as_str().unwrap()).is_some(), "{layer}");
        }
        assert_eq!(layer_ids("fp-sites").len(), 3);
    }
}
