//! The plain HTML page of collections and downloads (`/downloads`; it needs no JavaScript), `/healthz`, and the
//! raw data files under `/data/` (catalog, schema, methodology, layers).

use std::fmt::Write as _;

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use super::error::ApiError;
use super::params::Params;
use super::{AppState, GEOJSON, JSON, json_response};

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `GET /downloads`: what Footprint is, its collections, their downloads and the API.
pub async fn index(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?;
    let catalog = &state.dataset.catalog;
    let mut rows = String::new();
    for c in &state.dataset.collections {
        let id = escape_html(&c.meta.id);
        let extent = c.extent();
        let span = format!(
            "{} to {}",
            extent.first.map_or_else(|| "–".to_owned(), |d| d.to_string()),
            extent.last.map_or_else(|| "ongoing".to_owned(), |d| d.to_string())
        );
        let unlocated = c.features().iter().filter(|f| f.geometry.is_none()).count();
        let _ = write!(
            rows,
            "<section><h2>{title}</h2><p>{description}</p>\
             <p>{count} features ({unlocated} without a location), {span}. Licence {license}; {attribution}</p>\
             <ul><li><a href=\"/api/collections/{id}\">Collection metadata</a></li>\
             <li><a href=\"/api/collections/{id}/items?limit=100\">Items (GeoJSON, OGC API)</a></li>\
             <li><a href=\"/api/collections/{id}/download?f=geojson\">Download GeoJSON</a> · \
             <a href=\"/api/collections/{id}/download?f=csv\">Download CSV</a></li>\
             <li><a href=\"/api/collections/{id}/queryables\">Queryables</a></li></ul></section>",
            title = escape_html(&c.meta.title),
            description = escape_html(&c.meta.description),
            count = c.features().len(),
            license = escape_html(&c.meta.license),
            attribution = escape_html(&c.meta.attribution),
        );
    }
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}\
         a{{color:#0645ad}}section{{border-top:1px solid #ccc;margin-top:1.5rem}}code{{background:#f3f3f3;padding:0 .2em}}</style></head>\
         <body><h1>{title}</h1><p>{description}</p>\
         <p><a href=\"/\">Open the interactive map</a>. These are its sourced layers. Every feature cites its sources; \
         dates and locations carry their precision. Read the <a href=\"/data/METHODOLOGY.md\">methodology</a> \
         for what counts as a source and how to submit a correction.</p>{rows}\
         <section><h2>For analysts and GIS clients</h2><ul>\
         <li><a href=\"/api\">OGC API – Features landing page</a> (QGIS/GDAL: <code>OAPIF:{{this server}}/api</code>)</li>\
         <li><a href=\"/api/openapi.json\">OpenAPI 3.0 definition</a></li>\
         <li><a href=\"/api/timeline?bucket=week\">Weekly counts (timeline)</a></li>\
         <li><a href=\"/data/catalog.json\">Catalog</a> · <a href=\"/data/schema/feature.schema.json\">Feature JSON Schema</a></li>\
         </ul></section></body></html>",
        title = escape_html(&catalog.title),
        description = escape_html(&catalog.description),
    );
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}

/// `GET /healthz`: liveness plus what is loaded.
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let counts: serde_json::Map<String, serde_json::Value> =
        state.dataset.collections.iter().map(|c| (c.meta.id.clone(), json!(c.features().len()))).collect();
    let mut response = json_response(
        JSON,
        &json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "data": state.dataset.origin, "content_hash": state.dataset.content_hash, "features": counts}),
    )?;
    response
        .headers_mut()
        .insert(actix_web::http::header::CACHE_CONTROL, actix_web::http::header::HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /data/{file}`: the catalog, the feature schema, the methodology and the layer files as curated.
pub async fn data_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?;
    let name = path.into_inner();
    let layer = state.dataset.catalog.collections.iter().any(|c| c.file == name);
    let media_type = match name.as_str() {
        "catalog.json" => JSON,
        "schema/feature.schema.json" => "application/schema+json",
        "METHODOLOGY.md" => "text/markdown; charset=utf-8",
        _ if layer => GEOJSON,
        _ => return Err(ApiError::NoRoute(format!("/data/{name}"))),
    };
    let bytes = state.files.read(&name).map_err(|_| ApiError::NoRoute(format!("/data/{name}")))?;
    Ok(HttpResponse::Ok().content_type(media_type).body(bytes.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(escape_html("<b a=\"x\">'&'</b>"), "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;");
    }
}
