//! Bounding boxes in WGS84 longitude/latitude (OGC CRS84), as the `bbox` query parameter gives them.

use std::fmt;

/// A WGS84 bounding box `[min_lon, min_lat, max_lon, max_lat]`, ends inclusive.
///
/// A box whose `min_lon` is greater than its `max_lon` crosses the antimeridian.
///
/// ```
/// use footprint::domain::Bbox;
/// let syria = Bbox::parse("35.5,32.3,42.4,37.4").unwrap();
/// assert!(syria.contains(35.945, 35.41167)); // Khmeimim
/// assert!(Bbox::parse("35.5,32.3,42.4").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bbox {
    /// Western edge (longitude, degrees).
    pub min_lon: f64,
    /// Southern edge (latitude, degrees).
    pub min_lat: f64,
    /// Eastern edge (longitude, degrees).
    pub max_lon: f64,
    /// Northern edge (latitude, degrees).
    pub max_lat: f64,
}

/// Why a `bbox` value could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BboxError {
    /// Not 4 (or 6, with heights) comma-separated numbers.
    #[error("expected 4 comma-separated numbers (min lon, min lat, max lon, max lat) or 6 with heights, got {0}")]
    Arity(usize),
    /// One of the values is not a finite number.
    #[error("`{0}` is not a finite number")]
    NotANumber(String),
    /// A longitude outside [-180, 180] or latitude outside [-90, 90].
    #[error("{0} is out of range (longitude -180..180, latitude -90..90)")]
    OutOfRange(&'static str),
    /// The southern edge lies north of the northern edge.
    #[error("the minimum latitude is greater than the maximum latitude")]
    LatitudeReversed,
}

impl Bbox {
    /// Parses `minlon,minlat,maxlon,maxlat` (or the 6-number form with heights, which are ignored).
    pub fn parse(input: &str) -> Result<Bbox, BboxError> {
        let values = input
            .split(',')
            .map(|part| {
                let part = part.trim();
                part.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| BboxError::NotANumber(part.to_owned()))
            })
            .collect::<Result<Vec<f64>, _>>();
        let values = match values {
            Ok(values) => values,
            Err(err) if input.split(',').count() == 4 || input.split(',').count() == 6 => {
                return Err(err);
            }
            Err(_) => return Err(BboxError::Arity(input.split(',').count())),
        };
        let (min_lon, min_lat, max_lon, max_lat) = match values.as_slice() {
            [a, b, c, d] | [a, b, _, c, d, _] => (*a, *b, *c, *d),
            other => return Err(BboxError::Arity(other.len())),
        };
        for (value, name, limit) in [
            (min_lon, "the minimum longitude", 180.0),
            (max_lon, "the maximum longitude", 180.0),
            (min_lat, "the minimum latitude", 90.0),
            (max_lat, "the maximum latitude", 90.0),
        ] {
            if !(-limit..=limit).contains(&value) {
                return Err(BboxError::OutOfRange(name));
            }
        }
        if min_lat > max_lat {
            return Err(BboxError::LatitudeReversed);
        }
        Ok(Bbox { min_lon, min_lat, max_lon, max_lat })
    }

    /// Whether the box crosses the antimeridian (its western edge is east of its eastern edge).
    pub fn crosses_antimeridian(&self) -> bool {
        self.min_lon > self.max_lon
    }

    /// The box as one or two boxes that do not cross the antimeridian.
    pub fn split_at_antimeridian(&self) -> Vec<Bbox> {
        if self.crosses_antimeridian() {
            vec![Bbox { max_lon: 180.0, ..*self }, Bbox { min_lon: -180.0, ..*self }]
        } else {
            vec![*self]
        }
    }

    /// Whether the point `(lon, lat)` lies in the box (edges inclusive).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let lon_ok = if self.crosses_antimeridian() {
            lon >= self.min_lon || lon <= self.max_lon
        } else {
            (self.min_lon..=self.max_lon).contains(&lon)
        };
        lon_ok && (self.min_lat..=self.max_lat).contains(&lat)
    }
}

impl fmt::Display for Bbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{},{}", self.min_lon, self.min_lat, self.max_lon, self.max_lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_four_number_bbox_parses_in_lon_lat_order() {
        let b = Bbox::parse(" 35.5, 32.3 ,42.4,37.4").unwrap();
        assert_eq!(b, Bbox { min_lon: 35.5, min_lat: 32.3, max_lon: 42.4, max_lat: 37.4 });
        assert!(b.contains(35.87408, 34.91385));
        assert!(!b.contains(37.6173, 55.7558), "Moscow is outside Syria");
    }

    #[test]
    fn a_six_number_bbox_ignores_heights() {
        let b = Bbox::parse("35,32,-100,43,38,100").unwrap();
        assert_eq!(b, Bbox { min_lon: 35.0, min_lat: 32.0, max_lon: 43.0, max_lat: 38.0 });
    }

    #[test]
    fn bbox_edges_are_inclusive() {
        let b = Bbox::parse("35,32,43,38").unwrap();
        assert!(b.contains(35.0, 32.0) && b.contains(43.0, 38.0));
    }

    #[test]
    fn a_bbox_crossing_the_antimeridian_splits_in_two() {
        let b = Bbox::parse("170,-10,-170,10").unwrap();
        assert!(b.crosses_antimeridian());
        assert!(b.contains(175.0, 0.0) && b.contains(-175.0, 0.0) && !b.contains(0.0, 0.0));
        assert_eq!(b.split_at_antimeridian().len(), 2);
    }

    #[test]
    fn malformed_bboxes_are_rejected_with_reasons() {
        assert_eq!(Bbox::parse("1,2,3"), Err(BboxError::Arity(3)));
        assert_eq!(Bbox::parse("1,2,3,x"), Err(BboxError::NotANumber("x".into())));
        assert_eq!(Bbox::parse("1,2,3,NaN"), Err(BboxError::NotANumber("NaN".into())));
        assert_eq!(Bbox::parse("1,2,3,inf"), Err(BboxError::NotANumber("inf".into())));
        assert_eq!(Bbox::parse("0,95,1,96"), Err(BboxError::OutOfRange("the minimum latitude")));
        assert_eq!(Bbox::parse("0,10,181,20"), Err(BboxError::OutOfRange("the maximum longitude")));
        assert_eq!(Bbox::parse("0,20,1,10"), Err(BboxError::LatitudeReversed));
        assert_eq!(Bbox::parse(""), Err(BboxError::Arity(1)));
    }
}
