//! OGC API – Features Part 4 (Create, Replace, Update, Delete) on `/api/collections/{collection}/items`, and the
//! publication of drafts. Every write needs a signed-in editor or publisher, a reason (`Footprint-Reason`,
//! percent-encoded UTF-8) and, except a create, the feature's `ETag` in `If-Match`; the store checks the feature by
//! the same rules as `footprint check` and carries the write out off the async workers.

use std::borrow::Cow;
use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::{ApiError, AppState, JSON, auth, base_url};
use crate::store::backend::Stage;
use crate::store::live::{Change, Outcome, Write, WriteError};

/// The request header carrying a write's reason.
pub const REASON_HEADER: &str = "Footprint-Reason";
/// The longest reason, in characters.
pub const MAX_REASON: usize = 1_000;
/// The largest body a write accepts (a feature with many sources and quotes is a few KB).
pub const MAX_BODY: usize = 256 * 1024;

/// The reason of a write: percent-decoded UTF-8, trimmed, not empty.
pub(super) fn reason(req: &HttpRequest, required: bool) -> Result<String, ApiError> {
    let invalid = |reason: &str| ApiError::InvalidHeader { header: REASON_HEADER, reason: reason.to_owned() };
    let Some(value) = req.headers().get(REASON_HEADER) else {
        return if required {
            Err(invalid("required: say why (percent-encoded UTF-8), e.g. `Footprint-Reason: Corrected%20date`"))
        } else {
            Ok(String::new())
        };
    };
    let raw = value.to_str().map_err(|_| invalid("must be ASCII: percent-encode UTF-8"))?;
    let decoded: Cow<'_, str> = percent_decode(raw).ok_or_else(|| invalid("is not percent-encoded UTF-8"))?;
    let text = decoded.trim();
    if text.is_empty() && required {
        return Err(invalid("must not be empty"));
    }
    if text.chars().count() > MAX_REASON {
        return Err(invalid(&format!("is longer than {MAX_REASON} characters")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid("must not contain control characters"));
    }
    Ok(text.to_owned())
}

/// Percent-decodes `raw` (`+` stays `+`): `None` when the bytes are not UTF-8.
fn percent_decode(raw: &str) -> Option<Cow<'_, str>> {
    percent_encoding::percent_decode_str(raw).decode_utf8().ok()
}

/// The `If-Match` values, `None` without the header.
fn if_match(req: &HttpRequest) -> Result<Option<Vec<String>>, ApiError> {
    let values: Vec<&header::HeaderValue> = req.headers().get_all(header::IF_MATCH).collect();
    if values.is_empty() {
        return Ok(None);
    }
    let mut tags = Vec::new();
    for value in values {
        let text = value
            .to_str()
            .map_err(|_| ApiError::InvalidHeader { header: "If-Match", reason: "must be ASCII ETags".into() })?;
        tags.extend(text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned));
    }
    Ok(Some(tags))
}

/// The JSON body of a write: a GeoJSON feature (or a merge patch), as `application/geo+json` or `application/json`
/// (`application/merge-patch+json` too for `PATCH`).
fn body(req: &HttpRequest, bytes: &[u8], patch: bool) -> Result<Value, ApiError> {
    let media = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let accepted = matches!(essence.as_str(), "application/geo+json" | "application/json")
        || (patch && essence == "application/merge-patch+json");
    if !accepted {
        let expected = if patch {
            "application/merge-patch+json, application/geo+json or application/json"
        } else {
            "application/geo+json or application/json"
        };
        return Err(ApiError::UnsupportedMediaType(format!("`{essence}`: send {expected}")));
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError::InvalidBody(format!("not valid JSON: {e}")))
}

/// A server of a data directory has no store to write to: `405` before anything else.
pub(super) fn writable(state: &AppState) -> Result<(), ApiError> {
    if state.live.is_writable() { Ok(()) } else { Err(WriteError::ReadOnly.into()) }
}

async fn carry_out(state: &web::Data<AppState>, write: Write) -> Result<Outcome, ApiError> {
    let live = Arc::clone(&state.live);
    web::block(move || live.write(&write)).await.map_err(|e| ApiError::Internal(e.to_string()))?.map_err(ApiError::from)
}

fn respond(req: &HttpRequest, status: StatusCode, outcome: &Outcome) -> HttpResponse {
    let v = &outcome.version;
    let encoded: String = form_urlencoded::byte_serialize(v.feature_id.as_bytes()).collect();
    let location = format!("{}/api/collections/{}/items/{encoded}", base_url(req), v.collection);
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::ETAG, outcome.etag.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(JSON);
    if status == StatusCode::CREATED {
        response.insert_header((header::LOCATION, location.as_str()));
    }
    let note = match v.stage {
        Stage::Draft => "a draft: the public sees it once a publisher publishes it",
        Stage::Returned => "sent back to its editor with the note in `reason`; the public does not see it",
        Stage::Published => "published",
    };
    response.json(json!({
        "collection": v.collection,
        "id": v.feature_id,
        "version": v.version,
        "action": v.action,
        "stage": v.stage,
        "at": v.at,
        "reason": v.reason,
        "changed": v.changed,
        "note": note,
        "links": [
            {"href": location, "rel": "self", "type": super::GEOJSON},
            {"href": format!("{location}/history"), "rel": "version-history", "type": JSON},
        ],
    }))
}

/// `POST /api/collections/{collection}/items`: a new feature (`201`, `Location`, `ETag`).
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    writable(&state)?;
    let author = auth::required(&req, &state).await?;
    let reason = reason(&req, true)?;
    let body = body(&req, &bytes, false)?;
    let write = Write {
        collection: path.into_inner(),
        feature_id: None,
        change: Change::Create(body),
        if_match: None,
        reason,
        author,
    };
    Ok(respond(&req, StatusCode::CREATED, &carry_out(&state, write).await?))
}

async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    change: Change,
    reason_required: bool,
) -> Result<HttpResponse, ApiError> {
    writable(&state)?;
    let author = auth::required(&req, &state).await?;
    let reason = reason(&req, reason_required)?;
    let (collection, feature_id) = path.into_inner();
    let write = Write { collection, feature_id: Some(feature_id), change, if_match: if_match(&req)?, reason, author };
    Ok(respond(&req, StatusCode::OK, &carry_out(&state, write).await?))
}

/// `PUT /api/collections/{collection}/items/{feature}`: a whole new version (`If-Match` required).
pub async fn replace(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = body(&req, &bytes, false)?;
    change(req, state, path, Change::Replace(body), true).await
}

/// `PATCH /api/collections/{collection}/items/{feature}`: a JSON Merge Patch (RFC 7396) on the current version.
pub async fn patch(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = body(&req, &bytes, true)?;
    change(req, state, path, Change::Patch(body), true).await
}

/// `DELETE /api/collections/{collection}/items/{feature}`: retires the feature.
pub async fn retire(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    change(req, state, path, Change::Retire, true).await
}

/// `POST /api/collections/{collection}/items/{feature}/publish`: a publisher publishes the waiting draft that
/// `If-Match` names (its reason is the draft's unless `Footprint-Reason` gives another).
pub async fn publish(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    change(req, state, path, Change::Publish, false).await
}

/// `POST /api/collections/{collection}/items/{feature}/send-back`: a publisher returns the waiting draft that
/// `If-Match` names to its editor, with a note (`Footprint-Reason`, required).
pub async fn send_back(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    change(req, state, path, Change::SendBack, true).await
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn a_reason_is_percent_decoded_as_utf8() {
        assert_eq!(percent_decode("Date%20corrected").as_deref(), Some("Date corrected"));
        assert_eq!(percent_decode("%D8%AA%D8%B5%D8%AD%D9%8A%D8%AD").as_deref(), Some("تصحيح"));
        assert_eq!(percent_decode("%FF").as_deref(), None);
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
    }
}
