//! Static map rendering: `cargo bench --bench render` — a 1200×630 image (the Open Graph size) of the default view
//! with the embedded basemap and data, PNG encoding included; in English and in Arabic (shaped, right to left).

#![expect(clippy::unwrap_used, reason = "benchmark set-up fails loudly")]
#![expect(missing_docs, reason = "criterion's macros generate undocumented functions")]

use criterion::{Criterion, criterion_group, criterion_main};
use footprint::basemap::Tiles;
use footprint::i18n::Lang;
use footprint::map::state::MapState;
use footprint::render::{MapImage, render};
use footprint::store::FeatureStore as _;
use footprint::store::{Dataset, Embedded};

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let dataset = Dataset::load(&Embedded).unwrap();
    let tiles = runtime.block_on(Tiles::open()).unwrap();
    let state = MapState::parse("t=2025-03-31&w=30", dataset.timeline()).state;
    let image = |lang: Lang, title: &str| MapImage {
        width: 1200,
        height: 630,
        lon: 38.3,
        lat: 35.0,
        zoom: 6.6,
        state: state.clone(),
        lang,
        title: Some(title.into()),
    };
    for (name, image) in [
        ("static/1200x630", image(Lang::En, "Russian bases and reported strikes, March 2025")),
        ("static/1200x630_arabic", image(Lang::Ar, "القواعد الروسية والضربات المبلّغ عنها، مارس ٢٠٢٥")),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| runtime.block_on(render(&image, &dataset, Some(&tiles))).unwrap().len());
        });
    }
}

criterion_group!(render_benches, benches);
criterion_main!(render_benches);
