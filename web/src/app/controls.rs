//! The timeline's controls: the speed and window menus and the status keys, built once; their state on every
//! render. What they show is [`crate::controls`]'s (host-tested); this only writes it into the page.

use footprint::domain::Status;
use footprint::map::palette;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};

use super::{App, document, element, input};
use crate::controls::{self, MenuOption};

/// Appends an option to a menu.
fn add_option(menu: &HtmlSelectElement, option: &MenuOption) {
    if let Ok(el) = document().create_element("option") {
        el.set_text_content(Some(&option.label));
        let _ = el.set_attribute("value", &option.value);
        let _ = menu.append_child(&el);
    }
}

/// Builds the menus, the status keys and the slider's range (once, at start-up; only DOM, so under the borrow).
pub(super) fn build_controls(a: &App) {
    // The page's first paint wrote the menus for its state; they are written again here, from the same options.
    let speed: HtmlSelectElement = element("speed").unchecked_into();
    speed.set_length(0);
    for option in controls::speed_options(a.lang) {
        add_option(&speed, &option);
    }
    let window_select: HtmlSelectElement = element("window").unchecked_into();
    window_select.set_length(0);
    for option in controls::window_options(a.lang) {
        add_option(&window_select, &option);
    }
    apply_palette();
    let _ = input("scrubber").set_attribute("max", &controls::scrubber_max(a.timeline));
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

/// Shows the state in the controls. Setting values and `checked` from script dispatches no `input` or `change`
/// event, so this runs under the render's borrow without calling back into the app.
pub(super) fn render_controls(a: &App) {
    let c = controls::controls(&a.model, &a.visible, &a.state, a.timeline, a.lang);
    element("current-date").set_text_content(Some(&c.date));
    let slider = input("scrubber");
    slider.set_value(&c.scrubber);
    let _ = slider.set_attribute("aria-valuetext", &c.date);
    let play = element("play");
    play.set_text_content(Some(c.play_label));
    // The label says what the button does (Play / Pause); `data-playing` is for the tests.
    let _ = play.set_attribute("data-playing", if c.playing { "true" } else { "false" });
    let speed: HtmlSelectElement = element("speed").unchecked_into();
    speed.set_value(&c.speed);
    let mode: HtmlSelectElement = element("mode").unchecked_into();
    mode.set_value(c.mode);
    let window_select: HtmlSelectElement = element("window").unchecked_into();
    if let Some(option) = &c.extra_window
        && window_select.query_selector(&format!("option[value=\"{}\"]", option.value)).ok().flatten().is_none()
    {
        add_option(&window_select, option);
    }
    window_select.set_value(&c.window);
    window_select.set_disabled(c.window_disabled);
    for ((_, id), shown) in controls::layer_ids().iter().zip(c.layers) {
        input(id).set_checked(shown);
    }
    for ((_, id), shown) in controls::confidence_ids().iter().zip(c.confidence) {
        input(id).set_checked(shown);
    }
    let counts = element("counts");
    counts.set_text_content(Some(&c.counts));
    let _ = counts.set_attribute("data-strikes", &c.strikes.to_string());
    let _ = counts.set_attribute("data-events", &c.events.to_string());
}
