//! The app's URL: the map state a reader shares (day, mode, window, speed, layers, confidence, selection, view;
//! parsed and written by [`footprint::map::state`], as the server does), and the page options it carries along.
//!
//! `?t=2025-03-31&mode=window&w=30&speed=1&layers=sites,strikes&conf=high,medium&sel=sites:khmeimim.2015-09-30&at=36.1,35.2,7.5`

use footprint::domain::{Bbox, DaySpan};
use footprint::map::state::MapState;

use crate::state::State;

/// The query string (without `?`) for a state: the map state's canonical query.
pub fn encode(state: &State) -> String {
    state.map.to_query()
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

/// The link (relative, `?…`) a language switch points to: the same state (`state_query`, as from [`encode`]) and
/// page options, in the language `code`.
pub fn lang_href(state_query: &str, options: &str, code: &str) -> String {
    format!("?{state_query}&{}", options_with_lang(options, code))
}

/// Whether a query asks to start playing (`autoplay=1`, for embeds).
pub fn autoplay(query: &str) -> bool {
    let query = query.strip_prefix('?').unwrap_or(query);
    form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k == "autoplay" && v == "1")
}

/// The area a query asks the map to fit once (`bbox=west,south,east,north`, for embeds); none when absent or
/// unusable.
pub fn bbox(query: &str) -> Option<Bbox> {
    let query = query.strip_prefix('?').unwrap_or(query);
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "bbox").and_then(|(_, v)| Bbox::parse(&v).ok())
}

/// The state a query string describes, starting from the defaults for `timeline` (paused). Unusable values keep
/// their defaults, so any link opens.
pub fn decode(query: &str, timeline: DaySpan) -> State {
    State::paused(MapState::parse(query, timeline).state)
}

#[cfg(test)]
mod tests {
    use footprint::domain::{Confidence, Day};

    use super::*;
    use crate::state::{Action, Layer, Mode, Selection, View};

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
    fn the_language_switch_keeps_the_state_and_options() {
        let href = lang_href("t=2025-01-01", "lang=en&theme=dark", "ar");
        assert_eq!(href, "?t=2025-01-01&theme=dark&lang=ar");
    }

    #[test]
    fn embeds_ask_for_autoplay_and_an_area_in_the_query() {
        assert!(autoplay("?t=2024-12-01&autoplay=1"));
        assert!(!autoplay("autoplay=0"));
        assert!(!autoplay(""));
        let b = bbox("?bbox=35.5,34.8,36.5,35.9&t=2025-01-01").unwrap();
        assert_eq!((b.min_lon, b.min_lat, b.max_lon, b.max_lat), (35.5, 34.8, 36.5, 35.9));
        assert!(bbox("bbox=not,a,box").is_none());
        assert!(bbox("t=2025-01-01").is_none());
    }

    #[test]
    fn the_default_state_round_trips_too() {
        let s = State::new(timeline());
        assert_eq!(decode(&encode(&s), timeline()), s);
    }

    #[test]
    fn malformed_values_fall_back_to_defaults_and_days_are_clamped() {
        let s = decode("t=yesterday&mode=sideways&w=abc&speed=3&sel=nowhere:x&at=500,1&layers=", timeline());
        let d = State::new(timeline());
        assert_eq!(
            (s.map.day, s.map.mode, s.map.window_days, s.map.speed, s.map.selected, s.map.view),
            (d.map.day, d.map.mode, d.map.window_days, d.map.speed, None, d.map.view)
        );
        assert_eq!(s.map.layers, [false; 3], "an explicit empty layer list hides all layers");
        assert_eq!(decode("t=2031-01-01", timeline()).map.day, timeline().last);
        assert_eq!(decode("t=2025-03", timeline()).map.day, Day::from_ymd(2025, 3, 31).unwrap());
    }
}
