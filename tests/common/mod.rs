//! Shared test helpers: the real route table over the curated data in `geodata/`.

#![allow(dead_code, reason = "each test crate uses a different subset of the helpers")]
#![expect(clippy::expect_used, clippy::panic, reason = "test helpers fail loudly")]

pub mod process;

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

/// The curated data with its strikes replaced by `n` real-shaped ones (`footprint generate`'s, seed 11).
pub fn with_generated_strikes(n: usize) -> Dataset {
    use footprint::store::FeatureProvider as _;
    let dataset = dataset();
    let strikes = dataset.collections.iter().find(|c| c.meta.id == "strikes").expect("a strikes layer");
    let generated = footprint::store::generate::strikes(&strikes.read_all(), n, 11);
    let collection = footprint::store::Collection::new(strikes.meta.clone(), generated);
    let publishers = std::fs::read(geodata().join(footprint::store::PUBLISHERS_FILE)).expect("the publishers");
    dataset.with_collection(collection, &publishers)
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

/// The production application over `dataset`, with the curated files' directory behind it.
pub async fn service_over(
    dataset: Dataset,
) -> impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error> {
    service_with(web::Data::new(AppState::new(dataset, Arc::new(Directory(geodata()))))).await
}

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Makes one, named after `label`, the process and a counter.
    pub fn new(label: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("footprint-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a temporary directory");
        TempDir(path)
    }

    /// A path inside it.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A store made from the curated data in a new GeoPackage, with an editor's and a publisher's token.
pub struct Store {
    /// The application state over it.
    pub state: web::Data<AppState>,
    /// An editor's bearer token.
    pub editor: String,
    /// A publisher's bearer token.
    pub publisher: String,
    /// Its directory (the store is `footprint.gpkg` in it).
    pub dir: TempDir,
}

/// Adds an account to a store and returns its token.
pub fn account(
    live: &footprint::store::live::Live,
    name: &str,
    role: footprint::store::backend::AccountRole,
) -> String {
    let issued = footprint::store::accounts::issue(name, role).expect("a token");
    live.with_backend(|b| b.add_account(&issued.account)).expect("the account is stored");
    issued.token
}

/// A new GeoPackage store with two accounts.
pub async fn store() -> Store {
    let dir = TempDir::new("store");
    let address = dir.join("footprint.gpkg").display().to_string();
    store_at(address, dir).await
}

/// A new store in a new database of the test PostgreSQL cluster, with two accounts.
pub async fn postgres_store(name: &str) -> Store {
    let name = name.to_owned();
    let address = std::thread::spawn(move || postgres_database(&name)).join().expect("a database");
    store_at(address, TempDir::new("pg")).await
}

async fn store_at(address: String, dir: TempDir) -> Store {
    use footprint::store::backend::AccountRole;
    // Opened off the async test's thread: a PostgreSQL store's client runs a runtime of its own.
    let (live, editor, publisher) = std::thread::spawn(move || {
        let live = footprint::cli::data::open(&address).expect("the store opens");
        let editor = account(&live, "ed", AccountRole::Editor);
        let publisher = account(&live, "pub", AccountRole::Publisher);
        (live, editor, publisher)
    })
    .join()
    .expect("the store is made");
    let state = AppState::with_live(Arc::new(live), Arc::new(footprint::store::Embedded)).with_basemap().await;
    Store { state: web::Data::new(state), editor, publisher, dir }
}

/// A new, empty database on the test PostgreSQL cluster (`FOOTPRINT_TEST_POSTGRES`, which `tests/run.sh` starts):
/// its URL.
pub fn postgres_database(name: &str) -> String {
    let base = std::env::var("FOOTPRINT_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!("FOOTPRINT_TEST_POSTGRES is not set: run tests/run.sh, or `eval \"$(bash tests/postgres.sh start)\"`")
    });
    let database = format!("fp_{name}_{}", std::process::id());
    let url = base.clone();
    let db = database.clone();
    // The synchronous client runs its own runtime: off any async test's thread.
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("the test cluster answers");
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).expect("an old one dropped");
        client.batch_execute(&format!("CREATE DATABASE {db}")).expect("a database");
    })
    .join()
    .expect("created");
    let (server, _) = base.rsplit_once('/').expect("a database in the URL");
    format!("{server}/{database}")
}

/// Runs a test on both stores: a GeoPackage, and a database of the test PostgreSQL cluster.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn on_a_geopackage() {
                super::$name($crate::common::store().await).await;
            }

            #[actix_web::test]
            async fn on_postgresql() {
                super::$name($crate::common::postgres_store(stringify!($name)).await).await;
            }
        }
    )*};
}
