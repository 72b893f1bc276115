//! The app's state and its transitions: the shared map state (current day, window or cumulative mode, layers,
//! filters, selection and view) plus playback. Every change goes through [`State::apply`], so it is testable on the
//! host.

use footprint::domain::{Confidence, Day, DaySpan};
pub use footprint::map::state::{DEFAULT_VIEW, Layer, MapState, Mode, SPEEDS, Selection, View, WINDOW_DAYS, WINDOWS};

/// Days per second at 1×.
pub const DAYS_PER_SECOND: f64 = 2.0;

/// The reader's state: the shared map state (what the URL says, see [`footprint::map::state`]) and playback.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// Day, mode, window, speed, layers, confidence, selection, view.
    pub map: MapState,
    /// Whether the timeline is playing.
    pub playing: bool,
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

impl State {
    /// The initial state: the map state's defaults (the latest day with data), paused.
    pub fn new(timeline: DaySpan) -> State {
        State::paused(MapState::new(timeline))
    }

    /// A paused state showing `map`.
    pub fn paused(map: MapState) -> State {
        State { map, playing: false, carry: 0.0 }
    }

    /// Applies an action; returns whether anything changed. Days stay within `timeline`; playing stops at its end.
    pub fn apply(&mut self, action: Action, timeline: DaySpan) -> bool {
        let before = self.clone();
        let clamp = |d: Day| d.max(timeline.first).min(timeline.last);
        let map = &mut self.map;
        match action {
            Action::TogglePlay => {
                if !self.playing && map.day >= timeline.last {
                    map.day = timeline.first;
                }
                self.playing = !self.playing;
                self.carry = 0.0;
            }
            Action::Pause => self.playing = false,
            Action::Step(days) => map.day = clamp(map.day.plus(days)),
            Action::Scrub(day) => map.day = clamp(day),
            Action::SetMode(mode) => map.mode = mode,
            Action::SetWindow(days) => map.window_days = days.clamp(*WINDOW_DAYS.start(), *WINDOW_DAYS.end()),
            Action::SetSpeed(i) => map.speed = i.min(SPEEDS.len() - 1),
            Action::ToggleLayer(layer) => map.layers[layer.index()] ^= true,
            Action::ToggleConfidence(c) => map.confidence[c.index()] ^= true,
            Action::Select(selection) => map.selected = selection,
            Action::SetView(view) => map.view = view,
            Action::Tick(ms) => {
                if self.playing {
                    self.carry += ms / 1000.0 * DAYS_PER_SECOND * SPEEDS[map.speed];
                    let whole = self.carry.floor();
                    self.carry -= whole;
                    map.day = clamp(map.day.plus(whole as i32));
                    if map.day >= timeline.last {
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
        assert_eq!(s.map.day, timeline().last, "a reader lands on the latest day with data");
        s.apply(Action::Scrub(timeline().first), timeline());
        s.apply(Action::Step(7), timeline());
        assert_eq!(s.map.day, Day::from_ymd(2024, 12, 8).unwrap());
        s.apply(Action::Step(-30), timeline());
        assert_eq!(s.map.day, timeline().first);
        s.apply(Action::Scrub(Day::from_ymd(2030, 1, 1).unwrap()), timeline());
        assert_eq!(s.map.day, timeline().last);
    }

    #[test]
    fn playing_advances_two_days_per_second_at_one_x_and_stops_at_the_end() {
        let mut s = State::new(timeline());
        s.apply(Action::TogglePlay, timeline());
        assert_eq!(s.map.day, timeline().first, "play on the latest day starts from the beginning");
        s.apply(Action::Tick(250.0), timeline());
        assert_eq!(s.map.day, timeline().first, "half a day carries over");
        s.apply(Action::Tick(250.0), timeline());
        assert_eq!(s.map.day, timeline().first.plus(1));
        s.apply(Action::SetSpeed(4), timeline());
        s.apply(Action::Tick(1000.0), timeline());
        assert_eq!(s.map.day, timeline().first.plus(17), "8× plays 16 days per second");
        s.apply(Action::Tick(1_000_000.0), timeline());
        assert_eq!(s.map.day, timeline().last);
        assert!(!s.playing, "playback stops at the end");
        s.apply(Action::TogglePlay, timeline());
        assert_eq!(s.map.day, timeline().first, "play at the end starts again from the beginning");
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
            s.map.window(),
            DaySpan { first: Day::from_ymd(2025, 3, 2).unwrap(), last: Day::from_ymd(2025, 3, 31).unwrap() }
        );
        s.apply(Action::SetMode(Mode::Cumulative), timeline());
        assert_eq!(s.map.window().first, Day::MIN, "cumulative means datetime=../day, as in the API");
        s.apply(Action::SetWindow(0), timeline());
        assert_eq!(s.map.window_days, 1, "at least one day");
    }

    #[test]
    fn toggles_flip_layers_and_confidence_levels() {
        let mut s = State::new(timeline());
        s.apply(Action::ToggleLayer(Layer::Strikes), timeline());
        assert!(!s.map.shows(Layer::Strikes) && s.map.shows(Layer::Sites));
        s.apply(Action::ToggleConfidence(Confidence::Low), timeline());
        assert_eq!(s.map.confidence, [true, true, false]);
    }
}
