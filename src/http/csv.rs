//! Features as CSV (items with `f=csv` and downloads): one row per feature, `lon`/`lat` columns (empty when not
//! located), dates with their precision, and lists (attribution, notes, sources) joined with ` | `.
//!
//! Each column is defined once, with its name and how its cell is read from a feature ([`COLUMNS`]), so the header
//! and the rows cannot drift apart.

use std::fmt::Write as _;

use actix_web::HttpResponse;

use crate::domain::{Feature, Range};

use super::error::ApiError;

/// How a cell is read from a feature.
type Cell = fn(&Feature) -> String;

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

fn casualty(feature: &Feature, killed: bool, max: bool) -> String {
    let casualties = feature.properties.details().casualties.as_ref();
    let range: Option<&Range> = casualties.and_then(|c| if killed { c.killed.as_ref() } else { c.injured.as_ref() });
    range.map(|r| if max { r.max } else { r.min }.to_string()).unwrap_or_default()
}

fn attribution(feature: &Feature) -> String {
    let claims = &feature.properties.details().attribution;
    claims.iter().map(|c| format!("{} by {}", c.stance.as_str(), c.by)).collect::<Vec<_>>().join(" | ")
}

fn sources(feature: &Feature) -> String {
    let cited = feature.properties.sources.iter().map(|s| {
        let mut text = s.publisher.to_string();
        if let Some(via) = s.via() {
            let _ = write!(text, " (via {via})");
        }
        let date = s.date.map_or_else(|| "date not recorded".to_owned(), |d| d.to_string());
        let _ = write!(text, ", {date}, {}", s.url);
        text
    });
    cited.collect::<Vec<_>>().join(" | ")
}

/// The CSV columns, in order: each name with its cell.
pub const COLUMNS: [(&str, Cell); 31] = [
    ("id", |f| f.id.to_string()),
    ("name_en", |f| f.properties.name.en.to_string()),
    ("name_ar", |f| text(f.properties.name.ar())),
    ("name_ru", |f| text(f.properties.name.ru())),
    ("kind", |f| f.properties.kind.to_string()),
    ("start", |f| f.properties.start.to_string()),
    ("start_precision", |f| f.properties.start_precision.to_string()),
    ("end", |f| f.properties.end.map(|d| d.to_string()).unwrap_or_default()),
    ("end_precision", |f| f.properties.end_precision.map(|d| d.to_string()).unwrap_or_default()),
    ("date_basis", |f| f.properties.date_basis.as_str().to_owned()),
    ("lon", |f| f.geometry.map(|g| g.lon.to_string()).unwrap_or_default()),
    ("lat", |f| f.geometry.map(|g| g.lat.to_string()).unwrap_or_default()),
    ("location_precision", |f| f.properties.location_precision.as_str().to_owned()),
    ("location_unsourced", |f| f.properties.location_unsourced.to_string()),
    ("location_note", |f| text(f.properties.details().location_note.as_deref())),
    ("country", |f| f.properties.details().country.map(|c| c.to_string()).unwrap_or_default()),
    ("confidence", |f| f.properties.confidence.as_str().to_owned()),
    ("site_id", |f| text(f.properties.details().site_id.as_deref())),
    ("status", |f| f.properties.status.map(|s| s.as_str().to_owned()).unwrap_or_default()),
    ("operator", |f| text(f.properties.details().operator.as_deref())),
    ("target", |f| text(f.properties.details().target.as_deref())),
    ("actor", |f| text(f.properties.details().actor.as_deref())),
    ("attribution", attribution),
    ("killed_min", |f| casualty(f, true, false)),
    ("killed_max", |f| casualty(f, true, true)),
    ("injured_min", |f| casualty(f, false, false)),
    ("injured_max", |f| casualty(f, false, true)),
    ("description_en", |f| f.properties.details().description.as_ref().map(|t| t.en.to_string()).unwrap_or_default()),
    ("notes", |f| f.properties.details().notes.join(" | ")),
    ("sources", sources),
    ("source_count", |f| f.properties.sources.len().to_string()),
];

/// Properties of the feature record ([`crate::domain::record::PropertiesRecord`]) that have no CSV column, and
/// why. Every other property has a column named after it (`status`) or columns starting with its name and `_`
/// (`name_en`, `name_ar`, `name_ru`); casualties are `killed_*` and `injured_*`. A test holds the two together.
pub const NOT_IN_CSV: [(&str, &str); 3] = [
    ("title", "the name in the reader's language: the CSV has every language's name"),
    ("title_lang", "the language of `title`"),
    ("fact_ids", "rows of the internal fact sheets, not published"),
];

/// The column names, in order.
pub fn header() -> [&'static str; COLUMNS.len()] {
    COLUMNS.map(|(name, _)| name)
}

/// The cells of one feature's row, in the order of [`header`].
pub fn row(feature: &Feature) -> impl Iterator<Item = String> + '_ {
    COLUMNS.iter().map(move |(_, cell)| cell(feature))
}

/// Encodes features as CSV with [`COLUMNS`].
pub fn to_csv(features: &[Feature]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(features.len() * 512));
    writer.write_record(header())?;
    for feature in features {
        writer.write_record(row(feature))?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Features as a CSV response; with `stem`, as an attachment named `{stem}.csv`.
pub fn csv_response(features: &[Feature], stem: Option<&str>) -> Result<HttpResponse, ApiError> {
    let body = to_csv(features).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut response = HttpResponse::Ok();
    response.content_type("text/csv; charset=utf-8");
    if let Some(stem) = stem {
        response.insert_header(("Content-Disposition", format!("attachment; filename=\"{stem}.csv\"")));
    }
    Ok(response.body(body))
}
