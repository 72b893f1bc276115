//! `GET /api/static.png`: a static map image of the same state as the web map (time, window, layers, confidence,
//! view), rendered on the server (see [`crate::render`]). Used where scripts don't run: oEmbed thumbnails,
//! `og:image`, `<noscript>`. Rendering runs on the blocking pool within a limit; images are cached by their
//! canonical state (see [`super::image_cache`]).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;

use crate::domain::{Bbox, DaySpan};
use crate::i18n::Lang;
use crate::render::{MAX_SIZE, MapImage, basemap_for, draw};

use super::error::ApiError;
use super::params::Params;
use super::{AppState, conditional};

/// The image's own parameters; the map state's are [`crate::map::state::PARAMETERS`].
const IMAGE_PARAMETERS: [&str; 5] = ["bbox", "width", "height", "title", "lang"];

/// Seconds a client is asked to wait when every renderer is busy.
const RETRY_AFTER_SECONDS: u32 = 2;
/// The longest title, in characters.
const MAX_TITLE: usize = 120;

/// Every parameter the image takes: the map state's, then its own (listed once, not per request).
pub fn parameters() -> &'static [&'static str] {
    static ALL: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        crate::map::state::PARAMETERS.iter().map(|(name, _)| *name).chain(IMAGE_PARAMETERS).collect()
    });
    &ALL
}

fn number<T: std::str::FromStr>(params: &Params, name: &str) -> Result<Option<T>, ApiError> {
    params
        .raw(name)
        .map(|raw| raw.trim().parse::<T>().map_err(|_| ApiError::invalid(name, format!("`{raw}` is not a number"))))
        .transpose()
}

/// Parses the image request: the map state as the web map reads it (the same defaults and clamps), except that a
/// value the map would ignore is a `400` naming it here.
pub fn parse(params: &Params, query: &str, timeline: DaySpan) -> Result<MapImage, ApiError> {
    let width: u32 = number(params, "width")?.unwrap_or(800);
    let height: u32 = number(params, "height")?.unwrap_or(450);
    for (name, value) in [("width", width), ("height", height)] {
        if value == 0 || value > MAX_SIZE {
            return Err(ApiError::invalid(name, format!("must be between 1 and {MAX_SIZE}")));
        }
    }
    let state = super::params::map_state(query, timeline)?;
    let (lon, lat, zoom) = if let Some(raw) = params.raw("bbox") {
        let bbox = Bbox::parse(raw).map_err(|e| ApiError::invalid("bbox", e))?;
        MapImage::fit(&bbox, width, height)
    } else {
        // The web map's zoom counts 512-pixel tiles; the renderer's 256-pixel ones.
        (state.view.lon, state.view.lat, state.view.zoom + 1.0)
    };
    let lang = match params.raw("lang") {
        None => Lang::En,
        Some(raw) => {
            Lang::from_tag(raw).ok_or_else(|| ApiError::invalid("lang", format!("`{raw}`: use en, ar or ru")))?
        }
    };
    let title = match params.raw("title") {
        Some(t) if t.chars().nth(MAX_TITLE).is_some() => {
            return Err(ApiError::invalid("title", format!("at most {MAX_TITLE} characters")));
        }
        title => title.map(str::to_owned),
    };
    Ok(MapImage { width, height, lon, lat, zoom, state, lang, title })
}

/// Handler: a cached image when there is one, else rendered on the blocking pool within the render limit. A
/// request whose `If-None-Match` names this state's `ETag` is answered `304` without rendering.
pub async fn static_png(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let params = Params::parse(req.query_string(), parameters())?;
    let image = parse(&params, req.query_string(), data.store().timeline())?;
    // Cached per data version: a publish changes the content hash, so no image of older data is served.
    let key = format!("{}:{}", data.store().content_hash(), image.canonical());
    let etag = conditional::derived_etag(&AppState::etag(&data), &image.canonical());
    if conditional::none_match(&req, &etag) {
        return Ok(conditional::not_modified(&etag));
    }
    let png = match state.images.get(&key) {
        Some(png) => png,
        None => render_within_limit(&state, data, image, key).await?,
    };
    Ok(HttpResponse::Ok().content_type("image/png").insert_header((header::ETAG, etag)).body(png))
}

async fn render_within_limit(
    state: &web::Data<AppState>,
    data: std::sync::Arc<crate::store::live::Snapshot>,
    image: MapImage,
    key: String,
) -> Result<Bytes, ApiError> {
    let permit = state.images.permit().await.ok_or(ApiError::Busy {
        what: "every image renderer is busy and the queue is full",
        retry_after: RETRY_AFTER_SECONDS,
    })?;
    // The same image may have been rendered while this request waited.
    if let Some(png) = state.images.get(&key) {
        return Ok(png);
    }
    let basemap = basemap_for(&image, state.tiles.as_deref()).await;
    let png = web::block(move || draw(&image, data.store(), &basemap))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    drop(permit);
    let png = Bytes::from(png);
    state.images.put(key, png.clone());
    Ok(png)
}
