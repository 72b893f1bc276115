//! The map state a reader can share: day, window or cumulative mode, window length, speed, layers, confidence
//! levels, selection and view. One definition parses it from a URL query, clamps and defaults it, and writes its
//! canonical query, for every surface: the web app (compiled to WebAssembly), the pages' heads and cards, the
//! embed, oEmbed and the static image.
//!
//! Parsing is lenient and says what it dropped: an unusable value falls back to its default and is reported as
//! [`Rejected`], so a page can open any link while the image API answers `400` naming the parameter. Values out of
//! range are clamped, not rejected: `w=400` is a 366-day window everywhere.
//!
//! ```
//! use footprint::domain::{Day, DaySpan};
//! use footprint::map::state::{MapState, Mode};
//!
//! let timeline = DaySpan { first: Day::from_ymd(2024, 12, 1).unwrap(), last: Day::from_ymd(2026, 1, 28).unwrap() };
//! let parsed = MapState::parse("w=400&mode=sideways", timeline);
//! assert_eq!(parsed.state.window_days, 366);
//! assert_eq!(parsed.state.day, timeline.last, "the default day is the latest day with data");
//! assert_eq!(parsed.state.mode, Mode::Window);
//! assert_eq!(parsed.rejected[0].parameter, "mode");
//! ```

use crate::domain::{Confidence, Datetime, Day, DaySpan};

/// One of the map's layers (and the API's collections).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Status periods of strategic sites.
    Sites,
    /// Reported strikes.
    Strikes,
    /// Diplomatic and basing events.
    Events,
}

impl Layer {
    /// All layers, in legend order.
    pub const ALL: [Layer; 3] = [Layer::Sites, Layer::Strikes, Layer::Events];

    /// The collection id / URL name.
    pub fn id(self) -> &'static str {
        match self {
            Layer::Sites => "sites",
            Layer::Strikes => "strikes",
            Layer::Events => "events",
        }
    }

    /// The layer with this id.
    pub fn from_id(id: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.id() == id)
    }

    /// Its position in [`Layer::ALL`] (and in [`MapState::layers`]).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// How the strikes and events shown relate to the current day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The last `window_days` days up to the current day.
    Window,
    /// Everything up to the current day.
    Cumulative,
}

/// The map's view, in MapLibre's terms (512-pixel tiles).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// Centre longitude.
    pub lon: f64,
    /// Centre latitude.
    pub lat: f64,
    /// Zoom level.
    pub zoom: f64,
}

/// A selected feature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Its layer.
    pub layer: Layer,
    /// Its id.
    pub id: String,
}

/// Playback speeds; 1× plays two days per second.
pub const SPEEDS: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];
/// Window lengths offered (days); any length in [`WINDOW_DAYS`] is accepted from a URL.
pub const WINDOWS: [u16; 4] = [7, 30, 90, 365];
/// The window lengths a state can have.
pub const WINDOW_DAYS: std::ops::RangeInclusive<u16> = 1..=366;
/// The zoom levels a view can have.
pub const ZOOMS: std::ops::RangeInclusive<f64> = 0.0..=22.0;
/// The latitudes a view can be centred on (Web Mercator's limit).
pub const MAX_LATITUDE: f64 = 85.051_13;
/// The default view: Syria and its neighbours.
pub const DEFAULT_VIEW: View = View { lon: 38.3, lat: 35.0, zoom: 5.6 };
/// The first day of the story's timeline: a week before Assad fell. Earlier history shows as each site's status.
pub const STORY_START: Day = Day(20_058);

/// The URL parameters of the map state, with their longest values in characters (longer values are refused by the
/// pages before parsing).
pub const PARAMETERS: [(&str, usize); 8] =
    [("t", 64), ("mode", 16), ("w", 8), ("speed", 8), ("layers", 64), ("conf", 32), ("sel", 80), ("at", 64)];

/// The days a timeline covers: from [`STORY_START`] (or the first strike, if earlier) to the latest start in any
/// layer, the latest day with data.
pub fn timeline_span(first_strike: Option<Day>, latest_start: Option<Day>) -> DaySpan {
    let first = first_strike.map_or(STORY_START, |d| d.min(STORY_START));
    DaySpan { first, last: latest_start.unwrap_or(first).max(first) }
}

/// The timeline slider's position for `day`: its days after the timeline's first (the slider's `max` is the
/// position of the timeline's last day). The page's first paint and the web app both place the slider with it.
pub fn slider_position(timeline: DaySpan, day: Day) -> i32 {
    day.0 - timeline.first.0
}

/// A parameter whose value could not be used, and why; the state kept its default instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The parameter's name.
    pub parameter: &'static str,
    /// What was wrong with its value, for the client.
    pub reason: String,
}

/// A state parsed from a query, with what was dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The state (defaults where a value was missing or rejected).
    pub state: MapState,
    /// The values that could not be used, in query order.
    pub rejected: Vec<Rejected>,
}

/// Everything the reader can change and share; encoded in the URL.
#[derive(Clone, Debug, PartialEq)]
pub struct MapState {
    /// The current day.
    pub day: Day,
    /// Window or cumulative.
    pub mode: Mode,
    /// Window length in days (window mode), within [`WINDOW_DAYS`].
    pub window_days: u16,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Visible layers, in [`Layer::ALL`] order.
    pub layers: [bool; 3],
    /// Confidence levels shown, in [`Confidence::ALL`] order (strikes and events; sites are always shown).
    pub confidence: [bool; 3],
    /// The selected feature, if any.
    pub selected: Option<Selection>,
    /// The map view.
    pub view: View,
}

impl MapState {
    /// The default state for a timeline: its latest day with data, a 30-day window, every layer and level, 1×, the
    /// default view.
    pub fn new(timeline: DaySpan) -> MapState {
        MapState {
            day: timeline.last,
            mode: Mode::Window,
            window_days: 30,
            speed: 1,
            layers: [true; 3],
            confidence: [true; 3],
            selected: None,
            view: DEFAULT_VIEW,
        }
    }

    /// Whether a layer is shown.
    pub fn shows(&self, layer: Layer) -> bool {
        self.layers[layer.index()]
    }

    /// Whether a confidence level is shown.
    pub fn shows_confidence(&self, confidence: Confidence) -> bool {
        self.confidence[confidence.index()]
    }

    /// The days whose strikes and events are shown: `[day - window + 1, day]`, or everything up to the day (the
    /// API's `datetime=../day`).
    pub fn window(&self) -> DaySpan {
        match self.mode {
            Mode::Window => DaySpan { first: self.day.plus(1 - i32::from(self.window_days)), last: self.day },
            Mode::Cumulative => DaySpan { first: Day::MIN, last: self.day },
        }
    }

    /// The state a query describes (with or without `?`), starting from the defaults for `timeline`. Parameters
    /// other than the state's are ignored; of a repeated one, the first counts.
    pub fn parse(query: &str, timeline: DaySpan) -> Parsed {
        let mut state = MapState::new(timeline);
        let mut rejected = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        let query = query.strip_prefix('?').unwrap_or(query);
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let Some(&(name, _)) = PARAMETERS.iter().find(|(n, _)| *n == key) else { continue };
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            if let Err(reason) = state.set(name, value.trim(), timeline) {
                rejected.push(Rejected { parameter: name, reason });
            }
        }
        Parsed { state, rejected }
    }

    /// Sets one parameter from its URL value, clamping it into range; an unusable value leaves the default.
    fn set(&mut self, name: &str, value: &str, timeline: DaySpan) -> Result<(), String> {
        match name {
            "t" => {
                let last = Datetime::parse(value).map_err(|e| e.to_string())?.span().last;
                self.day = last.max(timeline.first).min(timeline.last);
            }
            "mode" => {
                self.mode = match value {
                    "window" => Mode::Window,
                    "cumulative" => Mode::Cumulative,
                    _ => return Err(format!("`{value}`: use window or cumulative")),
                };
            }
            "w" => {
                let days: i64 = value.parse().map_err(|_| format!("`{value}` is not a whole number of days"))?;
                self.window_days = days.clamp(i64::from(*WINDOW_DAYS.start()), i64::from(*WINDOW_DAYS.end())) as u16;
            }
            "speed" => {
                let speed: f64 = value.parse().map_err(|_| format!("`{value}` is not a number"))?;
                self.speed = SPEEDS
                    .iter()
                    .position(|s| (s - speed).abs() < 1e-9)
                    .ok_or_else(|| format!("`{value}`: use one of {}", SPEEDS.map(|s| s.to_string()).join(", ")))?;
            }
            "layers" => self.layers = flags(value, |v| Layer::from_id(v).map(Layer::index), "sites, strikes, events")?,
            "conf" => {
                self.confidence =
                    flags(value, |v| Confidence::from_name(v).map(Confidence::index), "high, medium, low")?;
            }
            "sel" => {
                self.selected = Some(
                    value
                        .split_once(':')
                        .and_then(|(layer, id)| Some(Selection { layer: Layer::from_id(layer)?, id: id.to_owned() }))
                        .filter(|s| !s.id.is_empty())
                        .ok_or_else(|| format!("`{value}`: expected layer:id, e.g. sites:khmeimim.2015-09-30"))?,
                );
            }
            "at" => {
                let parts: Vec<f64> = value
                    .split(',')
                    .map(|p| p.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("`{value}`: expected lon,lat,zoom"))?;
                let [lon, lat, zoom] = parts[..] else { return Err(format!("`{value}`: expected lon,lat,zoom")) };
                if !(lon.is_finite() && lat.is_finite() && zoom.is_finite()) {
                    return Err(format!("`{value}`: expected finite numbers"));
                }
                self.view = View {
                    lon: lon.clamp(-180.0, 180.0),
                    lat: lat.clamp(-MAX_LATITUDE, MAX_LATITUDE),
                    zoom: zoom.clamp(*ZOOMS.start(), *ZOOMS.end()),
                };
            }
            _ => {}
        }
        Ok(())
    }

    /// The canonical query string (without `?`) of the state: every parameter, in [`PARAMETERS`] order, with the
    /// layer and confidence lists only when something is hidden. Parsing it gives the same state back.
    pub fn to_query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("t", &self.day.to_string());
        q.append_pair("mode", if self.mode == Mode::Window { "window" } else { "cumulative" });
        q.append_pair("w", &self.window_days.to_string());
        q.append_pair("speed", &SPEEDS[self.speed.min(SPEEDS.len() - 1)].to_string());
        if self.layers != [true; 3] {
            let on: Vec<&str> = Layer::ALL.iter().filter(|l| self.shows(**l)).map(|l| l.id()).collect();
            q.append_pair("layers", &on.join(","));
        }
        if self.confidence != [true; 3] {
            let on: Vec<&str> =
                Confidence::ALL.iter().filter(|c| self.shows_confidence(**c)).map(|c| c.as_str()).collect();
            q.append_pair("conf", &on.join(","));
        }
        if let Some(sel) = &self.selected {
            q.append_pair("sel", &format!("{}:{}", sel.layer.id(), sel.id));
        }
        let v = self.view;
        q.append_pair("at", &format!("{:.4},{:.4},{:.2}", v.lon, v.lat, v.zoom));
        q.finish()
    }
}

/// Parses a comma-separated list of names into flags (`index` maps a name to its position); an empty list hides
/// everything, empty items are ignored.
fn flags(value: &str, index: impl Fn(&str) -> Option<usize>, names: &str) -> Result<[bool; 3], String> {
    let mut on = [false; 3];
    for item in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        on[index(item).ok_or_else(|| format!("`{item}`: use {names}"))?] = true;
    }
    Ok(on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline() -> DaySpan {
        DaySpan { first: Day::from_ymd(2024, 12, 1).unwrap(), last: Day::from_ymd(2026, 1, 28).unwrap() }
    }

    fn parse(query: &str) -> Parsed {
        MapState::parse(query, timeline())
    }

    #[test]
    fn a_state_survives_the_round_trip_through_its_canonical_query() {
        let state = MapState {
            day: Day::from_ymd(2025, 3, 31).unwrap(),
            mode: Mode::Cumulative,
            window_days: 90,
            speed: 4,
            layers: [true, true, false],
            confidence: [true, true, false],
            selected: Some(Selection { layer: Layer::Sites, id: "khmeimim.2015-09-30".into() }),
            view: View { lon: 35.9451, lat: 35.4117, zoom: 9.5 },
        };
        let query = state.to_query();
        assert!(query.contains("sel=sites%3Akhmeimim.2015-09-30") && query.contains("conf=high%2Cmedium"), "{query}");
        assert_eq!(parse(&query), Parsed { state: state.clone(), rejected: vec![] });
        assert_eq!(parse(&format!("?{query}")).state, state);
        let default = MapState::new(timeline());
        assert_eq!(parse(&default.to_query()).state, default);
    }

    #[test]
    fn the_default_is_the_latest_day_with_data_in_a_thirty_day_window() {
        let s = parse("").state;
        assert_eq!((s.day, s.mode, s.window_days), (timeline().last, Mode::Window, 30));
        assert_eq!(timeline_span(None, Some(Day::from_ymd(2026, 1, 28).unwrap())), timeline());
        assert_eq!(timeline_span(Some(Day(20_000)), None), DaySpan { first: Day(20_000), last: Day(20_000) });
    }

    #[test]
    fn out_of_range_values_are_clamped_not_rejected() {
        let p = parse("w=400&t=2031-01-01&at=200,89,23");
        assert!(p.rejected.is_empty(), "{:?}", p.rejected);
        assert_eq!(p.state.window_days, 366);
        assert_eq!(p.state.day, timeline().last);
        assert_eq!(p.state.view, View { lon: 180.0, lat: MAX_LATITUDE, zoom: 22.0 });
        assert_eq!(parse("w=0").state.window_days, 1);
        assert_eq!(parse("w=-5").state.window_days, 1);
        assert_eq!(parse("t=2020-01-01").state.day, timeline().first);
        assert_eq!(parse("t=2025-03").state.day, Day::from_ymd(2025, 3, 31).unwrap(), "a month opens on its last day");
    }

    #[test]
    fn unusable_values_keep_their_defaults_and_are_named() {
        let p = parse("t=yesterday&mode=sideways&w=abc&speed=3&sel=nowhere:x&at=1,2&layers=sites,roads&conf=sure&x=1");
        let names: Vec<&str> = p.rejected.iter().map(|r| r.parameter).collect();
        assert_eq!(names, ["t", "mode", "w", "speed", "sel", "at", "layers", "conf"]);
        let d = MapState::new(timeline());
        assert_eq!(p.state, d, "every rejected value keeps its default");
        assert!(p.rejected[3].reason.contains("0.5, 1, 2, 4, 8"), "{}", p.rejected[3].reason);
    }

    #[test]
    fn an_empty_layer_list_hides_every_layer_and_the_first_of_a_repeated_parameter_counts() {
        let p = parse("layers=&w=7&w=90");
        assert_eq!(p.state.layers, [false; 3]);
        assert_eq!(p.state.window_days, 7);
        assert!(p.rejected.is_empty());
    }

    #[test]
    fn an_instant_opens_its_day_in_damascus_as_the_api_counts_it() {
        assert_eq!(parse("t=2024-12-08T22%3A30%3A00Z").state.day, Day::from_ymd(2024, 12, 9).unwrap());
        assert_eq!(parse("t=2024-12-08T20%3A30%3A00Z").state.day, Day::from_ymd(2024, 12, 8).unwrap());
    }

    #[test]
    fn the_window_ends_on_the_day_and_cumulative_has_no_start() {
        let mut s = parse("t=2025-03-31").state;
        assert_eq!(
            s.window(),
            DaySpan { first: Day::from_ymd(2025, 3, 2).unwrap(), last: Day::from_ymd(2025, 3, 31).unwrap() }
        );
        s.mode = Mode::Cumulative;
        assert_eq!(s.window().first, Day::MIN);
    }
}
