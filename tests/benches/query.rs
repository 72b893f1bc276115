//! Query benchmarks on a deterministic synthetic layer: `cargo bench --bench query`.
//!
//! - `items/1m_bbox_datetime_1k`: bbox + datetime on 1,000,000 events returning ~1,000, serialised to GeoJSON.
//! - `items/10k_bbox_datetime_1k`: the same result size on a 10,000-event layer (cost follows the result size).
//! - `items/1m_bbox_datetime_10`: a query returning ~10 features on the 1M layer.
//! - `timeline/1m_weekly`: weekly counts over the whole 1M layer.

#![expect(clippy::unwrap_used, reason = "benchmark set-up fails loudly")]
#![expect(missing_docs, reason = "criterion's macros generate undocumented functions")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use footprint::domain::timeline::{Bucket, histogram};
use footprint::domain::{Bbox, Datetime};
use footprint::store::{Collection, CollectionMeta, FeatureProvider, Filter, Role, synthetic};

fn collection(n: usize) -> Collection {
    let meta = CollectionMeta {
        id: "synthetic".into(),
        file: "synthetic.geojson".into(),
        role: Role::Strike,
        title: "Synthetic".into(),
        description: "Synthetic benchmark layer".into(),
        keywords: vec![],
        license: "CC0-1.0".into(),
        attribution: "synthetic".into(),
        translations: std::collections::BTreeMap::new(),
    };
    Collection::new(meta, synthetic::events(n, 42))
}

fn filter(bbox: &str, datetime: &str) -> Filter {
    Filter {
        bbox: Some(Bbox::parse(bbox).unwrap()),
        datetime: Some(Datetime::parse(datetime).unwrap()),
        ..Filter::default()
    }
}

fn query_and_serialise(c: &Collection, f: &Filter) -> usize {
    let page = c.page(f, 0, 10_000);
    let bytes = serde_json::to_vec(&page.features).unwrap();
    black_box(page.matched) + bytes.len()
}

fn benches(c: &mut Criterion) {
    let big = collection(1_000_000);
    let small = collection(10_000);
    // 1°×1° of the 7°×5.5° area and 30 of 730 days: 1M × (1/38.5) × (30/730) ≈ 1,070 features.
    let q_big = filter("38,34,39,35", "2025-03-01/2025-03-30");
    // The whole area and ~all days of the 10k layer except a tenth: ≈ 1,000 features.
    let q_small = filter("35,32,42,37.5", "2025-03-01/2025-05-12");
    let q_tiny = filter("38,34,38.1,34.1", "2025-03-01/2025-03-30");
    eprintln!(
        "results: 1M query {}, 10k query {}, 1M tiny query {}",
        big.page(&q_big, 0, 10_000).matched,
        small.page(&q_small, 0, 10_000).matched,
        big.page(&q_tiny, 0, 10_000).matched
    );
    let mut group = c.benchmark_group("items");
    group.bench_function("1m_bbox_datetime_1k", |b| {
        b.iter(|| query_and_serialise(&big, &q_big));
    });
    group.bench_function("10k_bbox_datetime_1k", |b| {
        b.iter(|| query_and_serialise(&small, &q_small));
    });
    group.bench_function("1m_bbox_datetime_10", |b| {
        b.iter(|| query_and_serialise(&big, &q_tiny));
    });
    group.finish();
    let span = Datetime::parse("2024-12-08/2026-12-07").unwrap().span();
    c.bench_function("timeline/1m_weekly", |b| {
        b.iter(|| histogram(big.starts(), span, Bucket::Week).len());
    });
}

criterion_group!(query, benches);
criterion_main!(query);
