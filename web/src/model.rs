//! The data the map shows: the three layers as the API serves them, parsed into the domain's features.

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
        let parse_error = |e: serde_json::Error| ModelError::Parse { layer: layer.id(), message: e.to_string() };
        let collection: Collection = serde_json::from_str(json).map_err(parse_error)?;
        let mut features = Vec::with_capacity(collection.features.len());
        for mut value in collection.features {
            if let Some(object) = value.as_object_mut() {
                object.remove("time");
                object.remove("links");
                if let Some(properties) = object.get_mut("properties").and_then(serde_json::Value::as_object_mut) {
                    properties.remove("title");
                    properties.remove("title_lang");
                }
            }
            features.push(serde_json::from_value::<Feature>(value).map_err(parse_error)?);
        }
        features.sort_by(|a, b| a.properties.start.cmp(&b.properties.start).then_with(|| a.id.cmp(&b.id)));
        match layer {
            Layer::Sites => self.sites = features,
            Layer::Strikes => self.strikes = features,
            Layer::Events => self.events = features,
        }
        Ok(())
    }

    /// The feature of `layer` with this id.
    pub fn find(&self, layer: Layer, id: &str) -> Option<&Feature> {
        self.layer(layer).iter().find(|f| f.id == id)
    }

    /// The days the timeline covers, by the rule the server uses too ([`footprint::map::state::timeline_span`]):
    /// its last day, the latest start in any layer, is where a reader lands.
    pub fn timeline_span(&self) -> DaySpan {
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
