//! OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) and Part 3 queryables, under `/api`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::{Localized, calendar};
use crate::i18n::Lang;
use crate::store::FeatureProvider;

use super::error::ApiError;
use super::params::{CRS84, JSON_PARAMETERS, Params, filter_parameters};
use super::{AppState, GEOJSON, JSON, Link, base_url, csv, json_response, lang};
use crate::store::backend::Stage;
use crate::store::live::Snapshot;

/// The conformance classes this API implements.
pub const CONFORMANCE: [&str; 5] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
];

/// The conformance classes of OGC API – Features Part 4 (Create, Replace, Update, Delete), for a server with a store.
pub const CONFORMANCE_WRITES: [&str; 3] = [
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
];

/// Parameters of the items endpoint besides the collection's queryables.
pub const ITEMS_PARAMETERS: [&str; 9] =
    ["f", "bbox", "bbox-crs", "datetime", "limit", "offset", "sortby", "lang", "stage"];
/// Parameters of the item endpoint.
pub const ITEM_PARAMETERS: [&str; 3] = ["f", "lang", "stage"];

/// Which versions a request reads: the published ones (everyone), or the drafts waiting (signed-in editors).
async fn wants_drafts(req: &HttpRequest, state: &web::Data<AppState>, params: &Params) -> Result<bool, ApiError> {
    // Named `stage`, not `status`: `status` is the sites' queryable (held, withdrawn, …).
    match params.raw("stage") {
        None | Some("published") => Ok(false),
        Some("draft") => {
            super::auth::required(req, state).await?;
            Ok(true)
        }
        Some(other) => Err(ApiError::invalid("stage", format!("`{other}`: use published (default) or draft"))),
    }
}

/// A feature's `ETag` in one language (strong: `If-Match` on a write compares it).
fn feature_etag(data: &Snapshot, seq: i64, lang: Lang) -> String {
    format!("{}-{}\"", data.etag(seq).trim_end_matches('"'), lang.code())
}

/// `GET …/items?stage=draft`: the drafts waiting in a collection, newest first, each with its `draft` member.
fn drafts(data: &Snapshot, collection: &dyn FeatureProvider, lang: Lang, offset: usize, limit: usize) -> Value {
    let waiting = data.drafts(&collection.meta().id);
    let features: Vec<Value> = waiting
        .iter()
        .skip(offset)
        .take(limit)
        .filter_map(|(id, head)| {
            let feature = head.draft.clone().or_else(|| collection.feature(id))?;
            let mut value = serde_json::to_value(Localized { feature: &feature, lang }).ok()?;
            value["draft"] = json!({
                "version": head.version,
                "action": head.action,
                "reason": &*head.reason,
                "etag": data.etag(head.seq),
            });
            Some(value)
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features, "numberMatched": waiting.len(), "numberReturned": features.len()})
}

/// `GET /api`: the landing page.
pub async fn landing(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    let lang = lang::for_api(&req, &params)?;
    let base = base_url(&req);
    let (title, description, _) = data.store().catalog().localized(lang);
    let response = json_response(
        JSON,
        &json!({
            "title": title,
            "description": description,
            "links": [
                Link::new(format!("{base}/api"), "self", JSON).titled("This document"),
                Link::new(format!("{base}/api/openapi.json"), "service-desc", "application/vnd.oai.openapi+json;version=3.0")
                    .titled("The API definition (OpenAPI 3.0)"),
                Link::new(format!("{base}/"), "service-doc", "text/html").titled("Footprint: collections and downloads"),
                Link::new(format!("{base}/api/conformance"), "conformance", JSON).titled("Conformance classes"),
                Link::new(format!("{base}/api/collections"), "data", JSON).titled("The collections"),
                Link::new(format!("{base}/data/METHODOLOGY.md"), "describedby", "text/markdown").titled("Methodology: sources, precision, corrections"),
            ],
        }),
    )?;
    Ok(lang::declare(response, lang))
}

/// `GET /api/conformance`.
pub async fn conformance(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    lang::english_only(&req, &params)?;
    let mut classes: Vec<&str> = CONFORMANCE.to_vec();
    // Part 4 only where there is a store to write to (not when serving a data directory).
    if state.live.is_writable() {
        classes.extend(CONFORMANCE_WRITES);
    }
    Ok(lang::declare(json_response(JSON, &json!({ "conformsTo": classes }))?, Lang::En))
}

/// `GET /api/collections`.
pub async fn collections(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    let lang = lang::for_api(&req, &params)?;
    let base = base_url(&req);
    let collections: Vec<Value> = data.store().collections().into_iter().map(|c| describe(c, &base, lang)).collect();
    let response = json_response(
        JSON,
        &json!({
            "links": [Link::new(format!("{base}/api/collections"), "self", JSON)],
            "collections": collections,
        }),
    )?;
    Ok(lang::declare(response, lang))
}

/// `GET /api/collections/{collection}`.
pub async fn collection(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    let lang = lang::for_api(&req, &params)?;
    let collection = super::find_collection(&data, &path)?;
    Ok(lang::declare(json_response(JSON, &describe(collection, &base_url(&req), lang))?, lang))
}

fn describe(collection: &dyn FeatureProvider, base: &str, lang: Lang) -> Value {
    let meta = collection.meta();
    let (title, description, title_lang) = meta.localized(lang);
    let id = &meta.id;
    let extent = collection.extent();
    let bbox = extent.bbox.map_or_else(|| vec![[-180.0, -90.0, 180.0, 90.0]], |b| vec![b]);
    // Days are days in Syria (see `domain::calendar`): the interval runs from the first day's midnight there to the
    // last day's last second, written with Syria's offset on those days.
    let instant = |day: Option<crate::domain::Day>| day.and_then(calendar::start_of).map(|i| i.to_rfc3339());
    let last = extent.last.and_then(calendar::end_of).map(|i| i.to_rfc3339());
    let items = format!("{base}/api/collections/{id}/items");
    json!({
        "id": id,
        "title": title,
        "description": description,
        "title_lang": title_lang.code(),
        "keywords": meta.keywords,
        "license": meta.license,
        "attribution": meta.attribution,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "numberOfFeatures": collection.len(),
        "extent": {
            "spatial": {"bbox": bbox, "crs": CRS84},
            "temporal": {
                "interval": [[instant(extent.first), last]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            },
        },
        "links": [
            Link::new(format!("{base}/api/collections/{id}"), "self", JSON),
            Link::new(items.clone(), "items", GEOJSON).titled(format!("{title} (GeoJSON)")),
            Link::new(format!("{items}?f=csv"), "items", "text/csv").titled(format!("{title} (CSV, one page)")),
            Link::new(format!("{base}/api/collections/{id}/download?f=geojson"), "enclosure", GEOJSON)
                .titled(format!("{title}: GeoJSON")),
            Link::new(format!("{base}/api/collections/{id}/download?f=csv"), "enclosure", "text/csv")
                .titled(format!("{title}: CSV")),
            Link::new(format!("{base}/api/collections/{id}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json")
                .titled("Properties that can be filtered on"),
            Link::new(format!("{base}/data/schema/feature.schema.json"), "describedby", "application/schema+json")
                .titled("JSON Schema of the features"),
            Link::new(format!("https://spdx.org/licenses/{}.html", meta.license), "license", "text/html")
                .titled(meta.license.clone()),
        ],
    })
}

/// The members of an items response after its features.
#[derive(Serialize)]
struct ItemsTail {
    #[serde(rename = "numberMatched")]
    matched: usize,
    #[serde(rename = "numberReturned")]
    returned: usize,
    #[serde(rename = "timeStamp")]
    time_stamp: String,
    links: Vec<Link>,
}

/// `GET /api/collections/{collection}/items`: filtered, sorted, paged features as GeoJSON (or CSV with `f=csv`).
pub async fn items(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let collection = super::find_collection(&data, &path)?;
    let params = Params::parse(req.query_string(), &filter_parameters(&ITEMS_PARAMETERS, collection))?;
    let format = params.format(&["geojson", "json", "csv"])?;
    let filter = params.filter(collection)?;
    let (offset, limit) = (params.offset()?, params.limit()?);
    let lang = lang::for_api(&req, &params)?;
    if wants_drafts(&req, &state, &params).await? {
        let mut response = json_response(GEOJSON, &drafts(&data, collection, lang, offset, limit))?;
        response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
        return Ok(lang::declare(response, lang));
    }
    if format == "csv" {
        return csv::csv_response(&collection.page(&filter, offset, limit).features, None);
    }
    let page = collection.select(&filter, offset, limit);
    let base = base_url(&req);
    let here = format!("{base}/api/collections/{}/items", collection.meta().id);
    let with_offset = |offset: usize| params.link_with(&here, "offset", &offset.to_string());
    let mut links = vec![
        Link::new(
            format!(
                "{here}{}",
                if req.query_string().is_empty() { String::new() } else { format!("?{}", req.query_string()) }
            ),
            "self",
            GEOJSON,
        ),
        Link::new(format!("{base}/api/collections/{}", collection.meta().id), "collection", JSON),
        Link::new(params.link_with(&here, "f", "csv"), "alternate", "text/csv").titled("This page as CSV"),
    ];
    if offset.saturating_add(page.rows.len()) < page.matched {
        links.push(Link::new(with_offset(offset + page.rows.len()), "next", GEOJSON).titled("Next page"));
    }
    if offset > 0 {
        links.push(Link::new(with_offset(offset.saturating_sub(limit)), "prev", GEOJSON).titled("Previous page"));
    }
    let tail = ItemsTail {
        matched: page.matched,
        returned: page.rows.len(),
        time_stamp: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        links,
    };
    let body = items_body(collection, &page.rows, lang, &tail)?;
    Ok(lang::declare(HttpResponse::Ok().content_type(GEOJSON).body(body), lang))
}

/// An items response: the features of `rows` as they are kept, then `tail`'s members.
pub(super) fn items_body(
    collection: &dyn FeatureProvider,
    rows: &[u32],
    lang: Lang,
    tail: &impl Serialize,
) -> Result<Vec<u8>, ApiError> {
    let tail = serde_json::to_vec(tail).map_err(|e| ApiError::Internal(e.to_string()))?;
    // One allocation: the texts' sizes are known (each is its GeoJSON and three titles, a little more than sent).
    let size: usize = rows.iter().map(|&row| collection.ready_size(row) + 1).sum();
    let mut body = Vec::with_capacity(size.min(64 << 20) + tail.len() + 64);
    body.extend_from_slice(br#"{"type":"FeatureCollection","features":["#);
    for (i, &row) in rows.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        // A text that cannot be read (logged by the store) fails the request: a page never leaves a feature out.
        if !collection.write_ready(row, lang, &mut body) {
            return Err(ApiError::Internal("a feature could not be read".into()));
        }
    }
    body.extend_from_slice(b"],");
    // The tail's members, without its opening brace.
    body.extend_from_slice(tail.get(1..).unwrap_or_default());
    Ok(body)
}

/// `GET /api/collections/{collection}/items/{feature}`.
pub async fn item(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let (collection_id, feature_id) = path.into_inner();
    let collection = super::find_collection(&data, &collection_id)?;
    let params = Params::parse(req.query_string(), &ITEM_PARAMETERS)?;
    params.format(&["geojson", "json"])?;
    let lang = lang::for_api(&req, &params)?;
    let not_found = || ApiError::FeatureNotFound { collection: collection_id.clone(), feature: feature_id.clone() };
    let head = data.head(&collection_id, &feature_id);
    let drafts = wants_drafts(&req, &state, &params).await?;
    let (feature, seq) = match (drafts, head) {
        (true, Some(head)) if head.stage != Stage::Published => {
            (head.draft.clone().or_else(|| collection.feature(&feature_id)).ok_or_else(not_found)?, head.seq)
        }
        (_, head) => match (collection.feature(&feature_id), head) {
            (Some(feature), head) => (feature, head.and_then(|h| h.published_seq).unwrap_or_default()),
            (None, Some(head)) if head.is_retired() || head.published_seq.is_some() => {
                return Err(ApiError::Gone(format!(
                    "feature `{feature_id}` was retired; its history is at …/items/{feature_id}/history"
                )));
            }
            (None, _) => return Err(not_found()),
        },
    };
    let base = base_url(&req);
    let mut body =
        serde_json::to_value(Localized { feature: &feature, lang }).map_err(|e| ApiError::Internal(e.to_string()))?;
    let encoded: String = form_urlencoded::byte_serialize(feature_id.as_bytes()).collect();
    let here = format!("{base}/api/collections/{collection_id}/items/{encoded}");
    body["links"] = json!([
        Link::new(here.clone(), "self", GEOJSON),
        Link::new(format!("{base}/api/collections/{collection_id}"), "collection", JSON),
        Link::new(format!("{here}/history"), "version-history", JSON).titled("Every version, with when and why"),
    ]);
    let mut response = json_response(GEOJSON, &body)?;
    if let Ok(etag) = header::HeaderValue::from_str(&feature_etag(&data, seq, lang)) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    if drafts {
        response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    }
    Ok(lang::declare(response, lang))
}

/// `GET /api/collections/{collection}/queryables`: a JSON Schema of the filterable properties, with their values.
pub async fn queryables(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let collection = super::find_collection(&data, &path)?;
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    lang::english_only(&req, &params)?;
    let base = base_url(&req);
    let mut properties = serde_json::Map::new();
    for &q in collection.queryables() {
        let values: Vec<&str> =
            q.vocabulary().map_or_else(|| collection.values_of(q).into_iter().collect(), <[&str]>::to_vec);
        properties.insert(
            q.name().to_owned(),
            json!({"title": q.name(), "description": q.description(), "type": "string", "enum": values}),
        );
    }
    properties.insert(
        "datetime".into(),
        json!({"description": "The feature's time span (start/end, inclusive); filter with `datetime`.", "type": "string", "format": "date-time"}),
    );
    properties.insert(
        "geometry".into(),
        json!({"description": "Point location [lon, lat] (WGS84); null when not located. Filter with `bbox`.", "format": "geometry-point"}),
    );
    let response = json_response(
        "application/schema+json",
        &json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": format!("{base}/api/collections/{}/queryables", collection.meta().id),
            "type": "object",
            "title": collection.meta().title,
            "properties": properties,
            "additionalProperties": false,
        }),
    )?;
    Ok(lang::declare(response, Lang::En))
}
