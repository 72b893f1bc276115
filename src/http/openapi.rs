//! The OpenAPI 3.0 document of the API (`/api/openapi.json`, linked as `service-desc`).
//!
//! Written by hand as JSON from the same constants the handlers use (parameter lists, queryables, conformance);
//! a test requests every path it lists against the real route table, so it cannot drift from the routes.
//! GDAL reads the items operation's parameters from it to send attribute filters (`-where kind = 'airstrike'`) to the
//! server.

use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Value, json};

use crate::store::Queryable;
use crate::store::query::{DEFAULT_LIMIT, MAX_LIMIT};

use super::error::ApiError;
use super::params::{JSON_PARAMETERS, Params};
use super::{base_url, json_response};

/// `GET /api/openapi.json`.
pub async fn document(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &JSON_PARAMETERS)?;
    params.format(&["json"])?;
    super::lang::english_only(&req, &params)?;
    let response = json_response("application/vnd.oai.openapi+json;version=3.0", &build(&base_url(&req)))?;
    Ok(super::lang::declare(response, crate::i18n::Lang::En))
}

pub(super) fn param(name: &str, location: &str, description: &str, schema: &Value, required: bool) -> Value {
    if location == "query" {
        json!({"name": name, "in": location, "description": description, "required": required, "schema": schema, "style": "form", "explode": false})
    } else {
        json!({"name": name, "in": location, "description": description, "required": required, "schema": schema})
    }
}

pub(super) fn ok(description: &str, media: &[&str]) -> Value {
    let content: serde_json::Map<String, Value> =
        media.iter().map(|m| ((*m).to_owned(), json!({"schema": {"type": "object"}}))).collect();
    json!({
        "200": {"description": description, "content": content},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "404": {"$ref": "#/components/responses/NotFound"},
    })
}

pub(super) fn op(summary: &str, id: &str, params: &[Value], responses: &Value) -> Value {
    json!({"get": {"summary": summary, "operationId": id, "parameters": params, "responses": responses}})
}

/// `/oembed` sits outside `/api`: its path item overrides the server URL.
fn oembed(base: &str) -> Value {
    let string = json!({"type": "string"});
    let pixels = json!({"type": "integer", "minimum": 1});
    let mut item = op(
        "oEmbed for a map URL of this server",
        "oembed",
        &[
            param("url", "query", "A map URL of this server (/ or /embed with their state).", &string, true),
            param(
                "maxwidth",
                "query",
                "Largest width of the embed, pixels (default 800, at most 1200).",
                &pixels,
                false,
            ),
            param("maxheight", "query", "Largest height of the embed, pixels.", &pixels, false),
            param(
                "format",
                "query",
                "json (xml is answered 501).",
                &json!({"type": "string", "enum": ["json", "xml"]}),
                false,
            ),
        ],
        &ok("An oEmbed rich response with the iframe and the static image of the same state.", &["application/json"]),
    );
    item["servers"] = json!([{"url": base}]);
    item
}

/// `/healthz` sits outside `/api`: its path item overrides the server URL.
fn healthz(base: &str) -> Value {
    let mut item = op(
        "Liveness",
        "healthz",
        &[],
        &json!({"200": {"description": "The service is up; what data is loaded.", "content": {"application/json": {"schema": {"type": "object"}}}}}),
    );
    item["servers"] = json!([{"url": base}]);
    item
}

/// The OpenAPI document for a server at `base`. Paths are relative to the server URL `{base}/api`, the way OGC API
/// clients such as GDAL look operations up (`/collections/{collectionId}/items`).
pub fn build(base: &str) -> Value {
    let mut document = read_only(base);
    super::openapi_write::add(&mut document);
    document
}

fn read_only(base: &str) -> Value {
    let string = json!({"type": "string"});
    let collection = param("collectionId", "path", "Collection id (sites, strikes, events).", &string, true);
    let format =
        |values: &[&str]| param("f", "query", "Output format.", &json!({"type": "string", "enum": values}), false);
    let bbox = param(
        "bbox",
        "query",
        "minlon,minlat,maxlon,maxlat (WGS84). Features without geometry never match.",
        &json!({"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}),
        false,
    );
    let bbox_crs =
        param("bbox-crs", "query", "Only CRS84.", &json!({"type": "string", "enum": [super::params::CRS84]}), false);
    let datetime = param(
        "datetime",
        "query",
        "An RFC 3339 date-time, a date, a month (YYYY-MM), a year (1 or later), or an interval a/b with `..` or empty for open ends. Ends inclusive; features whose time span intersects match. Dates are calendar days in Syria (time zone Asia/Damascus): a date-time matches the features of the day it falls on there, so 2024-12-08T22:30:00Z matches 9 December.",
        &string,
        false,
    );
    let limit = param(
        "limit",
        "query",
        "Page size; larger values are clamped to the maximum.",
        &json!({"type": "integer", "minimum": 1, "default": DEFAULT_LIMIT, "maximum": MAX_LIMIT}),
        false,
    );
    let offset = param(
        "offset",
        "query",
        "Index of the first feature returned.",
        &json!({"type": "integer", "minimum": 0, "default": 0}),
        false,
    );
    let sortby = param(
        "sortby",
        "query",
        "Sort by start date: start or +start (oldest first, default), -start.",
        &json!({"type": "string", "enum": ["start", "+start", "-start"]}),
        false,
    );
    let lang = param(
        "lang",
        "query",
        "Language of titles, descriptions and feature `title`s: en, ar or ru (default: Accept-Language, then en). The response's Content-Language says which; a feature's `title_lang` says when its title fell back to English. Conformance, queryables, the timeline and this document exist in English only (Content-Language: en).",
        &json!({"type": "string", "enum": ["en", "ar", "ru"]}),
        false,
    );
    let mut filters: Vec<Value> = Queryable::ALL
        .iter()
        .map(|q| {
            param(
                q.name(),
                "query",
                &format!(
                    "{} Comma-separated values match any (only for collections where it is a queryable).",
                    q.description()
                ),
                &string,
                false,
            )
        })
        .collect();
    let mut items_params = vec![
        collection.clone(),
        format(&["geojson", "json", "csv"]),
        bbox.clone(),
        bbox_crs.clone(),
        datetime.clone(),
        limit,
        offset,
        sortby.clone(),
        lang.clone(),
        super::openapi_write::stage(),
    ];
    items_params.append(&mut filters.clone());
    let integer = json!({"type": "integer", "minimum": 0});
    let mut tile_params = vec![
        collection.clone(),
        param(
            "z",
            "path",
            "Zoom level, 0–22.",
            &json!({"type": "integer", "minimum": 0, "maximum": crate::domain::tile::MAX_ZOOM}),
            true,
        ),
        param("x", "path", "Column, from the west (0 to 2^z − 1).", &integer, true),
        param("y", "path", "Row, from the north (0 to 2^z − 1).", &integer, true),
        datetime.clone(),
        param(
            "properties",
            "query",
            &format!(
                "The features' properties to keep, comma-separated: {} or a queryable's name (default: all).",
                crate::render::vector_tile::OWN_PROPERTIES.join(", ")
            ),
            &string,
            false,
        ),
    ];
    tile_params.extend(filters.iter().cloned());
    let mut download_params =
        vec![collection.clone(), format(&["geojson", "csv"]), bbox, bbox_crs, datetime.clone(), sortby, lang.clone()];
    download_params.append(&mut filters);
    let json_only = format(&["json"]);
    // The map state as the web map's URL carries it (the static image and the listed features read it alike).
    let state_params = vec![
        param(
            "t",
            "query",
            "The day whose site statuses are shown (a date, month or instant: its last day in Syria; clamped to the timeline; default: the latest day with data).",
            &string,
            false,
        ),
        param(
            "mode",
            "query",
            "window (default) or cumulative.",
            &json!({"type": "string", "enum": ["window", "cumulative"]}),
            false,
        ),
        param(
            "w",
            "query",
            "Window length in days (default 30; clamped to 1–366).",
            &json!({"type": "integer"}),
            false,
        ),
        param("layers", "query", "Comma-separated: sites, strikes, events (default all).", &string, false),
        param(
            "conf",
            "query",
            "Comma-separated confidence levels shown: high, medium, low (default all).",
            &string,
            false,
        ),
        param(
            "at",
            "query",
            "lon,lat,zoom as in the web map's URL (MapLibre zoom; latitude clamped to ±85.05, zoom to 0–22).",
            &string,
            false,
        ),
        param(
            "speed",
            "query",
            "Playback speed (0.5, 1, 2, 4, 8): checked and otherwise ignored, so a web map URL's parameters can be passed on.",
            &string,
            false,
        ),
        param(
            "sel",
            "query",
            "The selected feature, layer:id: checked and otherwise ignored, as speed.",
            &string,
            false,
        ),
    ];
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Footprint API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Sourced, time-aware layers of strategic sites and reported events (OGC API – Features Part 1 Core + GeoJSON, Part 3 queryables), downloads and timeline counts. Time: every date is a calendar day in Syria (Asia/Damascus, UTC+3 since October 2022, UTC+2 with summer time before); an instant in `datetime` falls on its day there, and temporal extents start and end at midnight there.",
            "license": {"name": "CC-BY-4.0 (data)"},
        },
        "servers": [{"url": format!("{base}/api")}],
        "paths": {
            "/": op("Landing page", "landing", &[json_only.clone(), lang.clone()], &ok("Links to the API definition, conformance and collections.", &["application/json"])),
            "/conformance": op("Conformance classes", "conformance", &[json_only.clone(), lang.clone()], &ok("The conformance classes implemented.", &["application/json"])),
            "/openapi.json": op("This API definition", "openapi", &[json_only.clone(), lang.clone()], &ok("OpenAPI 3.0 document.", &["application/vnd.oai.openapi+json;version=3.0"])),
            "/collections": op("The collections", "collections", &[json_only.clone(), lang.clone()], &ok("Metadata of every collection.", &["application/json"])),
            "/collections/{collectionId}": op("One collection", "collection", &[collection.clone(), json_only.clone(), lang.clone()], &ok("Collection metadata with spatial and temporal extent.", &["application/json"])),
            "/collections/{collectionId}/items": op("Features of a collection", "items", &items_params, &ok("A page of features (GeoJSON FeatureCollection with numberMatched, numberReturned and next/prev links) or CSV.", &["application/geo+json", "text/csv"])),
            "/collections/{collectionId}/items/{featureId}": op("One feature", "item", &[collection.clone(), param("featureId", "path", "Feature id.", &string, true), format(&["geojson", "json"]), lang.clone(), super::openapi_write::stage()], &ok("A GeoJSON feature with its JSON-FG time member.", &["application/geo+json"])),
            "/collections/{collectionId}/queryables": op("Filterable properties", "queryables", &[collection.clone(), json_only.clone(), lang.clone()], &ok("JSON Schema of the queryables with their values.", &["application/schema+json"])),
            "/collections/{collectionId}/download": op("Download a collection", "download", &download_params, &ok("Every matching feature as an attachment (GeoJSON or CSV).", &["application/geo+json", "text/csv"])),
            "/collections/{collectionId}/tiles/{z}/{x}/{y}.mvt": op("Features of a collection in a vector tile", "tile", &tile_params, &ok(&format!("A Mapbox Vector Tile with one layer named after the collection: the features the items API returns for the tile's bounds as bbox and the same filters, as points with id, start_day and end_day (days since 1970-01-01, inclusive; no end_day when open) and the collection's queryables. At most {} features: a tile that would hold more is a 400 naming datetime.", super::tiles::MAX_TILE_FEATURES), &[super::tiles::MVT])),
            "/static.png": op("A static map image of a map state", "static_png", &[state_params.clone(), vec![
                param("bbox", "query", "minlon,minlat,maxlon,maxlat to fit (instead of at).", &string, false),
                param("width", "query", "Pixels, 1–2048 (default 800).", &json!({"type": "integer", "minimum": 1, "maximum": crate::render::MAX_SIZE}), false),
                param("height", "query", "Pixels, 1–2048 (default 450).", &json!({"type": "integer", "minimum": 1, "maximum": crate::render::MAX_SIZE}), false),
                param("title", "query", "Title drawn at the top (at most 120 characters).", &string, false),
                param("lang", "query", "Language of the legend: en (default), ar or ru.", &json!({"type": "string", "enum": ["en", "ar", "ru"]}), false),
            ]].concat(), &ok("A PNG image.", &["image/png"])),
            "/collections/{collectionId}/listed": op("What a map state shows of a layer", "listed", &[vec![collection.clone(), format(&["geojson", "json"]), lang.clone()], state_params.clone()].concat(), &ok(&format!("For the web map's counts and list of a layer it draws from tiles: a GeoJSON FeatureCollection of the latest {} features (by start day, then id; in start order) that the map state shows by the web map's rule, with numberMatched (how many it shows, whether or not the layer is switched on), numberUnlocated (how many of those have no place) and numberReturned. Only sites, strikes and events have a map rule.", super::listed::LISTED_LIMIT), &["application/geo+json"])),
            "/timeline": op("Counts per day, week or month", "timeline", &[
                json_only,
                lang,
                datetime,
                param("bucket", "query", "Bucket size (default week; ISO weeks start on Monday).", &json!({"type": "string", "enum": ["day", "week", "month"]}), false),
                param("collections", "query", "Comma-separated collection ids (default all).", &string, false),
            ], &ok("Counts of features by start day, per bucket and collection.", &["application/json"])),
            "/healthz": healthz(base),
            "/oembed": oembed(base),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "An API token from `footprint user add NAME --role editor|publisher`."}},
            "schemas": {
                "Exception": {"type": "object", "required": ["code", "description"], "properties": {"code": {"type": "string"}, "description": {"type": "string"}, "problems": {"type": "array", "description": "For an invalid feature: each broken rule, by field.", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
                "Feature": {"$ref": format!("{base}/data/schema/feature.schema.json")},
            },
            "responses": {
                "BadRequest": {"description": "A parameter is unknown, repeated or has a bad value; the description names it.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Exception"}}}},
                "NotFound": {"description": "No such collection or feature.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Exception"}}}},
            },
        },
    })
}
