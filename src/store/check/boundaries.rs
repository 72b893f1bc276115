//! Country outlines (Natural Earth 10 m admin-0, German point of view; see `geodata/boundaries/README.md`) and the
//! test of a point against them: inside its country, at sea within the coastline tolerance, or somewhere else.

use std::fmt;
use std::sync::LazyLock;

use geo::{BoundingRect, Contains, Coord, Distance, Euclidean, MapCoords, MultiPolygon, Polygon, Rect};
use serde::Deserialize;

use crate::domain::{Country, Point};

/// How far off its country's coast a point may lie (port facilities, piers): 150 m.
pub const COASTLINE_TOLERANCE_M: f64 = 150.0;

/// The outlines shipped with the binary.
static SHIPPED: LazyLock<Result<Boundaries, BoundariesError>> =
    LazyLock::new(|| Boundaries::parse(include_bytes!("../../../geodata/boundaries/admin0.geojson")));

/// The shipped outlines, or why they could not be read.
pub fn shipped() -> Result<&'static Boundaries, &'static BoundariesError> {
    SHIPPED.as_ref()
}

/// Why a file of outlines could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BoundariesError {
    /// Not a GeoJSON `FeatureCollection` of `MultiPolygon`s with `iso_a2`, `name` and `clip` properties.
    #[error("the country outlines are unreadable: {0}")]
    Json(#[from] serde_json::Error),
}

/// One country's outline, possibly clipped to the region the checks need.
struct Outline {
    country: Country,
    name: String,
    shape: MultiPolygon<f64>,
    bounds: Option<Rect<f64>>,
    /// The box the outline was clipped to (`None`: the whole country).
    clip: Option<[f64; 4]>,
}

/// Country outlines to test points against.
pub struct Boundaries {
    outlines: Vec<Outline>,
}

/// Where a point lies relative to the country it should be in.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// Inside the country.
    Inside,
    /// At sea, within [`COASTLINE_TOLERANCE_M`] of the country's coast.
    OffCoastWithinTolerance {
        /// Distance to the coast in metres.
        metres: f64,
    },
    /// Inside another country's outline.
    InOtherCountry {
        /// That country.
        country: Country,
        /// Its name.
        name: String,
        /// Distance to the expected country, in metres.
        metres: f64,
    },
    /// At sea (inside no shipped outline), further than the tolerance from the expected country.
    AtSea {
        /// Distance to the expected country, in metres.
        metres: f64,
    },
    /// Outside the box the expected country's outline was clipped to, and inside no other outline: not checkable.
    BeyondShippedExtent {
        /// The box `[min lon, min lat, max lon, max lat]`.
        clip: [f64; 4],
    },
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Inside => f.write_str("inside"),
            Self::OffCoastWithinTolerance { metres: m } => write!(f, "{} off the coast", metres(*m)),
            Self::InOtherCountry { country, name, metres: m } => {
                write!(f, "lies in {name} ({country}), {} from the border", metres(*m))
            }
            Self::AtSea { metres: m } => write!(f, "lies at sea, {} off the coast", metres(*m)),
            Self::BeyondShippedExtent { clip: [west, south, east, north] } => {
                write!(f, "lies beyond the shipped outline, which covers only {west}..{east}°E, {south}..{north}°N")
            }
        }
    }
}

fn metres(m: f64) -> String {
    if m >= 10_000.0 { format!("{:.0} km", m / 1000.0) } else { format!("{m:.0} m") }
}

#[derive(Deserialize)]
struct FileRepr {
    features: Vec<FeatureRepr>,
}

#[derive(Deserialize)]
struct FeatureRepr {
    properties: PropertiesRepr,
    geometry: GeometryRepr,
}

#[derive(Deserialize)]
struct PropertiesRepr {
    iso_a2: Country,
    name: String,
    clip: Option<[f64; 4]>,
}

#[derive(Deserialize)]
struct GeometryRepr {
    coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

impl Boundaries {
    /// Reads a GeoJSON `FeatureCollection` of `MultiPolygon`s with `iso_a2`, `name` and `clip` properties.
    pub fn parse(bytes: &[u8]) -> Result<Boundaries, BoundariesError> {
        let file: FileRepr = serde_json::from_slice(bytes)?;
        let outlines = file
            .features
            .into_iter()
            .map(|feature| {
                let polygons = feature.geometry.coordinates.into_iter().filter_map(|rings| {
                    let mut rings = rings.into_iter().map(|ring| ring.into_iter().map(Coord::from).collect());
                    Some(Polygon::new(rings.next()?, rings.collect()))
                });
                let shape = MultiPolygon::new(polygons.collect());
                let bounds = shape.bounding_rect();
                let PropertiesRepr { iso_a2: country, name, clip } = feature.properties;
                Outline { country, name, shape, bounds, clip }
            })
            .collect();
        Ok(Boundaries { outlines })
    }

    /// Whether an outline of `country` is shipped.
    pub fn knows(&self, country: Country) -> bool {
        self.outlines.iter().any(|o| o.country == country)
    }

    /// Where `point` lies relative to `expected`.
    pub fn place(&self, point: Point, expected: Country) -> Placement {
        let at = geo::Point::new(point.lon, point.lat);
        let containing =
            self.outlines.iter().filter(|o| o.bounds.is_some_and(|b| b.contains(&at)) && o.shape.contains(&at));
        let mut other = None;
        for outline in containing {
            if outline.country == expected {
                return Placement::Inside;
            }
            other.get_or_insert(outline);
        }
        let own: Vec<&Outline> = self.outlines.iter().filter(|o| o.country == expected).collect();
        let distance = own.iter().map(|o| distance_m(point, &o.shape)).fold(f64::INFINITY, f64::min);
        if let Some(o) = other {
            return Placement::InOtherCountry { country: o.country, name: o.name.clone(), metres: distance };
        }
        let beyond = own.iter().find_map(|o| {
            o.clip.filter(|[west, south, east, north]| {
                !(*west..=*east).contains(&point.lon) || !(*south..=*north).contains(&point.lat)
            })
        });
        match beyond {
            Some(clip) => Placement::BeyondShippedExtent { clip },
            None if distance <= COASTLINE_TOLERANCE_M => Placement::OffCoastWithinTolerance { metres: distance },
            None => Placement::AtSea { metres: distance },
        }
    }
}

/// Distance in metres from `point` to `shape`, in a local equirectangular projection centred on the point (exact
/// enough at the few-kilometre scale the messages need).
fn distance_m(point: Point, shape: &MultiPolygon<f64>) -> f64 {
    const METRES_PER_DEGREE: f64 = 111_320.0;
    let scale_x = point.lat.to_radians().cos() * METRES_PER_DEGREE;
    let local =
        shape.map_coords(|c| Coord { x: (c.x - point.lon) * scale_x, y: (c.y - point.lat) * METRES_PER_DEGREE });
    let origin = geo::Point::new(0.0, 0.0);
    local.0.iter().map(|polygon| Euclidean.distance(&origin, polygon)).fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> &'static Boundaries {
        super::shipped().unwrap()
    }

    const SY: Country = Country::SYRIA;

    #[test]
    fn damascus_and_the_golan_lie_in_syria() {
        assert_eq!(shipped().place(Point { lon: 36.2919, lat: 33.5131 }, SY), Placement::Inside);
        // The Syrian side of Mount Hermon and Quneitra: Syria in the German point of view.
        assert_eq!(shipped().place(Point { lon: 35.82, lat: 33.13 }, SY), Placement::Inside);
    }

    #[test]
    fn the_old_kobani_point_lies_in_turkey_half_a_kilometre_from_syria() {
        let Placement::InOtherCountry { country, metres: m, .. } =
            shipped().place(Point { lon: 38.355, lat: 36.891 }, SY)
        else {
            panic!("Kobani's old point is not in Turkey");
        };
        assert_eq!(country.as_str(), "TR");
        assert!((300.0..800.0).contains(&m), "{m}");
    }

    #[test]
    fn the_tartus_city_point_is_at_sea_beyond_the_tolerance_and_the_facility_is_not() {
        let Placement::AtSea { metres: m } = shipped().place(Point { lon: 35.883, lat: 34.883 }, SY) else {
            panic!("Tartus city point is not at sea");
        };
        assert!(m > COASTLINE_TOLERANCE_M && m < 1000.0, "{m}");
        assert_eq!(shipped().place(Point { lon: 35.87408, lat: 34.91385 }, SY), Placement::Inside);
    }

    #[test]
    fn a_point_just_off_the_coast_is_within_the_tolerance_and_one_further_out_is_not() {
        // Off Tartus, 64 m and 107 m from the outline's coast (measured with shapely from the same file).
        for (lon, lat) in [(35.884_433, 34.883_647), (35.884_024, 34.883_462)] {
            let placement = shipped().place(Point { lon, lat }, SY);
            let Placement::OffCoastWithinTolerance { metres } = placement else {
                panic!("[{lon}, {lat}] is {placement:?}");
            };
            assert!(metres > 30.0 && metres < COASTLINE_TOLERANCE_M, "{metres}");
        }
    }

    #[test]
    fn a_point_beyond_a_clipped_outline_is_not_called_at_sea() {
        let ru: Country = "RU".parse().unwrap();
        let sochi = Point { lon: 39.72, lat: 43.59 };
        assert!(matches!(shipped().place(sochi, ru), Placement::BeyondShippedExtent { .. }));
    }

    #[test]
    fn moscow_lies_in_russia_and_not_in_syria() {
        let ru: Country = "RU".parse().unwrap();
        let moscow = Point { lon: 37.6173, lat: 55.7558 };
        assert_eq!(shipped().place(moscow, ru), Placement::Inside);
        assert!(matches!(shipped().place(moscow, SY), Placement::InOtherCountry { .. }));
    }
}
