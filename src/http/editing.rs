//! What the browser editor needs beyond Part 4, for signed-in accounts only: checking a feature without writing
//! it (`POST …/check`, the same rules as every write), the head of every feature with its stage for the editor's
//! list (`GET …/heads`), and importing a batch as drafts (`POST …/import`, an ACLED CSV export or a GeoJSON
//! file; `?dry-run=true` reports without writing).

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::params::Params;
use super::write::{reason, writable};
use super::{ApiError, AppState, JSON, auth, json_response};
use crate::domain::{Day, DaySpan};
use crate::store::backend::Stage;
use crate::store::batch::{self, Incoming};
use crate::store::snapshot::Head;
use crate::store::{FeatureProvider as _, acled, edit};

/// The largest batch file (an ACLED export of a few thousand rows).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
/// The query parameters of `…/heads`.
pub const HEADS_PARAMETERS: [&str; 7] = ["q", "from", "to", "stage", "confidence", "limit", "offset"];

fn private(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    response
}

/// `POST /api/collections/{collection}/check`: every problem the feature in the body has, by the rules of a write
/// (`{"valid": …, "problems": [{"field", "message"}]}`); nothing is written. The body's `id`, when it names a
/// stored feature, is checked as a new version of it.
pub async fn check(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &[])?;
    writable(&state)?;
    auth::required(&req, &state).await?;
    let collection_id = path.into_inner();
    let feature: Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::InvalidBody(format!("not valid JSON: {e}")))?;
    let snapshot = state.snapshot();
    let position = snapshot.position(&collection_id).ok_or(ApiError::CollectionNotFound(collection_id))?;
    let collection = &snapshot.data.collections[position];
    let id = feature.get("id").and_then(Value::as_str).filter(|id| !id.is_empty()).unwrap_or("new-feature").to_owned();
    let problems = match edit::parse(&feature, &id, collection, &snapshot.data.publishers, &collection.meta.file) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    };
    let list: Vec<Value> = problems.iter().map(|p| json!({"field": p.field, "message": p.message})).collect();
    Ok(private(json_response(JSON, &json!({"valid": list.is_empty(), "problems": list}))?))
}

/// `GET /api/collections/{collection}/heads`: every feature's latest version (draft, published or retired), the
/// most recently changed first, with `q` (text in its id, names, target, actor), `from`/`to` (days it covers,
/// inclusive), `stage` and `confidence`.
pub async fn heads(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &HEADS_PARAMETERS)?;
    writable(&state)?;
    auth::required(&req, &state).await?;
    let collection_id = path.into_inner();
    let snapshot = state.snapshot();
    let position = snapshot.position(&collection_id).ok_or(ApiError::CollectionNotFound(collection_id.clone()))?;
    let collection = &snapshot.data.collections[position];
    let day = |name: &str| -> Result<Option<Day>, ApiError> {
        params
            .raw(name)
            .map(|v| {
                chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map(Day::from_date)
                    .map_err(|_| ApiError::invalid(name, "must be a day, YYYY-MM-DD"))
            })
            .transpose()
    };
    let window = DaySpan { first: day("from")?.unwrap_or(Day::MIN), last: day("to")?.unwrap_or(Day::MAX) };
    let stage = match params.raw("stage") {
        None => None,
        Some(s @ ("draft" | "returned" | "published" | "retired")) => Some(s),
        Some(_) => return Err(ApiError::invalid("stage", "must be draft, returned, published or retired")),
    };
    let confidence = match params.raw("confidence") {
        None => None,
        Some(c @ ("high" | "medium" | "low")) => Some(c),
        Some(_) => return Err(ApiError::invalid("confidence", "must be high, medium or low")),
    };
    let q = params.raw("q").map(str::to_lowercase).filter(|q| !q.is_empty());
    let (limit, offset) = (params.limit()?, params.offset()?);
    // Filtered on the domain's fields; only the page returned is turned into JSON. A published feature is first
    // filtered on its collection's columns, and read only when its text is searched or it is on the page.
    let columns = collection.columns();
    let content = |id: &str, head: &Head| head.draft.clone().or_else(|| collection.feature(id));
    let matches_text = |id: &str, feature: &crate::domain::Feature| {
        q.as_ref().is_none_or(|q| {
            let p = &feature.properties;
            let d = p.details();
            let texts =
                [Some(id), Some(p.name.en.as_str()), p.name.ar(), p.name.ru(), d.target.as_deref(), d.actor.as_deref()];
            texts.into_iter().flatten().any(|t| t.to_lowercase().contains(q))
        })
    };
    let mut rows = Vec::new();
    for (id, head) in snapshot.heads[position].iter() {
        let label = if head.is_retired() {
            "retired"
        } else if head.stage == Stage::Draft {
            "draft"
        } else if head.stage == Stage::Returned {
            "returned"
        } else {
            "published"
        };
        if stage.is_some_and(|s| s != label) {
            continue;
        }
        let kept = match (&head.draft, collection.row_of(id).map(|row| row as usize)) {
            (None, Some(row)) if q.is_none() => {
                confidence.is_none_or(|c| c == columns.confidence(row).as_str()) && columns.span(row).intersects(window)
            }
            _ => content(id, head).is_some_and(|feature| {
                confidence.is_none_or(|c| c == feature.properties.confidence.as_str())
                    && feature.span().intersects(window)
                    && matches_text(id, &feature)
            }),
        };
        if kept {
            rows.push((head.seq, id, head, label));
        }
    }
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    let total = rows.len();
    let page: Vec<Value> = rows
        .into_iter()
        .skip(offset)
        .take(limit)
        .filter_map(|(seq, id, head, label)| {
            let written = edit::written(content(id, head)?.as_ref());
            let props = &written["properties"];
            Some(json!({
                "id": id,
                "name": props["name"],
                "kind": props["kind"],
                "start": props["start"],
                "end": props["end"],
                "confidence": props["confidence"],
                "stage": label,
                "published": head.published_seq.is_some(),
                "version": head.version,
                "etag": snapshot.etag(seq),
                "reason": &*head.reason,
            }))
        })
        .collect();
    Ok(private(json_response(JSON, &json!({"collection": collection.meta.id, "total": total, "heads": page}))?))
}

/// `POST /api/collections/{collection}/import`: a batch as drafts. The body is an ACLED export (`text/csv`; the
/// strikes layer only) or GeoJSON (`application/geo+json`); `?dry-run=true` reports what it would do, row by
/// row, without writing. A write needs `Footprint-Reason`.
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["dry-run"])?;
    writable(&state)?;
    let dry_run = match params.raw("dry-run") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid("dry-run", "must be true or false")),
    };
    let author = auth::required(&req, &state).await?;
    let why = reason(&req, !dry_run)?;
    let collection_id = path.into_inner();
    super::find_collection(&state.snapshot(), &collection_id)?;
    if body.len() > MAX_IMPORT_BYTES {
        return Err(ApiError::InvalidBody(format!("the file is larger than {MAX_IMPORT_BYTES} bytes: split it")));
    }
    let media = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let rows: Vec<Incoming> = match essence.as_str() {
        "text/csv" if collection_id == "strikes" => {
            acled::rows(&body, "upload.csv").map_err(|p| ApiError::InvalidFeature(vec![p]))?
        }
        "text/csv" => {
            return Err(ApiError::UnsupportedMediaType(
                "an ACLED export (text/csv) goes into the strikes layer; send GeoJSON for this one".into(),
            ));
        }
        "application/geo+json" | "application/json" => {
            let value: Value =
                serde_json::from_slice(&body).map_err(|e| ApiError::InvalidBody(format!("not valid JSON: {e}")))?;
            batch::geojson_rows(&value, "upload.geojson").map_err(|p| ApiError::InvalidFeature(vec![p]))?
        }
        _ => {
            return Err(ApiError::UnsupportedMediaType(
                "send text/csv (an ACLED export) or application/geo+json".into(),
            ));
        }
    };
    let live = Arc::clone(&state.live);
    let report = web::block(move || live.import_batch(&collection_id, rows, &author, &why, !dry_run))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)?;
    Ok(private(json_response(JSON, &report)?))
}
