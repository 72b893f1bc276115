//! Downloads: a whole collection (filtered like items) as a GeoJSON or CSV file, and the CSV encoding.
//!
//! CSV has one row per feature: `lon`/`lat` columns (empty when not located), dates with their precision, and
//! lists (attribution, notes, sources) joined with ` | `.

use std::fmt::Write as _;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::domain::{Feature, Localized, Range};
use crate::store::FeatureProvider;

use super::error::ApiError;
use super::ogc::find;
use super::params::{Params, filter_parameters};
use super::{AppState, GEOJSON, lang};

/// Parameters of the download endpoint besides the collection's queryables.
pub const DOWNLOAD_PARAMETERS: [&str; 6] = ["f", "bbox", "bbox-crs", "datetime", "sortby", "lang"];

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 31] = [
    "id",
    "name_en",
    "name_ar",
    "name_ru",
    "kind",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "date_basis",
    "lon",
    "lat",
    "location_precision",
    "location_unsourced",
    "location_note",
    "country",
    "confidence",
    "site_id",
    "status",
    "operator",
    "target",
    "actor",
    "attribution",
    "killed_min",
    "killed_max",
    "injured_min",
    "injured_max",
    "description_en",
    "notes",
    "sources",
    "source_count",
];

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
    let collection = find(&state, &path)?;
    let params = Params::parse(req.query_string(), &filter_parameters(&DOWNLOAD_PARAMETERS, collection))?;
    let format = params.format(&["geojson", "csv"])?;
    let filter = params.filter(collection)?;
    let lang = lang::for_api(&req, &params)?;
    let features = collection.all(&filter);
    let id = &collection.meta.id;
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

/// Features as a CSV response; with `stem`, as an attachment named `{stem}.csv`.
pub fn csv_response(features: &[&Feature], stem: Option<&str>) -> Result<HttpResponse, ApiError> {
    let body = to_csv(features).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut response = HttpResponse::Ok();
    response.content_type("text/csv; charset=utf-8");
    if let Some(stem) = stem {
        response.insert_header(("Content-Disposition", format!("attachment; filename=\"{stem}.csv\"")));
    }
    Ok(response.body(body))
}

/// Encodes features as CSV with [`CSV_COLUMNS`].
pub fn to_csv(features: &[&Feature]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(features.len() * 512));
    writer.write_record(CSV_COLUMNS)?;
    for feature in features {
        writer.write_record(row(feature))?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn row(feature: &Feature) -> Vec<String> {
    let p = &feature.properties;
    let d = p.details();
    let opt = |v: Option<&str>| v.unwrap_or_default().to_owned();
    let range = |r: Option<&Range>| (r.map(|r| r.min.to_string()), r.map(|r| r.max.to_string()));
    let killed = range(d.casualties.as_ref().and_then(|c| c.killed.as_ref()));
    let injured = range(d.casualties.as_ref().and_then(|c| c.injured.as_ref()));
    let attribution =
        d.attribution.iter().map(|c| format!("{} by {}", c.stance.as_str(), c.by)).collect::<Vec<_>>().join(" | ");
    let sources = p
        .sources
        .iter()
        .map(|s| {
            let mut text = s.publisher.to_string();
            if let Some(via) = s.via() {
                let _ = write!(text, " (via {via})");
            }
            let _ = write!(
                text,
                ", {}, {}",
                s.date.map_or_else(|| "date not recorded".to_owned(), |d| d.to_string()),
                s.url
            );
            text
        })
        .collect::<Vec<_>>()
        .join(" | ");
    vec![
        feature.id.to_string(),
        p.name.en.to_string(),
        opt(p.name.ar()),
        opt(p.name.ru()),
        p.kind.to_string(),
        p.start.to_string(),
        p.start_precision.to_string(),
        p.end.map(|d| d.to_string()).unwrap_or_default(),
        p.end_precision.map(|d| d.to_string()).unwrap_or_default(),
        p.date_basis.as_str().to_owned(),
        feature.geometry.map(|g| g.lon.to_string()).unwrap_or_default(),
        feature.geometry.map(|g| g.lat.to_string()).unwrap_or_default(),
        p.location_precision.as_str().to_owned(),
        p.location_unsourced.to_string(),
        opt(d.location_note.as_deref()),
        d.country.map(|c| c.to_string()).unwrap_or_default(),
        p.confidence.as_str().to_owned(),
        opt(d.site_id.as_deref()),
        p.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        opt(d.operator.as_deref()),
        opt(d.target.as_deref()),
        opt(d.actor.as_deref()),
        attribution,
        killed.0.unwrap_or_default(),
        killed.1.unwrap_or_default(),
        injured.0.unwrap_or_default(),
        injured.1.unwrap_or_default(),
        d.description.as_ref().map(|t| t.en.to_string()).unwrap_or_default(),
        d.notes.join(" | "),
        sources,
        p.sources.len().to_string(),
    ]
}
