//! The editor (`/edit`): a client of the public write API for signed-in editors and publishers. Its parts: finding
//! features ([`find`]), the form of one feature ([`fields`]) with its review, history and preview ([`review`]), and
//! importing a file ([`import`]). What the form holds and how a feature becomes its fields and back is
//! [`crate::form`]'s (host-tested); this only builds the page and talks to the server.
//!
//! The page's session cookie goes with every request (same origin); requests that change anything carry the
//! session's CSRF token (`X-CSRF-Token`, from the page) and a reason (`Footprint-Reason`). No borrow of the editor's
//! state is held across an `await` or a call into the map.

use std::cell::RefCell;

use footprint::i18n::Lang;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::{document, element, page_lang, text_element, window};
use crate::form::Form;

mod fields;
mod find;
mod import;
mod review;

#[wasm_bindgen(module = "/js/bridge.js")]
extern "C" {
    #[wasm_bindgen(js_name = createPicker)]
    fn create_picker(
        container: &str,
        style_url: &str,
        lon: f64,
        lat: f64,
        zoom: f64,
        on_pick: &Closure<dyn FnMut(f64, f64)>,
        on_fail: &Closure<dyn FnMut(String)>,
        locale: &str,
    );
    #[wasm_bindgen(js_name = setMarker)]
    fn set_marker(lon: f64, lat: f64, show: bool);
}

/// The feature open in the form.
#[derive(Clone, Debug, Default)]
struct Open {
    /// Its collection.
    collection: String,
    /// Its id (`None`: a new feature).
    id: Option<String>,
    /// The ETag of its latest version (for `If-Match`).
    etag: Option<String>,
    /// `draft`, `returned`, `published`, `retired`, or `new`.
    stage: String,
    /// What the public sees (`None`: nothing published).
    published: Option<Value>,
}

/// The editor's state.
struct Editor {
    lang: Lang,
    csrf: String,
    publishes: bool,
    collection: String,
    open: Option<Open>,
    map_started: bool,
    /// What to say once the feature being loaded shows (after a save: "saved as a draft").
    pending: Option<(String, bool)>,
    /// Counts loads of a feature: one that finishes after a later one started is dropped.
    loads: u64,
}

thread_local! {
    static EDITOR: RefCell<Option<Editor>> = const { RefCell::new(None) };
}

/// Runs `f` on the editor's state (not across an `await`).
fn with<T: Default>(f: impl FnOnce(&mut Editor) -> T) -> T {
    EDITOR.with(|cell| cell.borrow_mut().as_mut().map(f).unwrap_or_default())
}

fn lang() -> Lang {
    with(|e| Some(e.lang)).unwrap_or_default()
}

fn collection() -> String {
    with(|e| e.collection.clone())
}

/// Entry point on the editor's page.
pub(super) fn start() {
    let body = document().body().expect_throw("body");
    let editor = Editor {
        lang: page_lang(),
        csrf: body.get_attribute("data-csrf").unwrap_or_default(),
        publishes: matches!(body.get_attribute("data-role").as_deref(), Some("publisher" | "operator")),
        collection: select("ed-collection").value(),
        open: None,
        map_started: false,
        pending: None,
        loads: 0,
    };
    EDITOR.with(|cell| *cell.borrow_mut() = Some(editor));
    on("ed-collection", "change", |_| {
        with(|e| e.collection = select("ed-collection").value());
        // A feature's form belongs to its layer: another layer opens its list (the route runs on the change).
        if window().location().hash().unwrap_or_default().starts_with("#edit/") {
            let _ = window().location().set_hash("find");
        } else {
            route();
        }
    });
    on_window("hashchange", route);
    find::wire();
    fields::wire();
    review::wire();
    import::wire();
    route();
}

/// Shows the section the URL's fragment names: `#find` (the default), `#new`, `#import`, `#edit/{collection}/{id}`.
fn route() {
    let hash = window().location().hash().unwrap_or_default();
    let hash = js_sys::decode_uri_component(hash.trim_start_matches('#')).map_or_else(|_| String::new(), String::from);
    let section = match hash.split('/').collect::<Vec<_>>().as_slice() {
        ["new"] => "ed-edit",
        ["import"] => "ed-import",
        ["edit", c, id] if !c.is_empty() && !id.is_empty() => {
            let (c, id) = ((*c).to_owned(), (*id).to_owned());
            select("ed-collection").set_value(&c);
            with(|e| e.collection.clone_from(&c));
            wasm_bindgen_futures::spawn_local(async move { review::load(&c, &id).await });
            "ed-edit"
        }
        _ => "ed-find",
    };
    for id in ["ed-find", "ed-edit", "ed-import"] {
        if id == section {
            let _ = element(id).remove_attribute("hidden");
        } else {
            let _ = element(id).set_attribute("hidden", "");
        }
    }
    match hash.as_str() {
        "new" => fields::open_new(),
        "import" => {}
        h if h.starts_with("edit/") => {}
        _ => wasm_bindgen_futures::spawn_local(find::search()),
    }
    if section == "ed-edit" {
        start_map();
    }
}

/// The map for placing a point (made the first time the form shows, so it has its size).
fn start_map() {
    if with(|e| std::mem::replace(&mut e.map_started, true)) {
        return;
    }
    let lang = lang();
    let pick = Closure::<dyn FnMut(f64, f64)>::new(|lon: f64, lat: f64| fields::picked(lon, lat));
    let fail = Closure::<dyn FnMut(String)>::new(|reason: String| {
        web_sys::console::warn_1(&JsValue::from_str(&format!("map unavailable: {reason}")));
    });
    create_picker(
        "ed-map",
        &format!("/basemap/style.json?lang={lang}"),
        38.3,
        35.0,
        5.2,
        &pick,
        &fail,
        &serde_json::json!({
            "Map.Title": lang.t("edit.map_label"),
            "NavigationControl.ZoomIn": lang.t("map.zoom_in"),
            "NavigationControl.ZoomOut": lang.t("map.zoom_out"),
            "AttributionControl.ToggleAttribution": lang.t("map.attribution"),
        })
        .to_string(),
    );
    // Called by the map for as long as the page lives.
    pick.forget();
    fail.forget();
    fields::marker_from_inputs();
}

/// A reply from the server.
struct Reply {
    status: u16,
    etag: Option<String>,
    body: String,
}

impl Reply {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The server's own description of a refusal.
    fn message(&self) -> String {
        let json = self.json();
        json["description"].as_str().map_or_else(|| format!("HTTP {}", self.status), str::to_owned)
    }
}

/// Sends a request with the session (and, for writes, its CSRF token and `reason`).
async fn call(method: &str, url: &str, body: Option<(&str, &str)>, headers: &[(&str, &str)]) -> Result<Reply, JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    // What an editor reads (drafts, heads, history) is never taken from a cache.
    init.set_cache(web_sys::RequestCache::NoStore);
    let h = web_sys::Headers::new()?;
    h.set("Accept", "application/json, application/geo+json")?;
    if method != "GET" {
        h.set("X-CSRF-Token", &with(|e| e.csrf.clone()))?;
    }
    if let Some((content_type, text)) = body {
        h.set("Content-Type", content_type)?;
        init.set_body(&JsValue::from_str(text));
    }
    for (name, value) in headers {
        h.set(name, value)?;
    }
    init.set_headers(&h);
    let request = web_sys::Request::new_with_str_and_init(url, &init)?;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request)).await?.dyn_into()?;
    if response.status() == 401 {
        // The session ended (expired, signed out elsewhere, or the account was revoked): sign in again.
        let lang = lang();
        let _ = window().location().set_href(&format!("/edit/sign-in?lang={lang}"));
    }
    let text = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
    Ok(Reply { status: response.status(), etag: response.headers().get("ETag")?, body: text })
}

/// A reason as the `Footprint-Reason` header carries it (percent-encoded UTF-8).
fn reason_header(reason: &str) -> String {
    String::from(js_sys::encode_uri_component(reason))
}

/// Says something in the status line (`good`: success; otherwise a failure).
fn status(text: &str, good: bool) {
    let line = element("ed-message");
    line.set_text_content(Some(text));
    line.set_class_name(if good { "ed-status good" } else { "ed-status bad" });
}

fn select(id: &str) -> HtmlSelectElement {
    element(id).unchecked_into()
}

fn input_value(id: &str) -> String {
    element(id).unchecked_into::<HtmlInputElement>().value()
}

fn focus(id: &str) {
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Listens to an element's event for the page's lifetime.
fn on(id: &str, event: &str, handler: impl Fn(web_sys::Event) + 'static) {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
    let _ = element(id).add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

fn on_window(event: &str, handler: impl Fn() + 'static) {
    let closure = Closure::<dyn FnMut()>::new(handler);
    let _ = window().add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

/// An element with text, in the language the text is in when that is not the page's.
fn said(tag: &str, class: &str, text: &str, lang: Option<&str>) -> Element {
    let el = text_element(tag, class, text);
    if let Some(lang) = lang {
        let _ = el.set_attribute("lang", lang);
        let _ = el.set_attribute("dir", "auto");
    }
    el
}

/// The form's current feature (or `None` when a value is not what its field takes: shown next to it).
fn form_feature(form: &Form, collection: &str) -> Option<Value> {
    match form.to_feature(collection) {
        Ok(feature) => Some(feature),
        Err(invalid) => {
            fields::show_invalid(&invalid);
            None
        }
    }
}
