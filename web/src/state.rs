//! The app's state and its transitions: current day, window or cumulative mode, playback, layers, filters,
//! selection and view. Every change goes through [`State::apply`], so it is testable on the host.

use footprint::domain::{Confidence, Day, DaySpan};

use crate::model::Layer;

/// How the strikes and events shown relate to the current day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The last `window_days` days up to the current day.
    Window,
    /// Everything from the start of the timeline up to the current day.
    Cumulative,
}

/// Playback speeds; 1× plays two days per second.
pub const SPEEDS: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];
/// Days per second at 1×.
pub const DAYS_PER_SECOND: f64 = 2.0;
/// Window lengths offered (days); any 1..=366 is accepted from a URL.
pub const WINDOWS: [u16; 4] = [7, 30, 90, 365];

/// The map's view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// Centre longitude.
    pub lon: f64,
    /// Centre latitude.
    pub lat: f64,
    /// Zoom level.
    pub zoom: f64,
}

/// The default view: Syria and its neighbours.
pub const DEFAULT_VIEW: View = View { lon: 38.3, lat: 35.0, zoom: 5.6 };

/// A selected feature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Its layer.
    pub layer: Layer,
    /// Its id.
    pub id: String,
}

/// Everything the reader can change; encoded in the URL.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The current day.
    pub day: Day,
    /// Window or cumulative.
    pub mode: Mode,
    /// Window length in days (window mode).
    pub window_days: u16,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Whether the timeline is playing.
    pub playing: bool,
    /// Visible layers, in [`Layer::ALL`] order.
    pub layers: [bool; 3],
    /// Confidence levels shown (strikes and events; sites are always shown); all by default.
    pub confidence: [bool; 3],
    /// The selected feature, if any.
    pub selected: Option<Selection>,
    /// The map view.
    pub view: View,
    /// Fractional days accumulated while playing.
    carry: f64,
}

/// A change the reader (or the clock) makes.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Start or stop playback.
    TogglePlay,
    /// Stop playback.
    Pause,
    /// Move by this many days (negative: back).
    Step(i32),
    /// Jump to a day (clamped to the timeline).
    Scrub(Day),
    /// Switch window/cumulative.
    SetMode(Mode),
    /// Set the window length (1..=366 days).
    SetWindow(u16),
    /// Set the speed (index into [`SPEEDS`]).
    SetSpeed(usize),
    /// Show or hide a layer.
    ToggleLayer(Layer),
    /// Show or hide a confidence level.
    ToggleConfidence(Confidence),
    /// Select a feature, or clear the selection.
    Select(Option<Selection>),
    /// The map was moved.
    SetView(View),
    /// Time passed while playing (milliseconds).
    Tick(f64),
}

/// The index of a confidence level in [`State::confidence`].
pub fn confidence_index(c: Confidence) -> usize {
    match c {
        Confidence::High => 0,
        Confidence::Medium => 1,
        Confidence::Low => 2,
    }
}

/// The index of a layer in [`State::layers`].
pub fn layer_index(layer: Layer) -> usize {
    match layer {
        Layer::Sites => 0,
        Layer::Strikes => 1,
        Layer::Events => 2,
    }
}

impl State {
    /// The initial state: the start of the timeline, 30-day window, all layers, 1×, default view.
    pub fn new(timeline: DaySpan) -> State {
        State {
            day: timeline.first,
            mode: Mode::Window,
            window_days: 30,
            speed: 1,
            playing: false,
            layers: [true; 3],
            confidence: [true; 3],
            selected: None,
            view: DEFAULT_VIEW,
            carry: 0.0,
        }
    }

    /// Whether a layer is shown.
    pub fn shows(&self, layer: Layer) -> bool {
        self.layers[layer_index(layer)]
    }

    /// The days whose strikes and events are shown: `[day - window + 1, day]`, or everything up to the day.
    pub fn window(&self) -> DaySpan {
        match self.mode {
            Mode::Window => DaySpan { first: self.day.plus(1 - i32::from(self.window_days)), last: self.day },
            // Everything up to the day, as the API's `datetime=../day` (including the history before the timeline).
            Mode::Cumulative => DaySpan { first: Day::MIN, last: self.day },
        }
    }

    /// Applies an action; returns whether anything changed. Days stay within `timeline`; playing stops at its end.
    pub fn apply(&mut self, action: Action, timeline: DaySpan) -> bool {
        let before = self.clone();
        let clamp = |d: Day| d.max(timeline.first).min(timeline.last);
        match action {
            Action::TogglePlay => {
                if !self.playing && self.day >= timeline.last {
                    self.day = timeline.first;
                }
                self.playing = !self.playing;
                self.carry = 0.0;
            }
            Action::Pause => self.playing = false,
            Action::Step(days) => self.day = clamp(self.day.plus(days)),
            Action::Scrub(day) => self.day = clamp(day),
            Action::SetMode(mode) => self.mode = mode,
            Action::SetWindow(days) => self.window_days = days.clamp(1, 366),
            Action::SetSpeed(i) => self.speed = i.min(SPEEDS.len() - 1),
            Action::ToggleLayer(layer) => self.layers[layer_index(layer)] ^= true,
            Action::ToggleConfidence(c) => self.confidence[confidence_index(c)] ^= true,
            Action::Select(selection) => self.selected = selection,
            Action::SetView(view) => self.view = view,
            Action::Tick(ms) => {
                if self.playing {
                    self.carry += ms / 1000.0 * DAYS_PER_SECOND * SPEEDS[self.speed];
                    let whole = self.carry.floor();
                    self.carry -= whole;
                    self.day = clamp(self.day.plus(whole as i32));
                    if self.day >= timeline.last {
                        self.playing = false;
                    }
                }
            }
        }
        *self != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline() -> DaySpan {
        DaySpan { first: Day::from_ymd(2024, 12, 1).unwrap(), last: Day::from_ymd(2026, 1, 28).unwrap() }
    }

    #[test]
    fn stepping_moves_by_days_and_weeks_and_stays_on_the_timeline() {
        let mut s = State::new(timeline());
        s.apply(Action::Step(7), timeline());
        assert_eq!(s.day, Day::from_ymd(2024, 12, 8).unwrap());
        s.apply(Action::Step(-30), timeline());
        assert_eq!(s.day, timeline().first);
        s.apply(Action::Scrub(Day::from_ymd(2030, 1, 1).unwrap()), timeline());
        assert_eq!(s.day, timeline().last);
    }

    #[test]
    fn playing_advances_two_days_per_second_at_one_x_and_stops_at_the_end() {
        let mut s = State::new(timeline());
        s.apply(Action::TogglePlay, timeline());
        s.apply(Action::Tick(250.0), timeline());
        assert_eq!(s.day, timeline().first, "half a day carries over");
        s.apply(Action::Tick(250.0), timeline());
        assert_eq!(s.day, timeline().first.plus(1));
        s.apply(Action::SetSpeed(4), timeline());
        s.apply(Action::Tick(1000.0), timeline());
        assert_eq!(s.day, timeline().first.plus(17), "8× plays 16 days per second");
        s.apply(Action::Tick(1_000_000.0), timeline());
        assert_eq!(s.day, timeline().last);
        assert!(!s.playing, "playback stops at the end");
        s.apply(Action::TogglePlay, timeline());
        assert_eq!(s.day, timeline().first, "play at the end starts again from the beginning");
    }

    #[test]
    fn ticks_while_paused_change_nothing() {
        let mut s = State::new(timeline());
        assert!(!s.apply(Action::Tick(5000.0), timeline()));
    }

    #[test]
    fn the_window_ends_on_the_current_day_and_cumulative_starts_at_the_timeline() {
        let mut s = State::new(timeline());
        s.apply(Action::Scrub(Day::from_ymd(2025, 3, 31).unwrap()), timeline());
        assert_eq!(
            s.window(),
            DaySpan { first: Day::from_ymd(2025, 3, 2).unwrap(), last: Day::from_ymd(2025, 3, 31).unwrap() }
        );
        s.apply(Action::SetMode(Mode::Cumulative), timeline());
        assert_eq!(s.window().first, Day::MIN, "cumulative means datetime=../day, as in the API");
        s.apply(Action::SetWindow(0), timeline());
        assert_eq!(s.window_days, 1, "at least one day");
    }

    #[test]
    fn toggles_flip_layers_and_confidence_levels() {
        let mut s = State::new(timeline());
        s.apply(Action::ToggleLayer(Layer::Strikes), timeline());
        assert!(!s.shows(Layer::Strikes) && s.shows(Layer::Sites));
        s.apply(Action::ToggleConfidence(Confidence::Low), timeline());
        assert_eq!(s.confidence, [true, true, false]);
    }
}
