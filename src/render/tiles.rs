//! The basemap under a static image: land, lakes, borders and coast drawn from the embedded vector tiles.

use std::io::Read as _;

use mvt_reader::Reader;
use tiny_skia::{FillRule, PathBuilder, Pixmap, Stroke, Transform};

use super::{BasemapTiles, paint};

pub(super) fn draw_basemap(pixmap: &mut Pixmap, basemap: &BasemapTiles) {
    let layers = ["land", "lakes", "admin1", "countries", "coastline"];
    let decoded: Vec<_> = basemap
        .tiles
        .iter()
        .filter_map(|(bytes, origin)| Some((gunzip(bytes).and_then(|raw| Reader::new(raw).ok())?, *origin)))
        .collect();
    for layer in layers {
        for (reader, origin) in &decoded {
            draw_tile_layer(pixmap, reader, layer, *origin, basemap.tile_px);
        }
    }
}

fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).ok()?;
        Some(out)
    } else {
        Some(bytes.to_vec())
    }
}

fn draw_tile_layer(pixmap: &mut Pixmap, reader: &Reader, name: &str, origin: (f64, f64), tile_px: f64) {
    let Ok(layers) = reader.get_layer_metadata() else { return };
    let Some(layer) = layers.iter().find(|l| l.name == name) else { return };
    let Ok(features) = reader.get_features(layer.layer_index) else { return };
    let scale = tile_px / f64::from(layer.extent.max(1));
    let to_px = |c: &geo_types::Coord<f32>| {
        ((origin.0 + f64::from(c.x) * scale) as f32, (origin.1 + f64::from(c.y) * scale) as f32)
    };
    let mut path = PathBuilder::new();
    let mut ring = |points: &[geo_types::Coord<f32>], close: bool| {
        let mut first = true;
        for c in points {
            let (x, y) = to_px(c);
            if first {
                path.move_to(x, y);
                first = false;
            } else {
                path.line_to(x, y);
            }
        }
        if close && !first {
            path.close();
        }
    };
    for feature in &features {
        match &feature.geometry {
            geo_types::Geometry::Polygon(p) => {
                ring(&p.exterior().0, true);
                for hole in p.interiors() {
                    ring(&hole.0, true);
                }
            }
            geo_types::Geometry::MultiPolygon(mp) => {
                for p in mp {
                    ring(&p.exterior().0, true);
                    for hole in p.interiors() {
                        ring(&hole.0, true);
                    }
                }
            }
            geo_types::Geometry::LineString(l) => ring(&l.0, false),
            geo_types::Geometry::MultiLineString(ml) => {
                for l in ml {
                    ring(&l.0, false);
                }
            }
            _ => {}
        }
    }
    let Some(path) = path.finish() else { return };
    match name {
        "land" => {
            pixmap.fill_path(&path, &paint((0xf3, 0xf1, 0xea), 255), FillRule::EvenOdd, Transform::identity(), None);
        }
        "lakes" => {
            pixmap.fill_path(&path, &paint((0xcf, 0xe3, 0xee), 255), FillRule::EvenOdd, Transform::identity(), None);
        }
        line => {
            let (rgb, width) = match line {
                "countries" => ((0x9a, 0x9a, 0x9a), 1.0),
                "coastline" => ((0x8f, 0xb3, 0xc9), 0.8),
                _ => ((0xcc, 0xcc, 0xcc), 0.6),
            };
            let stroke = Stroke { width, ..Stroke::default() };
            pixmap.stroke_path(&path, &paint(rgb, 255), &stroke, Transform::identity(), None);
        }
    }
}
