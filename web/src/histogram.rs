//! The timeline's histogram as geometry: strikes and events per week (from `/api/timeline`) as SVG bars with their
//! titles, and the cursor on the current day with the window's shade behind it. One SVG unit across is one day of
//! the timeline; the drawing is [`HEIGHT`] units high. The WebAssembly side only creates the elements.

use footprint::domain::{Datetime, DaySpan};
use footprint::i18n::Lang;
use footprint::map::state::MapState;
use serde::Deserialize;

/// The drawing's height, in SVG units.
pub const HEIGHT: f64 = 40.0;

/// The tallest bar's height (a little under [`HEIGHT`]).
const TALLEST: f64 = 38.0;

/// A bar's width, in days (a week's bucket holds a strikes bar and an events bar side by side).
const BAR_WIDTH: f64 = 3.2;

/// How far right of its week's start the events bar stands, in days.
const EVENTS_OFFSET: f64 = 3.5;

/// The cursor's width, in days.
const CURSOR_WIDTH: f64 = 1.5;

#[derive(Deserialize)]
struct Series {
    id: String,
    buckets: Vec<Bucket>,
}

#[derive(Deserialize)]
struct Bucket {
    start: String,
    count: usize,
}

#[derive(Deserialize)]
struct Response {
    collections: Vec<Series>,
}

/// A rectangle, in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Rect {
    /// The SVG `rect` attributes, to two decimals.
    pub fn attributes(&self) -> [(&'static str, String); 4] {
        [("x", self.x), ("y", self.y), ("width", self.width), ("height", self.height)]
            .map(|(k, v)| (k, format!("{v:.2}")))
    }
}

/// One bar: a week's strikes or events.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Where it stands.
    pub rect: Rect,
    /// Its CSS class (`bar-strikes` or `bar-events`).
    pub class: &'static str,
    /// Its title (the tooltip and accessible name): the week and the count, in the reader's language.
    pub title: String,
}

/// The histogram's drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// The SVG `viewBox`: as many units across as the timeline has days.
    pub view_box: String,
    /// The bars, strikes and events, for every week that has any.
    pub bars: Vec<Bar>,
}

/// The drawing of an `/api/timeline` response over `timeline`, or none when the response cannot be read. Bars are
/// scaled to the tallest; empty weeks and unreadable bucket starts have no bar.
pub fn histogram(json: &str, timeline: DaySpan, lang: Lang) -> Option<Histogram> {
    let response: Response = serde_json::from_str(json).ok()?;
    let total_days = f64::from((timeline.last.0 - timeline.first.0 + 1).max(1));
    let max =
        response.collections.iter().flat_map(|c| c.buckets.iter().map(|b| b.count)).max().unwrap_or(1).max(1) as f64;
    let mut bars = Vec::new();
    for series in &response.collections {
        let (offset, class, key) = if series.id == "strikes" {
            (0.0, "bar-strikes", "count.strikes")
        } else {
            (EVENTS_OFFSET, "bar-events", "count.events")
        };
        for bucket in &series.buckets {
            let Ok(start) = Datetime::parse(&bucket.start) else { continue };
            if bucket.count == 0 {
                continue;
            }
            let first = start.span().first;
            let height = TALLEST * bucket.count as f64 / max;
            let count = lang.count(key, bucket.count as u64);
            bars.push(Bar {
                rect: Rect {
                    x: f64::from(first.0 - timeline.first.0) + offset,
                    y: HEIGHT - height,
                    width: BAR_WIDTH,
                    height,
                },
                class,
                title: lang.tf("timeline.histogram_bar", &[("date", &lang.day(first)), ("count", &count)]),
            });
        }
    }
    Some(Histogram { view_box: format!("0 0 {total_days} {HEIGHT}"), bars })
}

/// The cursor on the current day.
pub fn cursor(map: &MapState, timeline: DaySpan) -> Rect {
    Rect { x: f64::from(map.day.0 - timeline.first.0), y: 0.0, width: CURSOR_WIDTH, height: HEIGHT }
}

/// The shade behind the days the map shows: the window, or everything up to the current day when cumulative
/// (clipped to the timeline's start; a cumulative window starts at [`Day::MIN`](footprint::domain::Day::MIN), so
/// the difference is taken in 64 bits).
pub fn window_shade(map: &MapState, timeline: DaySpan) -> Rect {
    let x = cursor(map, timeline).x;
    let from = (i64::from(map.window().first.0) - i64::from(timeline.first.0)).max(0) as f64;
    Rect { x: from, y: 0.0, width: (x - from + 1.0).max(0.0), height: HEIGHT }
}

#[cfg(test)]
mod tests {
    use footprint::domain::Day;
    use footprint::map::state::Mode;

    use super::*;

    fn timeline() -> DaySpan {
        DaySpan { first: Day::from_ymd(2024, 12, 2).unwrap(), last: Day::from_ymd(2024, 12, 29).unwrap() }
    }

    const RESPONSE: &str = r#"{"bucket":"week","collections":[
        {"id":"strikes","total":6,"buckets":[
            {"start":"2024-12-02","end":"2024-12-08","count":4},
            {"start":"2024-12-09","end":"2024-12-15","count":0},
            {"start":"not a day","end":"2024-12-22","count":3},
            {"start":"2024-12-23","end":"2024-12-29","count":2}]},
        {"id":"events","total":1,"buckets":[{"start":"2024-12-09","end":"2024-12-15","count":1}]}]}"#;

    #[test]
    fn bars_are_scaled_to_the_tallest_week_and_stand_on_the_baseline() {
        let h = histogram(RESPONSE, timeline(), Lang::En).unwrap();
        assert_eq!(h.view_box, "0 0 28 40", "one unit per day of the timeline");
        let rects: Vec<Rect> = h.bars.iter().map(|b| b.rect).collect();
        assert_eq!(
            rects,
            [
                Rect { x: 0.0, y: 2.0, width: 3.2, height: 38.0 },
                Rect { x: 21.0, y: 21.0, width: 3.2, height: 19.0 },
                Rect { x: 10.5, y: 30.5, width: 3.2, height: 9.5 },
            ]
        );
        assert_eq!(h.bars.iter().map(|b| b.class).collect::<Vec<_>>(), ["bar-strikes", "bar-strikes", "bar-events"]);
    }

    #[test]
    fn empty_weeks_and_unreadable_weeks_have_no_bar() {
        let h = histogram(RESPONSE, timeline(), Lang::En).unwrap();
        assert_eq!(h.bars.len(), 3);
        assert_eq!(histogram("{}", timeline(), Lang::En), None, "not a timeline response");
        let empty = histogram(r#"{"collections":[]}"#, timeline(), Lang::En).unwrap();
        assert!(empty.bars.is_empty());
    }

    #[test]
    fn a_bar_says_its_week_and_count_in_the_readers_language() {
        let h = histogram(RESPONSE, timeline(), Lang::Ar).unwrap();
        let expected = Lang::Ar.tf(
            "timeline.histogram_bar",
            &[("date", &Lang::Ar.day(timeline().first)), ("count", &Lang::Ar.count("count.strikes", 4))],
        );
        assert_eq!(h.bars[0].title, expected);
    }

    #[test]
    fn the_cursor_stands_on_the_current_day_and_the_shade_covers_the_window() {
        let mut map = MapState::new(timeline());
        map.day = Day::from_ymd(2024, 12, 20).unwrap();
        map.window_days = 7;
        assert_eq!(cursor(&map, timeline()), Rect { x: 18.0, y: 0.0, width: 1.5, height: 40.0 });
        assert_eq!(window_shade(&map, timeline()), Rect { x: 12.0, y: 0.0, width: 7.0, height: 40.0 });
        map.mode = Mode::Cumulative;
        assert_eq!(
            window_shade(&map, timeline()),
            Rect { x: 0.0, y: 0.0, width: 19.0, height: 40.0 },
            "from the start"
        );
    }

    #[test]
    fn rect_attributes_have_two_decimals() {
        let r = Rect { x: 1.0, y: 2.5, width: 1.0 / 3.0, height: 40.0 };
        assert_eq!(r.attributes().map(|(_, v)| v), ["1.00", "2.50", "0.33", "40.00"]);
    }
}
