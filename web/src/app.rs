//! The browser side: loads the layers from the API, wires the page's controls and the map bridge to [`State`],
//! and renders. Data text is always set as text (`textContent`), never as HTML.

use std::cell::RefCell;
use std::rc::Rc;

use footprint::domain::DaySpan;
use footprint::i18n::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement};

use crate::model::{Layer, Model};
use crate::state::{Action, Selection, State, View};
use crate::text::{Said, TextView};
use crate::view::{Visible, geojson, visible};
use crate::{style, url};

mod animation;
mod controls;
mod embed_dialog;
mod events;
mod histogram;
mod panel;
mod text_view;

use animation::ensure_animation;
use controls::{build_controls, render_controls};
use events::wire;
use histogram::{draw_histogram, render_histogram_cursor};
use text_view::render_text_view;

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
        on_click: &Closure<dyn FnMut(String, u32)>,
        on_move: &Closure<dyn FnMut(f64, f64, f64)>,
        on_fail: &Closure<dyn FnMut(String)>,
        locale: &str,
    );
    #[wasm_bindgen(js_name = setData)]
    fn set_data(source: &str, geojson: &str);
    #[wasm_bindgen(js_name = setVisible)]
    fn set_visible(layer_ids: &str, visible: bool);
    #[wasm_bindgen(js_name = setPaint)]
    fn set_paint(layer: &str, property: &str, value: f64);
    #[wasm_bindgen(js_name = fitBounds)]
    fn fit_bounds(west: f64, south: f64, east: f64, north: f64);
    #[wasm_bindgen(js_name = jumpTo)]
    fn jump_to(lon: f64, lat: f64, zoom: f64, animate: bool);
}

/// How a render records the state in the browser history.
#[derive(Clone, Copy, PartialEq, Eq)]
enum History {
    /// A new entry (a discrete choice: back returns to before it).
    Push,
    /// Replace the current entry (scrubbing, playing, panning).
    Replace,
    /// Leave the history alone (restoring from it).
    Keep,
}

struct App {
    model: Model,
    timeline: DaySpan,
    state: State,
    visible: Visible,
    map_ready: bool,
    last_frame: Option<f64>,
    pulse_started: Option<f64>,
    reduced_motion: bool,
    animating: bool,
    /// Milliseconds the last render took (read by the benchmark).
    last_render_ms: f64,
    /// The GeoJSON last handed to the map, per layer (unchanged data is not sent again).
    sent: [String; 3],
    /// What the text view shows (it is rebuilt only when that changes).
    shown: Option<TextView>,
    /// The last summary given to the polite live region.
    announced: String,
    /// The reader's language (the page's `lang`, chosen by the server).
    lang: Lang,
    /// Page options carried over in every URL the app writes (language, theme, an embed's title…).
    options: String,
}

type Shared = Rc<RefCell<App>>;
type FrameCallback = Closure<dyn FnMut(f64)>;

thread_local! {
    static APP: RefCell<Option<Shared>> = const { RefCell::new(None) };
    static MAP_READY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static MAP_FAILED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static OPENER: RefCell<Option<Element>> = const { RefCell::new(None) };
}

fn window() -> web_sys::Window {
    web_sys::window().expect_throw("no window")
}

fn document() -> Document {
    window().document().expect_throw("no document")
}

fn element(id: &str) -> Element {
    document().get_element_by_id(id).unwrap_or_else(|| wasm_bindgen::throw_str(&format!("missing #{id}")))
}

fn input(id: &str) -> HtmlInputElement {
    element(id).unchecked_into()
}

/// The page's language, as the server chose it (`<html lang>`).
fn page_lang() -> Lang {
    document()
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::from_tag(&l))
        .unwrap_or_default()
}

fn now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Entry point: called when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(err) = run().await {
            let message = err.as_string().unwrap_or_else(|| format!("{err:?}"));
            web_sys::console::error_1(&JsValue::from_str(&message));
            let status = element("status");
            status.set_text_content(Some(&page_lang().tf("map.load_failed", &[("message", &message)])));
        }
    });
}

async fn run() -> Result<(), JsValue> {
    // Start every request at once (a JS promise starts its request when created), and the map with them.
    let downloads =
        Layer::ALL.map(|l| window().fetch_with_str(&format!("/api/collections/{}/download?f=geojson", l.id())));
    let histogram =
        window().fetch_with_str("/api/timeline?bucket=week&collections=strikes,events&datetime=2024-12-01/..");
    let query = window().location().search()?;
    let lang = page_lang();
    start_map(
        url::decode(&query, DaySpan { first: footprint::domain::Day(0), last: footprint::domain::Day(0) }).map.view,
        lang,
    );
    let mut model = Model::default();
    for (layer, promise) in Layer::ALL.into_iter().zip(downloads) {
        let text = response_text(promise).await?;
        model.set_layer(layer, &text).map_err(|e| JsValue::from_str(&e.to_string()))?;
    }
    let timeline = model.timeline_span();
    let state = url::decode(&query, timeline);
    let reduced_motion =
        window().match_media("(prefers-reduced-motion: reduce)").ok().flatten().is_some_and(|m| m.matches());
    let app = Rc::new(RefCell::new(App {
        visible: visible(&model, &state),
        model,
        timeline,
        state,
        map_ready: MAP_READY.with(std::cell::Cell::get),
        last_frame: None,
        pulse_started: None,
        reduced_motion,
        animating: false,
        last_render_ms: 0.0,
        sent: Default::default(),
        shown: None,
        announced: String::new(),
        lang,
        options: url::page_options(&query),
    }));
    APP.with(|cell| *cell.borrow_mut() = Some(app.clone()));
    build_controls(&app);
    wire(&app);
    render(&app, History::Replace);
    element("status").set_text_content(None);
    draw_histogram(&app, &response_text(histogram).await?);
    render(&app, History::Keep);
    // `autoplay=1` (embeds) starts playing, never for readers who prefer reduced motion.
    let autoplay =
        form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).any(|(k, v)| k == "autoplay" && v == "1");
    if autoplay && !reduced_motion {
        dispatch(&app, Action::TogglePlay, History::Replace);
        ensure_animation(&app);
    }
    Ok(())
}

async fn response_text(promise: js_sys::Promise) -> Result<String, JsValue> {
    let response: web_sys::Response = JsFuture::from(promise).await?.dyn_into()?;
    if !response.ok() {
        return Err(JsValue::from_str(&format!("{}: HTTP {}", response.url(), response.status())));
    }
    JsFuture::from(response.text()?).await?.as_string().ok_or_else(|| JsValue::from_str("not text"))
}

fn with_app(f: impl FnOnce(&Shared)) {
    if let Some(app) = APP.with(|cell| cell.borrow().clone()) {
        f(&app);
    }
}

/// Shows the text view in the map's place when the map cannot be drawn.
fn map_failed(reason: &str) {
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

fn start_map(view: View, lang: Lang) {
    let ready = Closure::<dyn FnMut()>::new(move || {
        MAP_READY.with(|r| r.set(true));
        // An embed's `bbox` fits the view once (the URL then keeps the resulting `at`).
        let query = window().location().search().unwrap_or_default();
        let bbox = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .find(|(k, _)| k == "bbox")
            .and_then(|(_, v)| footprint::domain::Bbox::parse(&v).ok());
        if let Some(b) = bbox {
            fit_bounds(b.min_lon, b.min_lat, b.max_lon, b.max_lat);
        }
        with_app(|app| {
            app.borrow_mut().map_ready = true;
            render(app, History::Keep);
        });
    });
    let click = Closure::<dyn FnMut(String, u32)>::new(move |source: String, i: u32| {
        let Some(layer) = Layer::from_id(&source) else { return };
        with_app(|app| {
            let id = app.borrow().model.layer(layer).get(i as usize).map(|f| f.id.to_string());
            if let Some(id) = id {
                dispatch(app, Action::Select(Some(Selection { layer, id })), History::Push);
            }
        });
    });
    let moved = Closure::<dyn FnMut(f64, f64, f64)>::new(move |lon, lat, zoom| {
        with_app(|app| dispatch(app, Action::SetView(View { lon, lat, zoom }), History::Replace));
    });
    let failed = Closure::<dyn FnMut(String)>::new(move |reason: String| map_failed(&reason));
    create_map(
        "map",
        &format!("/basemap/style.json?lang={lang}"),
        view.lon,
        view.lat,
        view.zoom,
        &style::sources().to_string(),
        &style::layers().to_string(),
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
    );
    failed.forget();
    ready.forget();
    click.forget();
    moved.forget();
}

fn dispatch(app: &Shared, action: Action, history: History) {
    let opens_panel = matches!(action, Action::Select(Some(_)));
    if opens_panel {
        // Remember where the reader was, to return there when the panel closes (not when one panel replaces another).
        let active = document().active_element().filter(|e| e.closest("#panel").ok().flatten().is_none());
        if let Some(active) = active {
            OPENER.with(|o| *o.borrow_mut() = Some(active));
        }
    }
    let changed = {
        let mut a = app.borrow_mut();
        let timeline = a.timeline;
        a.state.apply(action, timeline)
    };
    if changed {
        render(app, history);
    }
    if opens_panel && let Some(heading) = document().query_selector("#panel h2").ok().flatten() {
        // Move focus into the panel, so keyboard and screen-reader users land on what they opened.
        let _ = heading.set_attribute("tabindex", "-1");
        if let Some(heading) = heading.dyn_ref::<HtmlElement>() {
            let _ = heading.focus();
        }
    }
}

fn listen(id: &str, event: &str, app: &Shared, handler: impl Fn(&Shared, web_sys::Event) + 'static) {
    let app = app.clone();
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| handler(&app, e));
    let _ = element(id).add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

fn render(app: &Shared, history: History) {
    let started = now();
    let mut a = app.borrow_mut();
    let previous_new: Vec<u32> = a.visible.strikes.clone();
    a.visible = visible(&a.model, &a.state);
    if a.map_ready {
        for (n, layer) in Layer::ALL.into_iter().enumerate() {
            let source = format!("fp-{}", layer.id());
            let data = geojson(&a.model, &a.visible, layer, &a.state);
            if a.sent[n] != data {
                set_data(&source, &data);
                a.sent[n] = data;
            }
            set_visible(&style::layer_ids(&source).join(","), a.state.map.shows(layer));
        }
    }
    let appeared = a.visible.strikes.iter().any(|i| !previous_new.contains(i));
    if appeared && !a.reduced_motion && a.state.map.shows(Layer::Strikes) {
        a.pulse_started = Some(now());
    }
    render_controls(&a);
    render_text_view(&mut a);
    panel::render(&a);
    render_histogram_cursor(&a);
    let query = url::with_options(&a.state, &a.options);
    if history != History::Keep
        && let Ok(h) = window().history()
    {
        let href = format!("?{query}");
        let _ = if history == History::Push {
            h.push_state_with_url(&JsValue::NULL, "", Some(&href))
        } else {
            h.replace_state_with_url(&JsValue::NULL, "", Some(&href))
        };
    }
    // The language switch keeps the state.
    if let Ok(links) = document().query_selector_all("a[data-lang]") {
        let state_query = url::encode(&a.state);
        for i in 0..links.length() {
            if let Some(link) = links.item(i).and_then(|l| l.dyn_into::<Element>().ok()) {
                let code = link.get_attribute("data-lang").unwrap_or_default();
                let _ = link
                    .set_attribute("href", &format!("?{state_query}&{}", url::options_with_lang(&a.options, &code)));
            }
        }
    }
    a.last_render_ms = now() - started;
    let _ = element("app").set_attribute("data-render-ms", &format!("{:.3}", a.last_render_ms));
    let pulsing = a.pulse_started.is_some();
    drop(a);
    if pulsing {
        ensure_animation(app);
    }
}

fn text_element(tag: &str, class: &str, text: &str) -> Element {
    let el = document().create_element(tag).expect_throw("create element");
    if !class.is_empty() {
        el.set_class_name(class);
    }
    el.set_text_content(Some(text));
    el
}

/// Appends a name in the language it is actually in; a fallback to English is marked `lang="en"` and says so.
fn append_said(parent: &Element, class: &str, said: &Said, reader: Lang) {
    let el = text_element("span", class, &said.text);
    if said.lang != reader {
        let _ = el.set_attribute("lang", said.lang.code());
        let _ = el.set_attribute("dir", "auto");
    }
    let _ = parent.append_child(&el);
    if said.lang != reader {
        let _ = parent.append_child(&text_element("span", "fallback", &format!("({})", reader.t("fallback.english"))));
    }
}

/// Test and benchmark hook: replaces a layer with `n` synthetic events and renders, returning the median
/// milliseconds of `steps` timeline steps (computing visibility, building the map's GeoJSON and updating the page).
#[wasm_bindgen(js_name = benchmarkSteps)]
pub fn benchmark_steps(geojson_text: &str, steps: u32) -> f64 {
    let Some(app) = APP.with(|cell| cell.borrow().clone()) else { return -1.0 };
    if app.borrow_mut().model.set_layer(Layer::Events, geojson_text).is_err() {
        return -1.0;
    }
    let mut times = Vec::with_capacity(steps as usize);
    for _ in 0..steps {
        dispatch(&app, Action::Step(1), History::Keep);
        times.push(app.borrow().last_render_ms);
    }
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(-1.0)
}
