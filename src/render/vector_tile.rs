//! A collection's features as a Mapbox Vector Tile (one layer named after the collection, points only), for the
//! web map to ask for what its view and time window need instead of whole layers.
//!
//! A tile holds exactly the features the items API returns for the tile's bounds as `bbox` and the same
//! `datetime` and property filters (a point on the edge between two tiles is in both). Each carries what a map
//! filters and styles on, light: its `id`, its first and last day as day numbers (`start_day`, `end_day`: days
//! since 1970-01-01, inclusive; no `end_day` when it is open), and the value of each of the collection's
//! queryables (`kind`, `confidence`, …, [`crate::store::Queryable`]). Names, sources and the rest are one items
//! request away, by `id`.

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

/// Encodes the features at `rows` of a collection's `columns` (already selected for `tile`) as a vector tile with
/// one layer, `layer`, whose properties include the values of the collection's queryables.
pub fn encode(layer: &str, tile: Tile, columns: &Columns, rows: &[u32]) -> Result<Vec<u8>, TileEncodeError> {
    let [left, bottom, right, top] = tile.mercator_bounds();
    let mut tags = TagsBuilder::new();
    let mut encoded = Vec::with_capacity(rows.len());
    let queryables: Vec<_> = columns.queryables().collect();
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
        tag("id", TileValue::Str(columns.id(row).to_owned()));
        let span = columns.span(row);
        tag("start_day", TileValue::Sint(i64::from(span.first.0)));
        if span.last != Day::MAX {
            tag("end_day", TileValue::Sint(i64::from(span.last.0)));
        }
        for &queryable in &queryables {
            if let Some(value) = columns.value(queryable, row) {
                tag(queryable.name(), TileValue::Str(value.to_owned()));
            }
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
