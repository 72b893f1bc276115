//! The timeline's histogram: strikes and events per week, drawn as SVG bars, and the cursor on the current day.

use serde::Deserialize;
use wasm_bindgen::UnwrapThrowExt;

use super::{App, Shared, document, element};

#[derive(Deserialize)]
struct TimelineSeries {
    id: String,
    buckets: Vec<TimelineBucket>,
}

#[derive(Deserialize)]
struct TimelineBucket {
    start: String,
    count: usize,
}

#[derive(Deserialize)]
struct TimelineResponse {
    collections: Vec<TimelineSeries>,
}

pub(super) fn draw_histogram(app: &Shared, json: &str) {
    let Ok(response) = serde_json::from_str::<TimelineResponse>(json) else { return };
    let a = app.borrow();
    let lang = a.lang;
    // The page's <defs> (the events' hatch pattern) stay; bars are added once.
    let svg = element("histogram");
    let total_days = f64::from((a.timeline.last.0 - a.timeline.first.0 + 1).max(1));
    let max =
        response.collections.iter().flat_map(|c| c.buckets.iter().map(|b| b.count)).max().unwrap_or(1).max(1) as f64;
    let _ = svg.set_attribute("viewBox", &format!("0 0 {total_days} 40"));
    let _ = svg.set_attribute("preserveAspectRatio", "none");
    let ns = Some("http://www.w3.org/2000/svg");
    let shade = document().create_element_ns(ns, "rect").expect_throw("rect");
    shade.set_id("histogram-window");
    let _ = svg.append_child(&shade);
    for series in &response.collections {
        let (offset, class, key) = if series.id == "strikes" {
            (0.0, "bar-strikes", "count.strikes")
        } else {
            (3.5, "bar-events", "count.events")
        };
        for bucket in &series.buckets {
            let Ok(start) = footprint::domain::Datetime::parse(&bucket.start) else { continue };
            if bucket.count == 0 {
                continue;
            }
            let x = f64::from(start.span().first.0 - a.timeline.first.0);
            let h = 38.0 * bucket.count as f64 / max;
            let rect = document().create_element_ns(ns, "rect").expect_throw("rect");
            for (k, v) in [("x", x + offset), ("y", 40.0 - h), ("width", 3.2), ("height", h)] {
                let _ = rect.set_attribute(k, &format!("{v:.2}"));
            }
            let _ = rect.set_attribute("class", class);
            let title = document().create_element_ns(ns, "title").expect_throw("title");
            let count = lang.count(key, bucket.count as u64);
            title.set_text_content(Some(
                &lang.tf("timeline.histogram_bar", &[("date", &lang.day(start.span().first)), ("count", &count)]),
            ));
            let _ = rect.append_child(&title);
            let _ = svg.append_child(&rect);
        }
    }
    let cursor = document().create_element_ns(ns, "rect").expect_throw("rect");
    cursor.set_id("histogram-cursor");
    let _ = svg.append_child(&cursor);
}

pub(super) fn render_histogram_cursor(a: &App) {
    let Some(cursor) = document().get_element_by_id("histogram-cursor") else { return };
    let x = f64::from(a.state.map.day.0 - a.timeline.first.0);
    for (k, v) in [("x", x), ("y", 0.0), ("width", 1.5), ("height", 40.0)] {
        let _ = cursor.set_attribute(k, &format!("{v:.2}"));
    }
    if let Some(shade) = document().get_element_by_id("histogram-window") {
        let w = a.state.map.window();
        let from = f64::from((w.first.0 - a.timeline.first.0).max(0));
        for (k, v) in [("x", from), ("y", 0.0), ("width", (x - from + 1.0).max(0.0)), ("height", 40.0)] {
            let _ = shade.set_attribute(k, &format!("{v:.2}"));
        }
    }
}
