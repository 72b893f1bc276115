//! The HTTP layer: one route table ([`routes`]) and one application builder ([`app`]) used by the binary and by
//! the tests, thin handlers that parse parameters into typed values and ask the store.
//!
//! Cross-cutting behaviour lives in middleware, outermost first: limits on the request head and one access-log
//! event per request ([`limits`]), CORS for GET from any origin, security headers ([`security`]), gzip/brotli
//! compression of the responses made per request ([`compression`], per resource), and weak `ETag`s with `304` on `If-None-Match` ([`conditional`]).

pub mod assets;
pub mod compression;
pub mod conditional;
pub mod connection;
pub mod download;
pub mod embed;
pub mod encoding;
pub mod error;
pub mod image;
pub mod image_cache;
pub mod lang;
pub mod limits;
pub mod ogc;
pub mod openapi;
pub mod origin;
pub mod page_query;
pub mod pages;
pub mod params;
pub mod security;
pub mod server;
pub mod templates;
pub mod timeline;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, Error, HttpRequest, HttpResponse, guard, web};
use serde::Serialize;

use crate::store::{DataFiles, Dataset};
pub use error::ApiError;
pub use origin::{Site, base_url};

/// What every handler can reach.
pub struct AppState {
    /// The loaded, indexed data.
    pub dataset: Dataset,
    /// The files the data came from (served under `/data/`).
    pub files: Arc<dyn DataFiles>,
    /// The `ETag` of every data-dependent response: crate version + content hash.
    pub etag: String,
    /// The embedded basemap's vector tiles, once opened (see [`AppState::with_basemap`]).
    pub tiles: Option<Arc<crate::basemap::Tiles>>,
    /// A hosted basemap style to use instead of the embedded one (`--basemap-style`).
    pub basemap_style: Option<String>,
    /// How the service is exposed: public URL, trusted hosts, who may frame the widget.
    pub site: Site,
    /// Rendered static images and the limit on rendering them at once.
    pub images: image_cache::Images,
}

impl AppState {
    /// Wraps a loaded dataset.
    pub fn new(dataset: Dataset, files: Arc<dyn DataFiles>) -> AppState {
        let hash = dataset.content_hash.get(..20).unwrap_or(&dataset.content_hash);
        let etag = format!("W/\"{}-{}-{}\"", env!("CARGO_PKG_VERSION"), assets::bundle_hash(), hash);
        AppState {
            dataset,
            files,
            etag,
            tiles: None,
            basemap_style: None,
            site: Site::default(),
            images: image_cache::Images::for_this_machine(),
        }
    }

    /// Opens the embedded basemap's tiles.
    #[must_use]
    pub async fn with_basemap(mut self) -> AppState {
        self.tiles = crate::basemap::Tiles::open().await;
        self
    }
}

/// A resource answering GET and HEAD with `handler`, and any other method with a JSON 405. Its bytes are sent as
/// the handler made them: for files held precompressed or already compressed (bundle, tiles, glyphs, sprites).
fn stored<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::route().guard(guard::Any(guard::Get()).or(guard::Head())).to(handler))
        .default_service(web::to(method_not_allowed))
}

/// Like [`stored`], for a response made per request (JSON, pages, CSV): compressed with gzip or brotli when the
/// client asks, q-values honoured, on the blocking pool ([`compression`]).
fn resource<F, Args>(
    path: &str,
    handler: F,
) -> actix_web::Resource<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
>
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    stored(path, handler).wrap(from_fn(compression::compress_response))
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
        .service(stored("/static/{file:.*}", assets::static_file))
        .service(resource("/basemap/style.json", assets::style))
        .service(stored("/basemap/tiles/{z}/{x}/{y}", assets::tile))
        .service(stored("/basemap/{file:.*}", assets::basemap_file))
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
        .service(stored("/api/static.png", image::static_png))
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
        .wrap(from_fn(conditional::conditional_get))
        .wrap(from_fn(security::security_headers))
        .wrap(cors)
        .wrap(from_fn(limits::guard_and_log))
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NoRoute(req.path().to_owned()))
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

/// The JSON media type for GeoJSON.
pub const GEOJSON: &str = "application/geo+json";
/// The JSON media type.
pub const JSON: &str = "application/json";

/// A JSON response with the given media type.
pub fn json_response(media_type: &'static str, body: &impl Serialize) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type(media_type).body(bytes))
}
