//! The spatio-temporal index: an R-tree over (longitude, latitude, day) boxes, plus the unlocated features.
//!
//! Each located feature is a 3-D box: its point in lon/lat and its inclusive day span in time, so one R-tree query
//! answers `bbox` + `datetime` together and costs in proportion to what it returns, not to the layer's size.
//! Coordinates are stored as `f32` to halve the tree's memory; queries widen their box by one `f32` step and every
//! candidate is checked exactly against the `f64` data, so rounding never changes an answer.
//! Features without geometry are kept apart: a `bbox` never matches them, a `datetime` alone does.

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::domain::{Bbox, DaySpan};

use super::columns::Columns;

type Entry = GeomWithData<Rectangle<[f32; 3]>, u32>;

/// Days beyond this are clamped (they are open ends): keeps day numbers exact in `f32`.
const DAY_LIMIT: i32 = 8_000_000;

fn day_f32(day: i32) -> f32 {
    day.clamp(-DAY_LIMIT, DAY_LIMIT) as f32
}

/// The index over one collection's features (by position in the collection).
pub struct SpaceTimeIndex {
    tree: RTree<Entry>,
    /// Positions of features without geometry, in collection order.
    unlocated: Vec<u32>,
}

impl SpaceTimeIndex {
    /// Builds the index (bulk-loaded R-tree) over a collection's columns.
    pub fn build(columns: &Columns) -> SpaceTimeIndex {
        let mut entries = Vec::with_capacity(columns.len());
        let mut unlocated = Vec::new();
        for (pos, (point, &span)) in columns.points().iter().zip(columns.spans()).enumerate() {
            let pos = pos as u32;
            match point {
                Some(point) => {
                    let (lon, lat) = (point.lon as f32, point.lat as f32);
                    let rect =
                        Rectangle::from_corners([lon, lat, day_f32(span.first.0)], [lon, lat, day_f32(span.last.0)]);
                    entries.push(GeomWithData::new(rect, pos));
                }
                None => unlocated.push(pos),
            }
        }
        SpaceTimeIndex { tree: RTree::bulk_load(entries), unlocated }
    }

    /// Appends to `out` the positions of features in `bbox` (if given) whose span intersects `span`, and returns
    /// how many boxes were searched (a bbox across the antimeridian is two, which may both find a feature). The
    /// order of `out` is unspecified.
    pub fn search(&self, columns: &Columns, bbox: Option<&Bbox>, span: DaySpan, out: &mut Vec<u32>) -> usize {
        let (t0, t1) = (day_f32(span.first.0), day_f32(span.last.0));
        let boxes = bbox.map_or_else(
            || vec![Bbox { min_lon: -180.0, min_lat: -90.0, max_lon: 180.0, max_lat: 90.0 }],
            Bbox::split_at_antimeridian,
        );
        for b in &boxes {
            let envelope = AABB::from_corners(
                [(b.min_lon as f32).next_down(), (b.min_lat as f32).next_down(), t0],
                [(b.max_lon as f32).next_up(), (b.max_lat as f32).next_up(), t1],
            );
            // Points two f32 steps inside the box are inside it whatever the rounding, and days are exact in f32:
            // only entries near the box's edges need the exact check against the columns.
            let inside = |x: f32, lo: f64, hi: f64| {
                x >= (lo as f32).next_up().next_up() && x <= (hi as f32).next_down().next_down()
            };
            out.extend(self.tree.locate_in_envelope_intersecting(&envelope).filter_map(|entry| {
                let [lon, lat, _] = entry.geom().lower();
                if inside(lon, b.min_lon, b.max_lon) && inside(lat, b.min_lat, b.max_lat) {
                    return Some(entry.data);
                }
                let row = entry.data as usize;
                let exact = columns.point(row).is_some_and(|p| b.contains(p.lon, p.lat));
                (exact && columns.span(row).intersects(span)).then_some(entry.data)
            }));
        }
        if bbox.is_none() {
            out.extend(self.unlocated.iter().copied().filter(|&pos| columns.span(pos as usize).intersects(span)));
        }
        boxes.len()
    }
}
