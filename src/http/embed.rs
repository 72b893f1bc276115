//! Editors' side: the map page and the `/embed` widget page (with oEmbed discovery, Open Graph and Twitter cards
//! that reflect the state in the URL), and the `/oembed` endpoint (<https://oembed.com>).
//!
//! The widget sends its height to the embedding page as `postMessage({type: "footprint:height", height})`
//! (`embed-height.js`); the responsive snippet accepts it only from this server's origin and from its own iframe.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Serialize;

use crate::i18n::Lang;
use crate::map::menus::{self, MenuOption};
use crate::map::state::{Layer, MapState, Mode, SPEEDS, WINDOWS, slider_position};
use crate::map::{tiling, visibility};

use super::error::ApiError;
use super::page_query::PageQuery;
use super::params::Params;
use super::templates::{self, escape_html};
use super::{AppState, base_url, json_response, lang};

/// The map state of a page's query: unusable values fall back to their defaults (a shared link always opens), so
/// the card and image written from it always work.
fn map_state(state: &AppState, query: &PageQuery) -> MapState {
    let data = state.snapshot();
    MapState::parse(&query.state_query(), data.store().timeline()).state
}

/// The timeline's first paint (`parts/timeline.html`): the slider, dates and menus of the page's state, as the web
/// app sets them, so the page shows its day before the app runs (an embed's static first paint, or no script).
#[derive(Serialize)]
struct TimelineStart {
    max: i32,
    value: i32,
    first: String,
    last: String,
    date: String,
    speeds: Vec<Choice>,
    mode: &'static str,
    windows: Vec<Choice>,
}

/// A menu option, and whether the state chose it.
#[derive(Serialize)]
struct Choice {
    #[serde(flatten)]
    option: MenuOption,
    selected: bool,
}

fn timeline_start(state: &AppState, map: &MapState, lang: Lang) -> TimelineStart {
    let timeline = state.snapshot().store().timeline();
    let speed = SPEEDS.get(map.speed).map(ToString::to_string).unwrap_or_default();
    let window = map.window_days.to_string();
    let mut windows = menus::window_options(lang);
    if !WINDOWS.contains(&map.window_days) {
        windows.push(menus::window_option(map.window_days, lang));
    }
    let choose = |options: Vec<MenuOption>, chosen: &str| {
        options.into_iter().map(|option| Choice { selected: option.value == chosen, option }).collect()
    };
    TimelineStart {
        max: slider_position(timeline, timeline.last),
        value: slider_position(timeline, map.day),
        first: lang.day(timeline.first),
        last: lang.day(timeline.last),
        date: lang.day(map.day),
        speeds: choose(menus::speed_options(lang), &speed),
        mode: menus::mode_value(map.mode),
        windows: choose(windows, &window),
    }
}

/// What the web app reads from its page before it loads any data (`#app`'s `data-` attributes): the timeline's
/// days, and which layers it draws from vector tiles ([`crate::map::tiling`]) and which it loads whole (the page
/// preloads those).
#[derive(Serialize)]
struct AppStart {
    /// The timeline's days, `first/last`.
    timeline: String,
    /// The layers drawn from tiles, comma-separated.
    tiled: String,
    /// The layers loaded whole.
    whole: Vec<&'static str>,
}

fn app_start(state: &AppState) -> AppStart {
    let data = state.snapshot();
    let store = data.store();
    let (tiled, whole): (Vec<Layer>, Vec<Layer>) = Layer::ALL
        .into_iter()
        .partition(|layer| store.collection(layer.id()).is_some_and(|c| tiling::is_tiled(c.len())));
    AppStart {
        timeline: tiling::datetime(store.timeline()),
        tiled: tiled.iter().map(|l| l.id()).collect::<Vec<_>>().join(","),
        whole: whole.iter().map(|l| l.id()).collect(),
    }
}

/// Whether the reader asked for reduced data (`Save-Data: on`): the embed then keeps its image until asked.
fn saves_data(req: &HttpRequest) -> bool {
    req.headers().get("save-data").and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim().eq_ignore_ascii_case("on"))
}

/// What the page shows, in words: its day and window, and how many strikes it lists (the map's own rule).
fn describe(state: &AppState, map: &MapState, title: Option<&str>, lang: Lang) -> (String, String) {
    let data = state.snapshot();
    let strikes = data.store().collection(Layer::Strikes.id()).map_or(0, |c| {
        let columns = c.columns();
        (0..columns.len())
            .filter(|&row| visibility::listed_by(Layer::Strikes, columns.span(row), columns.confidence(row), map))
            .count()
    });
    let date = lang.day(map.day);
    let title = title.map_or_else(|| lang.tf("card.title", &[("date", &date)]), str::to_owned);
    let strikes = lang.count("count.strikes", strikes as u64);
    let description = match map.mode {
        Mode::Cumulative => lang.tf("card.description_cumulative", &[("strikes", &strikes), ("date", &date)]),
        Mode::Window => {
            let days = lang.count("card.days", u64::from(map.window_days));
            lang.tf("card.description_window", &[("strikes", &strikes), ("days", &days), ("date", &date)])
        }
    };
    (title, description)
}

/// The query of the static image of a state, in a language.
fn image_query(map: &MapState, lang: Lang) -> String {
    format!("{}&lang={}", map.to_query(), lang.code())
}

/// The page in another language.
#[derive(Serialize)]
struct Alternate {
    lang: &'static str,
    href: String,
}

/// The discovery and card tags of a page (`parts/card.html`).
#[derive(Serialize)]
struct Card {
    title: String,
    description: String,
    oembed: String,
    url: String,
    image: String,
    locale: &'static str,
    alternates: Vec<Alternate>,
}

fn card(state: &AppState, map: &MapState, base: &str, page_path: &str, query: &PageQuery, lang: Lang) -> Card {
    let (title, description) = describe(state, map, query.get("title"), lang);
    let kept = query.query();
    let url = if kept.is_empty() { format!("{base}{page_path}") } else { format!("{base}{page_path}?{kept}") };
    let encoded: String = form_urlencoded::byte_serialize(url.as_bytes()).collect();
    Card {
        title,
        description,
        oembed: format!("{base}/oembed?url={encoded}&format=json"),
        image: static_url(base, &image_query(map, lang), 1200, 630),
        url,
        locale: match lang {
            Lang::En => "en_GB",
            Lang::Ar => "ar_AR",
            Lang::Ru => "ru_RU",
        },
        alternates: Lang::ALL
            .iter()
            .map(|&other| Alternate {
                lang: other.code(),
                href: format!("{base}{page_path}?{}", query.with_lang(other)),
            })
            .collect(),
    }
}

/// One entry of the language switch (`parts/lang-switch.html`): this page in that language, keeping its state.
#[derive(Serialize)]
struct SwitchEntry {
    lang: &'static str,
    name: &'static str,
    query: String,
    current: bool,
}

fn language_switch(query: &PageQuery, lang: Lang) -> Vec<SwitchEntry> {
    Lang::ALL
        .iter()
        .map(|&other| SwitchEntry {
            lang: other.code(),
            name: other.native_name(),
            query: query.with_lang(other),
            current: other == lang,
        })
        .collect()
}

/// `{base}/api/static.png?{query}&width=…&height=…`.
fn static_url(base: &str, query: &str, width: u32, height: u32) -> String {
    format!("{base}/api/static.png?{query}&width={width}&height={height}")
}

/// The body classes for `theme=light|dark|auto` (auto follows the reader's system setting).
fn theme_class(query: &PageQuery) -> &'static str {
    match query.get("theme") {
        Some("dark") => "theme-dark",
        Some("light") => "theme-light",
        _ => "theme-auto",
    }
}

/// An HTML page in `lang`.
fn html(body: String, lang: Lang) -> HttpResponse {
    lang::declare(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body), lang)
}

/// `GET /`: the web map, in the reader's language, with discovery and card tags for the state in its URL.
pub async fn map_page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let query = PageQuery::parse(req.query_string())?;
    let lang = lang::for_page(&req, query.get("lang"));
    let base = base_url(&req);
    let map = map_state(&state, &query);
    // A signed-in editor gets a link from each feature's panel to its form.
    let editor = super::auth::signed_in(&req, &state).await?.is_some();
    let values = context! {
        card => Value::from(Serde(card(&state, &map, &base, "/", &query, lang))),
        switch => Value::from(Serde(language_switch(&query, lang))),
        timeline => Value::from(Serde(timeline_start(&state, &map, lang))),
        classes => theme_class(&query),
        editor => editor,
        app => Value::from(Serde(app_start(&state))),
    };
    let mut response = html(templates::render("index.html", lang, values)?, lang);
    // Signed-in editors get a page with links to the editor: caches keep the two apart.
    response.headers_mut().append(header::VARY, header::HeaderValue::from_static("Cookie"));
    Ok(response)
}

/// `GET /embed`: the compact widget. Parameters: the map state, plus `title`, `caption`, `controls=0`,
/// `theme=light|dark|auto`, `autoplay=1` (never with reduced motion), `bbox`, `lang`.
///
/// The widget paints light: the static image of its state with the timeline, and a small script
/// (`embed-boot.js`) that loads the live map (MapLibre and the app) when the reader interacts with it or it has
/// been on screen for a moment; with `Save-Data: on` only when the reader asks.
pub async fn embed_page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let query = PageQuery::parse(req.query_string())?;
    let lang = lang::for_page(&req, query.get("lang"));
    let base = base_url(&req);
    let mut classes = vec!["embed"];
    if query.get("controls") == Some("0") {
        classes.push("no-controls");
    }
    classes.push(theme_class(&query));
    // The full map keeps the state, and the language when the embed's URL chose one.
    let full_query = query.state_query_with_lang(query.get("lang").map(|_| lang));
    let map = map_state(&state, &query);
    let values = context! {
        card => Value::from(Serde(card(&state, &map, &base, "/embed", &query, lang))),
        classes => classes.join(" "),
        heading => query.get("title"),
        caption => query.get("caption"),
        full_map => format!("{base}/?{full_query}"),
        static_image => static_url(&base, &image_query(&map, lang), 800, 450),
        timeline => Value::from(Serde(timeline_start(&state, &map, lang))),
        save_data => if saves_data(&req) { "on" } else { "off" },
        app => Value::from(Serde(app_start(&state))),
    };
    let mut response = html(templates::render("embed.html", lang, values)?, lang);
    // The page differs with the reader's Save-Data preference: caches keep the two apart, and the two are tagged
    // apart (the other variant gets the usual tag of its data and language).
    response.headers_mut().append(header::VARY, header::HeaderValue::from_static("Save-Data"));
    if saves_data(&req) {
        let tag = format!("{}-{}-save-data\"", AppState::etag(&state.snapshot()).trim_end_matches('"'), lang.code());
        if let Ok(value) = header::HeaderValue::from_str(&tag) {
            response.headers_mut().insert(header::ETAG, value);
        }
    }
    Ok(response)
}

/// An oEmbed response (type `rich`).
#[derive(Serialize)]
struct OEmbed {
    #[serde(rename = "type")]
    kind: &'static str,
    version: &'static str,
    title: String,
    provider_name: &'static str,
    provider_url: String,
    cache_age: u32,
    html: String,
    width: u32,
    height: u32,
    thumbnail_url: String,
    thumbnail_width: u32,
    thumbnail_height: u32,
}

fn positive(params: &Params, name: &str) -> Result<Option<u32>, ApiError> {
    params
        .raw(name)
        .map(|raw| {
            raw.trim()
                .parse::<u32>()
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| ApiError::invalid(name, format!("`{raw}` is not a positive whole number of pixels")))
        })
        .transpose()
}

/// The parameters `/oembed` takes.
pub const OEMBED_PARAMETERS: [&str; 4] = ["url", "maxwidth", "maxheight", "format"];

/// `GET /oembed?url=…&maxwidth=…&maxheight=…&format=json`.
pub async fn oembed(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &OEMBED_PARAMETERS)?;
    match params.raw("format") {
        None | Some("json") => {}
        Some("xml") => {
            return Ok(HttpResponse::NotImplemented()
                .json(serde_json::json!({"code": "NotImplemented", "description": "`format=xml` is not implemented: use `format=json`"})));
        }
        Some(other) => return Err(ApiError::invalid("format", format!("`{other}`: use json"))),
    }
    let max_width = positive(&params, "maxwidth")?;
    let max_height = positive(&params, "maxheight")?;
    let raw_url =
        params.raw("url").ok_or_else(|| ApiError::invalid("url", "the URL of a Footprint map is required"))?;
    let base = base_url(&req);
    let (_, query) = raw_url
        .strip_prefix(&base)
        .map(|rest| rest.split_once('?').unwrap_or((rest, "")))
        .filter(|(path, _)| matches!(*path, "" | "/" | "/embed"))
        .ok_or_else(|| ApiError::NoRoute(format!("{raw_url} is not a map of this server")))?;
    let query = PageQuery::parse(query).map_err(|err| match err {
        ApiError::InvalidParameter { parameter, reason } => {
            ApiError::invalid("url", format!("its parameter `{parameter}`: {reason}"))
        }
        other => other,
    })?;
    let lang = lang::for_page(&req, query.get("lang"));
    let map = map_state(&state, &query);
    let (title, _) = describe(&state, &map, query.get("title"), lang);
    let width = max_width.unwrap_or(800).min(1200);
    let height = max_height.unwrap_or(u32::MAX).min(width * 3 / 4).max(1);
    // The widget is pinned to the language of the title written here (the URL's `lang`, else the consumer's
    // Accept-Language), so the iframe's title and the words inside it agree.
    let src = format!("{base}/embed?{}", query.with_lang(lang));
    let html = format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"{width}\" height=\"{height}\" style=\"border:0\" loading=\"lazy\" allowfullscreen></iframe>",
        escape_html(&src),
        escape_html(&title)
    );
    let (thumb_w, thumb_h) = (width.min(1200), height.min(1200));
    let body = OEmbed {
        kind: "rich",
        version: "1.0",
        title,
        provider_name: "Footprint",
        provider_url: format!("{base}/"),
        cache_age: 3600,
        html,
        width,
        height,
        thumbnail_url: static_url(&base, &image_query(&map, lang), thumb_w, thumb_h),
        thumbnail_width: thumb_w,
        thumbnail_height: thumb_h,
    };
    Ok(lang::declare(json_response("application/json", &body)?, lang))
}
