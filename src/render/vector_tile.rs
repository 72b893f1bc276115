//! A collection's features as a Mapbox Vector Tile (one layer named after the collection, points only), for the
//! web map to ask for what its view and time window need instead of whole layers.
//!
//! A tile holds exactly the features the items API returns for the tile's bounds as `bbox` and the same
//! `datetime` and property filters (a point on the edge between two tiles is in both). Each carries what a map
//! filters and styles on, light: its `id`, its first and last day as day numbers (`start_day`, `end_day`: days
//! since 1970-01-01, inclusive; no `end_day` when it is open), and the value of each of the collection's
//! queryables (`kind`, `confidence`, …, [`crate::store::Queryable`]), and `location_unsourced: true` when its point
//! is an unsourced estimate (or only the properties asked for: [`Properties`]). Names, sources and the rest are
//! one items request away, by `id`.

use geozero::ToMvt as _;
use geozero::mvt::{Message as _, TagsBuilder, Tile as MvtTile, TileValue, tile};

use crate::domain::Day;
use crate::domain::tile::{Tile, mercator};
use crate::store::columns::Columns;

/// The tile's coordinate space: 4096 units a side, as MapLibre expects.
pub const EXTENT: u32 = 4096;

/// Why a tile could not be made.
#[derive(Debug, thiserror::Error)]
#[error("vector tile encoding failed: {0}")]
pub struct TileEncodeError(String);

/// The properties a tile's features carry besides the queryables' values.
pub const OWN_PROPERTIES: [&str; 4] = ["id", "start_day", "end_day", "location_unsourced"];

/// Which properties a tile's features carry: all of them, or those named (a map that draws many features asks for
/// what it filters and styles on, which keeps the tile small).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Properties(Option<Vec<String>>);

impl Properties {
    /// Only these (each one of [`OWN_PROPERTIES`] or a queryable's name: the caller checks).
    pub fn only(names: Vec<String>) -> Properties {
        Properties(Some(names))
    }

    /// Whether the features carry `name`.
    pub fn has(&self, name: &str) -> bool {
        self.0.as_ref().is_none_or(|names| names.iter().any(|n| n == name))
    }
}

/// Encodes the features at `rows` of a collection's `columns` (already selected for `tile`) as a vector tile with
/// one layer, `layer`, whose features carry the chosen `properties`.
pub fn encode(
    layer: &str,
    tile: Tile,
    columns: &Columns,
    rows: &[u32],
    properties: &Properties,
) -> Result<Vec<u8>, TileEncodeError> {
    let [left, bottom, right, top] = tile.mercator_bounds();
    let mut tags = TagsBuilder::new();
    let mut encoded = Vec::with_capacity(rows.len());
    let queryables: Vec<_> = columns.queryables().filter(|q| properties.has(q.name())).collect();
    let [id, start_day, end_day, unsourced] = OWN_PROPERTIES.map(|name| properties.has(name));
    for row in rows.iter().map(|&row| row as usize) {
        let Some(point) = columns.point(row) else { continue };
        let (x, y) = mercator(point.lon, point.lat);
        let mut mvt = geo_types::Geometry::Point(geo_types::Point::new(x, y))
            .to_mvt(EXTENT, left, bottom, right, top)
            .map_err(|e| TileEncodeError(e.to_string()))?;
        let mut tag = |key: &str, value: TileValue| {
            let (k, v) = tags.insert_ref(key, value);
            mvt.tags.extend([k, v]);
        };
        if id {
            tag("id", TileValue::Str(columns.id(row).to_owned()));
        }
        let span = columns.span(row);
        if start_day {
            tag("start_day", TileValue::Sint(i64::from(span.first.0)));
        }
        if end_day && span.last != Day::MAX {
            tag("end_day", TileValue::Sint(i64::from(span.last.0)));
        }
        for &queryable in &queryables {
            if let Some(value) = columns.value(queryable, row) {
                tag(queryable.name(), TileValue::Str(value.to_owned()));
            }
        }
        // An unsourced estimate is never drawn as an exact point, whatever precision its place has.
        if unsourced && columns.marks(row).is_some_and(|m| m.location_unsourced) {
            tag("location_unsourced", TileValue::Bool(true));
        }
        encoded.push(mvt);
    }
    let (keys, values) = tags.into_tags();
    let layer = tile::Layer {
        version: 2,
        name: layer.to_owned(),
        features: encoded,
        keys,
        values: values.into_iter().map(tile::Value::from).collect(),
        extent: Some(EXTENT),
    };
    Ok(MvtTile { layers: vec![layer] }.encode_to_vec())
}
