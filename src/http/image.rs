//! `GET /api/static.png`: a static map image of the same state as the web map (time, window, layers, confidence,
//! view), rendered on the server (see [`crate::render`]). Used where scripts don't run: oEmbed thumbnails,
//! `og:image`, `<noscript>`. Rendering runs on the blocking pool within a limit; images are cached by their
//! canonical state (see [`super::image_cache`]).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;

use crate::domain::{Bbox, Datetime, Day, DaySpan};
use crate::render::{MAX_SIZE, MapImage, basemap_for, draw};

use super::error::ApiError;
use super::params::Params;
use super::{AppState, conditional};

/// The parameters, shared with the web map's URL (`t`, `mode`, `w`, `layers`, `conf`, `at`) plus image ones.
pub const PARAMETERS: [&str; 12] =
    ["t", "mode", "w", "layers", "conf", "at", "bbox", "width", "height", "title", "speed", "sel"];

/// Seconds a client is asked to wait when every renderer is busy.
const RETRY_AFTER_SECONDS: u32 = 2;
/// The longest title, in characters.
const MAX_TITLE: usize = 120;

/// The web map's default view (MapLibre zoom, 512-pixel tiles).
const DEFAULT_AT: (f64, f64, f64) = (38.3, 35.0, 5.6);

fn number<T: std::str::FromStr>(params: &Params, name: &str) -> Result<Option<T>, ApiError> {
    params
        .raw(name)
        .map(|raw| raw.trim().parse::<T>().map_err(|_| ApiError::invalid(name, format!("`{raw}` is not a number"))))
        .transpose()
}

/// Parses the image request, with the data's last day as the default time.
pub fn parse(params: &Params, state: &AppState) -> Result<MapImage, ApiError> {
    let width: u32 = number(params, "width")?.unwrap_or(800);
    let height: u32 = number(params, "height")?.unwrap_or(450);
    for (name, value) in [("width", width), ("height", height)] {
        if value == 0 || value > MAX_SIZE {
            return Err(ApiError::invalid(name, format!("must be between 1 and {MAX_SIZE}")));
        }
    }
    let last_day = state.dataset.last_start();
    let day = match params.raw("t") {
        None => last_day,
        Some(raw) => Datetime::parse(raw).map_err(|e| ApiError::invalid("t", e))?.span().last,
    };
    let cumulative = match params.raw("mode") {
        None | Some("window") => false,
        Some("cumulative") => true,
        Some(other) => return Err(ApiError::invalid("mode", format!("`{other}`: use window or cumulative"))),
    };
    let days: i32 = number(params, "w")?.unwrap_or(30);
    if !(1..=366).contains(&days) {
        return Err(ApiError::invalid("w", "the window is 1 to 366 days"));
    }
    let window = if cumulative {
        DaySpan { first: Day::MIN, last: day }
    } else {
        DaySpan { first: day.plus(1 - days), last: day }
    };
    let layers = match params.raw("layers") {
        None => [true; 3],
        Some(raw) => {
            let names: Vec<&str> = raw.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            if let Some(bad) = names.iter().find(|n| !["sites", "strikes", "events"].contains(n)) {
                return Err(ApiError::invalid("layers", format!("`{bad}`: use sites, strikes, events")));
            }
            ["sites", "strikes", "events"].map(|l| names.contains(&l))
        }
    };
    let confidence = match params.raw("conf") {
        None => [true; 3],
        Some(raw) => {
            let names: Vec<&str> = raw.split(',').map(str::trim).collect();
            if let Some(bad) = names.iter().find(|n| !["high", "medium", "low", ""].contains(n)) {
                return Err(ApiError::invalid("conf", format!("`{bad}`: use high, medium, low")));
            }
            ["high", "medium", "low"].map(|c| names.contains(&c))
        }
    };
    let (lon, lat, zoom) = if let Some(raw) = params.raw("bbox") {
        let bbox = Bbox::parse(raw).map_err(|e| ApiError::invalid("bbox", e))?;
        MapImage::fit(&bbox, width, height)
    } else {
        let (lon, lat, zoom) = match params.raw("at") {
            None => DEFAULT_AT,
            Some(raw) => {
                let parts: Vec<f64> = raw.split(',').filter_map(|p| p.trim().parse().ok()).collect();
                match parts[..] {
                    [lon, lat, zoom]
                        if (-180.0..=180.0).contains(&lon)
                            && (-85.0..=85.0).contains(&lat)
                            && (0.0..=20.0).contains(&zoom) =>
                    {
                        (lon, lat, zoom)
                    }
                    _ => return Err(ApiError::invalid("at", "expected lon,lat,zoom (zoom 0–20)")),
                }
            }
        };
        // The web map's zoom counts 512-pixel tiles; the renderer's 256-pixel ones.
        (lon, lat, (zoom + 1.0).min(21.0))
    };
    let title = match params.raw("title") {
        Some(t) if t.chars().nth(MAX_TITLE).is_some() => {
            return Err(ApiError::invalid("title", format!("at most {MAX_TITLE} characters")));
        }
        title => title.map(str::to_owned),
    };
    Ok(MapImage { width, height, lon, lat, zoom, day, window, layers, confidence, title })
}

/// Handler: a cached image when there is one, else rendered on the blocking pool within the render limit. A
/// request whose `If-None-Match` names this state's `ETag` is answered `304` without rendering.
pub async fn static_png(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &PARAMETERS)?;
    let image = parse(&params, &state)?;
    let key = image.canonical();
    let etag = conditional::derived_etag(&state.etag, &key);
    if conditional::none_match(&req, &etag) {
        return Ok(conditional::not_modified(&etag));
    }
    let png = match state.images.get(&key) {
        Some(png) => png,
        None => render_within_limit(&state, image, key).await?,
    };
    Ok(HttpResponse::Ok().content_type("image/png").insert_header((header::ETAG, etag)).body(png))
}

async fn render_within_limit(state: &web::Data<AppState>, image: MapImage, key: String) -> Result<Bytes, ApiError> {
    let permit = state.images.permit().await.ok_or(ApiError::Busy {
        what: "every image renderer is busy and the queue is full",
        retry_after: RETRY_AFTER_SECONDS,
    })?;
    // The same image may have been rendered while this request waited.
    if let Some(png) = state.images.get(&key) {
        return Ok(png);
    }
    let basemap = basemap_for(&image, state.tiles.as_deref()).await;
    let shared = web::Data::clone(state);
    let png = web::block(move || draw(&image, &shared.dataset, &basemap))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    drop(permit);
    let png = Bytes::from(png);
    state.images.put(key, png.clone());
    Ok(png)
}
