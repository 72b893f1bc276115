//! What a map state shows: one rule for the web map, its text view, the card and oEmbed title, and the static
//! image, with the same time semantics as the API (inclusive day spans that intersect).
//!
//! - A site shows the status period that contains the current day, whatever its confidence: a base does not vanish
//!   from the map because one period's status rests on a single source (its confidence is shown with it).
//! - A strike or an event shows when its span intersects the window (or anything up to the day, in cumulative
//!   mode) and its confidence level is shown.
//! - A hidden layer shows nothing; an unlocated feature is listed but never drawn.

use crate::domain::{Confidence, DaySpan, Feature};

use super::state::{Layer, MapState};

/// Whether a feature of `layer` belongs to what `state` shows, the layer switch aside (so counts stay meaningful
/// while a layer is hidden).
pub fn in_state(layer: Layer, feature: &Feature, state: &MapState) -> bool {
    in_state_by(layer, feature.span(), feature.properties.confidence, state)
}

/// [`in_state`] from what it reads of a feature: its days and its confidence (so the store can answer it from its
/// columns, without the feature).
pub fn in_state_by(layer: Layer, span: DaySpan, confidence: Confidence, state: &MapState) -> bool {
    match layer {
        Layer::Sites => span.intersects(DaySpan { first: state.day, last: state.day }),
        Layer::Strikes | Layer::Events => span.intersects(state.window()) && state.shows_confidence(confidence),
    }
}

/// Whether a feature is listed for `state`: its layer is shown and it is in the state.
pub fn listed(layer: Layer, feature: &Feature, state: &MapState) -> bool {
    listed_by(layer, feature.span(), feature.properties.confidence, state)
}

/// [`listed`] from a feature's days and confidence.
pub fn listed_by(layer: Layer, span: DaySpan, confidence: Confidence, state: &MapState) -> bool {
    state.shows(layer) && in_state_by(layer, span, confidence, state)
}

/// Whether a feature is drawn on the map (web or image) for `state`: listed, and located.
pub fn drawn(layer: Layer, feature: &Feature, state: &MapState) -> bool {
    feature.geometry.is_some() && listed(layer, feature, state)
}

/// The latest day the features of `layer` that `state` could show can start: features sorted by start need not be
/// looked at beyond it.
pub fn last_start(layer: Layer, state: &MapState) -> crate::domain::Day {
    match layer {
        Layer::Sites => state.day,
        Layer::Strikes | Layer::Events => state.window().last,
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{Confidence, Day, DaySpan, Feature};

    use super::*;

    fn feature(first: Day, last: Day, confidence: Confidence) -> Feature {
        let json = serde_json::json!({
            "type": "Feature", "id": "x", "geometry": null,
            "properties": {
                "name": {"en": "x"}, "kind": "airstrike", "start": first.to_string(), "start_precision": "day",
                "end": last.to_string(), "end_precision": "day", "location_precision": "unknown",
                "confidence": confidence.as_str(),
                "sources": [{"publisher": "P", "url": "https://example.org/a", "date": "2025-01-01"}]
            }
        });
        serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"))
    }

    fn state(query: &str) -> MapState {
        let timeline =
            DaySpan { first: Day::from_ymd(2024, 12, 1).unwrap(), last: Day::from_ymd(2026, 1, 28).unwrap() };
        MapState::parse(query, timeline).state
    }

    #[test]
    fn confidence_filters_strikes_and_events_but_never_sites() {
        let day = Day::from_ymd(2025, 3, 31).unwrap();
        let low = feature(day, day, Confidence::Low);
        let s = state("t=2025-03-31&conf=high");
        assert!(in_state(Layer::Sites, &low, &s));
        assert!(!in_state(Layer::Strikes, &low, &s) && !in_state(Layer::Events, &low, &s));
        assert!(in_state(Layer::Strikes, &low, &state("t=2025-03-31")));
    }

    #[test]
    fn strikes_show_within_the_window_and_sites_on_the_day() {
        let march_1 = Day::from_ymd(2025, 3, 1).unwrap();
        let strike = feature(march_1, march_1, Confidence::High);
        assert!(in_state(Layer::Strikes, &strike, &state("t=2025-03-30&w=30")));
        assert!(!in_state(Layer::Strikes, &strike, &state("t=2025-03-31&w=30")), "the window is inclusive: 30 days");
        assert!(in_state(Layer::Strikes, &strike, &state("t=2025-12-31&mode=cumulative")));
        assert!(!in_state(Layer::Sites, &strike, &state("t=2025-03-02")));
    }

    #[test]
    fn a_hidden_layer_lists_nothing_and_an_unlocated_feature_is_never_drawn() {
        let day = Day::from_ymd(2025, 3, 31).unwrap();
        let strike = feature(day, day, Confidence::High);
        let s = state("t=2025-03-31&layers=sites,events");
        assert!(in_state(Layer::Strikes, &strike, &s) && !listed(Layer::Strikes, &strike, &s));
        assert!(listed(Layer::Strikes, &strike, &state("t=2025-03-31")));
        assert!(!drawn(Layer::Strikes, &strike, &state("t=2025-03-31")), "no geometry, no point");
    }
}
