//! Which layers the web map draws from vector tiles instead of loading them whole, and the days it asks those tiles
//! for: one rule for the server (which tells a page which layers are tiled) and the browser app.
//!
//! A layer of at most [`TILED_ABOVE`] features is loaded whole, as GeoJSON, and filtered in the browser step by
//! step (the fastest way for today's curated layers). A larger layer is drawn from the collection's vector tiles
//! (`/api/collections/{id}/tiles/{z}/{x}/{y}.mvt?datetime=…`) for a coarse window, [`tile_window`], and the map's
//! style filters those tiles' features to the exact window at each step: a step of playback changes a filter, not
//! the data, and the tiles change only every [`BLOCK_DAYS`] days, already holding the next block's days.
//!
//! ```
//! use footprint::domain::{Day, DaySpan};
//! use footprint::map::tiling::tile_window;
//!
//! let timeline = DaySpan { first: Day::from_ymd(2024, 12, 1).unwrap(), last: Day::from_ymd(2026, 1, 28).unwrap() };
//! let window = DaySpan { first: Day::from_ymd(2025, 3, 2).unwrap(), last: Day::from_ymd(2025, 3, 31).unwrap() };
//! let tiles = tile_window(window, timeline);
//! assert!(tiles.first <= window.first && tiles.last > window.last);
//! assert_eq!(tiles, tile_window(DaySpan { first: window.first.plus(1), last: window.last.plus(1) }, timeline));
//! ```

use crate::domain::{Confidence, Day, DaySpan};

use super::state::{Layer, MapState};

/// A layer with more features than this is drawn from vector tiles; up to this many, it is loaded whole.
pub const TILED_ABOVE: usize = 5_000;

/// The days of one block of the coarse window: tiles are asked for whole blocks, counted from 1970-01-01.
pub const BLOCK_DAYS: i32 = 8;

/// Whether a layer of `len` features is drawn from tiles.
pub fn is_tiled(len: usize) -> bool {
    len > TILED_ABOVE
}

/// The days a tiled layer's tiles are asked for while the map shows `window`: whole blocks, from fewer than two
/// blocks before the window's first day to the last day of the block after the one holding its last
/// day (so playing forward finds its next days loaded), but not past the timeline's last day. Both ends follow the
/// block of the window's last day, so a window of a given length moves its tiles once a block. An open end stays
/// open.
pub fn tile_window(window: DaySpan, timeline: DaySpan) -> DaySpan {
    if window.last == Day::MAX {
        return DaySpan { first: Day::MIN, last: Day::MAX };
    }
    let block = Day(window.last.0.div_euclid(BLOCK_DAYS) * BLOCK_DAYS);
    let first = if window.first == Day::MIN {
        Day::MIN
    } else {
        let blocks_before = ((window.last.0 - window.first.0).max(0) + BLOCK_DAYS - 1) / BLOCK_DAYS;
        block.plus(-blocks_before * BLOCK_DAYS)
    };
    let last = block.plus(2 * BLOCK_DAYS - 1).min(timeline.last.max(window.last));
    DaySpan { first, last }
}

/// The `datetime` parameter asking for `span` (`..` for an open end).
pub fn datetime(span: DaySpan) -> String {
    format!("{}/{}", span.first, span.last)
}

/// What the map's style keeps of a tiled layer's features for a state: those starting on or before `last`, ending
/// on or after `first` (an open end as [`Day::MAX`]) and of a `confidence` listed. It is
/// [`super::visibility::in_state_by`] put as numbers a style expression compares, and agrees with it for every
/// feature (tested).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StyleFilter {
    /// The first day a feature must reach.
    pub first: Day,
    /// The last day a feature may start on.
    pub last: Day,
    /// The confidence levels kept.
    pub confidence: Vec<Confidence>,
}

impl StyleFilter {
    /// The filter of `layer` for `state`.
    pub fn of(layer: Layer, state: &MapState) -> StyleFilter {
        match layer {
            Layer::Sites => StyleFilter { first: state.day, last: state.day, confidence: Confidence::ALL.to_vec() },
            Layer::Strikes | Layer::Events => {
                let window = state.window();
                let confidence = Confidence::ALL.into_iter().filter(|&c| state.shows_confidence(c)).collect();
                StyleFilter { first: window.first, last: window.last, confidence }
            }
        }
    }

    /// Whether a feature with these days and this confidence passes.
    pub fn keeps(&self, span: DaySpan, confidence: Confidence) -> bool {
        span.first <= self.last && span.last >= self.first && self.confidence.contains(&confidence)
    }
}

#[cfg(test)]
mod tests {
    use super::super::visibility::in_state_by;
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Day {
        Day::from_ymd(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"))
    }

    fn timeline() -> DaySpan {
        DaySpan { first: day(2024, 12, 1), last: day(2026, 1, 28) }
    }

    #[test]
    fn the_tile_window_always_covers_the_window_and_the_days_just_after_it() {
        for first in day(2024, 12, 1).0..day(2026, 1, 28).0 {
            for len in [1, 7, 30, 366] {
                let window = DaySpan { first: Day(first), last: Day(first + len - 1).min(timeline().last) };
                let tiles = tile_window(window, timeline());
                assert!(tiles.first <= window.first && tiles.last >= window.last, "{window:?} {tiles:?}");
                let ahead = tiles.last.0 - window.last.0;
                assert!(ahead >= BLOCK_DAYS - 1 || tiles.last == timeline().last, "{window:?} {tiles:?}");
                assert!(
                    window.first.0 - tiles.first.0 < 2 * BLOCK_DAYS && ahead < 2 * BLOCK_DAYS,
                    "{window:?} {tiles:?}"
                );
            }
        }
    }

    #[test]
    fn playing_forward_changes_the_tiles_once_a_block() {
        let mut changes = 0;
        let mut last = None;
        for step in 0..80 {
            let window = DaySpan { first: day(2025, 1, 1).plus(step), last: day(2025, 1, 30).plus(step) };
            let tiles = tile_window(window, timeline());
            if last.is_some_and(|l| l != tiles) {
                changes += 1;
            }
            last = Some(tiles);
        }
        assert_eq!(changes, 10);
    }

    #[test]
    fn a_cumulative_window_asks_for_everything_up_to_its_tiles_last_day() {
        let window = DaySpan { first: Day::MIN, last: day(2025, 3, 31) };
        let tiles = tile_window(window, timeline());
        assert_eq!(tiles.first, Day::MIN);
        assert!(datetime(tiles).starts_with("../2025-04-"), "{}", datetime(tiles));
        assert_eq!(datetime(DaySpan { first: day(2025, 3, 1), last: day(2025, 3, 8) }), "2025-03-01/2025-03-08");
    }

    #[test]
    fn the_style_filter_keeps_exactly_what_the_map_state_shows() {
        let queries = ["", "t=2025-03-31&w=7", "t=2025-06-15&w=90&conf=high,low", "t=2025-02-01&mode=cumulative"];
        let spans = [(-3, 0), (0, 0), (1, 1), (-40, -31), (-31, -29), (-100, 5), (2, 400), (-500, i32::MAX)];
        let mut kept = 0;
        for query in queries {
            let state = MapState::parse(query, timeline()).state;
            for layer in Layer::ALL {
                let filter = StyleFilter::of(layer, &state);
                for (from, to) in spans {
                    let last = if to == i32::MAX { Day::MAX } else { state.day.plus(to) };
                    let span = DaySpan { first: state.day.plus(from), last };
                    for confidence in Confidence::ALL {
                        let shown = in_state_by(layer, span, confidence, &state);
                        assert_eq!(filter.keeps(span, confidence), shown, "{query} {layer:?} {span:?} {confidence:?}");
                        kept += usize::from(shown);
                    }
                }
            }
        }
        assert!(kept > 20, "{kept}");
    }

    #[test]
    fn only_layers_larger_than_the_bound_are_tiled() {
        assert!(!is_tiled(63));
        assert!(!is_tiled(TILED_ABOVE));
        assert!(is_tiled(TILED_ABOVE + 1));
    }
}
