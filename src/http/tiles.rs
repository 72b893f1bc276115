//! `GET /api/collections/{collection}/tiles/{z}/{x}/{y}.mvt?datetime=…`: a collection's features in one Web
//! Mercator tile for a time window, as a Mapbox Vector Tile ([`crate::render::vector_tile`]), so a map asks for
//! what its view and window need rather than whole layers.
//!
//! A tile holds exactly what the items API returns for the tile's bounds as `bbox` with the same `datetime` and
//! property filters (a point exactly on an edge between tiles is in both, as it is in both bboxes). Tiles are made
//! on the blocking pool within a limit of their own (as many at once as images, more waiting), kept in a bounded
//! cache of their own per data version and filter ([`super::image_cache`]), and tagged so a client's copy revalidates with `304`. A tile that
//! would hold more than [`MAX_TILE_FEATURES`] is refused with a `400` naming `datetime` (a narrower window or a
//! deeper zoom holds fewer). `properties=a,b` keeps only those properties on the features (the web map asks for
//! what it filters and styles on).

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;

use crate::domain::tile::Tile;
use crate::render::vector_tile::{self, Properties};
use crate::store::live::Snapshot;
use crate::store::{Filter, Queryable};

use super::error::ApiError;
use super::params::{Params, filter_parameters};
use super::{AppState, conditional, find_collection};

/// Parameters of the tiles endpoint besides the collection's queryables.
pub const TILE_PARAMETERS: [&str; 2] = ["datetime", "properties"];
/// The most features one tile may hold.
pub const MAX_TILE_FEATURES: usize = 100_000;
/// The media type of a vector tile.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";
/// Seconds a client is asked to wait when every tile maker is busy.
const RETRY_AFTER_SECONDS: u32 = 1;

/// The tile address of the request's path, checked.
fn tile_of(req: &HttpRequest) -> Result<Tile, ApiError> {
    let part = |name: &'static str| {
        let raw = req.match_info().get(name).unwrap_or_default();
        raw.parse::<u32>().map_err(|_| ApiError::invalid(name, format!("`{raw}` is not a whole number")))
    };
    let z = part("z")?;
    let z = u8::try_from(z).map_err(|_| ApiError::invalid("z", format!("zoom level {z} is beyond 22")))?;
    Tile::new(z, part("x")?, part("y")?).map_err(|e| ApiError::invalid(e.part(), e.to_string()))
}

/// The `properties` parameter: the features' properties to carry, comma-separated (default: all).
/// Any queryable's name may be asked for: a collection whose features have no value of it leaves it out.
fn properties_of(params: &Params) -> Result<Properties, ApiError> {
    let Some(raw) = params.raw("properties") else { return Ok(Properties::default()) };
    let known =
        |name: &str| vector_tile::OWN_PROPERTIES.contains(&name) || Queryable::ALL.iter().any(|q| q.name() == name);
    let mut names: Vec<String> = Vec::new();
    for name in raw.split(',').map(str::trim) {
        if !known(name) {
            return Err(ApiError::invalid(
                "properties",
                format!(
                    "`{name}` is not a property of tiles: use {} or a queryable's name",
                    vector_tile::OWN_PROPERTIES.join(", ")
                ),
            ));
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names.sort();
    Ok(Properties::only(names))
}

/// The handler.
pub async fn tile(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let id = req.match_info().get("collection").unwrap_or_default().to_owned();
    let collection = find_collection(&data, &id)?;
    let params = Params::parse(req.query_string(), &filter_parameters(&TILE_PARAMETERS, collection))?;
    let tile = tile_of(&req)?;
    let mut filter = params.filter(collection)?;
    filter.bbox = Some(tile.bbox());
    let properties = properties_of(&params)?;
    // One key per data version, tile, filter and properties (as parsed, so equivalent queries share it).
    let variant =
        format!("{id}/{}/{}/{}?{:?}&{:?}&{properties:?}", tile.z, tile.x, tile.y, filter.datetime, filter.properties);
    let etag = conditional::derived_etag(&AppState::etag(&data), &variant);
    if conditional::none_match(&req, &etag) {
        return Ok(conditional::not_modified(&etag));
    }
    let key = format!("{etag}{variant}");
    let bytes = match state.vector_tiles.get(&key) {
        Some(bytes) => bytes,
        None => make_within_limit(&state, data, id, tile, filter, properties, key).await?,
    };
    Ok(HttpResponse::Ok().content_type(MVT).insert_header((header::ETAG, etag)).body(bytes))
}

async fn make_within_limit(
    state: &web::Data<AppState>,
    data: Arc<Snapshot>,
    id: String,
    tile: Tile,
    filter: Filter,
    properties: Properties,
    key: String,
) -> Result<Bytes, ApiError> {
    // Tiles have a limit of their own, with a longer queue than images': a map asks for a view's tiles at once.
    let permit = state.tile_makers.permit().await.ok_or(ApiError::Busy {
        what: "every renderer is busy and the queue is full",
        retry_after: RETRY_AFTER_SECONDS,
    })?;
    if let Some(bytes) = state.vector_tiles.get(&key) {
        return Ok(bytes);
    }
    let made = web::block(move || {
        let collection = find_collection(&data, &id)?;
        let selection = collection.select(&filter, 0, MAX_TILE_FEATURES);
        if selection.matched > MAX_TILE_FEATURES {
            return Err(ApiError::invalid(
                "datetime",
                format!(
                    "this tile would hold {} features, more than {MAX_TILE_FEATURES}: ask for a shorter window or a \
                     deeper zoom",
                    selection.matched
                ),
            ));
        }
        vector_tile::encode(&id, tile, collection.columns(), &selection.rows, &properties)
            .map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    drop(permit);
    let bytes = Bytes::from(made);
    state.vector_tiles.put(key, bytes.clone());
    Ok(bytes)
}
