//! The browser side: loads the layers from the API, wires the page's controls and the map bridge to [`State`],
//! and renders. Data text is always set as text (`textContent`), never as HTML.
//!
//! Only DOM and JS glue lives here; what to show and do is decided in the host-tested modules (`view`, `text`,
//! `controls`, `panel`, `histogram`, `playback`, `keys`, `url`, `embed`). The app is shared as `Rc<RefCell<App>>`,
//! and no borrow of it is held across a call into JS that can call back into the app (MapLibre, whose `moveend`
//! handler dispatches a view change; focusing an element; dialogs): what to do is worked out under the borrow,
//! the borrow is dropped, then JS is called. Writing text, attributes and input values dispatches no events, so
//! that is done under the borrow.

use std::cell::RefCell;
use std::rc::Rc;

use footprint::domain::DaySpan;
use footprint::i18n::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement};

use crate::model::{Layer, Model};
use crate::playback::{Animation, pulse_starts};
use crate::state::{Action, State};
use crate::text::{Said, TextView};
use crate::view::{Sent, Visible, map_updates, visible};
use crate::{style, url};
use footprint::map::tiling;

mod animation;
mod controls;
#[cfg(feature = "editor")]
mod editor;
mod embed_dialog;
mod events;
mod histogram;
mod map;
mod panel;
mod text_view;
mod tiled;

use animation::ensure_animation;
use controls::{build_controls, render_controls};
use events::wire;
use histogram::{draw_histogram, render_histogram_cursor};
use map::{reveal_live_map, send_to_map, start_map};
use text_view::render_text_view;
use tiled::{open_clicked, requests_due};

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
    /// The animation loop's bookkeeping (playback frames and the pulse of new strikes).
    animation: Animation,
    reduced_motion: bool,
    /// Milliseconds the last render took (read by the benchmark).
    last_render_ms: f64,
    /// What the map was last handed, per layer (unchanged data, tiles or filters are not sent again).
    sent: [Sent; 3],
    /// A tiled layer's listing (`/listed`) last asked for, and whether it is on its way.
    listing: [(String, bool); 3],
    /// The selected feature of a tiled layer being fetched (`layer:id`), so it is asked for once.
    opening: Option<String>,
    /// Counts renders, so a render can tell that another one ran while it was calling into MapLibre.
    renders: u64,
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
    // The editor's page (`/edit`) loads its own bundle, this crate built with the `editor` feature, and runs the
    // editor instead of the map; the reader's bundle does not carry the editor.
    #[cfg(feature = "editor")]
    if document().get_element_by_id("editor").is_some() {
        editor::start();
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        if let Err(err) = run().await {
            let message = err.as_string().unwrap_or_else(|| format!("{err:?}"));
            web_sys::console::error_1(&JsValue::from_str(&message));
            let status = element("status");
            status.set_text_content(Some(&page_lang().tf("map.load_failed", &[("message", &message)])));
        }
    });
}

/// What the page says before any data loads (`#app`'s `data-` attributes, [`footprint::map::tiling`]): which
/// layers are drawn from tiles, and the timeline's days.
fn page_setup() -> ([bool; 3], Option<DaySpan>) {
    let app = element("app");
    let tiled_ids = app.get_attribute("data-tiled").unwrap_or_default();
    let tiled = Layer::ALL.map(|l| tiled_ids.split(',').any(|id| id == l.id()));
    let timeline = app
        .get_attribute("data-timeline")
        .and_then(|raw| footprint::domain::Datetime::parse(&raw).ok())
        .map(footprint::domain::Datetime::span);
    (tiled, timeline)
}

async fn run() -> Result<(), JsValue> {
    let (tiled, page_timeline) = page_setup();
    // Start every request at once (a JS promise starts its request when created), and the map with them. A tiled
    // layer is not downloaded: the map asks for its tiles, the app for what the state lists of it.
    let downloads = Layer::ALL.map(|l| {
        (!tiled[l.index()]).then(|| window().fetch_with_str(&format!("/api/collections/{}/download?f=geojson", l.id())))
    });
    let histogram =
        window().fetch_with_str("/api/timeline?bucket=week&collections=strikes,events&datetime=2024-12-01/..");
    let query = window().location().search()?;
    let lang = page_lang();
    let mut model = Model { tiled, timeline: page_timeline, ..Model::default() };
    // The map starts with the tiles of the state in the URL (the page gives the timeline to read it with).
    let first = url::decode(&query, model.timeline_span());
    let tiles = Layer::ALL.map(|l| {
        if tiled[l.index()] {
            style::tile_url(l, tiling::tile_window(first.map.window(), model.timeline_span()))
        } else {
            String::new()
        }
    });
    start_map(first.map.view, lang, tiled, &tiles);
    for (layer, promise) in Layer::ALL.into_iter().zip(downloads) {
        let Some(promise) = promise else { continue };
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
        animation: Animation::default(),
        reduced_motion,
        last_render_ms: 0.0,
        sent: tiles.map(|tiles| Sent { tiles, ..Sent::default() }),
        listing: Default::default(),
        opening: None,
        renders: 0,
        shown: None,
        announced: String::new(),
        lang,
        options: url::page_options(&query),
    }));
    APP.with(|cell| *cell.borrow_mut() = Some(app.clone()));
    build_controls(&app.borrow());
    wire(&app);
    render(&app, History::Replace);
    element("status").set_text_content(None);
    if app.borrow().map_ready {
        reveal_live_map();
    }
    draw_histogram(&app, &response_text(histogram).await?);
    render(&app, History::Keep);
    // `autoplay=1` (embeds) starts playing, never for readers who prefer reduced motion.
    if url::autoplay(&query) && !reduced_motion {
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

fn dispatch(app: &Shared, action: Action, history: History) {
    let opens_panel = matches!(action, Action::Select(Some(_)));
    if opens_panel {
        // Remember where the reader was, to return there when the panel closes (not when one panel replaces another).
        let active = document().active_element().filter(|e| e.closest("#panel").ok().flatten().is_none());
        if let Some(active) = active {
            OPENER.with(|o| *o.borrow_mut() = Some(active));
        }
    }
    // The borrow ends before rendering and focusing (both call into JS that can call back into the app).
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

/// Listens to an element's event for the page's lifetime (called at start-up only).
fn listen(id: &str, event: &str, app: &Shared, handler: impl Fn(&Shared, web_sys::Event) + 'static) {
    let app = app.clone();
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| handler(&app, e));
    let _ = element(id).add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    // One listener per control, made once at start-up and never removed: handed over to JS for good.
    closure.forget();
}

fn render(app: &Shared, history: History) {
    let started = now();
    // Under the borrow: the new visibility, the pulse decision, what the map needs, and everything on the page that
    // is plain DOM (text, attributes, input values, history entries: none of these dispatches an event that
    // reaches the app). What calls into JS that can call back (MapLibre, focus) is returned and done after it, as
    // are the requests a tiled layer needs (what the state lists of it, a selected feature not loaded yet).
    let (updates, focus, generation, requests) = {
        let mut a = app.borrow_mut();
        a.renders += 1;
        let next = visible(&a.model, &a.state);
        // A tiled layer's model holds only what is listed: its new strikes are not known here, and not pulsed.
        let pulses = !a.model.is_tiled(Layer::Strikes)
            && pulse_starts(&a.visible.strikes, &next.strikes, a.state.map.shows(Layer::Strikes), a.reduced_motion);
        if pulses {
            a.animation.start_pulse(now());
        }
        a.visible = next;
        let updates = if a.map_ready { map_updates(&a.model, &a.visible, &a.state, &a.sent) } else { Vec::new() };
        render_controls(&a);
        let focus = render_text_view(&mut a);
        panel::render(&a);
        render_histogram_cursor(&a);
        record_history(&a, history);
        render_lang_links(&a);
        let requests = requests_due(&mut a);
        (updates, focus, a.renders, requests)
    };
    for request in requests {
        wasm_bindgen_futures::spawn_local(request.run(app.clone()));
    }
    send_to_map(app, updates, generation);
    if let Some(focus) = focus {
        let _ = focus.focus();
    }
    let (render_ms, pulsing) = {
        let mut a = app.borrow_mut();
        a.last_render_ms = now() - started;
        (a.last_render_ms, a.animation.pulsing())
    };
    let _ = element("app").set_attribute("data-render-ms", &format!("{render_ms:.3}"));
    if pulsing {
        ensure_animation(app);
    }
}

/// Records the state in the browser history (`pushState`/`replaceState` dispatch no `popstate`).
fn record_history(a: &App, history: History) {
    if history == History::Keep {
        return;
    }
    let Ok(h) = window().history() else { return };
    let href = format!("?{}", url::with_options(&a.state, &a.options));
    let _ = if history == History::Push {
        h.push_state_with_url(&JsValue::NULL, "", Some(&href))
    } else {
        h.replace_state_with_url(&JsValue::NULL, "", Some(&href))
    };
}

/// The language switch keeps the state.
fn render_lang_links(a: &App) {
    let Ok(links) = document().query_selector_all("a[data-lang]") else { return };
    let state_query = url::encode(&a.state);
    for i in 0..links.length() {
        if let Some(link) = links.item(i).and_then(|l| l.dyn_into::<Element>().ok()) {
            let code = link.get_attribute("data-lang").unwrap_or_default();
            let _ = link.set_attribute("href", &url::lang_href(&state_query, &a.options, &code));
        }
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
