//! Static map rendering: `cargo bench --bench render` — a 1200×630 image (the Open Graph size) of the default view
//! with the embedded basemap and data, PNG encoding included.

#![expect(clippy::unwrap_used, reason = "benchmark set-up fails loudly")]
#![expect(missing_docs, reason = "criterion's macros generate undocumented functions")]

use criterion::{Criterion, criterion_group, criterion_main};
use footprint::domain::{Datetime, Day};
use footprint::http::assets::Tiles;
use footprint::render::{MapImage, render};
use footprint::store::{Dataset, Embedded};

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let dataset = Dataset::load(&Embedded).unwrap();
    let tiles = runtime.block_on(Tiles::open()).unwrap();
    let day = Day::from_ymd(2025, 3, 31).unwrap();
    let image = MapImage {
        width: 1200,
        height: 630,
        lon: 38.3,
        lat: 35.0,
        zoom: 6.6,
        day,
        window: Datetime::parse("2025-03-02/2025-03-31").unwrap().span(),
        layers: [true; 3],
        confidence: [true; 3],
        title: Some("Russian bases and reported strikes, March 2025".into()),
    };
    c.bench_function("static/1200x630", |b| {
        b.iter(|| runtime.block_on(render(&image, &dataset, Some(&tiles))).unwrap().len());
    });
}

criterion_group!(render_benches, benches);
criterion_main!(render_benches);
