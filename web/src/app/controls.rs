//! The timeline's controls: the speed and window menus and the status keys, built once; their state on every
//! render.

use footprint::domain::Status;
use footprint::map::palette;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};

use super::{App, Shared, document, element, input};
use crate::model::Layer;
use crate::state::{Mode, SPEEDS, WINDOWS};
use crate::text;

pub(super) fn build_controls(app: &Shared) {
    let doc = document();
    let speed: HtmlSelectElement = element("speed").unchecked_into();
    for s in SPEEDS {
        if let Ok(option) = doc.create_element("option") {
            option.set_text_content(Some(&format!("{}×", app.borrow().lang.number(s))));
            let _ = option.set_attribute("value", &s.to_string());
            let _ = speed.append_child(&option);
        }
    }
    let window_select: HtmlSelectElement = element("window").unchecked_into();
    for days in WINDOWS {
        if let Ok(option) = doc.create_element("option") {
            option.set_text_content(Some(&app.borrow().lang.count("window.days", u64::from(days))));
            let _ = option.set_attribute("value", &days.to_string());
            let _ = window_select.append_child(&option);
        }
    }
    apply_palette();
    let slider = input("scrubber");
    let a = app.borrow();
    let _ = slider.set_attribute("max", &(a.timeline.last.0 - a.timeline.first.0).to_string());
    element("timeline-start").set_text_content(Some(&a.lang.day(a.timeline.first)));
    element("timeline-end").set_text_content(Some(&a.lang.day(a.timeline.last)));
}

/// Gives the page the map's colours from the one palette, through the CSSOM (the page's Content-Security-Policy
/// allows no `style` attribute in its markup): the `--map-site`, `--map-strike` and `--map-event` custom properties
/// of the legend's swatches, and every status key (`data-status="…"`) its colour and letter.
fn apply_palette() {
    if let Some(root) = document().document_element().and_then(|r| r.dyn_into::<HtmlElement>().ok()) {
        let style = root.style();
        let _ = style.set_property("--map-site", &palette::status_colour(Status::RussianOperated).hex());
        let _ = style.set_property("--map-strike", &palette::STRIKE.hex());
        let _ = style.set_property("--map-event", &palette::EVENT.hex());
    }
    let Ok(keys) = document().query_selector_all("[data-status]") else { return };
    for i in 0..keys.length() {
        let Some(key) = keys.item(i).and_then(|k| k.dyn_into::<HtmlElement>().ok()) else { continue };
        if let Some(status) = key.get_attribute("data-status").as_deref().and_then(Status::from_name) {
            let _ = key.style().set_property("background", &palette::status_colour(status).hex());
            key.set_text_content(Some(palette::status_letter(status)));
        }
    }
}

pub(super) fn render_controls(a: &App) {
    let s = &a.state.map;
    let lang = a.lang;
    let label = lang.day(s.day);
    element("current-date").set_text_content(Some(&label));
    let slider = input("scrubber");
    slider.set_value(&(s.day.0 - a.timeline.first.0).to_string());
    let _ = slider.set_attribute("aria-valuetext", &label);
    let play = element("play");
    play.set_text_content(Some(lang.t(if a.state.playing { "timeline.pause" } else { "timeline.play" })));
    // The label says what the button does (Play / Pause); `data-playing` is for the tests.
    let _ = play.set_attribute("data-playing", if a.state.playing { "true" } else { "false" });
    let speed: HtmlSelectElement = element("speed").unchecked_into();
    speed.set_value(&SPEEDS[s.speed].to_string());
    let mode: HtmlSelectElement = element("mode").unchecked_into();
    mode.set_value(if s.mode == Mode::Window { "window" } else { "cumulative" });
    let window_select: HtmlSelectElement = element("window").unchecked_into();
    if !WINDOWS.contains(&s.window_days)
        && window_select.query_selector(&format!("option[value=\"{}\"]", s.window_days)).ok().flatten().is_none()
        && let Ok(option) = document().create_element("option")
    {
        option.set_text_content(Some(&lang.count("window.days", u64::from(s.window_days))));
        let _ = option.set_attribute("value", &s.window_days.to_string());
        let _ = window_select.append_child(&option);
    }
    window_select.set_value(&s.window_days.to_string());
    window_select.set_disabled(s.mode == Mode::Cumulative);
    for layer in Layer::ALL {
        input(&format!("layer-{}", layer.id())).set_checked(s.shows(layer));
    }
    for (i, name) in ["high", "medium", "low"].into_iter().enumerate() {
        input(&format!("confidence-{name}")).set_checked(s.confidence[i]);
    }
    let counts = element("counts");
    counts.set_text_content(Some(&text::counts(&a.model, &a.visible, &a.state, lang)));
    let _ = counts.set_attribute("data-strikes", &a.visible.strikes.len().to_string());
    let _ = counts.set_attribute("data-events", &a.visible.events.len().to_string());
}
