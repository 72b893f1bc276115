//! The data the map shows: the three layers as the API serves them, parsed into the domain's features.
//!
//! A layer small enough is loaded whole. A larger one is drawn from vector tiles ([`footprint::map::tiling`]); the
//! model then holds only what the server lists of it for the current state (`/api/collections/{id}/listed`: the
//! latest features and how many there are), and the features a reader opened on their own.

use footprint::domain::{DaySpan, Feature};
use serde::Deserialize;

pub use footprint::map::state::Layer;

/// Why a layer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The response is not a GeoJSON feature collection of Footprint features.
    #[error("{layer}: {message}")]
    Parse {
        /// The layer.
        layer: &'static str,
        /// What went wrong.
        message: String,
    },
}

#[derive(Deserialize)]
struct Collection {
    features: Vec<serde_json::Value>,
    #[serde(rename = "numberMatched")]
    matched: Option<u64>,
    #[serde(rename = "numberUnlocated")]
    unlocated: Option<u64>,
}

/// How many features of a tiled layer the state the server was last asked about shows, and how many of those have
/// no place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Shown.
    pub matched: u64,
    /// Shown without a place.
    pub unlocated: u64,
}

/// The three layers, each sorted by start date (as the API returns them).
#[derive(Debug, Default)]
pub struct Model {
    /// Site status periods.
    pub sites: Vec<Feature>,
    /// Strikes.
    pub strikes: Vec<Feature>,
    /// Events.
    pub events: Vec<Feature>,
    /// Which layers are drawn from tiles, in [`Layer::ALL`] order: their features here are those listed for the
    /// state, and [`Model::totals`] counts them all.
    pub tiled: [bool; 3],
    /// A tiled layer's counts for the state it was last listed for.
    pub totals: [Option<Totals>; 3],
    /// Features of tiled layers fetched on their own (opened from the map or a link).
    pub opened: Vec<(Layer, Feature)>,
    /// The timeline's days as the page gives them (the server's rule over every feature).
    pub timeline: Option<DaySpan>,
}

/// The error of a layer's JSON that does not parse.
fn parse_error(layer: Layer) -> impl Fn(serde_json::Error) -> ModelError + Copy {
    move |e| ModelError::Parse { layer: layer.id(), message: e.to_string() }
}

/// A feature from the API's GeoJSON (the JSON-FG `time` member, links and titles dropped: the app derives them).
fn feature_of(mut value: serde_json::Value) -> Result<Feature, serde_json::Error> {
    if let Some(object) = value.as_object_mut() {
        object.remove("time");
        object.remove("links");
        if let Some(properties) = object.get_mut("properties").and_then(serde_json::Value::as_object_mut) {
            properties.remove("title");
            properties.remove("title_lang");
        }
    }
    serde_json::from_value(value)
}

impl Model {
    /// The features of one layer.
    pub fn layer(&self, layer: Layer) -> &[Feature] {
        match layer {
            Layer::Sites => &self.sites,
            Layer::Strikes => &self.strikes,
            Layer::Events => &self.events,
        }
    }

    /// Parses a layer from the API's GeoJSON (the JSON-FG `time` member is dropped: it is derived from start/end).
    pub fn set_layer(&mut self, layer: Layer, json: &str) -> Result<(), ModelError> {
        let parse_error = parse_error(layer);
        let collection: Collection = serde_json::from_str(json).map_err(parse_error)?;
        if let (Some(matched), Some(unlocated)) = (collection.matched, collection.unlocated) {
            self.totals[layer.index()] = Some(Totals { matched, unlocated });
        }
        let mut features = Vec::with_capacity(collection.features.len());
        for value in collection.features {
            features.push(feature_of(value).map_err(parse_error)?);
        }
        features.sort_by(|a, b| a.properties.start.cmp(&b.properties.start).then_with(|| a.id.cmp(&b.id)));
        match layer {
            Layer::Sites => self.sites = features,
            Layer::Strikes => self.strikes = features,
            Layer::Events => self.events = features,
        }
        Ok(())
    }

    /// Keeps a feature of a tiled layer fetched on its own (`items/{id}`), so it can be opened.
    pub fn add_opened(&mut self, layer: Layer, json: &str) -> Result<(), ModelError> {
        let parse_error = parse_error(layer);
        let feature = feature_of(serde_json::from_str(json).map_err(parse_error)?).map_err(parse_error)?;
        self.keep_opened(layer, feature);
        Ok(())
    }

    /// Keeps `feature` with the opened ones, in place of an earlier copy.
    fn keep_opened(&mut self, layer: Layer, feature: Feature) {
        self.opened.retain(|(l, f)| !(*l == layer && f.id == feature.id));
        self.opened.push((layer, feature));
    }

    /// Opens, from the items a click's area holds (the API's GeoJSON), the feature of a tiled layer the state
    /// shows ([`footprint::map::visibility::in_state`]) that lies nearest the click: it is kept with the opened
    /// ones and its id returned (`None` when the state shows none of them).
    pub fn open_nearest(
        &mut self,
        layer: Layer,
        json: &str,
        state: &footprint::map::state::MapState,
        (lon, lat): (f64, f64),
    ) -> Result<Option<String>, ModelError> {
        let parse_error = parse_error(layer);
        let collection: Collection = serde_json::from_str(json).map_err(parse_error)?;
        let mut nearest: Option<(f64, Feature)> = None;
        for value in collection.features {
            let feature = feature_of(value).map_err(parse_error)?;
            let Some(point) = feature.geometry else { continue };
            if !footprint::map::visibility::in_state(layer, &feature, state) {
                continue;
            }
            let distance = (point.lon - lon).powi(2) + (point.lat - lat).powi(2);
            if nearest.as_ref().is_none_or(|(d, _)| distance < *d) {
                nearest = Some((distance, feature));
            }
        }
        let Some((_, feature)) = nearest else { return Ok(None) };
        let id = feature.id.to_string();
        self.keep_opened(layer, feature);
        Ok(Some(id))
    }

    /// Whether `layer` is drawn from tiles.
    pub fn is_tiled(&self, layer: Layer) -> bool {
        self.tiled[layer.index()]
    }

    /// The feature of `layer` with this id (among those loaded, listed or opened).
    pub fn find(&self, layer: Layer, id: &str) -> Option<&Feature> {
        self.layer(layer)
            .iter()
            .find(|f| f.id == id)
            .or_else(|| self.opened.iter().find(|(l, f)| *l == layer && f.id == id).map(|(_, f)| f))
    }

    /// Whether the counts of `layer` are known: a tiled layer's are not until the server's first listing arrives.
    pub fn is_counted(&self, layer: Layer) -> bool {
        !self.is_tiled(layer) || self.totals[layer.index()].is_some()
    }

    /// How many features of `layer` the state shows, of which `visible` are those in the model: a tiled layer's
    /// count is the server's.
    pub fn count(&self, layer: Layer, visible: &[u32]) -> u64 {
        match self.totals[layer.index()] {
            Some(totals) if self.is_tiled(layer) => totals.matched,
            _ => visible.len() as u64,
        }
    }

    /// How many of them have no place.
    pub fn unlocated(&self, layer: Layer, visible: &[u32]) -> u64 {
        match self.totals[layer.index()] {
            Some(totals) if self.is_tiled(layer) => totals.unlocated,
            _ => visible.iter().filter(|&&i| self.layer(layer)[i as usize].geometry.is_none()).count() as u64,
        }
    }

    /// The days the timeline covers: as the page gives them, else by the rule the server uses too
    /// ([`footprint::map::state::timeline_span`]): its last day, the latest start in any layer, is where a reader
    /// lands.
    pub fn timeline_span(&self) -> DaySpan {
        if let Some(timeline) = self.timeline {
            return timeline;
        }
        let first_strike = self.strikes.first().map(|f| f.span().first);
        let latest_start = Layer::ALL.iter().flat_map(|&l| self.layer(l)).map(|f| f.span().first).max();
        footprint::map::state::timeline_span(first_strike, latest_start)
    }
}

/// The curated layers from `geodata/`, for the crate's tests.
#[cfg(test)]
pub(crate) fn curated() -> Model {
    let mut m = Model::default();
    for (layer, json) in [
        (Layer::Sites, include_str!("../../geodata/sites.geojson")),
        (Layer::Strikes, include_str!("../../geodata/strikes.geojson")),
        (Layer::Events, include_str!("../../geodata/events.geojson")),
    ] {
        m.set_layer(layer, json).unwrap_or_else(|e| panic!("{e}"));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiled_layer_is_counted_by_the_servers_totals_and_opened_features_can_be_found() {
        let curated = curated();
        let listed: Vec<serde_json::Value> =
            curated.strikes.iter().rev().take(3).map(|f| serde_json::to_value(f).unwrap()).collect();
        let json = serde_json::json!({"type": "FeatureCollection", "features": listed, "numberMatched": 4_000,
            "numberUnlocated": 12, "numberReturned": 3});
        let mut m = Model { tiled: [false, true, false], ..Model::default() };
        assert!(!m.is_counted(Layer::Strikes) && m.is_counted(Layer::Events), "not counted until listed");
        m.set_layer(Layer::Strikes, &json.to_string()).unwrap();
        assert_eq!(m.strikes.len(), 3);
        assert!(m.is_counted(Layer::Strikes));
        assert_eq!((m.count(Layer::Strikes, &[0, 1, 2]), m.unlocated(Layer::Strikes, &[0, 1, 2])), (4_000, 12));
        let first = &curated.strikes[0];
        assert!(m.find(Layer::Strikes, &first.id).is_none());
        m.add_opened(Layer::Strikes, &serde_json::to_string(first).unwrap()).unwrap();
        assert_eq!(m.find(Layer::Strikes, &first.id).map(|f| &f.id), Some(&first.id));
        assert!(m.find(Layer::Events, &first.id).is_none(), "opened under its own layer");
        // A click opens the nearest feature the state shows.
        let state = footprint::map::state::MapState::parse("t=2025-12-31&mode=cumulative", whole_timeline()).state;
        let located: Vec<&Feature> = curated.strikes.iter().filter(|f| f.geometry.is_some()).take(5).collect();
        let items = serde_json::json!({"type": "FeatureCollection", "features": located});
        let target = located[2].geometry.unwrap();
        let opened = m.open_nearest(Layer::Strikes, &items.to_string(), &state, (target.lon, target.lat)).unwrap();
        assert_eq!(opened.as_deref(), Some(located[2].id.as_str()));
        assert!(m.find(Layer::Strikes, &located[2].id).is_some());
        let before = footprint::map::state::MapState::parse("t=2024-12-01&w=1", whole_timeline()).state;
        let none = m.open_nearest(Layer::Strikes, &items.to_string(), &before, (target.lon, target.lat)).unwrap();
        assert_eq!(none, None, "nothing the state does not show is opened");
        // A layer loaded whole counts what is visible.
        let whole = curated;
        assert_eq!(whole.count(Layer::Strikes, &[0, 1]), 2);
    }

    fn whole_timeline() -> DaySpan {
        curated().timeline_span()
    }
}
