//! Downloads: a whole collection (filtered like items) as a GeoJSON or CSV ([`super::csv`]) file.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::domain::Localized;

use super::csv::csv_response;
use super::error::ApiError;
use super::params::{Params, filter_parameters};
use super::{AppState, GEOJSON, lang};

/// Parameters of the download endpoint besides the collection's queryables.
pub const DOWNLOAD_PARAMETERS: [&str; 6] = ["f", "bbox", "bbox-crs", "datetime", "sortby", "lang"];

#[derive(Serialize)]
struct Download<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    #[serde(rename = "numberMatched")]
    matched: usize,
    features: Vec<Localized<'a>>,
}

/// `GET /api/collections/{collection}/download?f=geojson|csv`: every matching feature, as an attachment.
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let collection = super::find_collection(&data, &path)?;
    let params = Params::parse(req.query_string(), &filter_parameters(&DOWNLOAD_PARAMETERS, collection))?;
    let format = params.format(&["geojson", "csv"])?;
    let filter = params.filter(collection)?;
    let lang = lang::for_api(&req, &params)?;
    let features = collection.all(&filter);
    let id = &collection.meta().id;
    let stem = if filter.is_unrestricted() { format!("footprint-{id}") } else { format!("footprint-{id}-filtered") };
    if format == "csv" {
        return csv_response(&features, Some(&stem));
    }
    let body = serde_json::to_vec(&Download {
        kind: "FeatureCollection",
        name: id,
        matched: features.len(),
        features: features.iter().map(|&feature| Localized { feature, lang }).collect(),
    })
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let response = HttpResponse::Ok()
        .content_type(GEOJSON)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{stem}.geojson\"")))
        .body(body);
    Ok(lang::declare(response, lang))
}
