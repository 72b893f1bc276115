//! Write benchmark (`cargo bench --bench writes`): prints, for each store, write latency (p50/p99 of `PATCH`es
//! through the route table, each committed to disk before it is answered) and items-query latency and throughput
//! with no writes and while 50 writes a second go on.
//!
//! Runs in one process on the real route table (actix's test service: routing, authentication, validation, the
//! store, the snapshot swap), without compression. The GeoPackage is a new file in the system's temporary
//! directory; PostgreSQL is measured when `FOOTPRINT_TEST_POSTGRES` names a cluster (`eval "$(bash
//! tests/postgres.sh start)"`), in a new database. A figure printed here is one run on this machine: compare ratios.

#![expect(clippy::unwrap_used, clippy::print_stderr, reason = "a benchmark that fails loudly and prints figures")]

use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::web;
use footprint::http::{AppState, app};
use footprint::store::backend::AccountRole;

const WRITES: usize = 300;
const READS: usize = 3_000;
const QUERY: &str = "/api/collections/strikes/items?bbox=35,32,42,37.5&datetime=2025-01-01/2025-12-31&limit=50";

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn measure(name: &str, address: &str) {
    let live = footprint::cli::data::open(address).unwrap();
    let issued = footprint::store::accounts::issue("bench", AccountRole::Publisher).unwrap();
    live.with_backend(|b| b.add_account(&issued.account)).unwrap();
    let token = issued.token;
    let system = actix_web::rt::System::new();
    let state = web::Data::new(AppState::with_live(Arc::new(live), Arc::new(footprint::store::Embedded)));
    let service = Rc::new(system.block_on(init_service(app(state.clone()))));
    let patch = {
        let (state, token) = (state.clone(), token.clone());
        move |n: usize| {
            let snapshot = state.snapshot();
            let head = snapshot.head("strikes", "e08").unwrap();
            let confidence = ["low", "medium"][n % 2];
            TestRequest::patch()
                .uri("/api/collections/strikes/items/e08")
                .insert_header(("Authorization", format!("Bearer {token}")))
                .insert_header(("If-Match", snapshot.etag(head.seq)))
                .insert_header(("Footprint-Reason", "benchmark"))
                .insert_header(("Content-Type", "application/merge-patch+json"))
                .set_payload(format!("{{\"properties\":{{\"confidence\":\"{confidence}\"}}}}"))
                .to_request()
        }
    };
    // Write latency, one after another.
    let mut writes = Vec::with_capacity(WRITES);
    for n in 0..WRITES {
        let began = Instant::now();
        let response = system.block_on(call_service(&service, patch(n)));
        assert_eq!(response.status(), 200);
        writes.push(began.elapsed());
    }
    let reads = |system: &actix_web::rt::SystemRunner| {
        let mut samples = Vec::with_capacity(READS);
        let began = Instant::now();
        for _ in 0..READS {
            let started = Instant::now();
            system.block_on(async {
                let response = call_service(&service, TestRequest::get().uri(QUERY).to_request()).await;
                assert!(response.status().is_success());
                read_body(response).await.len()
            });
            samples.push(started.elapsed());
        }
        (samples, READS as f64 / began.elapsed().as_secs_f64())
    };
    let (mut quiet, quiet_rate) = reads(&system);
    // The same reads while a task writes every 20 ms (50 writes a second).
    let writer = {
        let (service, patch) = (Rc::clone(&service), patch.clone());
        // Spawned on the system's local set (block_on enters it); it runs whenever the reads below wait.
        let task = async move {
            for n in 0.. {
                actix_web::rt::time::sleep(Duration::from_millis(20)).await;
                let response = call_service(&*service, patch(n)).await;
                assert_eq!(response.status(), 200);
            }
        };
        #[expect(clippy::async_yields_async, reason = "the task is spawned inside the system; its handle aborts it")]
        let handle = system.block_on(async move { actix_web::rt::spawn(task) });
        handle
    };
    let (mut busy, busy_rate) = reads(&system);
    writer.abort();
    let (q99, b99) = (percentile(&mut quiet, 0.99), percentile(&mut busy, 0.99));
    eprintln!(
        "{name}: write p50 {} p99 {} ({WRITES} writes) | items (bbox+year, 50) without writes: p50 {} p99 {} \
         {quiet_rate:.0} req/s | with 50 writes/s: p50 {} p99 {} {busy_rate:.0} req/s | p99 ratio {:.2}",
        ms(percentile(&mut writes, 0.5)),
        ms(percentile(&mut writes, 0.99)),
        ms(percentile(&mut quiet, 0.5)),
        ms(q99),
        ms(percentile(&mut busy, 0.5)),
        ms(b99),
        b99.as_secs_f64() / q99.as_secs_f64(),
    );
}

fn main() {
    let dir = std::env::temp_dir().join(format!("footprint-bench-writes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    measure("GeoPackage", &dir.join("footprint.gpkg").display().to_string());
    let _ = std::fs::remove_dir_all(&dir);
    match std::env::var("FOOTPRINT_TEST_POSTGRES") {
        Ok(base) => {
            let mut client = postgres::Client::connect(&base, postgres::NoTls).unwrap();
            client.batch_execute("DROP DATABASE IF EXISTS fp_bench_writes WITH (FORCE)").unwrap();
            client.batch_execute("CREATE DATABASE fp_bench_writes").unwrap();
            let (server, _) = base.rsplit_once('/').unwrap();
            measure("PostgreSQL", &format!("{server}/fp_bench_writes"));
        }
        Err(_) => eprintln!(
            "PostgreSQL: not measured (set FOOTPRINT_TEST_POSTGRES: eval \"$(bash tests/postgres.sh start)\")"
        ),
    }
}
