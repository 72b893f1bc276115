//! OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) and Part 3 queryables, under `/api`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::{Localized, calendar};
use crate::i18n::Lang;
use crate::store::FeatureProvider;

use super::error::ApiError;
use super::params::{CRS84, JSON_PARAMETERS, Params, filter_parameters};
use super::{AppState, GEOJSON, JSON, Link, base_url, csv, json_response, lang};

/// The conformance classes this API implements.
pub const CONFORMANCE: [&str; 5] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
];

/// Parameters of the items endpoint besides the collection's queryables.
pub const ITEMS_PARAMETERS: [&str; 8] = ["f", "bbox", "bbox-crs", "datetime", "limit", "offset", "sortby", "lang"];

/// `GET /api`: the landing page.
pub async fn landing(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    let lang = lang::for_api(&req, &params)?;
    let base = base_url(&req);
    let (title, description, _) = state.store.catalog().localized(lang);
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
pub async fn conformance(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    lang::english_only(&req, &params)?;
    Ok(lang::declare(json_response(JSON, &json!({ "conformsTo": CONFORMANCE }))?, Lang::En))
}

/// `GET /api/collections`.
pub async fn collections(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    let lang = lang::for_api(&req, &params)?;
    let base = base_url(&req);
    let collections: Vec<Value> = state.store.collections().into_iter().map(|c| describe(c, &base, lang)).collect();
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
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    let lang = lang::for_api(&req, &params)?;
    let collection = state.collection(&path)?;
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
        "numberOfFeatures": collection.features().len(),
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

#[derive(Serialize)]
struct ItemsBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<Localized<'a>>,
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
    let collection = state.collection(&path)?;
    let params = Params::parse(req.query_string(), &filter_parameters(&ITEMS_PARAMETERS, collection))?;
    let format = params.format(&["geojson", "json", "csv"])?;
    let filter = params.filter(collection)?;
    let (offset, limit) = (params.offset()?, params.limit()?);
    let lang = lang::for_api(&req, &params)?;
    let page = collection.page(&filter, offset, limit);
    if format == "csv" {
        return csv::csv_response(&page.features, None);
    }
    let base = base_url(&req);
    let here = format!("{base}/api/collections/{}/items", collection.meta().id);
    let with_offset = |offset: usize| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(params.without("offset"));
        query.append_pair("offset", &offset.to_string());
        format!("{here}?{}", query.finish())
    };
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
        Link::new(
            {
                let mut query = form_urlencoded::Serializer::new(String::new());
                query.extend_pairs(params.without("f"));
                query.append_pair("f", "csv");
                format!("{here}?{}", query.finish())
            },
            "alternate",
            "text/csv",
        )
        .titled("This page as CSV"),
    ];
    if offset.saturating_add(page.features.len()) < page.matched {
        links.push(Link::new(with_offset(offset + page.features.len()), "next", GEOJSON).titled("Next page"));
    }
    if offset > 0 {
        links.push(Link::new(with_offset(offset.saturating_sub(limit)), "prev", GEOJSON).titled("Previous page"));
    }
    let response = json_response(
        GEOJSON,
        &ItemsBody {
            kind: "FeatureCollection",
            features: page.features.iter().map(|&feature| Localized { feature, lang }).collect(),
            matched: page.matched,
            returned: page.features.len(),
            time_stamp: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            links,
        },
    )?;
    Ok(lang::declare(response, lang))
}

/// `GET /api/collections/{collection}/items/{feature}`.
pub async fn item(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (collection_id, feature_id) = path.into_inner();
    let collection = state.collection(&collection_id)?;
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["geojson", "json"])?;
    let lang = lang::for_api(&req, &params)?;
    let feature = collection
        .feature(&feature_id)
        .ok_or_else(|| ApiError::FeatureNotFound { collection: collection_id.clone(), feature: feature_id.clone() })?;
    let base = base_url(&req);
    let mut body = serde_json::to_value(Localized { feature, lang }).map_err(|e| ApiError::Internal(e.to_string()))?;
    let encoded: String = form_urlencoded::byte_serialize(feature_id.as_bytes()).collect();
    body["links"] = json!([
        Link::new(format!("{base}/api/collections/{collection_id}/items/{encoded}"), "self", GEOJSON),
        Link::new(format!("{base}/api/collections/{collection_id}"), "collection", JSON),
    ]);
    Ok(lang::declare(json_response(GEOJSON, &body)?, lang))
}

/// `GET /api/collections/{collection}/queryables`: a JSON Schema of the filterable properties, with their values.
pub async fn queryables(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let collection = state.collection(&path)?;
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
