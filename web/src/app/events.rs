//! What the page's controls, the text view, the keyboard and the browser's history do: each becomes an
//! [`Action`] dispatched to the state.

use footprint::domain::Confidence;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlSelectElement, KeyboardEvent};

use super::animation::ensure_animation;
use super::embed_dialog::{copy_link, fill_embed_dialog, open_embed_dialog};
use super::{History, Shared, dispatch, document, element, input, jump_to, listen, panel, render, window};
use crate::model::Layer;
use crate::state::{Action, Mode, SPEEDS, Selection};
use crate::url;

pub(super) fn wire(app: &Shared) {
    listen("play", "click", app, |app, _| {
        dispatch(app, Action::TogglePlay, History::Replace);
        ensure_animation(app);
    });
    for (id, days) in [("back-week", -7), ("back-day", -1), ("forward-day", 1), ("forward-week", 7)] {
        listen(id, "click", app, move |app, _| dispatch(app, Action::Step(days), History::Replace));
    }
    listen("scrubber", "input", app, |app, _| {
        let first = app.borrow().timeline.first;
        let offset = input("scrubber").value().parse::<i32>().unwrap_or(0);
        dispatch(app, Action::Scrub(first.plus(offset)), History::Replace);
    });
    listen("scrubber", "keydown", app, |app, e| {
        let Some(key) = e.dyn_ref::<KeyboardEvent>() else { return };
        if key.shift_key() {
            let step = match key.key().as_str() {
                "ArrowRight" | "ArrowUp" => 7,
                "ArrowLeft" | "ArrowDown" => -7,
                _ => return,
            };
            e.prevent_default();
            dispatch(app, Action::Step(step), History::Replace);
        }
    });
    listen("speed", "change", app, |app, _| {
        let value: HtmlSelectElement = element("speed").unchecked_into();
        if let Some(i) = SPEEDS.iter().position(|s| s.to_string() == value.value()) {
            dispatch(app, Action::SetSpeed(i), History::Push);
        }
    });
    listen("mode", "change", app, |app, _| {
        let value: HtmlSelectElement = element("mode").unchecked_into();
        let mode = if value.value() == "cumulative" { Mode::Cumulative } else { Mode::Window };
        dispatch(app, Action::SetMode(mode), History::Push);
    });
    listen("window", "change", app, |app, _| {
        let value: HtmlSelectElement = element("window").unchecked_into();
        if let Ok(days) = value.value().parse() {
            dispatch(app, Action::SetWindow(days), History::Push);
        }
    });
    for layer in Layer::ALL {
        listen(&format!("layer-{}", layer.id()), "change", app, move |app, _| {
            dispatch(app, Action::ToggleLayer(layer), History::Push);
        });
    }
    for (c, name) in [(Confidence::High, "high"), (Confidence::Medium, "medium"), (Confidence::Low, "low")] {
        listen(&format!("confidence-{name}"), "change", app, move |app, _| {
            dispatch(app, Action::ToggleConfidence(c), History::Push);
        });
    }
    listen("panel-close", "click", app, |app, _| panel::close(app));
    // One listener for every entry of the text view (entries are rebuilt as time moves).
    listen("text-view", "click", app, |app, e| {
        let entry = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[data-feature]").ok().flatten())
            .and_then(|t| t.get_attribute("data-feature"));
        let Some((layer, id)) = entry.as_deref().and_then(|e| e.split_once(':')) else { return };
        if let Some(layer) = Layer::from_id(layer) {
            dispatch(app, Action::Select(Some(Selection { layer, id: id.to_owned() })), History::Push);
        }
    });
    listen("copy-link", "click", app, |_, _| copy_link());
    if document().get_element_by_id("embed-open").is_some() {
        listen("embed-open", "click", app, |app, _| open_embed_dialog(app));
        listen("embed-close", "click", app, |_, _| {
            let dialog: web_sys::HtmlDialogElement = element("embed-dialog").unchecked_into();
            dialog.close();
        });
        let radios = document().query_selector_all("input[name=embed-size]").expect_throw("radios");
        for i in 0..radios.length() {
            if let Some(radio) = radios.item(i) {
                let app = app.clone();
                let change = Closure::<dyn FnMut()>::new(move || fill_embed_dialog(&app));
                let _ = radio.add_event_listener_with_callback("change", change.as_ref().unchecked_ref());
                change.forget();
            }
        }
    }
    let key_app = app.clone();
    let keys = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
        let dialog_open = document().get_element_by_id("embed-dialog").is_some_and(|d| d.has_attribute("open"));
        if e.key() == "Escape" && !dialog_open && key_app.borrow().state.map.selected.is_some() {
            panel::close(&key_app);
        }
        // Space plays and pauses on the timeline slider, the map and the page itself; on any other element it keeps
        // its own meaning (pressing a button, scrolling the panel).
        let for_playback = e.target().and_then(|t| t.dyn_into::<Element>().ok()).is_none_or(|t| {
            matches!(t.tag_name().as_str(), "BODY" | "HTML") || t.id() == "map" || t.id() == "scrubber"
        });
        if e.key() == " " && for_playback {
            e.prevent_default();
            dispatch(&key_app, Action::TogglePlay, History::Replace);
            ensure_animation(&key_app);
        }
    });
    let _ = document().add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
    keys.forget();
    let pop_app = app.clone();
    let pop = Closure::<dyn FnMut()>::new(move || {
        let query = window().location().search().unwrap_or_default();
        {
            let mut a = pop_app.borrow_mut();
            a.state = url::decode(&query, a.timeline);
            a.options = url::page_options(&query);
        }
        let view = pop_app.borrow().state.map.view;
        jump_to(view.lon, view.lat, view.zoom, false);
        render(&pop_app, History::Keep);
    });
    let _ = window().add_event_listener_with_callback("popstate", pop.as_ref().unchecked_ref());
    pop.forget();
}
