//! The URL codec: the state a reader can share (day, mode, window, speed, layers, confidence, selection, view) as a
//! query string, and back. Unknown or malformed values fall back to the defaults, so any link opens.
//!
//! `?t=2025-03-31&mode=window&w=30&speed=1&layers=sites,strikes&conf=high,medium&sel=sites:khmeimim.2015-09-30&at=36.1,35.2,7.5`

use footprint::domain::{Confidence, Datetime, DaySpan};

use crate::model::Layer;
use crate::state::{Mode, SPEEDS, Selection, State, View, confidence_index, layer_index};

const CONFIDENCE: [(Confidence, &str); 3] =
    [(Confidence::High, "high"), (Confidence::Medium, "medium"), (Confidence::Low, "low")];

/// The query string (without `?`) for a state.
pub fn encode(state: &State) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("t", &state.day.to_string());
    q.append_pair("mode", if state.mode == Mode::Window { "window" } else { "cumulative" });
    q.append_pair("w", &state.window_days.to_string());
    q.append_pair("speed", &SPEEDS[state.speed].to_string());
    if state.layers != [true; 3] {
        let on: Vec<&str> = Layer::ALL.iter().filter(|&&l| state.shows(l)).map(|l| l.id()).collect();
        q.append_pair("layers", &on.join(","));
    }
    if state.confidence != [true; 3] {
        let on: Vec<&str> =
            CONFIDENCE.iter().filter(|(c, _)| state.confidence[confidence_index(*c)]).map(|(_, n)| *n).collect();
        q.append_pair("conf", &on.join(","));
    }
    if let Some(sel) = &state.selected {
        q.append_pair("sel", &format!("{}:{}", sel.layer.id(), sel.id));
    }
    let v = state.view;
    q.append_pair("at", &format!("{:.4},{:.4},{:.2}", v.lon, v.lat, v.zoom));
    q.finish()
}

/// Page options that are not map state but belong to the page's URL: its language, theme, and an embed's
/// title, caption and controls. They are carried over unchanged whenever the app rewrites the URL.
pub const PAGE_OPTIONS: [&str; 5] = ["lang", "theme", "title", "caption", "controls"];

/// The page options present in a query string, encoded (without `?`); empty when there are none.
pub fn page_options(query: &str) -> String {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.extend_pairs(form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| PAGE_OPTIONS.contains(&k.as_ref())));
    q.finish()
}

/// The query string for a state followed by page options (as from [`page_options`]).
pub fn with_options(state: &State, options: &str) -> String {
    let query = encode(state);
    if options.is_empty() { query } else { format!("{query}&{options}") }
}

/// `options` with `lang` set to `code` (for the language switch).
pub fn options_with_lang(options: &str, code: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.extend_pairs(form_urlencoded::parse(options.as_bytes()).filter(|(k, _)| k != "lang"));
    q.append_pair("lang", code);
    q.finish()
}

/// The state a query string describes, starting from the defaults for `timeline`.
pub fn decode(query: &str, timeline: DaySpan) -> State {
    let mut state = State::new(timeline);
    let query = query.strip_prefix('?').unwrap_or(query);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim();
        match key.as_ref() {
            "t" => {
                if let Ok(dt) = Datetime::parse(value) {
                    state.day = dt.span().last.max(timeline.first).min(timeline.last);
                }
            }
            "mode" => match value {
                "window" => state.mode = Mode::Window,
                "cumulative" => state.mode = Mode::Cumulative,
                _ => {}
            },
            "w" => {
                if let Ok(days) = value.parse::<u16>() {
                    state.window_days = days.clamp(1, 366);
                }
            }
            "speed" => {
                if let Some(i) = SPEEDS.iter().position(|s| s.to_string() == value) {
                    state.speed = i;
                }
            }
            "layers" => {
                state.layers = [false; 3];
                for layer in value.split(',').filter_map(Layer::from_id) {
                    state.layers[layer_index(layer)] = true;
                }
            }
            "conf" => {
                state.confidence = [false; 3];
                for (c, name) in CONFIDENCE {
                    if value.split(',').any(|v| v == name) {
                        state.confidence[confidence_index(c)] = true;
                    }
                }
            }
            "sel" => {
                state.selected = value
                    .split_once(':')
                    .and_then(|(layer, id)| Some(Selection { layer: Layer::from_id(layer)?, id: id.to_owned() }))
                    .filter(|s| !s.id.is_empty());
            }
            "at" => {
                let parts: Vec<f64> = value.split(',').filter_map(|p| p.parse().ok()).collect();
                if let [lon, lat, zoom] = parts[..]
                    && (-180.0..=180.0).contains(&lon)
                    && (-85.0..=85.0).contains(&lat)
                    && (0.0..=22.0).contains(&zoom)
                {
                    state.view = View { lon, lat, zoom };
                }
            }
            _ => {}
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use footprint::domain::Day;

    use super::*;
    use crate::state::Action;

    fn timeline() -> DaySpan {
        DaySpan { first: Day::from_ymd(2024, 12, 1).unwrap(), last: Day::from_ymd(2026, 1, 28).unwrap() }
    }

    #[test]
    fn a_state_survives_the_round_trip_through_the_url() {
        let mut s = State::new(timeline());
        for action in [
            Action::Scrub(Day::from_ymd(2025, 3, 31).unwrap()),
            Action::SetMode(Mode::Cumulative),
            Action::SetWindow(90),
            Action::SetSpeed(4),
            Action::ToggleLayer(Layer::Events),
            Action::ToggleConfidence(Confidence::Low),
            Action::Select(Some(Selection { layer: Layer::Sites, id: "khmeimim.2015-09-30".into() })),
            Action::SetView(View { lon: 35.9451, lat: 35.4117, zoom: 9.5 }),
        ] {
            s.apply(action, timeline());
        }
        let url = encode(&s);
        assert!(url.contains("sel=sites%3Akhmeimim.2015-09-30"), "{url}");
        assert_eq!(decode(&url, timeline()), s);
        assert_eq!(decode(&format!("?{url}"), timeline()), s);
    }

    #[test]
    fn page_options_survive_while_the_state_changes() {
        let options = page_options("?t=2025-01-01&lang=ar&title=Bases+%26+strikes&theme=dark&sel=x:y");
        assert_eq!(options, "lang=ar&title=Bases+%26+strikes&theme=dark", "kept in their order");
        let s = State::new(timeline());
        let url = with_options(&s, &options);
        assert!(url.starts_with(&encode(&s)) && url.ends_with("&lang=ar&title=Bases+%26+strikes&theme=dark"), "{url}");
        assert_eq!(decode(&url, timeline()), s, "options do not disturb the state");
        assert_eq!(options_with_lang(&options, "ru"), "title=Bases+%26+strikes&theme=dark&lang=ru");
        assert_eq!(with_options(&s, ""), encode(&s));
    }

    #[test]
    fn the_default_state_round_trips_too() {
        let s = State::new(timeline());
        assert_eq!(decode(&encode(&s), timeline()), s);
    }

    #[test]
    fn malformed_values_fall_back_to_defaults_and_days_are_clamped() {
        let s = decode("t=yesterday&mode=sideways&w=abc&speed=3&sel=nowhere:x&at=500,1,2&layers=", timeline());
        let d = State::new(timeline());
        assert_eq!(
            (s.day, s.mode, s.window_days, s.speed, s.selected, s.view),
            (d.day, d.mode, d.window_days, d.speed, None, d.view)
        );
        assert_eq!(s.layers, [false; 3], "an explicit empty layer list hides all layers");
        assert_eq!(decode("t=2031-01-01", timeline()).day, timeline().last);
        assert_eq!(decode("t=2025-03", timeline()).day, Day::from_ymd(2025, 3, 31).unwrap());
    }

    #[test]
    fn an_instant_in_the_url_opens_its_day_in_damascus_as_the_api_counts_it() {
        let late_evening = decode("t=2024-12-08T22%3A30%3A00Z", timeline()).day;
        assert_eq!(late_evening, Day::from_ymd(2024, 12, 9).unwrap());
        assert_eq!(decode("t=2024-12-08T20%3A30%3A00Z", timeline()).day, Day::from_ymd(2024, 12, 8).unwrap());
    }
}
