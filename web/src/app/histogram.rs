//! The timeline's histogram: strikes and events per week, drawn as SVG bars, and the cursor on the current day.
//! The geometry and titles are [`crate::histogram`]'s (host-tested); this only makes the SVG elements.

use wasm_bindgen::UnwrapThrowExt;
use web_sys::Element;

use super::{App, Shared, document, element};
use crate::histogram::{self, Rect};

const SVG: Option<&str> = Some("http://www.w3.org/2000/svg");

fn set_rect(el: &Element, rect: &Rect) {
    for (k, v) in rect.attributes() {
        let _ = el.set_attribute(k, &v);
    }
}

/// Draws the bars once, from the `/api/timeline` response (nothing when it cannot be read).
pub(super) fn draw_histogram(app: &Shared, json: &str) {
    let drawing = {
        let a = app.borrow();
        histogram::histogram(json, a.timeline, a.lang)
    };
    let Some(drawing) = drawing else { return };
    // The page's <defs> (the events' hatch pattern) stay; bars are added once.
    let svg = element("histogram");
    let _ = svg.set_attribute("viewBox", &drawing.view_box);
    let _ = svg.set_attribute("preserveAspectRatio", "none");
    let shade = document().create_element_ns(SVG, "rect").expect_throw("rect");
    shade.set_id("histogram-window");
    let _ = svg.append_child(&shade);
    for bar in &drawing.bars {
        let rect = document().create_element_ns(SVG, "rect").expect_throw("rect");
        set_rect(&rect, &bar.rect);
        let _ = rect.set_attribute("class", bar.class);
        let title = document().create_element_ns(SVG, "title").expect_throw("title");
        title.set_text_content(Some(&bar.title));
        let _ = rect.append_child(&title);
        let _ = svg.append_child(&rect);
    }
    let cursor = document().create_element_ns(SVG, "rect").expect_throw("rect");
    cursor.set_id("histogram-cursor");
    let _ = svg.append_child(&cursor);
}

/// Moves the cursor to the current day and the shade to the days shown.
pub(super) fn render_histogram_cursor(a: &App) {
    let Some(cursor) = document().get_element_by_id("histogram-cursor") else { return };
    set_rect(&cursor, &histogram::cursor(&a.state.map, a.timeline));
    if let Some(shade) = document().get_element_by_id("histogram-window") {
        set_rect(&shade, &histogram::window_shade(&a.state.map, a.timeline));
    }
}
