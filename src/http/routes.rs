//! The route table: every path the server answers, the query parameters its handler takes, and whether the OpenAPI
//! document describes it. [`routes`] registers exactly [`ROUTES`], for production and the tests alike, and the
//! OpenAPI test checks the document against the same table, so neither can drift from the other.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{Error, HttpRequest, HttpResponse, guard, web};

use super::params::JSON_PARAMETERS;
use super::{
    ApiError, assets, changes, compression, download, editing, editor, embed, image, listed, ogc, openapi, pages,
    tiles, timeline, write,
};

/// Where the OpenAPI document describes a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Documented {
    /// Under the API's server URL, `{base}/api`.
    Api,
    /// At the server's root (its path item overrides the server URL).
    Root,
    /// Not part of the API: pages, the web app's files, the basemap.
    No,
}

/// One route.
pub struct Route {
    /// The path pattern.
    pub path: &'static str,
    /// The query parameters its handler takes (for an [`Route::queryables`] route, the collection's queryables too).
    pub parameters: fn() -> Vec<&'static str>,
    /// Whether the collection's queryables are parameters too.
    pub queryables: bool,
    /// Where the OpenAPI document describes it.
    pub documented: Documented,
    register: fn(&mut web::ServiceConfig, &'static str),
}

const fn route(
    path: &'static str,
    parameters: fn() -> Vec<&'static str>,
    documented: Documented,
    register: fn(&mut web::ServiceConfig, &'static str),
) -> Route {
    Route { path, parameters, queryables: false, documented, register }
}

fn none() -> Vec<&'static str> {
    Vec::new()
}

fn json_parameters() -> Vec<&'static str> {
    JSON_PARAMETERS.to_vec()
}

/// Every route, in registration order.
pub const ROUTES: [Route; 35] = [
    route("/", none, Documented::No, |cfg, path| {
        cfg.service(resource(path, embed::map_page));
    }),
    route("/embed", none, Documented::No, |cfg, path| {
        cfg.service(resource(path, embed::embed_page));
    }),
    route(
        "/oembed",
        || embed::OEMBED_PARAMETERS.to_vec(),
        Documented::Root,
        |cfg, path| {
            cfg.service(resource(path, embed::oembed));
        },
    ),
    route("/downloads", none, Documented::No, |cfg, path| {
        cfg.service(resource(path, pages::index));
    }),
    route(
        "/edit",
        || vec!["lang"],
        Documented::No,
        |cfg, path| {
            cfg.service(resource(path, editor::editor));
        },
    ),
    route(
        "/edit/sign-in",
        || vec!["lang"],
        Documented::No,
        |cfg, path| {
            cfg.service(resource(path, editor::sign_in_form).route(web::post().to(editor::sign_in)));
        },
    ),
    route("/edit/sign-out", none, Documented::No, |cfg, path| {
        cfg.service(post_only(path, editor::sign_out));
    }),
    route("/static/{file:.*}", none, Documented::No, |cfg, path| {
        cfg.service(stored(path, assets::static_file));
    }),
    route(
        "/basemap/style.json",
        || vec!["lang"],
        Documented::No,
        |cfg, path| {
            cfg.service(resource(path, assets::style));
        },
    ),
    route("/basemap/tiles/{z}/{x}/{y}", none, Documented::No, |cfg, path| {
        cfg.service(stored(path, assets::tile));
    }),
    route("/basemap/{file:.*}", none, Documented::No, |cfg, path| {
        cfg.service(stored(path, assets::basemap_file));
    }),
    route("/healthz", none, Documented::Root, |cfg, path| {
        cfg.service(resource(path, pages::healthz));
    }),
    route("/data/{file:.*}", none, Documented::No, |cfg, path| {
        cfg.service(resource(path, pages::data_file));
    }),
    route("/api", json_parameters, Documented::Api, |cfg, path| {
        cfg.service(resource(path, ogc::landing));
    }),
    route("/api/", json_parameters, Documented::No, |cfg, path| {
        cfg.service(resource(path, ogc::landing));
    }),
    route("/api/openapi.json", json_parameters, Documented::Api, |cfg, path| {
        cfg.service(resource(path, openapi::document));
    }),
    route("/api/conformance", json_parameters, Documented::Api, |cfg, path| {
        cfg.service(resource(path, ogc::conformance));
    }),
    route("/api/collections", json_parameters, Documented::Api, |cfg, path| {
        cfg.service(resource(path, ogc::collections));
    }),
    route("/api/collections/{collection}", json_parameters, Documented::Api, |cfg, path| {
        cfg.service(resource(path, ogc::collection));
    }),
    Route {
        queryables: true,
        ..route(
            "/api/collections/{collection}/items",
            || ogc::ITEMS_PARAMETERS.to_vec(),
            Documented::Api,
            |cfg, path| {
                cfg.service(resource(path, ogc::items).route(web::post().to(write::create)));
            },
        )
    },
    route(
        "/api/collections/{collection}/items/{feature}",
        || ogc::ITEM_PARAMETERS.to_vec(),
        Documented::Api,
        |cfg, path| {
            cfg.service(
                resource(path, ogc::item)
                    .route(web::put().to(write::replace))
                    .route(web::patch().to(write::patch))
                    .route(web::delete().to(write::retire)),
            );
        },
    ),
    route(
        "/api/collections/{collection}/items/{feature}/history",
        || vec!["f"],
        Documented::Api,
        |cfg, path| {
            cfg.service(resource(path, changes::history));
        },
    ),
    route("/api/collections/{collection}/items/{feature}/publish", none, Documented::Api, |cfg, path| {
        cfg.service(post_only(path, write::publish));
    }),
    route("/api/collections/{collection}/items/{feature}/send-back", none, Documented::Api, |cfg, path| {
        cfg.service(post_only(path, write::send_back));
    }),
    route("/api/collections/{collection}/check", none, Documented::Api, |cfg, path| {
        cfg.service(post_only(path, editing::check));
    }),
    route(
        "/api/collections/{collection}/heads",
        || editing::HEADS_PARAMETERS.to_vec(),
        Documented::Api,
        |cfg, path| {
            cfg.service(resource(path, editing::heads));
        },
    ),
    route(
        "/api/collections/{collection}/import",
        || vec!["dry-run"],
        Documented::Api,
        |cfg, path| {
            cfg.service(post_only(path, editing::import).app_data(web::PayloadConfig::new(editing::MAX_IMPORT_BYTES)));
        },
    ),
    route(
        "/api/changes",
        || changes::CHANGES_PARAMETERS.to_vec(),
        Documented::Api,
        |cfg, path| {
            cfg.service(resource(path, changes::changes));
        },
    ),
    route(
        "/api/changes.atom",
        || changes::ATOM_PARAMETERS.to_vec(),
        Documented::Api,
        |cfg, path| {
            cfg.service(resource(path, changes::atom));
        },
    ),
    route("/api/collections/{collection}/queryables", json_parameters, Documented::Api, |cfg, path| {
        cfg.service(resource(path, ogc::queryables));
    }),
    Route {
        queryables: true,
        ..route(
            "/api/collections/{collection}/download",
            || download::DOWNLOAD_PARAMETERS.to_vec(),
            Documented::Api,
            |cfg, path| {
                cfg.service(resource(path, download::download));
            },
        )
    },
    Route {
        queryables: true,
        ..route(
            "/api/collections/{collection}/tiles/{z}/{x}/{y}.mvt",
            || tiles::TILE_PARAMETERS.to_vec(),
            Documented::Api,
            |cfg, path| {
                cfg.service(resource(path, tiles::tile));
            },
        )
    },
    route(
        "/api/collections/{collection}/listed",
        || listed::parameters().to_vec(),
        Documented::Api,
        |cfg, path| {
            cfg.service(resource(path, listed::listed));
        },
    ),
    route(
        "/api/timeline",
        || timeline::PARAMETERS.to_vec(),
        Documented::Api,
        |cfg, path| {
            cfg.service(resource(path, timeline::timeline));
        },
    ),
    route(
        "/api/static.png",
        || image::parameters().to_vec(),
        Documented::Api,
        |cfg, path| {
            cfg.service(stored(path, image::static_png));
        },
    ),
];

impl Route {
    /// The path as the OpenAPI document names it: relative to `/api` for API routes, with the path parameters
    /// named as OGC API names them (`collectionId`, `featureId`); `None` for undocumented routes.
    pub fn openapi_path(&self) -> Option<String> {
        let path = match self.documented {
            Documented::No => return None,
            Documented::Root => self.path,
            Documented::Api => match self.path.strip_prefix("/api").unwrap_or(self.path) {
                "" => "/",
                rest => rest,
            },
        };
        Some(path.replace("{collection}", "{collectionId}").replace("{feature}", "{featureId}"))
    }
}

/// Registers [`ROUTES`], then a JSON `404` for everything else. Production ([`super::app`]) and tests use exactly
/// this.
pub fn routes(cfg: &mut web::ServiceConfig) {
    for route in &ROUTES {
        (route.register)(cfg, route.path);
    }
    cfg.default_service(web::to(not_found));
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
/// client asks, q-values honoured, on the blocking pool ([`super::compression`]).
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

/// A resource answering only POST with `handler` (any other method: a JSON 405).
fn post_only<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path).route(web::post().to(handler)).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed(format!("`{}` is not a method of `{}`", req.method(), req.path())))
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NoRoute(req.path().to_owned()))
}
