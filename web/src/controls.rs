//! The timeline's controls as text and values, both ways: what each control shows for a state (labels in the
//! reader's language, the slider's position, menu values, checkboxes, the counts line), and what a control's value
//! means when the reader changes it. The WebAssembly side only copies these into the page and reads them back.

use footprint::domain::{Confidence, Day, DaySpan};
use footprint::i18n::Lang;

use crate::model::{Layer, Model};
use crate::state::{Mode, SPEEDS, State, WINDOWS};
use crate::text;
use crate::view::Visible;

pub use footprint::map::menus::{MenuOption, mode_value, speed_options, window_option, window_options};

/// The slider's `max`: the timeline's days after its first.
pub fn scrubber_max(timeline: DaySpan) -> String {
    footprint::map::state::slider_position(timeline, timeline.last).to_string()
}

/// The day a slider value stands for (its first day when the value is unreadable).
pub fn scrubbed_day(timeline: DaySpan, value: &str) -> Day {
    timeline.first.plus(value.parse::<i32>().unwrap_or(0))
}

/// The speed (index into [`SPEEDS`]) a speed menu value stands for.
pub fn speed_index(value: &str) -> Option<usize> {
    SPEEDS.iter().position(|s| s.to_string() == value)
}

/// The mode a mode menu value stands for.
pub fn mode(value: &str) -> Mode {
    if value == "cumulative" { Mode::Cumulative } else { Mode::Window }
}

/// The confidence checkboxes' ids (`confidence-high`…), with their levels.
pub fn confidence_ids() -> [(Confidence, String); 3] {
    Confidence::ALL.map(|c| (c, format!("confidence-{}", c.as_str())))
}

/// The layer checkboxes' ids (`layer-sites`…), with their layers.
pub fn layer_ids() -> [(Layer, String); 3] {
    Layer::ALL.map(|l| (l, format!("layer-{}", l.id())))
}

/// What the controls show for a state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Controls {
    /// The current day ("9 Dec 2024"), shown above the slider and as its `aria-valuetext`.
    pub date: String,
    /// The slider's value: the current day's offset from the timeline's first.
    pub scrubber: String,
    /// The play button's label: what it does (Play or Pause).
    pub play_label: &'static str,
    /// Whether playing (the play button's `data-playing`, for the tests).
    pub playing: bool,
    /// The speed menu's value.
    pub speed: String,
    /// The mode menu's value.
    pub mode: &'static str,
    /// The window menu's value.
    pub window: String,
    /// An option the window menu needs for a window that is not one of the usual ones (from a link).
    pub extra_window: Option<MenuOption>,
    /// Whether the window menu is disabled (cumulative mode has no window).
    pub window_disabled: bool,
    /// The layer checkboxes, in [`Layer::ALL`] order.
    pub layers: [bool; 3],
    /// The confidence checkboxes, in [`Confidence::ALL`] order.
    pub confidence: [bool; 3],
    /// The counts line.
    pub counts: String,
    /// How many strikes are in the state (the counts line's `data-strikes`).
    pub strikes: usize,
    /// How many events are in the state (the counts line's `data-events`).
    pub events: usize,
}

/// What the controls show for a state.
pub fn controls(model: &Model, visible: &Visible, state: &State, timeline: DaySpan, lang: Lang) -> Controls {
    let s = &state.map;
    Controls {
        date: lang.day(s.day),
        scrubber: footprint::map::state::slider_position(timeline, s.day).to_string(),
        play_label: lang.t(if state.playing { "timeline.pause" } else { "timeline.play" }),
        playing: state.playing,
        speed: SPEEDS[s.speed.min(SPEEDS.len() - 1)].to_string(),
        mode: mode_value(s.mode),
        window: s.window_days.to_string(),
        extra_window: (!WINDOWS.contains(&s.window_days)).then(|| window_option(s.window_days, lang)),
        window_disabled: s.mode == Mode::Cumulative,
        layers: s.layers,
        confidence: s.confidence,
        counts: text::counts(model, visible, state, lang),
        strikes: usize::try_from(model.count(Layer::Strikes, &visible.strikes)).unwrap_or(usize::MAX),
        events: usize::try_from(model.count(Layer::Events, &visible.events)).unwrap_or(usize::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Action;
    use crate::view::visible;

    fn timeline() -> DaySpan {
        DaySpan { first: Day::from_ymd(2024, 12, 1).unwrap(), last: Day::from_ymd(2026, 1, 28).unwrap() }
    }

    #[test]
    fn menu_options_are_in_the_readers_language_and_read_back() {
        let speeds = speed_options(Lang::Ar);
        assert_eq!(speeds[0], MenuOption { value: "0.5".into(), label: "٠٫٥×".into() });
        assert_eq!(speeds.iter().map(|o| speed_index(&o.value)).collect::<Vec<_>>(), [0, 1, 2, 3, 4].map(Some));
        assert_eq!(speed_index("3"), None);
        let windows = window_options(Lang::En);
        assert_eq!(windows.iter().map(|o| o.value.as_str()).collect::<Vec<_>>(), ["7", "30", "90", "365"]);
        assert_eq!(windows[1].label, Lang::En.count("window.days", 30));
        assert_eq!(mode(mode_value(Mode::Cumulative)), Mode::Cumulative);
        assert_eq!(mode(mode_value(Mode::Window)), Mode::Window);
    }

    #[test]
    fn the_slider_counts_days_from_the_timelines_start() {
        assert_eq!(scrubber_max(timeline()), "423");
        assert_eq!(scrubbed_day(timeline(), "7"), Day::from_ymd(2024, 12, 8).unwrap());
        assert_eq!(scrubbed_day(timeline(), "seven"), timeline().first, "unreadable: the first day");
    }

    #[test]
    fn the_controls_show_the_state() {
        let model = crate::model::curated();
        let timeline = model.timeline_span();
        let mut state = State::new(timeline);
        state.apply(Action::Scrub(timeline.first.plus(3)), timeline);
        state.apply(Action::SetWindow(45), timeline);
        state.apply(Action::ToggleConfidence(Confidence::Low), timeline);
        let vis = visible(&model, &state);
        let shown = controls(&model, &vis, &state, timeline, Lang::En);
        assert_eq!(
            (shown.date.as_str(), shown.scrubber.as_str()),
            (Lang::En.day(timeline.first.plus(3)).as_str(), "3")
        );
        assert_eq!(
            (shown.play_label, shown.playing),
            (Lang::En.t("timeline.play"), false),
            "the button says what it does"
        );
        assert_eq!(
            (shown.speed.as_str(), shown.mode, shown.window.as_str(), shown.window_disabled),
            ("1", "window", "45", false)
        );
        assert_eq!(shown.extra_window, Some(window_option(45, Lang::En)), "a window from a link gets its option");
        assert_eq!(shown.confidence, [true, true, false]);
        assert_eq!((shown.strikes, shown.events), (vis.strikes.len(), vis.events.len()));
        state.apply(Action::TogglePlay, timeline);
        state.apply(Action::SetMode(Mode::Cumulative), timeline);
        state.apply(Action::SetWindow(30), timeline);
        let shown = controls(&model, &vis, &state, timeline, Lang::En);
        assert_eq!((shown.play_label, shown.playing), (Lang::En.t("timeline.pause"), true));
        assert_eq!((shown.mode, shown.window_disabled, shown.extra_window), ("cumulative", true, None));
    }

    #[test]
    fn checkbox_ids_follow_the_layers_and_levels() {
        assert_eq!(layer_ids().map(|(_, id)| id), ["layer-sites", "layer-strikes", "layer-events"]);
        assert_eq!(confidence_ids().map(|(_, id)| id), ["confidence-high", "confidence-medium", "confidence-low"]);
    }
}
