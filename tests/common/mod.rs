//! Shared test helpers: the real route table over the curated data in `geodata/`.

#![allow(dead_code, reason = "each test crate uses a different subset of the helpers")]
#![expect(clippy::expect_used, clippy::panic, reason = "test helpers fail loudly")]

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use actix_web::web;
use footprint::http::{AppState, app};
use footprint::store::{Dataset, Directory};
use serde_json::Value;

/// The repository's `geodata/` directory.
pub fn geodata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

/// The curated dataset, loaded from disk.
pub fn dataset() -> Dataset {
    Dataset::load(&Directory(geodata())).expect("geodata/ loads without problems")
}

/// The production application over the curated data.
pub async fn service()
-> impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error> {
    let state = AppState::new(dataset(), Arc::new(Directory(geodata()))).with_basemap().await;
    let state = web::Data::new(state);
    test::init_service(app(state)).await
}

/// GET `uri`; returns status, headers and body bytes.
pub async fn get<S, B>(service: &S, uri: &str) -> (u16, actix_web::http::header::HeaderMap, Vec<u8>)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    get_with(service, test::TestRequest::get().uri(uri)).await
}

/// Sends a prepared request.
pub async fn get_with<S, B>(
    service: &S,
    request: test::TestRequest,
) -> (u16, actix_web::http::header::HeaderMap, Vec<u8>)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = test::call_service(service, request.to_request()).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = test::read_body(response).await.to_vec();
    (status, headers, body)
}

/// GET `uri`, expecting JSON.
pub async fn get_json<S, B>(service: &S, uri: &str) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, _, body) = get(service, uri).await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{uri}: body is not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    (status, json)
}

/// The ids of the features of a `FeatureCollection`.
pub fn ids(collection: &Value) -> Vec<String> {
    collection["features"]
        .as_array()
        .expect("features array")
        .iter()
        .map(|f| f["id"].as_str().expect("string id").to_owned())
        .collect()
}

/// The curated data's application state, for tests that configure it or look into it.
pub async fn state() -> web::Data<AppState> {
    web::Data::new(AppState::new(dataset(), Arc::new(Directory(geodata()))).with_basemap().await)
}

/// The production application over a given state.
pub async fn service_with(
    state: web::Data<AppState>,
) -> impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error> {
    test::init_service(app(state)).await
}
