//! The map layers Footprint adds on top of the basemap (MapLibre style JSON), coloured from [`palette`].
//!
//! Colour is never the only signal: sites also carry an icon by kind and a letter by status, and strikes located
//! only to a town or area are drawn as a wide hollow ring (the uncertainty) instead of a solid dot.
//!
//! A layer loaded whole is a GeoJSON source the app fills with what the state shows. A tiled layer
//! ([`footprint::map::tiling`]) is a vector source of the collection's tiles for a coarse window, and its map
//! layers keep, by filter, what the state shows: [`tiling::StyleFilter`] as global-state values
//! ([`filter_values`]), compared by [`window_filter`].

use footprint::domain::{Day, DaySpan, LocationPrecision, Status};
use footprint::map::state::Layer;
use footprint::map::{palette, tiling};
use serde_json::{Value, json};

/// The properties a tiled layer's tiles are asked for: what the style filters and draws on, nothing more.
const TILE_PROPERTIES: &str = "start_day,end_day,confidence,location_precision,location_unsourced,status,kind";

/// A short, stable code for a location precision, used by the map styles. An unsourced estimate is never drawn
/// as an exact point, whatever place it stands for.
pub fn precision_code(p: LocationPrecision, unsourced: bool) -> &'static str {
    if unsourced {
        return "approx";
    }
    match p {
        LocationPrecision::ExactFacility => "exact",
        LocationPrecision::Town => "town",
        LocationPrecision::District => "district",
        LocationPrecision::Governorate | LocationPrecision::Region => "area",
        LocationPrecision::Unknown => "unknown",
    }
}

/// The precision code of a tile's feature, as a style expression: [`precision_code`] over its
/// `location_precision` and `location_unsourced`.
fn precision_expression() -> Value {
    let mut by_precision = vec![json!("match"), json!(["get", "location_precision"])];
    for p in LocationPrecision::ALL {
        by_precision.push(json!(p.as_str()));
        by_precision.push(json!(precision_code(p, false)));
    }
    by_precision.push(json!("unknown"));
    json!([
        "case",
        ["to-boolean", ["get", "location_unsourced"]],
        precision_code(LocationPrecision::ExactFacility, true),
        by_precision
    ])
}

/// The URL template of a tiled layer's tiles for the days `span`.
pub fn tile_url(layer: Layer, span: DaySpan) -> String {
    format!(
        "/api/collections/{}/tiles/{{z}}/{{x}}/{{y}}.mvt?datetime={}&properties={TILE_PROPERTIES}",
        layer.id(),
        tiling::datetime(span)
    )
}

/// A tiled layer's style filter as the global-state value [`window_filter`] reads: one object under the layer's id
/// (`{"first": day, "last": day, "high": bool, …}`), so a step is one change of the map's state.
pub fn filter_values(layer: Layer, filter: &tiling::StyleFilter) -> Value {
    let mut values = serde_json::Map::new();
    values.insert("first".to_owned(), json!(filter.first.0));
    values.insert("last".to_owned(), json!(filter.last.0));
    for confidence in footprint::domain::Confidence::ALL {
        values.insert(confidence.as_str().to_owned(), json!(filter.confidence.contains(&confidence)));
    }
    json!({ layer.id(): values })
}

/// The filter expression keeping what a tiled layer's state shows ([`tiling::StyleFilter::keeps`]): a start on or
/// before the last day, an end (open: the latest day there is) on or after the first, a confidence kept.
fn window_filter(layer: Layer) -> Value {
    let state = json!(["object", ["global-state", layer.id()]]);
    let number = |what: &str| json!(["to-number", ["get", what, state]]);
    let mut confidence = vec![json!("match"), json!(["get", "confidence"])];
    for level in footprint::domain::Confidence::ALL {
        confidence.push(json!(level.as_str()));
        confidence.push(json!(["to-boolean", ["get", level.as_str(), state]]));
    }
    confidence.push(json!(false));
    json!([
        "all",
        ["<=", ["to-number", ["get", "start_day"]], number("last")],
        [">=", ["to-number", ["coalesce", ["get", "end_day"], Day::MAX.0]], number("first")],
        confidence
    ])
}

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

/// The sources Footprint adds: a whole layer's is empty until the first render (strikes are clustered); a tiled
/// layer's asks for `tiles` (its URL template for the first state), up to zoom 14, overzoomed
/// beyond.
pub fn sources(tiled: &[bool; 3], tiles: &[String; 3]) -> Value {
    let empty = json!({"type": "FeatureCollection", "features": []});
    let mut sources = json!({
        "fp-sites": {"type": "geojson", "data": empty},
        "fp-strikes": {"type": "geojson", "data": empty, "cluster": true, "clusterRadius": 28, "clusterMaxZoom": 7},
        "fp-events": {"type": "geojson", "data": empty},
    });
    for layer in Layer::ALL.into_iter().filter(|l| tiled[l.index()]) {
        sources[format!("fp-{}", layer.id())] =
            json!({"type": "vector", "tiles": [tiles[layer.index()]], "minzoom": 0, "maxzoom": 14});
    }
    sources
}

/// The layers Footprint adds, bottom to top. Sites are on top: a strike ring or cluster at a base stays visible
/// around the site's dot, and the base's status is never hidden. Ids start with the source id so a layer toggle can
/// find them. A tiled layer's layers read its tiles' features, filtered to the state ([`tiled_layers`]).
pub fn layers(tiled: &[bool; 3]) -> Value {
    let Value::Array(whole) = whole_layers() else { return Value::Array(Vec::new()) };
    let mut all = Vec::new();
    // Bottom to top, as the whole layers are listed: events, strikes, sites.
    for layer in [Layer::Events, Layer::Strikes, Layer::Sites] {
        let source = format!("fp-{}", layer.id());
        if tiled[layer.index()] {
            all.extend(tiled_layers(layer));
        } else {
            all.extend(whole.iter().filter(|l| l["source"] == source.as_str()).cloned());
        }
    }
    Value::Array(all)
}

/// A tiled layer's map layer: one circle layer (one pass of the map's worker over a tile's features when the
/// window moves), drawing a feature placed exactly as a solid dot and one placed to an area as a wide, faint ring
/// (as the whole layers do), small at country scale where thousands share the view; a site in its status colour.
fn tiled_layers(layer: Layer) -> Vec<Value> {
    let source = format!("fp-{}", layer.id());
    let precision = precision_expression();
    let colour = match layer {
        Layer::Strikes => json!(palette::STRIKE.hex()),
        Layer::Events => json!(palette::EVENT.hex()),
        Layer::Sites => match_status(|s| palette::status_colour(s).hex(), &palette::NO_STATUS.hex()),
    };
    let exact = |yes: Value, no: Value| json!(["case", ["==", precision, "exact"], yes, no]);
    let radius_at_9 = json!(["match", precision, "exact", 5.5, "town", 14, "district", 11, 20]);
    let radius = json!(["interpolate", ["linear"], ["zoom"], 5, exact(json!(2), json!(3)), 9, radius_at_9]);
    let stroke = json!(["interpolate", ["linear"], ["zoom"], 5, 0.5, 9, 1.5]);
    vec![json!({"id": format!("{source}-point"), "type": "circle", "source": source, "source-layer": layer.id(),
        "filter": window_filter(layer),
        "paint": {"circle-radius": radius, "circle-color": colour.clone(),
                  "circle-opacity": exact(json!(1), json!(0.12)),
                  "circle-stroke-color": exact(json!("#ffffff"), colour), "circle-stroke-width": stroke,
                  "circle-stroke-opacity": exact(json!(1), json!(0.8))}})]
}

/// The layers of the layers loaded whole.
fn whole_layers() -> Value {
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

/// The ids of the layers among `layers` (as [`layers`] makes them) drawing a source, for toggles.
pub fn layer_ids_in(layers: &Value, source: &str) -> Vec<String> {
    layers
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
        let layers = layers(&[false; 3]);
        let dot = layers.as_array().unwrap().iter().find(|l| l["id"] == "fp-sites-dot").unwrap();
        let colours = dot["paint"]["circle-color"].to_string();
        for status in Status::ALL {
            assert!(colours.contains(&palette::status_colour(status).hex()), "{status:?}: {colours}");
        }
    }

    #[test]
    fn every_layer_draws_one_of_our_sources() {
        for tiled in [[false; 3], [false, true, false], [true; 3]] {
            let sources = sources(&tiled, &Default::default());
            for layer in layers(&tiled).as_array().unwrap() {
                let source = &sources[layer["source"].as_str().unwrap()];
                let layer_of = Layer::from_id(layer["source"].as_str().unwrap().trim_start_matches("fp-")).unwrap();
                assert_eq!(source["type"], if tiled[layer_of.index()] { "vector" } else { "geojson" });
                assert_eq!(layer.get("source-layer").is_some(), source["type"] == "vector", "{layer}");
            }
            assert_eq!(layer_ids_in(&layers(&tiled), "fp-sites").len(), if tiled[0] { 1 } else { 3 });
            let ids: Vec<_> = layers(&tiled).as_array().unwrap().iter().map(|l| l["source"].clone()).collect();
            assert_eq!(ids.last().unwrap(), "fp-sites", "sites are drawn on top");
        }
    }
}
