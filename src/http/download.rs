//! Downloads: a whole collection (filtered like items) as a GeoJSON or CSV ([`super::csv`]) file, streamed.

use std::io::Write;

use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::Lang;
use crate::store::FeatureProvider;

use super::error::ApiError;
use super::params::{Params, filter_parameters};
use super::{AppState, GEOJSON, lang, stream};

/// Parameters of the download endpoint besides the collection's queryables.
pub const DOWNLOAD_PARAMETERS: [&str; 6] = ["f", "bbox", "bbox-crs", "datetime", "sortby", "lang"];

/// `GET /api/collections/{collection}/download?f=geojson|csv`: every matching feature, as an attachment, streamed
/// ([`super::stream`]): written on a blocking thread and compressed there (gzip or brotli, as the client accepts),
/// so the server holds a few chunks of it, never the whole file.
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
    let id = collection.meta().id.clone();
    let stem = if filter.is_unrestricted() { format!("footprint-{id}") } else { format!("footprint-{id}-filtered") };
    let encoding = stream::encoding_for(&req);
    let (media, extension) = if format == "csv" { ("text/csv; charset=utf-8", "csv") } else { (GEOJSON, "geojson") };
    let body = stream::body(encoding, move |out| {
        let Ok(collection) = super::find_collection(&data, &id) else { return Ok(()) };
        let rows = collection.select(&filter, 0, usize::MAX).rows;
        if format == "csv" {
            write_csv(out, collection, &rows)
        } else {
            write_geojson(out, &id, collection, &rows, lang)
        }
    });
    let mut response = HttpResponse::Ok();
    response
        .content_type(media)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{stem}.{extension}\"")));
    Ok(lang::declare(stream::response(&mut response, encoding, body), lang))
}

/// A GeoJSON `FeatureCollection` (`type`, `name`, `numberMatched`, `features`), one feature at a time, each
/// written as it is kept.
fn write_geojson(
    out: &mut dyn Write,
    name: &str,
    collection: &dyn FeatureProvider,
    rows: &[u32],
    lang: Lang,
) -> std::io::Result<()> {
    let name = serde_json::to_string(name).map_err(std::io::Error::other)?;
    write!(out, "{{\"type\":\"FeatureCollection\",\"name\":{name},\"numberMatched\":{},\"features\":[", rows.len())?;
    let mut buffer = Vec::with_capacity(4096);
    for (i, &row) in rows.iter().enumerate() {
        // A text that cannot be read (logged by the store) ends the download with an error: the client sees it
        // cut short, never a file without the feature.
        let ready = collection.ready(row).ok_or_else(|| std::io::Error::other("a feature could not be read"))?;
        buffer.clear();
        if i > 0 {
            buffer.push(b',');
        }
        ready.write(lang, &mut buffer);
        out.write_all(&buffer)?;
    }
    out.write_all(b"]}")
}

/// The CSV of [`super::csv`], one row at a time (each feature parsed from its text as it is written).
fn write_csv(out: &mut dyn Write, collection: &dyn FeatureProvider, rows: &[u32]) -> std::io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(super::csv::header()).map_err(std::io::Error::other)?;
    for &row in rows {
        let feature =
            collection.read(row).ok_or_else(|| std::io::Error::other("a stored feature does not read back"))?;
        writer.write_record(super::csv::row(&feature)).map_err(std::io::Error::other)?;
    }
    writer.flush()
}
