//! Static map images, rendered on the server with no browser and no GPU: the embedded Natural Earth basemap (land,
//! water, borders, coast from the PMTiles vector tiles), the sites with their status on the chosen day, the strikes
//! and events of the chosen window, an optional title, a small legend and the attribution.
//!
//! Drawing is tiny-skia's; text is in the reader's language, shaped with the map's fonts ([`text`]). The same
//! request always gives the same bytes. What is drawn is what the web map shows for the same state
//! ([`crate::map::visibility`]).

mod text;
mod tiles;
pub mod vector_tile;

use std::f64::consts::PI;

use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

use crate::basemap::Tiles;
use crate::domain::{Bbox, Day, LocationPrecision, Status};
use crate::i18n::Lang;
use crate::map::palette::{self, Colour};
use crate::map::state::{Layer, MapState, Mode};
use crate::map::visibility;
use crate::store::FeatureStore;
use crate::store::columns::Marks;

pub use text::Fonts;

/// The largest width or height of an image.
pub const MAX_SIZE: u32 = 2048;
/// The deepest zoom of the basemap tiles.
const TILE_MAX_ZOOM: u8 = 9;

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
    /// The map state drawn (its view aside: the image's centre and zoom above may fit a bounding box instead).
    pub state: MapState,
    /// The language of the legend.
    pub lang: Lang,
    /// Optional title drawn at the top.
    pub title: Option<String>,
}

impl MapImage {
    /// A key naming exactly what is drawn: two requests with the same key get the same bytes (the cache key of
    /// rendered images). Coordinates are rounded far below a pixel at the deepest zoom.
    pub fn canonical(&self) -> String {
        let on = |flags: [bool; 3]| flags.map(|f| if f { '1' } else { '0' }).iter().collect::<String>();
        format!(
            "{}x{}@{:.6},{:.6},{:.4};{};{}/{};{};{};{};{}",
            self.width,
            self.height,
            self.lon,
            self.lat,
            self.zoom,
            self.state.day.0,
            self.state.window().first.0,
            self.state.window().last.0,
            on(self.state.layers),
            on(self.state.confidence),
            self.lang,
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

pub(crate) fn paint(rgb: (u8, u8, u8), alpha: u8) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(Color::from_rgba8(rgb.0, rgb.1, rgb.2, alpha));
    p.anti_alias = true;
    p
}

/// The images' fonts, read once.
static FONTS: std::sync::LazyLock<Option<Fonts>> = std::sync::LazyLock::new(Fonts::embedded);

/// Renders the image as PNG bytes: [`basemap_for`] then [`draw`].
pub async fn render(image: &MapImage, store: &dyn FeatureStore, tiles: Option<&Tiles>) -> Result<Vec<u8>, RenderError> {
    let basemap = basemap_for(image, tiles).await;
    draw(image, store, &basemap)
}

/// The basemap tiles an image needs, as stored (gzip-compressed), with where each goes: cheap to gather on an async
/// worker, so that [`draw`] can run on a blocking thread.
#[derive(Debug, Default)]
pub struct BasemapTiles {
    pub(crate) tiles: Vec<(bytes::Bytes, (f64, f64))>,
    pub(crate) tile_px: f64,
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
pub fn draw(image: &MapImage, store: &dyn FeatureStore, basemap: &BasemapTiles) -> Result<Vec<u8>, RenderError> {
    let mut pixmap = Pixmap::new(image.width, image.height).ok_or(RenderError::Size(image.width, image.height))?;
    pixmap.fill(Color::from_rgba8(0xcf, 0xe3, 0xee, 0xff));
    tiles::draw_basemap(&mut pixmap, basemap);
    draw_data(&mut pixmap, image, store);
    if let Some(fonts) = FONTS.as_ref() {
        draw_chrome(&mut pixmap, image, fonts, store);
    }
    pixmap.encode_png().map_err(|e| RenderError::Encode(e.to_string()))
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

/// The points of a layer drawn for the image's state (the web map's rule), with what they are drawn with: read from
/// the collection's columns, never from its features.
fn drawn(store: &dyn FeatureStore, layer: Layer, image: &MapImage) -> Vec<((f32, f32), Marks)> {
    let Some(collection) = store.collection(layer.id()) else { return Vec::new() };
    let columns = collection.columns();
    (0..columns.len())
        .filter_map(|row| {
            let (point, marks) = (columns.point(row)?, columns.marks(row)?);
            let shown = visibility::listed_by(layer, columns.span(row), marks.confidence, &image.state);
            shown.then(|| (image.to_screen(point.lon, point.lat), marks))
        })
        .collect()
}

fn draw_data(pixmap: &mut Pixmap, image: &MapImage, store: &dyn FeatureStore) {
    let white = paint((0xff, 0xff, 0xff), 255);
    for (p, _) in drawn(store, Layer::Events, image) {
        circle(pixmap, p, 4.5, Some(paint(rgb(palette::EVENT), 255)), Some((white.clone(), 1.2)));
    }
    for (p, marks) in drawn(store, Layer::Strikes, image) {
        if marks.location_precision == LocationPrecision::ExactFacility && !marks.location_unsourced {
            circle(pixmap, p, 4.5, Some(paint(rgb(palette::STRIKE), 255)), Some((white.clone(), 1.2)));
        } else {
            let strike = rgb(palette::STRIKE);
            circle(pixmap, p, 11.0, Some(paint(strike, 36)), Some((paint(strike, 210), 1.4)));
        }
    }
    for (p, marks) in drawn(store, Layer::Sites, image) {
        let colour = rgb(marks.status.map_or(palette::NO_STATUS, palette::status_colour));
        circle(pixmap, p, 8.0, Some(paint(colour, 255)), Some((white.clone(), 2.0)));
    }
}

fn boxed(pixmap: &mut Pixmap, x: f32, y: f32, w: f32, h: f32) {
    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
        pixmap.fill_rect(rect, &paint((0xff, 0xff, 0xff), 225), Transform::identity(), None);
    }
}

fn draw_chrome(pixmap: &mut Pixmap, image: &MapImage, fonts: &Fonts, store: &dyn FeatureStore) {
    let (w, h) = (image.width as f32, image.height as f32);
    let ink = (0x1b, 0x1b, 0x1b);
    let rtl = image.lang.is_rtl();
    if let Some(title) = image.title.as_deref().filter(|t| !t.trim().is_empty()) {
        let line = fonts.shape(title, (w / 48.0).clamp(10.0, 20.0), rtl);
        let box_w = (line.width + 16.0).min(w - 16.0);
        let left = if rtl { w - 8.0 - box_w } else { 8.0 };
        boxed(pixmap, left, 8.0, box_w, line.size * 2.0);
        let text_left = if rtl { w - 16.0 - line.width } else { 16.0 };
        fonts.draw(pixmap, &line, (text_left, 8.0 + line.size * 0.35), ink);
    }
    let attribution = fonts.shape("Natural Earth · GeoNames · Footprint", 8.0, false);
    let aw = attribution.width;
    boxed(pixmap, w - aw - 12.0, h - 16.0, aw + 12.0, 16.0);
    fonts.draw(pixmap, &attribution, (w - aw - 6.0, h - 14.5), (0x44, 0x44, 0x44));
    if w < 240.0 || h < 160.0 {
        return;
    }
    let rows = legend(image, store);
    let lines: Vec<_> = rows.iter().map(|(colour, label)| (*colour, fonts.shape(label, 9.0, rtl))).collect();
    let lw = lines.iter().map(|(_, l)| l.width).fold(0.0, f32::max) + 30.0;
    let lh = lines.len() as f32 * 16.0 + 8.0;
    let top = h - lh - 22.0;
    // The legend keeps to the reading side: left in English and Russian, right in Arabic.
    let left = if rtl { w - 8.0 - lw } else { 8.0 };
    boxed(pixmap, left, top, lw, lh);
    for (i, (colour, line)) in lines.iter().enumerate() {
        let y = top + 4.0 + i as f32 * 16.0;
        let (dot, text_left) =
            if rtl { (left + lw - 10.0, left + lw - 20.0 - line.width) } else { (left + 10.0, left + 20.0) };
        circle(pixmap, (dot, y + 8.0), 5.0, Some(paint(*colour, 255)), None);
        fonts.draw(pixmap, line, (text_left, y + 2.0), ink);
    }
}

/// The legend's rows in the image's language: the statuses drawn, then strikes (with their window) and events.
fn legend(image: &MapImage, store: &dyn FeatureStore) -> Vec<((u8, u8, u8), String)> {
    let lang = image.lang;
    let mut rows = Vec::new();
    let statuses: Vec<Status> =
        drawn(store, Layer::Sites, image).iter().filter_map(|(_, marks)| marks.status).collect();
    for status in Status::ALL {
        if statuses.contains(&status) {
            rows.push((rgb(palette::status_colour(status)), lang.t(&palette::status_label_key(status)).to_owned()));
        }
    }
    let state = &image.state;
    if state.shows(Layer::Strikes) {
        let day = |d: Day| lang.day(d);
        let when = match state.mode {
            Mode::Cumulative => lang.tf("date.up_to", &[("date", &day(state.day))]),
            Mode::Window => lang.tf("date.range", &[("start", &day(state.window().first)), ("end", &day(state.day))]),
        };
        rows.push((rgb(palette::STRIKE), format!("{}: {when}", lang.t("layer.strikes"))));
    }
    if state.shows(Layer::Events) {
        rows.push((rgb(palette::EVENT), lang.t("layer.events").to_owned()));
    }
    rows
}
