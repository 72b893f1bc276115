//! What the page's controls, the text view, the keyboard and the browser's history do: each becomes an
//! [`Action`] dispatched to the state. What a value or key means is decided in [`crate::controls`], [`crate::keys`]
//! and [`crate::text`] (host-tested).
//!
//! Every listener here is added once, at start-up, and lives as long as the page: their closures are handed over
//! to JS for good (`forget`), which leaks nothing per event. Handlers never hold a borrow of the app while they
//! dispatch, render or call into JS.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlSelectElement, KeyboardEvent};

use super::animation::ensure_animation;
use super::embed_dialog::{copy_link, fill_embed_dialog, open_embed_dialog};
use super::map::jump_to;
use super::{History, Shared, dispatch, document, element, input, listen, panel, render, window};
use crate::state::Action;
use crate::{controls, keys, text, url};

pub(super) fn wire(app: &Shared) {
    listen("play", "click", app, |app, _| {
        dispatch(app, Action::TogglePlay, History::Replace);
        ensure_animation(app);
    });
    for (id, days) in [("back-week", -7), ("back-day", -1), ("forward-day", 1), ("forward-week", 7)] {
        listen(id, "click", app, move |app, _| dispatch(app, Action::Step(days), History::Replace));
    }
    listen("scrubber", "input", app, |app, _| {
        let timeline = app.borrow().timeline;
        let day = controls::scrubbed_day(timeline, &input("scrubber").value());
        dispatch(app, Action::Scrub(day), History::Replace);
    });
    listen("scrubber", "keydown", app, |app, e| {
        let Some(key) = e.dyn_ref::<KeyboardEvent>() else { return };
        if let Some(step) = keys::scrubber_step(&key.key(), key.shift_key()) {
            e.prevent_default();
            dispatch(app, Action::Step(step), History::Replace);
        }
    });
    listen("speed", "change", app, |app, _| {
        let value: HtmlSelectElement = element("speed").unchecked_into();
        if let Some(i) = controls::speed_index(&value.value()) {
            dispatch(app, Action::SetSpeed(i), History::Push);
        }
    });
    listen("mode", "change", app, |app, _| {
        let value: HtmlSelectElement = element("mode").unchecked_into();
        dispatch(app, Action::SetMode(controls::mode(&value.value())), History::Push);
    });
    listen("window", "change", app, |app, _| {
        let value: HtmlSelectElement = element("window").unchecked_into();
        if let Ok(days) = value.value().parse() {
            dispatch(app, Action::SetWindow(days), History::Push);
        }
    });
    for (layer, id) in controls::layer_ids() {
        listen(&id, "change", app, move |app, _| dispatch(app, Action::ToggleLayer(layer), History::Push));
    }
    for (c, id) in controls::confidence_ids() {
        listen(&id, "change", app, move |app, _| dispatch(app, Action::ToggleConfidence(c), History::Push));
    }
    listen("panel-close", "click", app, |app, _| panel::close(app));
    // One listener for every entry of the text view (entries are rebuilt as time moves).
    listen("text-view", "click", app, |app, e| {
        let selection = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[data-feature]").ok().flatten())
            .and_then(|t| t.get_attribute("data-feature"))
            .and_then(|reference| text::selection_of(&reference));
        if let Some(selection) = selection {
            dispatch(app, Action::Select(Some(selection)), History::Push);
        }
    });
    listen("copy-link", "click", app, |_, _| copy_link());
    if document().get_element_by_id("embed-open").is_some() {
        listen("embed-open", "click", app, |app, _| open_embed_dialog(app));
        listen("embed-close", "click", app, |_, _| {
            // Not borrowed: closing moves the focus back (and queues the dialog's `close` event).
            let dialog: web_sys::HtmlDialogElement = element("embed-dialog").unchecked_into();
            dialog.close();
        });
        let radios = document().query_selector_all("input[name=embed-size]").expect_throw("radios");
        for i in 0..radios.length() {
            if let Some(radio) = radios.item(i) {
                let app = app.clone();
                let change = Closure::<dyn FnMut()>::new(move || fill_embed_dialog(&app));
                let _ = radio.add_event_listener_with_callback("change", change.as_ref().unchecked_ref());
                // One per radio, made once at start-up, for the page's lifetime.
                change.forget();
            }
        }
    }
    let key_app = app.clone();
    let on_key = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
        let dialog_open = document().get_element_by_id("embed-dialog").is_some_and(|d| d.has_attribute("open"));
        let selected = key_app.borrow().state.map.selected.is_some();
        if keys::closes_panel(&e.key(), dialog_open, selected) {
            panel::close(&key_app);
        }
        // Space plays and pauses on the timeline slider, the map and the page itself; on any other element it keeps
        // its own meaning (pressing a button, scrolling the panel).
        let target = e.target().and_then(|t| t.dyn_into::<Element>().ok()).map(|t| (t.tag_name(), t.id()));
        if e.key() == " " && keys::space_plays(target.as_ref().map(|(tag, id)| (tag.as_str(), id.as_str()))) {
            e.prevent_default();
            dispatch(&key_app, Action::TogglePlay, History::Replace);
            ensure_animation(&key_app);
        }
    });
    let _ = document().add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    // Made once at start-up, for the page's lifetime.
    on_key.forget();
    let pop_app = app.clone();
    let pop = Closure::<dyn FnMut()>::new(move || {
        let query = window().location().search().unwrap_or_default();
        let view = {
            let mut a = pop_app.borrow_mut();
            a.state = url::decode(&query, a.timeline);
            a.options = url::page_options(&query);
            a.state.map.view
        };
        // Not borrowed: the jump fires MapLibre's `moveend`, which dispatches the view into the app.
        jump_to(view.lon, view.lat, view.zoom, false);
        render(&pop_app, History::Keep);
    });
    let _ = window().add_event_listener_with_callback("popstate", pop.as_ref().unchecked_ref());
    // Made once at start-up, for the page's lifetime.
    pop.forget();
}
