//! The web map and its offline basemap, embedded in the binary: the app bundle (`web/dist`) under `/` and
//! `/static/`, and the basemap (`geodata/basemap`) under `/basemap/`: the style (made absolute for the requesting
//! origin), vector tiles read from the PMTiles archive, SDF glyphs and sprites. Nothing the page loads comes from
//! another server.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, LazyLock, Mutex};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;
use pmtiles::{AsyncBackend, AsyncPmTilesReader, BackendResponse, Compression, PmtResult, TileCoord};
use rust_embed::RustEmbed;

use super::error::ApiError;
use super::params::Params;
use super::{AppState, base_url, lang};
use crate::i18n::Lang;

/// The built web app (`web/dist`).
#[derive(RustEmbed)]
#[folder = "web/dist/"]
struct WebDist;

/// The offline basemap (`geodata/basemap`).
#[derive(RustEmbed)]
#[folder = "geodata/basemap/"]
#[exclude = "*.sh"]
#[exclude = "*.py"]
#[exclude = "*.csv"]
struct Basemap;

/// The PMTiles archive held in memory, as a `pmtiles` backend.
pub struct MemoryBackend(Bytes);

impl AsyncBackend for MemoryBackend {
    async fn read(&self, offset: u64, length: usize) -> PmtResult<BackendResponse> {
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(self.0.len());
        let end = start.saturating_add(length).min(self.0.len());
        Ok(BackendResponse::new(self.0.slice(start..end)))
    }
}

/// The basemap tiles.
pub struct Tiles {
    reader: AsyncPmTilesReader<MemoryBackend>,
}

impl Tiles {
    /// Opens the embedded `basemap.pmtiles`; `None` if the binary was built without a basemap.
    pub async fn open() -> Option<Arc<Tiles>> {
        let file = Basemap::get("basemap.pmtiles")?;
        let bytes = match file.data {
            std::borrow::Cow::Borrowed(b) => Bytes::from_static(b),
            std::borrow::Cow::Owned(v) => Bytes::from(v),
        };
        match AsyncPmTilesReader::try_from_source(MemoryBackend(bytes)).await {
            Ok(reader) => Some(Arc::new(Tiles { reader })),
            Err(err) => {
                tracing::error!(%err, "the embedded basemap.pmtiles cannot be read");
                None
            }
        }
    }
}

impl Tiles {
    /// The stored bytes of one tile (gzip-compressed as in the archive), if the archive has it.
    pub async fn tile_bytes(&self, z: u8, x: u32, y: u32) -> Option<Bytes> {
        let coord = TileCoord::new(z, x, y).ok()?;
        self.reader.get_tile(coord).await.ok().flatten()
    }
}

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

/// Brotli-compressed copies of the bundle's files, made once per file and process: compressing the 1 MB MapLibre
/// module on every request cost ~0.3 s of the first render.
static BROTLI: LazyLock<Mutex<HashMap<String, Bytes>>> = LazyLock::new(Mutex::default);

fn brotli_of(name: &str, data: &[u8]) -> Bytes {
    if let Some(hit) = BROTLI.lock().ok().and_then(|cache| cache.get(name).cloned()) {
        return hit;
    }
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 9, 22);
        let _ = writer.write_all(data);
    }
    let out = Bytes::from(out);
    if let Ok(mut cache) = BROTLI.lock() {
        cache.insert(name.to_owned(), out.clone());
    }
    out
}

/// `GET /static/{file}`: the app bundle (brotli-compressed once and cached, for clients that accept it).
pub async fn static_file(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let file = WebDist::get(&name).ok_or_else(|| ApiError::NoRoute(format!("/static/{name}")))?;
    let accepts_brotli = req.headers().get_all(header::ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|e| {
            let mut parts = e.split(';').map(str::trim);
            parts.next() == Some("br") && !parts.any(|q| q.replace(' ', "").starts_with("q=0") && !q.contains("q=0."))
        })
    });
    let mut response = HttpResponse::Ok();
    response.content_type(media_type(&name)).insert_header((header::VARY, "Accept-Encoding"));
    if accepts_brotli && file.data.len() > 1024 {
        response.insert_header((header::CONTENT_ENCODING, "br"));
        return Ok(response.body(brotli_of(&name, &file.data)));
    }
    Ok(response.body(file.data.into_owned()))
}

/// `GET /basemap/style.json`: the basemap style with its URLs made absolute for this origin (or a redirect to the
/// hosted style given with `--basemap-style`).
pub async fn style(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["lang"])?;
    let lang = lang::for_api(&req, &params)?;
    if let Some(hosted) = &state.basemap_style {
        return Ok(HttpResponse::Found().insert_header((header::LOCATION, hosted.as_str())).finish());
    }
    let file = Basemap::get("style.json").ok_or_else(|| ApiError::NoRoute("/basemap/style.json".into()))?;
    let text = String::from_utf8_lossy(&file.data).replace("\"/basemap/", &format!("\"{}/basemap/", base_url(&req)));
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
    if let Some(file) = Basemap::get(&name) {
        return Ok(HttpResponse::Ok().content_type(media_type(&name)).body(file.data.into_owned()));
    }
    let empty_glyph_range =
        name.strip_prefix("glyphs/").and_then(|rest| rest.rsplit_once('/')).is_some_and(|(stack, range)| {
            Basemap::get(&format!("glyphs/{stack}/0-255.pbf")).is_some()
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
pub async fn tile(state: web::Data<AppState>, path: web::Path<(u8, u32, String)>) -> Result<HttpResponse, ApiError> {
    let (z, x, y) = path.into_inner();
    let y: u32 = y
        .strip_suffix(".mvt")
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| ApiError::invalid("y", "expected {y}.mvt with a whole number"))?;
    let coord = TileCoord::new(z, x, y).map_err(|e| ApiError::invalid("z/x/y", e))?;
    let tiles = state.tiles.as_ref().ok_or_else(|| ApiError::NoRoute("/basemap/tiles".into()))?;
    let data = tiles.reader.get_tile(coord).await.map_err(|e| ApiError::Internal(e.to_string()))?;
    let Some(data) = data else {
        return Ok(HttpResponse::NoContent().finish());
    };
    let mut response = HttpResponse::Ok();
    response.content_type("application/vnd.mapbox-vector-tile").insert_header((header::VARY, "Accept-Encoding"));
    if tiles.reader.get_header().tile_compression == Compression::Gzip {
        response.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    Ok(response.body(data))
}
