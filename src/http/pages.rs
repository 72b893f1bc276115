//! The plain HTML page of collections and downloads (`/downloads`; it needs no JavaScript), `/healthz`, and the
//! data files under `/data/` (catalog, schema, methodology, layers) as they were loaded.

use actix_web::{HttpRequest, HttpResponse, web};
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Serialize;
use serde_json::json;

use crate::i18n::Lang;
use crate::store::Published;

use super::error::ApiError;
use super::params::Params;
use super::{AppState, GEOJSON, JSON, json_response, stream, templates};

/// One collection on the downloads page.
#[derive(Serialize)]
struct CollectionEntry<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    count: usize,
    unlocated: usize,
    first: String,
    last: String,
    license: &'a str,
    attribution: &'a str,
}

/// `GET /downloads`: what Footprint is, its collections, their downloads and the API.
pub async fn index(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    Params::parse(req.query_string(), &[])?;
    let catalog = data.store().catalog();
    let collections: Vec<CollectionEntry<'_>> = data
        .store()
        .collections()
        .iter()
        .map(|c| {
            let extent = c.extent();
            CollectionEntry {
                id: &c.meta().id,
                title: &c.meta().title,
                description: &c.meta().description,
                count: c.len(),
                unlocated: c.unlocated(),
                first: extent.first.map_or_else(|| "–".to_owned(), |d| d.to_string()),
                last: extent.last.map_or_else(|| "ongoing".to_owned(), |d| d.to_string()),
                license: &c.meta().license,
                attribution: &c.meta().attribution,
            }
        })
        .collect();
    let values = context! {
        catalog => context! { title => &catalog.title, description => &catalog.description },
        collections => Value::from(Serde(collections)),
    };
    let html = templates::render("downloads.html", Lang::En, values)?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}

/// `GET /healthz`: liveness plus what is loaded.
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let counts: serde_json::Map<String, serde_json::Value> =
        data.store().collections().into_iter().map(|c| (c.meta().id.clone(), json!(c.len()))).collect();
    let mut response = json_response(
        JSON,
        &json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "data": data.store().origin(), "content_hash": data.store().content_hash(), "features": counts}),
    )?;
    response
        .headers_mut()
        .insert(actix_web::http::header::CACHE_CONTROL, actix_web::http::header::HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /data/{file}`: the catalog, the feature schema and the methodology as loaded, and the layer files written
/// from the loaded features in the curated files' format (a file changed or deleted on disk since is not what the
/// server has: it serves what it checked and indexed).
pub async fn data_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    Params::parse(req.query_string(), &[])?;
    let name = path.into_inner();
    let layer = data.store().catalog().collections.iter().any(|c| c.file == name);
    let media_type = match name.as_str() {
        "catalog.json" => JSON,
        "schema/feature.schema.json" => "application/schema+json",
        "METHODOLOGY.md" => "text/markdown; charset=utf-8",
        _ if layer => GEOJSON,
        _ => return Err(ApiError::NoRoute(format!("/data/{name}"))),
    };
    match data.store().published(&name).ok_or_else(|| ApiError::NoRoute(format!("/data/{name}")))? {
        Published::Document(bytes) => Ok(HttpResponse::Ok().content_type(media_type).body(bytes.clone())),
        Published::Layer(collection) => {
            // A layer is written from the features as it is sent, compressed as the client accepts (see download).
            let id = collection.id().to_owned();
            let encoding = stream::encoding_for(&req);
            let body = stream::body(encoding, move |out| {
                let Some(collection) = data.store().collection(&id) else { return Ok(()) };
                collection.write_layer_file(out)
            });
            Ok(stream::response(HttpResponse::Ok().content_type(media_type), encoding, body))
        }
    }
}
