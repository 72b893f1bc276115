//! GeoPackage geometry blobs (the standard's binary header and WKB, written and read by geozero) and the SQL
//! functions the R-tree index triggers call (`ST_MinX` …, `ST_IsEmpty`, as the GeoPackage spatial index extension
//! defines them), registered on every connection the store opens.

use geozero::wkb::GpkgWkb;
use geozero::{ToGeo as _, ToWkb as _};
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;

/// WGS 84 longitude/latitude.
pub const WGS84: i32 = 4326;

/// The GeoPackage blob of a point.
pub fn point_blob(lon: f64, lat: f64) -> Result<Vec<u8>, String> {
    geo_types::Geometry::Point(geo_types::Point::new(lon, lat))
        .to_gpkg_wkb(geozero::CoordDimensions::xy(), Some(WGS84), Vec::new())
        .map_err(|e| e.to_string())
}

/// The bounding box `[min x, min y, max x, max y]` of a GeoPackage blob, or `None` when it is empty.
pub fn blob_bounds(blob: &[u8]) -> Result<Option<[f64; 4]>, String> {
    use geo::BoundingRect as _;
    let geometry = GpkgWkb(blob).to_geo().map_err(|e| e.to_string())?;
    Ok(geometry.bounding_rect().map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]))
}

/// A point read back from a GeoPackage blob.
pub fn blob_point(blob: &[u8]) -> Result<Option<(f64, f64)>, String> {
    Ok(blob_bounds(blob)?.map(|[x, y, _, _]| (x, y)))
}

/// Registers `ST_MinX`, `ST_MaxX`, `ST_MinY`, `ST_MaxY` and `ST_IsEmpty` on a connection.
pub fn register_functions(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    for (name, corner) in [("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)] {
        connection.create_scalar_function(name, 1, flags, move |ctx| {
            let ValueRef::Blob(blob) = ctx.get_raw(0) else { return Ok(None) };
            let bounds = blob_bounds(blob).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
            Ok(bounds.map(|b| b[corner]))
        })?;
    }
    connection.create_scalar_function("ST_IsEmpty", 1, flags, |ctx| {
        let ValueRef::Blob(blob) = ctx.get_raw(0) else { return Ok(None) };
        let bounds = blob_bounds(blob).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
        Ok(Some(i64::from(bounds.is_none())))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_blob_has_the_geopackage_header_and_reads_back() {
        let blob = point_blob(35.948, 35.401).unwrap();
        assert_eq!(&blob[..2], b"GP");
        assert_eq!(i32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]), WGS84);
        assert_eq!(blob_point(&blob).unwrap(), Some((35.948, 35.401)));
    }

    #[test]
    fn the_index_functions_answer_in_sql() {
        let connection = Connection::open_in_memory().unwrap();
        register_functions(&connection).unwrap();
        let blob = point_blob(36.5, 33.25).unwrap();
        let (x, y, empty): (f64, f64, i64) = connection
            .query_row("SELECT ST_MinX(?1), ST_MaxY(?1), ST_IsEmpty(?1)", [&blob], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((x, y, empty), (36.5, 33.25, 0));
    }
}
