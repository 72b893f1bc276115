//! `GET /api/collections/{collection}/listed?t=…&mode=…&w=…&conf=…`: what the web map's counts line and text view
//! show of a layer it draws from vector tiles ([`crate::map::tiling`]) rather than loading whole: how many of the
//! layer's features a map state shows, by the map's own rule ([`visibility::in_state_by`], the layer switch aside,
//! as the app counts), how many of those have no place, and the latest [`LISTED_LIMIT`] of them (by start day,
//! then id) as GeoJSON features in start order: the list the text view shows.
//!
//! The map state is read as the web map and the static image read it; a value the map would drop is a `400`
//! naming its parameter. Only the map's layers (`sites`, `strikes`, `events`) have a map rule.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::map::state::{Layer, MapState, PARAMETERS as STATE_PARAMETERS};
use crate::map::visibility;
use crate::store::FeatureProvider;

use super::error::ApiError;
use super::ogc::items_body;
use super::params::Params;
use super::{AppState, GEOJSON, lang};

/// The most features a response lists (the text view's list holds as many).
pub const LISTED_LIMIT: usize = 100;

/// The endpoint's parameters: the map state's, `f` and `lang`.
pub fn parameters() -> &'static [&'static str] {
    static ALL: std::sync::LazyLock<Vec<&'static str>> =
        std::sync::LazyLock::new(|| STATE_PARAMETERS.iter().map(|(name, _)| *name).chain(["f", "lang"]).collect());
    &ALL
}

/// The members after the features.
#[derive(Serialize)]
struct ListedTail {
    /// How many features the state shows.
    #[serde(rename = "numberMatched")]
    matched: usize,
    /// How many of them have no place.
    #[serde(rename = "numberUnlocated")]
    unlocated: usize,
    /// How many are listed.
    #[serde(rename = "numberReturned")]
    returned: usize,
}

/// What a state shows of a collection: the latest [`LISTED_LIMIT`] rows in row order, and the tail's counts.
fn listed_rows(collection: &dyn FeatureProvider, layer: Layer, map: &MapState) -> (Vec<u32>, ListedTail) {
    let columns = collection.columns();
    // Rows are sorted by start day: none after the last day the state can show a start of can be in it.
    let last = visibility::last_start(layer, map);
    let end = columns.spans().partition_point(|span| span.first <= last);
    let (mut matched, mut unlocated) = (0, 0);
    let mut rows = Vec::new();
    for row in (0..end).rev() {
        if !visibility::in_state_by(layer, columns.span(row), columns.confidence(row), map) {
            continue;
        }
        matched += 1;
        unlocated += usize::from(columns.point(row).is_none());
        if rows.len() < LISTED_LIMIT {
            rows.push(u32::try_from(row).unwrap_or(u32::MAX));
        }
    }
    rows.reverse();
    let returned = rows.len();
    (rows, ListedTail { matched, unlocated, returned })
}

/// The handler. The count runs on the blocking pool: in cumulative mode it reads every row's days.
pub async fn listed(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let id = path.into_inner();
    super::find_collection(&data, &id)?;
    let layer = Layer::from_id(&id).ok_or_else(|| {
        ApiError::invalid("collection", format!("`{id}` is not one of the map's layers (sites, strikes, events)"))
    })?;
    let params = Params::parse(req.query_string(), parameters())?;
    params.format(&["geojson", "json"])?;
    let lang = lang::for_api(&req, &params)?;
    let map = super::params::map_state(req.query_string(), data.store().timeline())?;
    let body = web::block(move || {
        let collection = super::find_collection(&data, &id)?;
        let (rows, tail) = listed_rows(collection, layer, &map);
        items_body(collection, &rows, lang, &tail)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(lang::declare(HttpResponse::Ok().content_type(GEOJSON).body(body), lang))
}
