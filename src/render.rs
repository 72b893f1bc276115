//! Static map images, rendered on the server with no browser and no GPU: the embedded Natural Earth basemap (land,
//! water, borders, coast from the PMTiles vector tiles), the sites with their status on the chosen day, the strikes
//! and events of the chosen window, an optional title, a small legend and the attribution.
//!
//! Drawing is tiny-skia's; text is rasterised with `ab_glyph` from the embedded Noto Sans. The same request always
//! gives the same bytes. Visibility follows the web map and the API: a site shows the status period containing the
//! day; strikes and events show when their span intersects the window (inclusive days).

use std::f64::consts::PI;
use std::io::Read as _;

use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};
use mvt_reader::Reader;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

use crate::domain::{Bbox, DaySpan, Feature, LocationPrecision, Status};
use crate::http::assets::Tiles;
use crate::i18n::Lang;
use crate::map::palette::{self, Colour};
use crate::store::Dataset;

/// The largest width or height of an image.
pub const MAX_SIZE: u32 = 2048;
/// The deepest zoom of the basemap tiles.
const TILE_MAX_ZOOM: u8 = 9;

const FONT: &[u8] = include_bytes!("../geodata/basemap/fonts/NotoSans-Regular.ttf");

/// A palette colour as tiny-skia's channels.
fn rgb(colour: Colour) -> (u8, u8, u8) {
    (colour.0, colour.1, colour.2)
}

/// What to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct MapImage {
    /// Width in pixels (1..=2048).
    pub width: u32,
    /// Height in pixels (1..=2048).
    pub height: u32,
    /// Centre longitude.
    pub lon: f64,
    /// Centre latitude.
    pub lat: f64,
    /// Zoom (256-pixel tiles: the world is 256·2^zoom pixels wide).
    pub zoom: f64,
    /// The day whose site statuses are shown.
    pub day: crate::domain::Day,
    /// The days whose strikes and events are shown.
    pub window: DaySpan,
    /// Sites, strikes, events shown.
    pub layers: [bool; 3],
    /// Confidence levels shown (high, medium, low).
    pub confidence: [bool; 3],
    /// Optional title drawn at the top.
    pub title: Option<String>,
}

impl MapImage {
    /// A key naming exactly what is drawn: two requests with the same key get the same bytes (the cache key of
    /// rendered images). Coordinates are rounded far below a pixel at the deepest zoom.
    pub fn canonical(&self) -> String {
        let on = |flags: [bool; 3]| flags.map(|f| if f { '1' } else { '0' }).iter().collect::<String>();
        format!(
            "{}x{}@{:.6},{:.6},{:.4};{};{}/{};{};{};{}",
            self.width,
            self.height,
            self.lon,
            self.lat,
            self.zoom,
            self.day.0,
            self.window.first.0,
            self.window.last.0,
            on(self.layers),
            on(self.confidence),
            self.title.as_deref().map_or_else(String::new, |t| format!("{t:?}")),
        )
    }

    /// The centre and zoom that fit `bbox` into `width`×`height` (with a small margin).
    pub fn fit(bbox: &Bbox, width: u32, height: u32) -> (f64, f64, f64) {
        let (x0, y0) = world(bbox.min_lon, bbox.max_lat, 0.0);
        let (x1, y1) = world(bbox.max_lon, bbox.min_lat, 0.0);
        let span_x = (x1 - x0).abs().max(1e-9);
        let span_y = (y1 - y0).abs().max(1e-9);
        let zoom = (f64::from(width) * 0.9 / span_x).min(f64::from(height) * 0.9 / span_y).log2().clamp(0.0, 12.0);
        (f64::midpoint(bbox.min_lon, bbox.max_lon), f64::midpoint(bbox.min_lat, bbox.max_lat), zoom)
    }

    fn to_screen(&self, lon: f64, lat: f64) -> (f32, f32) {
        let (cx, cy) = world(self.lon, self.lat, self.zoom);
        let (x, y) = world(lon, lat, self.zoom);
        ((x - cx + f64::from(self.width) / 2.0) as f32, (y - cy + f64::from(self.height) / 2.0) as f32)
    }

    /// The screen position of a lon/lat (for tests that look at pixels).
    pub fn pixel_of(&self, lon: f64, lat: f64) -> (f32, f32) {
        self.to_screen(lon, lat)
    }
}

/// Web Mercator world pixel coordinates at `zoom` (256-pixel tiles).
fn world(lon: f64, lat: f64, zoom: f64) -> (f64, f64) {
    let size = 256.0 * 2f64.powf(zoom);
    let lat = lat.clamp(-85.051_13, 85.051_13).to_radians();
    let x = (lon + 180.0) / 360.0 * size;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0 * size;
    (x, y)
}

/// Why an image could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The pixmap could not be allocated (size out of range).
    #[error("cannot make a {0}×{1} image")]
    Size(u32, u32),
    /// PNG encoding failed.
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

fn paint(rgb: (u8, u8, u8), alpha: u8) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(Color::from_rgba8(rgb.0, rgb.1, rgb.2, alpha));
    p.anti_alias = true;
    p
}

/// Renders the image as PNG bytes: [`basemap_for`] then [`draw`].
pub async fn render(image: &MapImage, dataset: &Dataset, tiles: Option<&Tiles>) -> Result<Vec<u8>, RenderError> {
    let basemap = basemap_for(image, tiles).await;
    draw(image, dataset, &basemap)
}

/// The basemap tiles an image needs, as stored (gzip-compressed), with where each goes: cheap to gather on an async
/// worker, so that [`draw`] can run on a blocking thread.
#[derive(Debug, Default)]
pub struct BasemapTiles {
    tiles: Vec<(bytes::Bytes, (f64, f64))>,
    tile_px: f64,
}

/// Gathers the basemap tiles covering `image` (none without a basemap).
pub async fn basemap_for(image: &MapImage, tiles: Option<&Tiles>) -> BasemapTiles {
    let Some(tiles) = tiles else { return BasemapTiles::default() };
    let tz = image.zoom.round().clamp(0.0, f64::from(TILE_MAX_ZOOM)) as u8;
    let n = 1u32 << tz;
    let tile_px = 256.0 * 2f64.powf(image.zoom - f64::from(tz));
    let (cx, cy) = world(image.lon, image.lat, image.zoom);
    let left = cx - f64::from(image.width) / 2.0;
    let top = cy - f64::from(image.height) / 2.0;
    let (tx0, tx1) = ((left / tile_px).floor() as i64, ((left + f64::from(image.width)) / tile_px).floor() as i64);
    let (ty0, ty1) = ((top / tile_px).floor() as i64, ((top + f64::from(image.height)) / tile_px).floor() as i64);
    let mut found = Vec::new();
    for ty in ty0.max(0)..=ty1.min(i64::from(n) - 1) {
        for tx in tx0..=tx1 {
            let x = tx.rem_euclid(i64::from(n)) as u32;
            let Some(bytes) = tiles.tile_bytes(tz, x, ty as u32).await else { continue };
            found.push((bytes, (tx as f64 * tile_px - left, ty as f64 * tile_px - top)));
        }
    }
    BasemapTiles { tiles: found, tile_px }
}

/// Draws the image and encodes it as PNG: CPU-bound, for a blocking thread.
pub fn draw(image: &MapImage, dataset: &Dataset, basemap: &BasemapTiles) -> Result<Vec<u8>, RenderError> {
    let mut pixmap = Pixmap::new(image.width, image.height).ok_or(RenderError::Size(image.width, image.height))?;
    pixmap.fill(Color::from_rgba8(0xcf, 0xe3, 0xee, 0xff));
    draw_basemap(&mut pixmap, basemap);
    draw_data(&mut pixmap, image, dataset);
    let font = FontRef::try_from_slice(FONT).ok();
    if let Some(font) = &font {
        draw_chrome(&mut pixmap, image, font, dataset);
    }
    pixmap.encode_png().map_err(|e| RenderError::Encode(e.to_string()))
}

fn draw_basemap(pixmap: &mut Pixmap, basemap: &BasemapTiles) {
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

fn circle(pixmap: &mut Pixmap, (x, y): (f32, f32), r: f32, fill: Option<Paint<'_>>, stroke: Option<(Paint<'_>, f32)>) {
    let Some(path) = PathBuilder::from_circle(x, y, r) else { return };
    if let Some(fill) = fill {
        pixmap.fill_path(&path, &fill, FillRule::Winding, Transform::identity(), None);
    }
    if let Some((paint, width)) = stroke {
        pixmap.stroke_path(&path, &paint, &Stroke { width, ..Stroke::default() }, Transform::identity(), None);
    }
}

fn shown(feature: &Feature, image: &MapImage) -> bool {
    let index = match feature.properties.confidence {
        crate::domain::Confidence::High => 0,
        crate::domain::Confidence::Medium => 1,
        crate::domain::Confidence::Low => 2,
    };
    image.confidence[index]
}

/// The features of a collection visible in the image (located, in the time selection, confidence shown).
fn visible<'a>(dataset: &'a Dataset, id: &str, span: DaySpan, image: &'a MapImage) -> Vec<&'a Feature> {
    dataset.collection(id).map_or_else(Vec::new, |c| {
        c.features().iter().filter(|f| f.geometry.is_some() && f.span().intersects(span) && shown(f, image)).collect()
    })
}

fn draw_data(pixmap: &mut Pixmap, image: &MapImage, dataset: &Dataset) {
    let white = paint((0xff, 0xff, 0xff), 255);
    if image.layers[2] {
        for f in visible(dataset, "events", image.window, image) {
            let p = f.geometry.map(|g| image.to_screen(g.lon, g.lat)).unwrap_or_default();
            circle(pixmap, p, 4.5, Some(paint(rgb(palette::EVENT), 255)), Some((white.clone(), 1.2)));
        }
    }
    if image.layers[1] {
        for f in visible(dataset, "strikes", image.window, image) {
            let p = f.geometry.map(|g| image.to_screen(g.lon, g.lat)).unwrap_or_default();
            if f.properties.location_precision == LocationPrecision::ExactFacility && !f.properties.location_unsourced {
                circle(pixmap, p, 4.5, Some(paint(rgb(palette::STRIKE), 255)), Some((white.clone(), 1.2)));
            } else {
                let strike = rgb(palette::STRIKE);
                circle(pixmap, p, 11.0, Some(paint(strike, 36)), Some((paint(strike, 210), 1.4)));
            }
        }
    }
    if image.layers[0] {
        let today = DaySpan { first: image.day, last: image.day };
        for f in visible(dataset, "sites", today, image) {
            let p = f.geometry.map(|g| image.to_screen(g.lon, g.lat)).unwrap_or_default();
            let colour = rgb(f.properties.status.map_or(palette::NO_STATUS, palette::status_colour));
            circle(pixmap, p, 8.0, Some(paint(colour, 255)), Some((white.clone(), 2.0)));
        }
    }
}

fn text_width(font: &FontRef<'_>, size: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    text.chars().map(|c| scaled.h_advance(font.glyph_id(c))).sum()
}

fn draw_text(
    pixmap: &mut Pixmap,
    font: &FontRef<'_>,
    size: f32,
    (left, top): (f32, f32),
    text: &str,
    rgb: (u8, u8, u8),
) {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut caret = left;
    let (width, height) = (pixmap.width() as i32, pixmap.height() as i32);
    let data = pixmap.data_mut();
    for c in text.chars() {
        let id = font.glyph_id(c);
        let glyph = id.with_scale_and_position(PxScale::from(size), ab_glyph::point(caret, top + scaled.ascent()));
        caret += scaled.h_advance(id);
        let Some(outlined) = font.outline_glyph(glyph) else { continue };
        let bounds = outlined.px_bounds();
        outlined.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i32 + gx as i32;
            let py = bounds.min.y as i32 + gy as i32;
            if px < 0 || py < 0 || px >= width || py >= height {
                return;
            }
            let i = ((py * width + px) * 4) as usize;
            let a = coverage.clamp(0.0, 1.0);
            for (k, channel) in [rgb.0, rgb.1, rgb.2].into_iter().enumerate() {
                let old = f32::from(data[i + k]);
                data[i + k] = (old + (f32::from(channel) - old) * a).round() as u8;
            }
        });
    }
}

fn boxed(pixmap: &mut Pixmap, x: f32, y: f32, w: f32, h: f32) {
    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
        pixmap.fill_rect(rect, &paint((0xff, 0xff, 0xff), 225), Transform::identity(), None);
    }
}

fn draw_chrome(pixmap: &mut Pixmap, image: &MapImage, font: &FontRef<'_>, dataset: &Dataset) {
    let (w, h) = (image.width as f32, image.height as f32);
    let ink = (0x1b, 0x1b, 0x1b);
    if let Some(title) = image.title.as_deref().filter(|t| !t.trim().is_empty()) {
        let size = (w / 40.0).clamp(12.0, 26.0);
        let tw = text_width(font, size, title).min(w - 16.0);
        boxed(pixmap, 8.0, 8.0, tw + 16.0, size * 1.6);
        draw_text(pixmap, font, size, (16.0, 8.0 + size * 0.2), title, ink);
    }
    let attribution = "Natural Earth · GeoNames · Footprint";
    let size = 10.0;
    let aw = text_width(font, size, attribution);
    boxed(pixmap, w - aw - 12.0, h - 16.0, aw + 12.0, 16.0);
    draw_text(pixmap, font, size, (w - aw - 6.0, h - 15.5), attribution, (0x44, 0x44, 0x44));
    if w < 240.0 || h < 160.0 {
        return;
    }
    // Legend: the statuses visible today, then strikes and events.
    let today = DaySpan { first: image.day, last: image.day };
    let mut rows: Vec<((u8, u8, u8), String)> = Vec::new();
    if image.layers[0] {
        let statuses: Vec<Status> =
            visible(dataset, "sites", today, image).iter().filter_map(|f| f.properties.status).collect();
        for status in Status::ALL {
            if statuses.contains(&status) {
                let label = Lang::En.t(&palette::status_label_key(status)).to_owned();
                rows.push((rgb(palette::status_colour(status)), label));
            }
        }
    }
    if image.layers[1] {
        let label = if image.window.first == crate::domain::Day::MIN {
            format!("Strikes up to {}", image.day)
        } else {
            format!("Strikes {} to {}", image.window.first, image.window.last)
        };
        rows.push((rgb(palette::STRIKE), label));
    }
    if image.layers[2] {
        rows.push((rgb(palette::EVENT), "Events".to_owned()));
    }
    let size = 11.0;
    let lw = rows.iter().map(|r| text_width(font, size, &r.1)).fold(0.0, f32::max) + 30.0;
    let lh = rows.len() as f32 * 16.0 + 8.0;
    let top = h - lh - 22.0;
    boxed(pixmap, 8.0, top, lw, lh);
    for (i, (colour, label)) in rows.iter().enumerate() {
        let y = top + 4.0 + i as f32 * 16.0;
        circle(pixmap, (18.0, y + 8.0), 5.0, Some(paint(*colour, 255)), None);
        draw_text(pixmap, font, size, (28.0, y), label, ink);
    }
}
