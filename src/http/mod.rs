//! The HTTP layer: one route table ([`routes`]) and one application builder ([`app`]) used by the binary and by
//! the tests, thin handlers that parse parameters into typed values and ask the store.
//!
//! Cross-cutting behaviour lives in middleware, outermost first: limits on the request head and one access-log
//! event per request ([`limits`]), CORS for GET from any origin, security headers ([`security`]), gzip/brotli
//! compression of the responses made per request ([`compression`], per resource), and weak `ETag`s with `304` on `If-None-Match` ([`conditional`]).

pub mod assets;
pub mod auth;
pub mod changes;
pub mod compression;
pub mod conditional;
pub mod connection;
pub mod csv;
pub mod download;
pub mod editing;
pub mod editor;
pub mod embed;
pub mod encoding;
pub mod error;
pub mod image;
pub mod image_cache;
pub mod lang;
pub mod limits;
pub mod listed;
pub mod ogc;
pub mod openapi;
pub mod openapi_write;
pub mod origin;
pub mod page_query;
pub mod pages;
pub mod params;
pub mod routes;
pub mod security;
pub mod server;
pub mod stream;
pub mod templates;
pub mod tiles;
pub mod timeline;
pub mod write;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, Error, HttpResponse, web};
use serde::Serialize;

use crate::store::live::{Live, Snapshot};
use crate::store::{DataFiles, Dataset, FeatureProvider, PUBLISHERS_FILE};
pub use error::ApiError;
pub use origin::{Site, base_url};
pub use routes::{ROUTES, Route, routes};

/// What every handler can reach.
pub struct AppState {
    /// The store: its current snapshot for reads ([`AppState::snapshot`]), its writer for writes.
    pub live: Arc<Live>,
    /// The files the data came from (served under `/data/`).
    pub files: Arc<dyn DataFiles>,
    /// The embedded basemap's vector tiles, once opened (see [`AppState::with_basemap`]).
    pub tiles: Option<Arc<crate::basemap::Tiles>>,
    /// A hosted basemap style to use instead of the embedded one (`--basemap-style`).
    pub basemap_style: Option<String>,
    /// How the service is exposed: public URL, trusted hosts, who may frame the widget.
    pub site: Site,
    /// Rendered static images and the limit on rendering them at once.
    pub images: image_cache::Images,
    /// Made vector tiles of the collections (made within `tile_makers`' limit).
    pub vector_tiles: image_cache::ByteCache,
    /// The vector tiles' own limit of tiles made at once and waiting (their cache is `vector_tiles`).
    pub tile_makers: image_cache::Images,
    /// Failed sign-ins, per client address.
    pub sign_ins: auth::SignIns,
    /// Whether public history and feeds name the accounts that made changes (`--show-accounts`).
    pub show_accounts: bool,
}

impl AppState {
    /// Serves a loaded dataset read-only (a data directory, or tests): writes answer `405`.
    pub fn new(dataset: Dataset, files: Arc<dyn DataFiles>) -> AppState {
        let publishers: Arc<[u8]> = files.read(PUBLISHERS_FILE).map(|b| Arc::from(b.as_ref())).unwrap_or_default();
        AppState::with_live(Arc::new(Live::read_only(dataset, publishers)), files)
    }

    /// Serves a store.
    pub fn with_live(live: Arc<Live>, files: Arc<dyn DataFiles>) -> AppState {
        AppState {
            live,
            files,
            tiles: None,
            basemap_style: None,
            site: Site::default(),
            images: image_cache::Images::for_this_machine(),
            vector_tiles: image_cache::ByteCache::default(),
            tile_makers: image_cache::Images::for_tiles(),
            sign_ins: auth::SignIns::default(),
            show_accounts: false,
        }
    }

    /// The store as it is now: a request reads one snapshot from start to end.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.live.snapshot()
    }

    /// The `ETag` of every data-dependent response of `snapshot`: crate version, web bundle, content hash and the
    /// latest published change (a publication that leaves the layers as they were still changes the feeds, the
    /// history and a feature's `updated`).
    pub fn etag(snapshot: &Snapshot) -> String {
        let full = snapshot.store().content_hash();
        let hash = full.get(..20).unwrap_or(full);
        let (version, bundle, published) =
            (env!("CARGO_PKG_VERSION"), assets::bundle_hash(), snapshot.published_revision);
        format!("W/\"{version}-{bundle}-{hash}-{published}\"")
    }

    /// Opens the embedded basemap's tiles.
    #[must_use]
    pub async fn with_basemap(mut self) -> AppState {
        self.tiles = crate::basemap::Tiles::open().await;
        self
    }
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
        .configure(routes::routes)
        .wrap(from_fn(conditional::conditional_get))
        .wrap(from_fn(security::security_headers))
        .wrap(cors)
        .wrap(from_fn(limits::guard_and_log))
}

/// The collection with this id, or a `404`.
pub fn find_collection<'a>(snapshot: &'a Snapshot, id: &str) -> Result<&'a dyn FeatureProvider, ApiError> {
    snapshot.store().collection(id).ok_or_else(|| ApiError::CollectionNotFound(id.to_owned()))
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
