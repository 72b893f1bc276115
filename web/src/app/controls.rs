//! The timeline's controls: the speed and window menus and the status keys, built once; their state on every
//! render.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};

use super::{App, Shared, document, element, input};
use crate::model::Layer;
use crate::state::{Mode, SPEEDS, WINDOWS};
use crate::{style, text};

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
    colour_status_keys();
    let slider = input("scrubber");
    let a = app.borrow();
    let _ = slider.set_attribute("max", &(a.timeline.last.0 - a.timeline.first.0).to_string());
    element("timeline-start").set_text_content(Some(&a.lang.day(a.timeline.first)));
    element("timeline-end").set_text_content(Some(&a.lang.day(a.timeline.last)));
}

/// Gives every status key in the page (`data-status="…"`) its colour and letter from [`style::STATUSES`], through
/// the CSSOM: the page's Content-Security-Policy allows no `style` attribute in its markup.
fn colour_status_keys() {
    let Ok(keys) = document().query_selector_all("[data-status]") else { return };
    for i in 0..keys.length() {
        let Some(key) = keys.item(i).and_then(|k| k.dyn_into::<HtmlElement>().ok()) else { continue };
        let status = key.get_attribute("data-status").unwrap_or_default();
        if let Some((_, colour, letter, _)) = style::STATUSES.iter().find(|s| s.0 == status) {
            let _ = key.style().set_property("background", colour);
            key.set_text_content(Some(letter));
        }
    }
}

pub(super) fn render_controls(a: &App) {
    let s = &a.state;
    let lang = a.lang;
    let label = lang.day(s.day);
    element("current-date").set_text_content(Some(&label));
    let slider = input("scrubber");
    slider.set_value(&(s.day.0 - a.timeline.first.0).to_string());
    let _ = slider.set_attribute("aria-valuetext", &label);
    let play = element("play");
    play.set_text_content(Some(lang.t(if s.playing { "timeline.pause" } else { "timeline.play" })));
    // The label says what the button does (Play / Pause); `data-playing` is for the tests.
    let _ = play.set_attribute("data-playing", if s.playing { "true" } else { "false" });
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
    counts.set_text_content(Some(&text::counts(&a.model, &a.visible, s, lang)));
    let _ = counts.set_attribute("data-strikes", &a.visible.strikes.len().to_string());
    let _ = counts.set_attribute("data-events", &a.visible.events.len().to_string());
}
