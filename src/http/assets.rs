//! The web map and its offline basemap, embedded in the binary: the app bundle (`web/dist`) under `/` and
//! `/static/`, and the basemap (`geodata/basemap`) under `/basemap/`: the style (made absolute for the requesting
//! origin), vector tiles read from the PMTiles archive, SDF glyphs and sprites. Nothing the page loads comes from
//! another server.

use std::io::Read as _;
use std::sync::LazyLock;

use actix_web::http::header::{self, ContentEncoding};
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;
use rust_embed::RustEmbed;

use super::error::ApiError;
use super::params::Params;
use super::{AppState, base_url, encoding, lang};
use crate::basemap::{self, shared};
use crate::i18n::Lang;

/// The built web app (`web/dist`).
#[derive(RustEmbed)]
#[folder = "web/dist/"]
struct WebDist;

fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "pbf" => "application/x-protobuf",
        "woff2" => "font/woff2",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A text file of the web bundle (the page templates).
pub fn web_file(name: &str) -> Option<String> {
    WebDist::get(name).map(|file| String::from_utf8_lossy(&file.data).into_owned())
}

/// A short hash of the embedded web bundle, part of every `ETag`: a new bundle with the same data and version is
/// still a new resource for caches.
pub fn bundle_hash() -> &'static str {
    static HASH: LazyLock<String> = LazyLock::new(|| {
        let mut names: Vec<_> = WebDist::iter().collect();
        names.sort();
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        for name in names {
            sha2::Digest::update(&mut hasher, name.as_bytes());
            if let Some(file) = WebDist::get(&name) {
                sha2::Digest::update(&mut hasher, file.metadata.sha256_hash());
            }
        }
        sha2::Digest::finalize(hasher).iter().take(6).fold(String::new(), |mut s, b| {
            let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
            s
        })
    });
    &HASH
}

/// `GET /static/{file}`: the app bundle. Files with precompressed copies (`FILE.br`, `FILE.gz`, made by
/// `web/build.sh`) are sent in the encoding the client prefers among them; nothing is compressed per request. The
/// page templates (`*.html`) are not served: the pages are.
pub async fn static_file(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let not_found = || ApiError::NoRoute(format!("/static/{name}"));
    let extension = std::path::Path::new(&name).extension().and_then(|e| e.to_str()).unwrap_or_default();
    if ["html", "br", "gz"].iter().any(|e| extension.eq_ignore_ascii_case(e)) {
        return Err(not_found());
    }
    let file = WebDist::get(&name).ok_or_else(not_found)?;
    // The copies held, looked up once: (encoding, bytes), the plain file last.
    let mut held: Vec<(ContentEncoding, std::borrow::Cow<'static, [u8]>)> = Vec::with_capacity(3);
    for (encoding, suffix) in [(ContentEncoding::Brotli, "br"), (ContentEncoding::Gzip, "gz")] {
        if let Some(copy) = WebDist::get(&format!("{name}.{suffix}")) {
            held.push((encoding, copy.data));
        }
    }
    held.push((ContentEncoding::Identity, file.data));
    let encodings: Vec<ContentEncoding> = held.iter().map(|(e, _)| *e).collect();
    let encoding = encoding::negotiate(&req, &encodings)?;
    let body = held.into_iter().find(|(e, _)| *e == encoding).map(|(_, data)| data).ok_or_else(not_found)?;
    let mut response = HttpResponse::Ok();
    response.content_type(media_type(&name));
    if encoding != ContentEncoding::Identity {
        response.insert_header(encoding);
    }
    if encodings.len() > 1 {
        response.insert_header((header::VARY, "Accept-Encoding"));
    }
    Ok(response.body(shared(body)))
}

/// `GET /basemap/style.json`: the basemap style with its URLs made absolute for this origin (or a redirect to the
/// hosted style given with `--basemap-style`).
pub async fn style(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["lang"])?;
    let lang = lang::for_api(&req, &params)?;
    if let Some(hosted) = &state.basemap_style {
        return Ok(HttpResponse::Found().insert_header((header::LOCATION, hosted.as_str())).finish());
    }
    let file = basemap::file("style.json").ok_or_else(|| ApiError::NoRoute("/basemap/style.json".into()))?;
    let text = String::from_utf8_lossy(&file).replace("\"/basemap/", &format!("\"{}/basemap/", base_url(&req)));
    let mut style: serde_json::Value = serde_json::from_str(&text).map_err(|e| ApiError::Internal(e.to_string()))?;
    label_in(&mut style, lang);
    Ok(lang::declare(super::json_response("application/json", &style)?, lang))
}

/// Makes the basemap's labels read `name_{lang}`, falling back to English where a place has no name in that
/// language (the Latin script then shows the fallback on an Arabic or Russian map).
fn label_in(style: &mut serde_json::Value, lang: Lang) {
    let field = serde_json::json!(["coalesce", ["get", format!("name_{lang}")], ["get", "name_en"], ["get", "name"]]);
    let layers = style.get_mut("layers").and_then(serde_json::Value::as_array_mut);
    for layer in layers.into_iter().flatten() {
        if let Some(text_field) = layer.get_mut("layout").and_then(|l| l.get_mut("text-field"))
            && text_field.to_string().contains("\"name_en\"")
        {
            *text_field = field.clone();
        }
    }
}

/// `GET /basemap/{file}`: glyphs and sprites. A glyph range the fonts have no characters in is an empty (valid)
/// glyph set, so the map never logs a failed request for it.
pub async fn basemap_file(path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    if name.ends_with(".pmtiles") {
        return Err(ApiError::NoRoute(format!("/basemap/{name}")));
    }
    if let Some(file) = basemap::file(&name) {
        return Ok(HttpResponse::Ok().content_type(media_type(&name)).body(file));
    }
    let empty_glyph_range =
        name.strip_prefix("glyphs/").and_then(|rest| rest.rsplit_once('/')).is_some_and(|(stack, range)| {
            basemap::file(&format!("glyphs/{stack}/0-255.pbf")).is_some()
                && range.strip_suffix(".pbf").and_then(|r| r.split_once('-')).is_some_and(|(a, b)| {
                    a.parse::<u32>().is_ok_and(|a| a % 256 == 0 && a < 65_536) && b.parse::<u32>().is_ok()
                })
        });
    if empty_glyph_range {
        return Ok(HttpResponse::Ok().content_type("application/x-protobuf").finish());
    }
    Err(ApiError::NoRoute(format!("/basemap/{name}")))
}

/// `GET /basemap/tiles/{z}/{x}/{y}.mvt`: one vector tile; `204` where the archive has none.
pub async fn tile(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(u8, u32, String)>,
) -> Result<HttpResponse, ApiError> {
    let (z, x, y) = path.into_inner();
    let y: u32 = y
        .strip_suffix(".mvt")
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| ApiError::invalid("y", "expected {y}.mvt with a whole number"))?;
    let tiles = state.tiles.as_ref().ok_or_else(|| ApiError::NoRoute("/basemap/tiles".into()))?;
    let data = tiles.tile(z, x, y).await.map_err(|e| match e {
        basemap::TileError::Coordinates(reason) => ApiError::invalid("z/x/y", reason),
        basemap::TileError::Archive(reason) => ApiError::Internal(reason),
    })?;
    let Some(data) = data else {
        return Ok(HttpResponse::NoContent().finish());
    };
    // The archive stores gzip-compressed tiles: sent as they are to clients that take gzip, inflated for others.
    let stored_gzip = tiles.stored_gzip();
    let held: &[ContentEncoding] =
        if stored_gzip { &[ContentEncoding::Gzip, ContentEncoding::Identity] } else { &[ContentEncoding::Identity] };
    let encoding = encoding::negotiate(&req, held)?;
    let body = if stored_gzip && encoding == ContentEncoding::Identity {
        let mut plain = Vec::with_capacity(data.len() * 3);
        flate2::read::GzDecoder::new(&data[..])
            .read_to_end(&mut plain)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Bytes::from(plain)
    } else {
        data
    };
    let mut response = HttpResponse::Ok();
    response.content_type("application/vnd.mapbox-vector-tile").insert_header((header::VARY, "Accept-Encoding"));
    if encoding != ContentEncoding::Identity {
        response.insert_header(encoding);
    }
    Ok(response.body(body))
}
