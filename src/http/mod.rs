//! The HTTP layer: one route table ([`routes`]) and one application builder ([`app`]) used by the binary and by
//! the tests, thin handlers that parse parameters into typed values and ask the store.
//!
//! Cross-cutting behaviour lives in middleware here: weak `ETag`s from the dataset's content hash with `304` on
//! `If-None-Match`, `Cache-Control`, gzip/brotli compression, CORS for GET from any origin, and one structured
//! `tracing` event per request.

pub mod assets;
pub mod download;
pub mod embed;
pub mod error;
pub mod image;
pub mod lang;
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
    /// The public origin links are written with (`--public-url`), e.g. behind a proxy.
    pub public_url: Option<String>,
}

impl AppState {
    /// Wraps a loaded dataset.
    pub fn new(dataset: Dataset, files: Arc<dyn DataFiles>) -> AppState {
        let hash = dataset.content_hash.get(..20).unwrap_or(&dataset.content_hash);
        let etag = format!("W/\"{}-{}-{}\"", env!("CARGO_PKG_VERSION"), assets::bundle_hash(), hash);
        AppState { dataset, files, etag, tiles: None, basemap_style: None, public_url: None }
    }

    /// Opens the embedded basemap's tiles.
    #[must_use]
    pub async fn with_basemap(mut self) -> AppState {
        self.tiles = assets::Tiles::open().await;
        self
    }
}

/// A resource answering GET and HEAD with `handler`, and any other method with a JSON 405.
fn resource<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::route().guard(guard::Any(guard::Get()).or(guard::Head())).to(handler))
        .default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed(req.method().to_string()))
}

/// The route table. Production ([`app`]) and tests use exactly this.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/", embed::map_page))
        .service(resource("/embed", embed::embed_page))
        .service(resource("/oembed", embed::oembed))
        .service(resource("/downloads", pages::index))
        .service(resource("/static/{file:.*}", assets::static_file))
        .service(resource("/basemap/style.json", assets::style))
        .service(resource("/basemap/tiles/{z}/{x}/{y}", assets::tile))
        .service(resource("/basemap/{file:.*}", assets::basemap_file))
        .service(resource("/healthz", pages::healthz))
        .service(resource("/data/{file:.*}", pages::data_file))
        .service(resource("/api", ogc::landing))
        .service(resource("/api/", ogc::landing))
        .service(resource("/api/openapi.json", openapi::document))
        .service(resource("/api/conformance", ogc::conformance))
        .service(resource("/api/collections", ogc::collections))
        .service(resource("/api/collections/{collection}", ogc::collection))
        .service(resource("/api/collections/{collection}/items", ogc::items))
        .service(resource("/api/collections/{collection}/items/{feature}", ogc::item))
        .service(resource("/api/collections/{collection}/queryables", ogc::queryables))
        .service(resource("/api/collections/{collection}/download", download::download))
        .service(resource("/api/timeline", timeline::timeline))
        .service(resource("/api/static.png", image::static_png))
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
    let candidates: Vec<String> = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().trim_start_matches("W/").to_owned())
        .collect();
    // The handler runs first, so a bad parameter or an unknown resource is never answered with a 304.
    let mut res = next.call(req).await?.map_into_boxed_body();
    // Each language of a resource is its own representation, with its own tag.
    let etag = match res.headers().get(header::CONTENT_LANGUAGE).and_then(|v| v.to_str().ok()) {
        Some(lang) => format!("{}-{lang}\"", etag.trim_end_matches('"')),
        None => etag,
    };
    let matches = candidates.iter().any(|c| c == "*" || c == etag.trim_start_matches("W/"));
    if res.status() == StatusCode::OK && matches {
        let mut not_modified = HttpResponse::NotModified();
        not_modified.insert_header((header::ETAG, etag)).insert_header((header::CACHE_CONTROL, "public, max-age=300"));
        // A 304 carries the headers a cache needs to pick the representation it validates.
        for name in [header::VARY, header::CONTENT_LANGUAGE] {
            if let Some(value) = res.headers().get(&name) {
                not_modified.insert_header((name, value.clone()));
            }
        }
        return Ok(res.into_response(not_modified.finish()));
    }
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
///
/// The configured public URL (`--public-url`) when there is one; otherwise the request's own `Host` header over
/// plain HTTP. Client-supplied `Forwarded`/`X-Forwarded-*` headers are ignored, so nobody can make the server write
/// links (into cacheable responses) that point elsewhere.
pub fn base_url(req: &HttpRequest) -> String {
    if let Some(public) = req.app_data::<web::Data<AppState>>().and_then(|s| s.public_url.clone()) {
        return public;
    }
    let configured = req.app_config().host().to_owned();
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or(&configured);
    let host: String = host.chars().filter(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(*c)).collect();
    format!("http://{host}")
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
