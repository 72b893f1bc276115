//! Query benchmarks through the real route table: `cargo bench --bench query`.
//!
//! The strikes layer is replaced by real-shaped copies of the curated strikes (`footprint::store::generate`, the
//! generator `footprint generate` uses: names in three languages, descriptions, attribution, casualty ranges, notes
//! and every source, at points inside Syria and days over two years, with a fixed seed; unlocated strikes stay
//! unlocated). Each request goes through the production [`app`] (routing,
//! parameter parsing, the index, GeoJSON serialisation, conditional GET, security headers), without compression.
//!
//! - `items/1m_bbox_datetime_1k`: bbox + datetime on 1,000,000 strikes returning ~1,000.
//! - `items/1m_bbox_datetime_1k_newest_first`: the same with `sortby=-start`.
//! - `items/1m_broad_first_page`: a year over the whole area (~half the layer matches), its first page of 100.
//! - `items/1m_broad_first_page_newest_first`: the same with `sortby=-start`.
//! - `items/1m_bbox_datetime_10`: a query returning ~10 strikes.
//! - `timeline/1m_weekly`: `/api/timeline` weekly counts over every layer.

#![expect(clippy::unwrap_used, reason = "benchmark set-up fails loudly")]
#![expect(missing_docs, reason = "criterion's macros generate undocumented functions")]

use std::sync::Arc;

use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::web;
use criterion::{Criterion, criterion_group, criterion_main};
use footprint::http::{AppState, app};
use footprint::store::{Collection, Dataset, Embedded, FeatureProvider as _};

/// The curated data with its strikes replaced by `n` real-shaped clones.
fn dataset(n: usize) -> Dataset {
    let mut dataset = Dataset::load(&Embedded).unwrap();
    let strikes = dataset.collections.iter_mut().find(|c| c.meta.id == "strikes").unwrap();
    let curated = strikes.read_all();
    let clones = footprint::store::generate::strikes(&curated, n, 42);
    *strikes = std::sync::Arc::new(Collection::new(strikes.meta.clone(), clones));
    dataset
}

fn benches(c: &mut Criterion) {
    let system = actix_web::rt::System::new();
    let state = web::Data::new(AppState::new(dataset(1_000_000), Arc::new(Embedded)));
    let service = system.block_on(init_service(app(state)));
    let get = |uri: &str| {
        system.block_on(async {
            let response = call_service(&service, TestRequest::get().uri(uri).to_request()).await;
            assert!(response.status().is_success(), "{uri}: {}", response.status());
            read_body(response).await.len()
        })
    };
    let items = "/api/collections/strikes/items";
    // `{w}` is the bbox's west edge: each benchmarked request moves it by a billionth of a degree (the same
    // features: points have five decimals), so it is a new query, not a page the server remembers.
    let queries = [
        (
            "1m_bbox_datetime_1k",
            38.0,
            format!("{items}?bbox={{w}},34,39,35&datetime=2025-03-01/2025-03-30&limit=10000"),
        ),
        (
            "1m_bbox_datetime_1k_newest_first",
            38.0,
            format!("{items}?bbox={{w}},34,39,35&datetime=2025-03-01/2025-03-30&limit=10000&sortby=-start"),
        ),
        ("1m_broad_first_page", 35.0, format!("{items}?bbox={{w}},32,42,37.5&datetime=2025&limit=100")),
        (
            "1m_broad_first_page_newest_first",
            35.0,
            format!("{items}?bbox={{w}},32,42,37.5&datetime=2025&limit=100&sortby=-start"),
        ),
        (
            "1m_bbox_datetime_10",
            38.0,
            format!("{items}?bbox={{w}},34,38.1,34.1&datetime=2025-03-01/2025-03-30&limit=10000"),
        ),
    ];
    let at = |template: &str, west: f64, n: u32| template.replace("{w}", &format!("{:.9}", west - f64::from(n) * 1e-9));
    for (name, west, template) in &queries {
        let uri = at(template, *west, 0);
        let body: serde_json::Value = system.block_on(async {
            let response = call_service(&service, TestRequest::get().uri(&uri).to_request()).await;
            serde_json::from_slice(&read_body(response).await).unwrap()
        });
        eprintln!(
            "{name}: {} matched, {} returned, {} bytes",
            body["numberMatched"],
            body["numberReturned"],
            get(&uri)
        );
    }
    let mut group = c.benchmark_group("items");
    for (name, west, template) in &queries {
        let mut n = 0;
        group.bench_function(*name, |b| {
            b.iter(|| {
                n = (n + 1) % 5_000;
                get(&at(template, *west, n))
            });
        });
    }
    // The same query again: its page is remembered (readers of one map or embed ask for the same window).
    let again = at(&queries[0].2, queries[0].1, 0);
    group.bench_function("1m_bbox_datetime_1k_again", |b| b.iter(|| get(&again)));
    group.finish();
    c.bench_function("timeline/1m_weekly", |b| b.iter(|| get("/api/timeline?bucket=week")));
}

criterion_group!(query, benches);
criterion_main!(query);
