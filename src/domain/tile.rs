//! Web Mercator tiles, numbered as MapLibre and XYZ tile URLs number them (`z/x/y`, `y` from the north): a tile's
//! bounds in longitude and latitude (the `bbox` that selects its features) and in Web Mercator metres (what a
//! point's position inside the tile is measured against).
//!
//! ```
//! use footprint::domain::tile::Tile;
//!
//! let world = Tile::new(0, 0, 0).unwrap();
//! assert_eq!(world.bbox().min_lon, -180.0);
//! let syria = Tile::new(6, 38, 25).unwrap();
//! assert!(syria.bbox().contains(38.0, 35.0));
//! assert!(Tile::new(6, 64, 0).is_err());
//! ```

use std::f64::consts::PI;

use super::Bbox;

/// The deepest zoom level served.
pub const MAX_ZOOM: u8 = 22;

/// Half the width of the Web Mercator plane, in metres (EPSG:3857).
const HALF_WORLD: f64 = 20_037_508.342_789_244;

/// One tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tile {
    /// Zoom level.
    pub z: u8,
    /// Column, from the west.
    pub x: u32,
    /// Row, from the north.
    pub y: u32,
}

/// Why a tile address is not one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    /// The zoom level is beyond [`MAX_ZOOM`].
    #[error("zoom level {0} is beyond {MAX_ZOOM}")]
    Zoom(u8),
    /// A column or row is outside the zoom level's grid.
    #[error("{name} {value} is outside 0–{last} at zoom {z}")]
    Outside {
        /// `x` or `y`.
        name: &'static str,
        /// The value given.
        value: u32,
        /// The last column or row at this zoom.
        last: u32,
        /// The zoom level.
        z: u8,
    },
}

impl TileError {
    /// The address part at fault: `z`, `x` or `y`.
    pub fn part(&self) -> &'static str {
        match self {
            TileError::Zoom(_) => "z",
            TileError::Outside { name, .. } => name,
        }
    }
}

impl Tile {
    /// The tile `z/x/y`, if it exists.
    pub fn new(z: u8, x: u32, y: u32) -> Result<Tile, TileError> {
        if z > MAX_ZOOM {
            return Err(TileError::Zoom(z));
        }
        let last = (1u32 << z) - 1;
        for (name, value) in [("x", x), ("y", y)] {
            if value > last {
                return Err(TileError::Outside { name, value, last, z });
            }
        }
        Ok(Tile { z, x, y })
    }

    /// The tiles per side at this zoom.
    fn side(self) -> f64 {
        f64::from(1u32 << self.z)
    }

    /// Its bounds in longitude and latitude (inclusive, as every `bbox`); latitudes stop at ±85.0511°, the edge
    /// of the Web Mercator plane.
    pub fn bbox(self) -> Bbox {
        let lon = |x: u32| f64::from(x) / self.side() * 360.0 - 180.0;
        let lat = |y: u32| (PI * (1.0 - 2.0 * f64::from(y) / self.side())).sinh().atan().to_degrees();
        Bbox { min_lon: lon(self.x), min_lat: lat(self.y + 1), max_lon: lon(self.x + 1), max_lat: lat(self.y) }
    }

    /// Its bounds in Web Mercator metres: `[left, bottom, right, top]`.
    pub fn mercator_bounds(self) -> [f64; 4] {
        let size = 2.0 * HALF_WORLD / self.side();
        let left = -HALF_WORLD + f64::from(self.x) * size;
        let top = HALF_WORLD - f64::from(self.y) * size;
        [left, top - size, left + size, top]
    }
}

/// A longitude and latitude in Web Mercator metres (EPSG:3857).
pub fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let x = lon.to_radians() * HALF_WORLD / PI;
    let y = (PI / 4.0 + lat.to_radians() / 2.0).tan().ln() * HALF_WORLD / PI;
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_tiles_of_zoom_one_share_the_equator_and_the_prime_meridian() {
        let north_west = Tile::new(1, 0, 0).unwrap_or_else(|e| panic!("{e}")).bbox();
        assert_eq!((north_west.min_lon, north_west.max_lon), (-180.0, 0.0));
        assert!(north_west.min_lat.abs() < 1e-9);
        assert!((north_west.max_lat - 85.051_128_78).abs() < 1e-6);
        let south_east = Tile::new(1, 1, 1).unwrap_or_else(|e| panic!("{e}")).bbox();
        assert!((south_east.min_lat + 85.051_128_78).abs() < 1e-6);
    }

    #[test]
    fn a_point_in_a_tile_projects_inside_its_mercator_bounds() {
        let tile = Tile::new(8, 155, 101).unwrap_or_else(|e| panic!("{e}"));
        let b = tile.bbox();
        let (x, y) = mercator(f64::midpoint(b.min_lon, b.max_lon), f64::midpoint(b.min_lat, b.max_lat));
        let [left, bottom, right, top] = tile.mercator_bounds();
        assert!(left < x && x < right && bottom < y && y < top);
        let (x, y) = mercator(b.min_lon, b.max_lat);
        assert!((x - left).abs() < 1e-6 && (y - top).abs() < 1e-6, "the corners agree");
    }

    #[test]
    fn addresses_beyond_the_grid_name_the_part_at_fault() {
        assert_eq!(Tile::new(23, 0, 0).map_err(|e| e.part()), Err("z"));
        assert_eq!(Tile::new(3, 8, 0).map_err(|e| e.part()), Err("x"));
        assert_eq!(Tile::new(3, 0, 8).map_err(|e| e.part()), Err("y"));
        assert!(Tile::new(22, (1 << 22) - 1, 0).is_ok());
    }
}
