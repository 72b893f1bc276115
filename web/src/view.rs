//! What the map shows for a state: which features are visible, with the same time semantics as the API
//! (inclusive day spans that intersect), and the GeoJSON handed to MapLibre for each layer.
//!
//! Sites show the status period that contains the current day, so their colour changes as time plays. Strikes and
//! events show when their span intersects the window (window mode) or anything up to the current day (cumulative).
//! A strike whose start is the current day or the day before is marked `new` (it pulses unless motion is reduced).

use std::fmt::Write as _;

use footprint::map::{tiling, visibility};

use crate::model::{Layer, Model};
use crate::state::State;
use crate::style;

/// Positions (into the model's layers) of what is visible.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Visible {
    /// Site status periods containing the current day.
    pub sites: Vec<u32>,
    /// Strikes in the window.
    pub strikes: Vec<u32>,
    /// Events in the window.
    pub events: Vec<u32>,
}

impl Visible {
    /// The visible positions of a layer.
    pub fn of(&self, layer: Layer) -> &[u32] {
        match layer {
            Layer::Sites => &self.sites,
            Layer::Strikes => &self.strikes,
            Layer::Events => &self.events,
        }
    }
}

/// Computes what is in the state ([`visibility::in_state`], the rule the card and the image use too), regardless
/// of layer toggles, so counts stay meaningful when a layer is hidden.
pub fn visible(model: &Model, state: &State) -> Visible {
    let pick = |layer: Layer| -> Vec<u32> {
        let features = model.layer(layer);
        // Features are sorted by start: nothing that starts after the last day shown can be in the state.
        let last = visibility::last_start(layer, &state.map);
        let end = features.partition_point(|f| f.span().first <= last);
        features[..end]
            .iter()
            .enumerate()
            .filter(|(_, f)| visibility::in_state(layer, f, &state.map))
            .map(|(i, _)| i as u32)
            .collect()
    };
    Visible { sites: pick(Layer::Sites), strikes: pick(Layer::Strikes), events: pick(Layer::Events) }
}

/// The GeoJSON (as text) of the visible, located features of a layer, with the few properties the styles use:
/// `i` (position), `status`, `kind`, `precision`, `confidence`, `new`. Unlocated features are left out of the map
/// (they appear on the timeline and in lists), never placed at a made-up point.
pub fn geojson(model: &Model, visible: &Visible, layer: Layer, state: &State) -> String {
    let features = model.layer(layer);
    let mut out = String::with_capacity(64 + visible.of(layer).len() * 160);
    out.push_str(r#"{"type":"FeatureCollection","features":["#);
    let mut first = true;
    for &i in visible.of(layer) {
        let f = &features[i as usize];
        let Some(point) = f.geometry else { continue };
        if !first {
            out.push(',');
        }
        first = false;
        let p = &f.properties;
        let status = p.status.map_or("", footprint::domain::Status::as_str);
        let day = state.map.day;
        let new = layer == Layer::Strikes && day.0 - f.span().first.0 <= 1 && f.span().first <= day;
        let _ = write!(
            out,
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{},{}]}},"properties":{{"i":{i},"status":"{status}","kind":{},"precision":"{}","confidence":"{}","new":{new}}}}}"#,
            point.lon,
            point.lat,
            serde_json::Value::from(p.kind.as_ref()),
            style::precision_code(p.location_precision, p.location_unsourced),
            p.confidence.as_str(),
        );
    }
    out.push_str("]}");
    out
}

/// What the map is handed for one layer on a render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerUpdate {
    /// The layer.
    pub layer: Layer,
    /// Its MapLibre source (`fp-strikes`…).
    pub source: String,
    /// A whole layer's GeoJSON, when it differs from what the map was last handed (unchanged data is not sent
    /// again).
    pub data: Option<String>,
    /// A tiled layer's tile URL template, when it differs from the one the map has.
    pub tiles: Option<String>,
    /// A tiled layer's style filter ([`style::filter_values`]), when it differs from the one the map has.
    pub filter: Option<String>,
    /// The ids of the MapLibre layers drawing the source, comma-separated (for the layer toggle).
    pub layer_ids: String,
    /// Whether the layer is shown.
    pub shown: bool,
}

/// What the map was last handed for one layer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sent {
    /// A whole layer's GeoJSON.
    pub data: String,
    /// A tiled layer's tile URL template.
    pub tiles: String,
    /// A tiled layer's style filter.
    pub filter: String,
}

/// What to hand the map for every layer, given what it was last handed per layer (in [`Layer::ALL`] order): a
/// whole layer's visible features as GeoJSON; a tiled layer's tiles for the state's window
/// ([`tiling::tile_window`]) and the style filter that keeps exactly what the state shows of them.
pub fn map_updates(model: &Model, visible: &Visible, state: &State, sent: &[Sent; 3]) -> Vec<LayerUpdate> {
    let timeline = model.timeline_span();
    // Made once a render: every layer's toggle reads its ids from it.
    let layers = style::layers(&model.tiled);
    Layer::ALL
        .into_iter()
        .zip(sent)
        .map(|(layer, sent)| {
            let source = format!("fp-{}", layer.id());
            let (data, tiles, filter) = if model.is_tiled(layer) {
                let tiles = style::tile_url(layer, tiling::tile_window(state.map.window(), timeline));
                let filter = style::filter_values(layer, &tiling::StyleFilter::of(layer, &state.map)).to_string();
                (None, (sent.tiles != tiles).then_some(tiles), (sent.filter != filter).then_some(filter))
            } else {
                let data = geojson(model, visible, layer, state);
                ((sent.data != data).then_some(data), None, None)
            };
            LayerUpdate {
                layer,
                layer_ids: style::layer_ids_in(&layers, &source).join(","),
                source,
                data,
                tiles,
                filter,
                shown: state.map.shows(layer),
            }
        })
        .collect()
}

/// The request listing what `state` shows of a tiled layer (`/api/collections/{id}/listed`): the state's day,
/// window and confidence levels as its URL carries them, and the reader's language; the view, layer switches and
/// selection do not change the answer, so they are left out.
pub fn listed_url(layer: Layer, state: &State, lang: footprint::i18n::Lang) -> String {
    let query = state.map.to_query();
    let kept =
        form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| matches!(k.as_ref(), "t" | "mode" | "w" | "conf"));
    let query =
        form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).append_pair("lang", lang.code()).finish();
    format!("/api/collections/{}/listed?{query}", layer.id())
}

#[cfg(test)]
mod tests {
    use footprint::domain::{Day, DaySpan};

    use super::*;
    use crate::state::{Action, Mode};

    fn model() -> Model {
        crate::model::curated()
    }

    fn day(y: i32, m: u32, d: u32) -> Day {
        Day::from_ymd(y, m, d).unwrap()
    }

    fn status_of(model: &Model, v: &Visible, site: &str) -> Option<String> {
        v.sites
            .iter()
            .map(|&i| &model.sites[i as usize])
            .find(|f| f.properties.details().site_id.as_deref() == Some(site))
            .and_then(|f| f.properties.status.map(|s| s.as_str().to_owned()))
    }

    #[test]
    fn a_site_shows_the_status_of_the_current_day() {
        let m = model();
        let t = m.timeline_span();
        let mut s = State::new(t);
        s.apply(Action::Scrub(day(2024, 12, 6)), t);
        assert_eq!(status_of(&m, &visible(&m, &s), "khmeimim").as_deref(), Some("russian-operated"));
        s.apply(Action::Step(1), t);
        assert_eq!(status_of(&m, &visible(&m, &s), "khmeimim").as_deref(), Some("drawdown-reported"));
    }

    #[test]
    fn window_and_cumulative_counts_follow_the_api_semantics() {
        let m = model();
        let t = m.timeline_span();
        let mut s = State::new(t);
        s.apply(Action::Scrub(day(2025, 3, 31)), t);
        s.apply(Action::SetWindow(31), t);
        let window = visible(&m, &s);
        // What `items?datetime=2025-03-01/2025-03-31` returns: spans intersecting March 2025.
        let march = DaySpan { first: day(2025, 3, 1), last: day(2025, 3, 31) };
        let expected: Vec<u32> =
            (0..m.strikes.len() as u32).filter(|&i| m.strikes[i as usize].span().intersects(march)).collect();
        assert_eq!(window.strikes, expected);
        assert!(!expected.is_empty());
        s.apply(Action::SetMode(Mode::Cumulative), t);
        let cumulative = visible(&m, &s);
        assert!(cumulative.strikes.len() > window.strikes.len());
        assert!(cumulative.strikes.iter().all(|&i| m.strikes[i as usize].span().first <= day(2025, 3, 31)));
    }

    #[test]
    fn hiding_a_confidence_level_hides_its_features() {
        let m = model();
        let t = m.timeline_span();
        let mut s = State::new(t);
        s.apply(Action::SetMode(Mode::Cumulative), t);
        s.apply(Action::Scrub(t.last), t);
        let all = visible(&m, &s).strikes.len();
        s.apply(Action::ToggleConfidence(footprint::domain::Confidence::Low), t);
        let v = visible(&m, &s);
        assert!(v.strikes.len() < all);
        assert!(v.strikes.iter().all(|&i| m.strikes[i as usize].properties.confidence.as_str() != "low"));
    }

    #[test]
    fn a_tiled_layer_is_handed_tiles_for_its_window_and_a_filter_only_when_they_change() {
        let mut m = model();
        m.tiled = [false, true, false];
        let t = m.timeline_span();
        let mut s = State::new(t);
        s.apply(Action::Scrub(day(2025, 3, 31)), t);
        let v = visible(&m, &s);
        let first = map_updates(&m, &v, &s, &Default::default());
        let strikes = &first[1];
        assert!(strikes.data.is_none(), "no GeoJSON for a tiled layer");
        let tiles = strikes.tiles.clone().unwrap();
        let window = tiling::tile_window(s.map.window(), t);
        assert!(tiles.contains(&format!("datetime={}", tiling::datetime(window))), "{tiles}");
        assert!(tiles.starts_with("/api/collections/strikes/tiles/{z}/{x}/{y}.mvt?"), "{tiles}");
        let filter: serde_json::Value = serde_json::from_str(strikes.filter.as_deref().unwrap()).unwrap();
        assert_eq!(filter["strikes"]["last"], day(2025, 3, 31).0);
        assert_eq!(filter["strikes"]["first"], s.map.window().first.0);
        assert!(first[0].data.is_some() && first[0].tiles.is_none(), "sites stay whole");
        let sent: [Sent; 3] = std::array::from_fn(|i| Sent {
            data: first[i].data.clone().unwrap_or_default(),
            tiles: first[i].tiles.clone().unwrap_or_default(),
            filter: first[i].filter.clone().unwrap_or_default(),
        });
        // A step forward keeps the tiles (within the block) and changes the filter.
        s.apply(Action::Step(1), t);
        let next = map_updates(&m, &visible(&m, &s), &s, &sent);
        assert!(next[1].filter.is_some());
        assert_eq!(next[1].tiles.is_some(), tiling::tile_window(s.map.window(), t) != window);
        let url = listed_url(Layer::Strikes, &s, footprint::i18n::Lang::Ar);
        assert_eq!(url, "/api/collections/strikes/listed?t=2025-04-01&mode=window&w=30&lang=ar");
    }

    #[test]
    fn the_map_is_handed_only_data_that_changed() {
        let m = model();
        let t = m.timeline_span();
        let mut s = State::new(t);
        let v = visible(&m, &s);
        let first = map_updates(&m, &v, &s, &Default::default());
        assert_eq!(
            first.iter().map(|u| u.source.as_str()).collect::<Vec<_>>(),
            ["fp-sites", "fp-strikes", "fp-events"]
        );
        assert!(first.iter().all(|u| u.data.is_some() && u.shown));
        assert_eq!(first[0].layer_ids, style::layer_ids_in(&style::layers(&m.tiled), "fp-sites").join(","));
        let sent: [Sent; 3] =
            std::array::from_fn(|i| Sent { data: first[i].data.clone().unwrap_or_default(), ..Sent::default() });
        s.apply(Action::ToggleLayer(Layer::Events), t);
        let again = map_updates(&m, &v, &s, &sent);
        assert!(again.iter().all(|u| u.data.is_none()), "nothing changed: nothing is sent again");
        assert_eq!(again.iter().map(|u| u.shown).collect::<Vec<_>>(), [true, true, false], "visibility is always set");
    }

    #[test]
    fn the_map_geojson_leaves_out_unlocated_features_and_marks_new_strikes() {
        let m = model();
        let t = m.timeline_span();
        let mut s = State::new(t);
        s.apply(Action::Scrub(day(2024, 12, 8)), t);
        let v = visible(&m, &s);
        let json: serde_json::Value = serde_json::from_str(&geojson(&m, &v, Layer::Strikes, &s)).unwrap();
        let features = json["features"].as_array().unwrap();
        let located = v.strikes.iter().filter(|&&i| m.strikes[i as usize].geometry.is_some()).count();
        assert_eq!(features.len(), located);
        assert!(features.iter().any(|f| f["properties"]["new"] == true));
        let sites: serde_json::Value = serde_json::from_str(&geojson(&m, &v, Layer::Sites, &s)).unwrap();
        assert!(sites["features"].as_array().unwrap().iter().all(|f| f["properties"]["status"] != ""));
    }
}
