//! Editors' side: the map and embed pages' `<head>` (oEmbed discovery, Open Graph and Twitter cards that reflect
//! the state in the URL), the `/embed` widget page, and the `/oembed` endpoint (<https://oembed.com>).
//!
//! The widget sends its height to the embedding page as `postMessage({type: "footprint:height", height})`; the
//! responsive snippet accepts it only from this server's origin and from its own iframe.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use std::fmt::Write as _;

use crate::domain::{Datetime, Day, DaySpan};
use crate::i18n::Lang;

use super::error::ApiError;
use super::pages::escape_html;
use super::params::Params;
use super::{AppState, base_url, json_response, lang};

/// Parameters of the map state shared by `/`, `/embed`, the static image and oEmbed URLs.
const STATE_PARAMETERS: [&str; 8] = ["t", "mode", "w", "speed", "layers", "conf", "sel", "at"];
/// Parameters only the embed takes.
const EMBED_PARAMETERS: [&str; 7] = ["title", "caption", "controls", "theme", "autoplay", "bbox", "lang"];

/// The parsed query of a map or embed URL (unknown parameters are ignored by the pages, as by the app).
struct PageQuery {
    pairs: Vec<(String, String)>,
}

impl PageQuery {
    fn parse(query: &str) -> PageQuery {
        PageQuery { pairs: form_urlencoded::parse(query.as_bytes()).into_owned().collect() }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The query string with `lang` set to `lang` (replacing any `lang`), everything else kept.
    fn with_lang(&self, lang: Lang) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.extend_pairs(self.pairs.iter().filter(|(k, _)| k != "lang"));
        out.append_pair("lang", lang.code());
        out.finish()
    }

    /// The query string with only the given parameters.
    fn only(&self, names: &[&str]) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.extend_pairs(self.pairs.iter().filter(|(k, _)| names.contains(&k.as_str())));
        out.finish()
    }
}

/// What the page shows, in words: its day and window, and how many strikes the window holds.
fn describe(state: &AppState, query: &PageQuery, lang: Lang) -> (String, String) {
    let last_day = state.dataset.last_start();
    let day = query.get("t").and_then(|t| Datetime::parse(t).ok()).map_or(last_day, |d| d.span().last);
    let cumulative = query.get("mode") == Some("cumulative");
    let days: i32 = query.get("w").and_then(|w| w.parse().ok()).filter(|w| (1..=366).contains(w)).unwrap_or(30);
    let window = if cumulative {
        DaySpan { first: Day::MIN, last: day }
    } else {
        DaySpan { first: day.plus(1 - days), last: day }
    };
    let strikes = state
        .dataset
        .collection("strikes")
        .map_or(0, |c| c.features().iter().filter(|f| f.span().intersects(window)).count());
    let date = lang.day(day);
    let title =
        query.get("title").map_or_else(|| lang.tf("card.title", &[("date", &date)]), |t| t.chars().take(120).collect());
    let strikes = lang.count("count.strikes", strikes as u64);
    let description = if cumulative {
        lang.tf("card.description_cumulative", &[("strikes", &strikes), ("date", &date)])
    } else {
        let days = lang.count("card.days", u64::from(days.unsigned_abs()));
        lang.tf("card.description_window", &[("strikes", &strikes), ("days", &days), ("date", &date)])
    };
    (title, description)
}

/// The `<head>` additions for a page: oEmbed discovery, Open Graph and Twitter card tags for this state, and the
/// page in the other languages.
fn head(state: &AppState, req: &HttpRequest, page_path: &str, lang: Lang) -> String {
    let base = base_url(req);
    let query = PageQuery::parse(req.query_string());
    let (title, description) = describe(state, &query, lang);
    let state_query = query.only(&STATE_PARAMETERS);
    let page_url = if req.query_string().is_empty() {
        format!("{base}{page_path}")
    } else {
        format!("{base}{page_path}?{}", req.query_string())
    };
    let encoded: String = form_urlencoded::byte_serialize(page_url.as_bytes()).collect();
    let image = static_url(&base, &state_query, 1200, 630);
    let e = escape_html;
    let mut alternates = String::new();
    for other in Lang::ALL {
        let href = format!("{base}{page_path}?{}", query.with_lang(other));
        let _ = writeln!(alternates, "<link rel=\"alternate\" hreflang=\"{other}\" href=\"{}\">", e(&href));
    }
    format!(
        "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{oembed}\" title=\"{t}\">\n\
         {alternates}\
         <meta property=\"og:type\" content=\"website\">\n\
         <meta property=\"og:site_name\" content=\"Footprint\">\n\
         <meta property=\"og:locale\" content=\"{locale}\">\n\
         <meta property=\"og:title\" content=\"{t}\">\n\
         <meta property=\"og:description\" content=\"{d}\">\n\
         <meta property=\"og:url\" content=\"{u}\">\n\
         <meta property=\"og:image\" content=\"{i}\">\n\
         <meta property=\"og:image:width\" content=\"1200\">\n\
         <meta property=\"og:image:height\" content=\"630\">\n\
         <meta name=\"twitter:card\" content=\"summary_large_image\">\n\
         <meta name=\"twitter:title\" content=\"{t}\">\n\
         <meta name=\"twitter:description\" content=\"{d}\">\n\
         <meta name=\"twitter:image\" content=\"{i}\">\n",
        oembed = e(&format!("{base}/oembed?url={encoded}&format=json")),
        t = e(&title),
        d = e(&description),
        u = e(&page_url),
        i = e(&image),
        locale = match lang {
            Lang::En => "en_GB",
            Lang::Ar => "ar_AR",
            Lang::Ru => "ru_RU",
        },
    )
}

/// The language switch: one link per language to this page in that language, keeping its state.
fn language_switch(query: &PageQuery, lang: Lang) -> String {
    let mut html = format!("<nav class=\"lang-switch\" aria-label=\"{}\"><ul>", escape_html(lang.t("lang.switch")));
    for other in Lang::ALL {
        let current = if other == lang {
            format!(
                " aria-current=\"true\"><span class=\"visually-hidden\" lang=\"{lang}\"> {}</span",
                escape_html(lang.t("lang.current"))
            )
        } else {
            String::new()
        };
        let _ = write!(
            html,
            "<li><a href=\"?{}\" hreflang=\"{other}\" lang=\"{other}\" data-lang=\"{other}\"{current}>{}</a></li>",
            escape_html(&query.with_lang(other)),
            other.native_name(),
        );
    }
    html.push_str("</ul></nav>");
    html
}

/// `{base}/api/static.png?{state}&width=…&height=…`, without an empty parameter when the state is empty.
fn static_url(base: &str, state_query: &str, width: u32, height: u32) -> String {
    let sep = if state_query.is_empty() { "" } else { "&" };
    format!("{base}/api/static.png?{state_query}{sep}width={width}&height={height}")
}

/// Fills a page template: `{{t:key}}` with the message in `lang` (escaped), `{{lang}}`, `{{dir}}`, then the
/// page's own placeholders.
fn page(template: &str, lang: Lang, replacements: &[(&str, String)]) -> HttpResponse {
    let mut html = String::with_capacity(template.len() + 4096);
    let mut rest = template;
    while let Some(start) = rest.find("{{t:") {
        html.push_str(&rest[..start]);
        let after = &rest[start + 4..];
        let Some(end) = after.find("}}") else {
            rest = &rest[start..];
            break;
        };
        html.push_str(&escape_html(lang.t(&after[..end])));
        rest = &after[end + 2..];
    }
    html.push_str(rest);
    html = html.replace("{{lang}}", lang.code()).replace("{{dir}}", lang.dir());
    for (placeholder, value) in replacements {
        html = html.replace(placeholder, value);
    }
    let response =
        HttpResponse::Ok().content_type("text/html; charset=utf-8").insert_header(("Vary", "Host")).body(html);
    lang::declare(response, lang)
}

/// The body classes for `theme=light|dark|auto` (auto follows the reader's system setting).
fn theme_class(query: &PageQuery) -> &'static str {
    match query.get("theme") {
        Some("dark") => "theme-dark",
        Some("light") => "theme-light",
        _ => "theme-auto",
    }
}

/// `GET /`: the web map, in the reader's language, with discovery and card tags for the state in its URL.
pub async fn map_page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let template = super::assets::web_file("index.html").ok_or_else(|| ApiError::NoRoute("/".into()))?;
    let query = PageQuery::parse(req.query_string());
    let lang = lang::for_page(&req, query.get("lang"));
    Ok(page(
        &template,
        lang,
        &[
            ("<!-- head -->", head(&state, &req, "/", lang)),
            ("<!-- lang-switch -->", language_switch(&query, lang)),
            ("{{classes}}", theme_class(&query).to_owned()),
        ],
    ))
}

/// `GET /embed`: the compact widget. Parameters: the map state, plus `title`, `caption`, `controls=0`,
/// `theme=light|dark|auto`, `autoplay=1` (never with reduced motion), `bbox`, `lang`.
pub async fn embed_page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let template = super::assets::web_file("embed.html").ok_or_else(|| ApiError::NoRoute("/embed".into()))?;
    let query = PageQuery::parse(req.query_string());
    let lang = lang::for_page(&req, query.get("lang"));
    let base = base_url(&req);
    let (title, _) = describe(&state, &query, lang);
    let mut classes = vec!["embed"];
    if query.get("controls") == Some("0") {
        classes.push("no-controls");
    }
    classes.push(theme_class(&query));
    let mut full_query = query.only(&STATE_PARAMETERS);
    if query.get("lang").is_some() {
        full_query = PageQuery::parse(&full_query).with_lang(lang);
    }
    let full_map = format!("{base}/?{full_query}");
    let heading =
        query.get("title").map(|t| format!("<h1 class=\"embed-title\">{}</h1>", escape_html(t))).unwrap_or_default();
    let caption =
        query.get("caption").map(|c| format!("<p class=\"embed-caption\">{}</p>", escape_html(c))).unwrap_or_default();
    let image = static_url(&base, &query.only(&STATE_PARAMETERS), 800, 450);
    Ok(page(
        &template,
        lang,
        &[
            ("<!-- head -->", head(&state, &req, "/embed", lang)),
            ("{{classes}}", classes.join(" ")),
            ("{{page_title}}", escape_html(&title)),
            ("<!-- heading -->", heading),
            ("<!-- caption -->", caption),
            ("{{full_map}}", escape_html(&full_map)),
            ("{{static_image}}", escape_html(&image)),
            ("{{image_alt}}", escape_html(&title)),
        ],
    ))
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

/// `GET /oembed?url=…&maxwidth=…&maxheight=…&format=json`.
pub async fn oembed(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["url", "maxwidth", "maxheight", "format"])?;
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
    let (path, query) = raw_url
        .strip_prefix(&base)
        .map(|rest| rest.split_once('?').unwrap_or((rest, "")))
        .filter(|(path, _)| matches!(*path, "" | "/" | "/embed"))
        .ok_or_else(|| ApiError::NoRoute(format!("{raw_url} is not a map of this server")))?;
    let _ = path;
    let query = PageQuery::parse(query);
    let lang = lang::for_page(&req, query.get("lang"));
    let (title, _) = describe(&state, &query, lang);
    let width = max_width.unwrap_or(800).min(1200);
    let height = max_height.unwrap_or(u32::MAX).min(width * 3 / 4).max(1);
    // The widget is pinned to the language of the title written here (the URL's `lang`, else the consumer's
    // Accept-Language), so the iframe's title and the words inside it agree.
    let mut embed_query = query.only(&STATE_PARAMETERS);
    let extra = PageQuery::parse(&query.only(&EMBED_PARAMETERS)).with_lang(lang);
    if !embed_query.is_empty() {
        embed_query.push('&');
    }
    embed_query.push_str(&extra);
    let src = format!("{base}/embed?{embed_query}");
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
        thumbnail_url: static_url(&base, &query.only(&STATE_PARAMETERS), thumb_w, thumb_h),
        thumbnail_width: thumb_w,
        thumbnail_height: thumb_h,
    };
    Ok(lang::declare(json_response("application/json", &body)?, lang))
}
