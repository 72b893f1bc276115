//! The HTTP layer: one route table ([`routes`]) and one application builder ([`app`]) used by the binary and by
//! the tests, thin handlers that parse parameters into typed values and ask the store.
//!
//! Cross-cutting behaviour lives in middleware here: weak `ETag`s from the dataset's content hash with `304` on
//! `If-None-Match`, `Cache-Control`, gzip/brotli compression, CORS for GET from any origin, and one structured
//! `tracing` event per request.

pub mod assets;
pub mod download;
pub mod error;
pub mod image;
pub mod ogc;
pub mod openapi;
pub mod pages;
pub mod params;
pub mod timeline;

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{Compress, Next, from_fn};
use actix_web::{App, Error, HttpRequest, HttpResponse, guard, web};
use serde::Serialize;

use crate::store::{DataFiles, Dataset};
pub use error::ApiError;

/// What every handler can reach.
pub struct AppState {
    /// The loaded, indexed data.
    pub dataset: Dataset,
    /// The files the data came from (served under `/data/`).
    pub files: Arc<dyn DataFiles>,
    /// The `ETag` of every data-dependent response: crate version + content hash.
    pub etag: String,
    /// The embedded basemap's vector tiles, once opened (see [`AppState::with_basemap`]).
    pub tiles: Option<Arc<assets::Tiles>>,
    /// A hosted basemap style to use instead of the embedded one (`--basemap-style`).
    pub basemap_style: Option<String>,
}

impl AppState {
    /// Wraps a loaded dataset.
    pub fn new(dataset: Dataset, files: Arc<dyn DataFiles>) -> AppState {
        let etag = format!("W/\"{}-{}\"", env!("CARGO_PKG_VERSION"), &dataset.content_hash[..20]);
        AppState { dataset, files, etag, tiles: None, basemap_style: None }
    }

    /// Opens the embedded basemap's tiles.
    #[must_use]
    pub async fn with_basemap(mut self) -> AppState {
        self.tiles = assets::Tiles::open().await;
        self
    }
}

/// The route table. Production ([`app`]) and tests use exactly this.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let get = || web::route().guard(guard::Any(guard::Get()).or(guard::Head()));
    cfg.service(web::resource("/").route(get().to(assets::index)))
        .service(web::resource("/downloads").route(get().to(pages::index)))
        .service(web::resource("/static/{file:.*}").route(get().to(assets::static_file)))
        .service(web::resource("/basemap/style.json").route(get().to(assets::style)))
        .service(web::resource("/basemap/tiles/{z}/{x}/{y}").route(get().to(assets::tile)))
        .service(web::resource("/basemap/{file:.*}").route(get().to(assets::basemap_file)))
        .service(web::resource("/healthz").route(get().to(pages::healthz)))
        .service(web::resource("/data/{file:.*}").route(get().to(pages::data_file)))
        .service(web::resource("/api").route(get().to(ogc::landing)))
        .service(web::resource("/api/").route(get().to(ogc::landing)))
        .service(web::resource("/api/openapi.json").route(get().to(openapi::document)))
        .service(web::resource("/api/conformance").route(get().to(ogc::conformance)))
        .service(web::resource("/api/collections").route(get().to(ogc::collections)))
        .service(web::resource("/api/collections/{collection}").route(get().to(ogc::collection)))
        .service(web::resource("/api/collections/{collection}/items").route(get().to(ogc::items)))
        .service(web::resource("/api/collections/{collection}/items/{feature}").route(get().to(ogc::item)))
        .service(web::resource("/api/collections/{collection}/queryables").route(get().to(ogc::queryables)))
        .service(web::resource("/api/collections/{collection}/download").route(get().to(download::download)))
        .service(web::resource("/api/timeline").route(get().to(timeline::timeline)))
        .service(web::resource("/api/static.png").route(get().to(image::static_png)))
        .default_service(web::to(not_found));
}

/// The whole application: state, middleware and [`routes`].
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let cors = actix_cors::Cors::default()
        .allow_any_origin()
        .allowed_methods([Method::GET, Method::HEAD])
        .allow_any_header()
        .expose_headers([header::ETAG, header::CONTENT_DISPOSITION])
        .max_age(86_400);
    App::new()
        .app_data(state)
        .app_data(web::PathConfig::default().error_handler(|err, _| ApiError::invalid("path", err).into()))
        .configure(routes)
        .wrap(from_fn(conditional_get))
        .wrap(Compress::default())
        .wrap(cors)
        .wrap(from_fn(log_request))
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NoRoute(req.path().to_owned()))
}

/// Adds `ETag`/`Cache-Control` to successful GETs of data-dependent resources and answers `304` when the client's
/// `If-None-Match` already names the current data.
async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let cacheable = matches!(*req.method(), Method::GET | Method::HEAD) && req.path() != "/healthz";
    let etag = req.app_data::<web::Data<AppState>>().map(|s| s.etag.clone());
    let (Some(etag), true) = (etag, cacheable) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let matches =
        req.headers().get_all(header::IF_NONE_MATCH).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
            |candidate| {
                let candidate = candidate.trim();
                candidate == "*" || candidate.trim_start_matches("W/") == etag.trim_start_matches("W/")
            },
        );
    if matches {
        let response = HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .finish();
        return Ok(req.into_response(response));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    if res.status() == StatusCode::OK {
        let headers = res.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
        }
    }
    Ok(res)
}

/// One structured event per request: method, path, query, status, duration.
async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let (method, path, query) = (req.method().clone(), req.path().to_owned(), req.query_string().to_owned());
    let result = next.call(req).await;
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(err) => err.as_response_error().status_code().as_u16(),
    };
    tracing::info!(
        target: "footprint::access",
        %method,
        %path,
        %query,
        status,
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    result
}

/// A link object (OGC API / RFC 8288).
#[derive(Debug, Serialize)]
pub struct Link {
    /// Target URL.
    pub href: String,
    /// Relation type.
    pub rel: &'static str,
    /// Media type of the target.
    #[serde(rename = "type")]
    pub media_type: &'static str,
    /// Human-readable title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Link {
    /// A link without title.
    pub fn new(href: String, rel: &'static str, media_type: &'static str) -> Link {
        Link { href, rel, media_type, title: None }
    }

    /// The same link with a title.
    #[must_use]
    pub fn titled(mut self, title: impl Into<String>) -> Link {
        self.title = Some(title.into());
        self
    }
}

/// `scheme://host` of the request, for absolute links.
pub fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// The JSON media type for GeoJSON.
pub const GEOJSON: &str = "application/geo+json";
/// The JSON media type.
pub const JSON: &str = "application/json";

/// A JSON response with the given media type.
pub fn json_response(media_type: &'static str, body: &impl Serialize) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type(media_type).body(bytes))
}
