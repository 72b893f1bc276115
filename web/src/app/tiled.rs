//! What the app asks the server for a layer it draws from tiles ([`footprint::map::tiling`]): what a state lists
//! of it (`/listed`: counts and the latest features, for the counts line and the text view), a selected feature it
//! has not loaded (`items/{id}`), and the feature a reader clicked (the items in the clicked area). Each answer is
//! put in the model and the page rendered again.

use footprint::domain::Day;
use footprint::map::tiling;
use wasm_bindgen::prelude::*;

use super::{App, History, Shared, dispatch, render, response_text, window};
use crate::model::Layer;
use crate::state::{Action, Selection};
use crate::view::listed_url;

/// A request a render found due for a tiled layer.
pub(super) enum Request {
    /// What the state lists of a layer (`/listed`).
    Listing(Layer, String),
    /// The selected feature, not loaded (`items/{id}`).
    Selected(Layer, String),
}

impl Request {
    pub(super) async fn run(self, app: Shared) {
        let result = match &self {
            Request::Listing(_, url) | Request::Selected(_, url) => fetch_text(url).await,
        };
        {
            let mut a = app.borrow_mut();
            let stored = result.and_then(|text| {
                let stored = match &self {
                    Request::Listing(layer, _) => a.model.set_layer(*layer, &text),
                    Request::Selected(layer, _) => a.model.add_opened(*layer, &text),
                };
                stored.map_err(|e| JsValue::from_str(&e.to_string()))
            });
            // A listing that failed is not asked again for the same state: the next change asks.
            if let Request::Listing(layer, _) = self {
                a.listing[layer.index()].1 = false;
            }
            if let Err(err) = stored {
                web_sys::console::warn_1(&err);
            }
        }
        render(&app, History::Keep);
    }
}

/// The requests the state needs of tiled layers that are not asked for yet: a layer's listing when the state's
/// day, window or levels changed (one at a time per layer: the answer's render asks again if the state moved on),
/// and the selected feature when it is not loaded (once).
pub(super) fn requests_due(a: &mut App) -> Vec<Request> {
    let mut due = Vec::new();
    for layer in Layer::ALL.into_iter().filter(|&l| a.model.is_tiled(l)) {
        let url = listed_url(layer, &a.state, a.lang);
        let (asked, in_flight) = &mut a.listing[layer.index()];
        if *asked != url && !*in_flight {
            asked.clone_from(&url);
            *in_flight = true;
            due.push(Request::Listing(layer, url));
        }
    }
    if let Some(sel) = &a.state.map.selected
        && a.model.is_tiled(sel.layer)
        && a.model.find(sel.layer, &sel.id).is_none()
    {
        let key = format!("{}:{}", sel.layer.id(), sel.id);
        if a.opening.as_deref() != Some(key.as_str()) {
            let id: String = form_urlencoded::byte_serialize(sel.id.as_bytes()).collect();
            due.push(Request::Selected(
                sel.layer,
                format!("/api/collections/{}/items/{id}?lang={}", sel.layer.id(), a.lang),
            ));
            a.opening = Some(key);
        }
    }
    due
}

/// Where a reader clicked a tiled layer: a few pixels around the point, and the days of the feature hit.
#[derive(serde::Deserialize)]
pub(super) struct ClickedArea {
    bbox: [f64; 4],
    days: [Option<i32>; 2],
}

impl ClickedArea {
    /// The area the bridge describes (`{"bbox": [w, s, e, n], "days": [first, last]}`).
    pub(super) fn parse(json: &str) -> Option<ClickedArea> {
        serde_json::from_str(json).ok()
    }
}

/// Opens the feature of a tiled layer a reader clicked: the items API is asked for the clicked area on the days of
/// the feature hit (within the state's window), and the nearest feature the state shows is selected.
pub(super) async fn open_clicked(app: Shared, layer: Layer, area: ClickedArea, at: (f64, f64)) {
    let url = {
        let a = app.borrow();
        let mut days = a.state.map.window();
        if let [Some(first), last] = area.days {
            days.first = days.first.max(Day(first));
            days.last = days.last.min(last.map_or(Day::MAX, Day));
            if days.first > days.last {
                days = a.state.map.window();
            }
        }
        let [west, south, east, north] = area.bbox;
        format!(
            "/api/collections/{}/items?bbox={west},{south},{east},{north}&datetime={}&limit=100&lang={}",
            layer.id(),
            tiling::datetime(days),
            a.lang
        )
    };
    let text = match fetch_text(&url).await {
        Ok(text) => text,
        Err(err) => return web_sys::console::warn_1(&err),
    };
    let opened = {
        let mut a = app.borrow_mut();
        let state = a.state.map.clone();
        a.model.open_nearest(layer, &text, &state, at)
    };
    match opened {
        Ok(Some(id)) => dispatch(&app, Action::Select(Some(Selection { layer, id })), History::Push),
        Ok(None) => {}
        Err(err) => web_sys::console::warn_1(&JsValue::from_str(&err.to_string())),
    }
}

async fn fetch_text(url: &str) -> Result<String, JsValue> {
    response_text(window().fetch_with_str(url)).await
}
