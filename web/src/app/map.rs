//! The map on the page: the one JS bridge to MapLibre GL JS (`js/bridge.js`), the map's start (its sources,
//! layers and the handlers that dispatch into the app), what a render hands it, and the page's answers to what
//! the map reports (ready, refused tiles, no WebGL).

use footprint::i18n::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::{
    History, MAP_FAILED, MAP_READY, Shared, dispatch, document, element, open_clicked, page_lang, render, text_element,
    tiled, window, with_app,
};
use crate::model::Layer;
use crate::state::{Action, Selection, View};
use crate::view::LayerUpdate;
use crate::{style, url};

#[wasm_bindgen(module = "/js/bridge.js")]
extern "C" {
    #[wasm_bindgen(js_name = createMap)]
    fn create_map(
        container: &str,
        style_url: &str,
        lon: f64,
        lat: f64,
        zoom: f64,
        sources: &str,
        layers: &str,
        on_ready: &Closure<dyn FnMut()>,
        on_click: &Closure<dyn FnMut(String, i32, f64, f64, String)>,
        on_move: &Closure<dyn FnMut(f64, f64, f64)>,
        on_fail: &Closure<dyn FnMut(String)>,
        locale: &str,
        on_refused: &Closure<dyn FnMut(String)>,
    );
    #[wasm_bindgen(js_name = setData)]
    fn set_data(source: &str, geojson: &str);
    #[wasm_bindgen(js_name = setTiles)]
    fn set_tiles(source: &str, url: &str);
    #[wasm_bindgen(js_name = setFilterState)]
    fn set_filter_state(values: &str);
    #[wasm_bindgen(js_name = setVisible)]
    fn set_visible(layer_ids: &str, visible: bool);
    #[wasm_bindgen(js_name = setPaint)]
    pub(super) fn set_paint(layer: &str, property: &str, value: f64);
    #[wasm_bindgen(js_name = fitBounds)]
    fn fit_bounds(west: f64, south: f64, east: f64, north: f64);
    #[wasm_bindgen(js_name = jumpTo)]
    pub(super) fn jump_to(lon: f64, lat: f64, zoom: f64, animate: bool);
}

/// Takes away an embed's first paint (the static image of its state and the button that asks for the live map)
/// once the live map has its style and the data.
pub(super) fn reveal_live_map() {
    let asked = document().active_element().is_some_and(|e| e.id() == "go-live");
    for id in ["static-map", "go-live"] {
        if let Some(node) = document().get_element_by_id(id) {
            node.remove();
        }
    }
    // A keyboard reader who pressed the button goes on in the map it asked for.
    if asked && let Ok(map) = element("map").dyn_into::<web_sys::HtmlElement>() {
        let _ = map.focus();
    }
}

/// Takes away the note that tiles were refused (the view or the tiles changed: new tiles say it again if need be).
pub(super) fn clear_refused() {
    let status = element("status");
    if status.text_content().as_deref() == Some(page_lang().t("map.tiles_refused")) {
        status.set_text_content(None);
    }
}

/// Shows the text view in the map's place when the map cannot be drawn.
pub(super) fn map_failed(reason: &str) {
    MAP_FAILED.with(|f| f.set(true));
    web_sys::console::warn_1(&JsValue::from_str(&format!("map unavailable: {reason}")));
    if let Some(body) = document().body() {
        let _ = body.class_list().add_1("no-map");
    }
    if let Some(view) = document().get_element_by_id("text-view") {
        let _ = view.set_attribute("open", "");
    }
    let note = text_element("p", "no-map-note", page_lang().t("map.no_webgl"));
    let _ = note.set_attribute("role", "status");
    let _ = element("sites-table").before_with_node_1(&note);
}

pub(super) fn start_map(view: View, lang: Lang, tiled: [bool; 3], tiles: &[String; 3]) {
    let ready = Closure::<dyn FnMut()>::new(move || {
        MAP_READY.with(|r| r.set(true));
        // An embed's `bbox` fits the view once (the URL then keeps the resulting `at`). No borrow is held: fitting
        // moves the map, whose `moveend` handler dispatches into the app.
        if let Some(b) = url::bbox(&window().location().search().unwrap_or_default()) {
            fit_bounds(b.min_lon, b.min_lat, b.max_lon, b.max_lat);
        }
        with_app(|app| {
            app.borrow_mut().map_ready = true;
            render(app, History::Keep);
            reveal_live_map();
        });
    });
    let click = Closure::<dyn FnMut(String, i32, f64, f64, String)>::new(
        move |source: String, i: i32, lon: f64, lat: f64, area: String| {
            let Some(layer) = Layer::from_id(&source) else { return };
            with_app(|app| {
                // A whole layer's feature is known by its position; a tiled layer's is asked for by the area clicked.
                let Ok(i) = usize::try_from(i) else {
                    if let Some(area) = tiled::ClickedArea::parse(&area) {
                        wasm_bindgen_futures::spawn_local(open_clicked(app.clone(), layer, area, (lon, lat)));
                    }
                    return;
                };
                let id = app.borrow().model.layer(layer).get(i).map(|f| f.id.to_string());
                if let Some(id) = id {
                    dispatch(app, Action::Select(Some(Selection { layer, id })), History::Push);
                }
            });
        },
    );
    let moved = Closure::<dyn FnMut(f64, f64, f64)>::new(move |lon, lat, zoom| {
        clear_refused();
        with_app(|app| dispatch(app, Action::SetView(View { lon, lat, zoom }), History::Replace));
    });
    let failed = Closure::<dyn FnMut(String)>::new(move |reason: String| map_failed(&reason));
    let refused = Closure::<dyn FnMut(String)>::new(move |_source: String| {
        element("status").set_text_content(Some(page_lang().t("map.tiles_refused")));
    });
    create_map(
        "map",
        &format!("/basemap/style.json?lang={lang}"),
        view.lon,
        view.lat,
        view.zoom,
        &style::sources(&tiled, tiles).to_string(),
        &style::layers(&tiled).to_string(),
        &ready,
        &click,
        &moved,
        &failed,
        &serde_json::json!({
            "Map.Title": lang.t("map.canvas"),
            "NavigationControl.ZoomIn": lang.t("map.zoom_in"),
            "NavigationControl.ZoomOut": lang.t("map.zoom_out"),
            "AttributionControl.ToggleAttribution": lang.t("map.attribution"),
        })
        .to_string(),
        &refused,
    );
    // Made once, at start-up, and called by the map for as long as the page lives: handed over to JS for good.
    failed.forget();
    refused.forget();
    ready.forget();
    click.forget();
    moved.forget();
}

/// Hands the map what a render decided, with the app not borrowed: MapLibre's handlers (`moveend`) can dispatch
/// into the app, even render again. A render that ran meanwhile (its `generation` is newer) has handed over the
/// newer state, so this one stops.
pub(super) fn send_to_map(app: &Shared, updates: Vec<LayerUpdate>, generation: u64) {
    for update in updates {
        if app.borrow().renders != generation {
            return;
        }
        let i = update.layer.index();
        if let Some(data) = update.data {
            set_data(&update.source, &data);
            app.borrow_mut().sent[i].data = data;
        }
        if let Some(filter) = update.filter {
            set_filter_state(&filter);
            app.borrow_mut().sent[i].filter = filter;
        }
        if let Some(tiles) = update.tiles {
            clear_refused();
            set_tiles(&update.source, &tiles);
            app.borrow_mut().sent[i].tiles = tiles;
        }
        set_visible(&update.layer_ids, update.shown);
    }
}
