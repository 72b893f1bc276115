//! Query parameters, parsed at the edge into typed values (`Bbox`, `Datetime`, limits, filters, formats).
//!
//! Every endpoint lists the parameters it takes; anything else, a repeated parameter or a bad value is a `400`
//! that names the parameter.

use std::collections::BTreeMap;

use crate::domain::{Bbox, Datetime, DaySpan};
use crate::map::state::MapState;
use crate::store::query::DEFAULT_LIMIT;
use crate::store::{FeatureProvider, Filter, MAX_LIMIT, PropertyFilter, Queryable, SortOrder};

use super::error::ApiError;

/// The only CRS accepted for `bbox-crs`.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// The parameters of the JSON documents that take no filter: the format and the language.
pub const JSON_PARAMETERS: [&str; 2] = ["f", "lang"];

/// The longest value of any API parameter, in bytes (decoded). No real value comes near it: the longest are
/// oEmbed's `url` (a map URL, itself bounded by the page limits) and comma-separated filter values.
pub const MAX_VALUE_BYTES: usize = 4096;

/// Parameters of one request, checked against what the endpoint takes.
#[derive(Debug, Default)]
pub struct Params {
    pairs: BTreeMap<String, String>,
}

impl Params {
    /// Parses a query string; rejects parameters not in `allowed`, parameters given twice and values over
    /// [`MAX_VALUE_BYTES`].
    pub fn parse(query_string: &str, allowed: &[&str]) -> Result<Params, ApiError> {
        let mut pairs = BTreeMap::new();
        for (name, value) in form_urlencoded::parse(query_string.as_bytes()) {
            if !allowed.contains(&name.as_ref()) {
                return Err(ApiError::UnknownParameter { parameter: name.into_owned(), allowed: allowed.join(", ") });
            }
            if value.len() > MAX_VALUE_BYTES {
                return Err(ApiError::invalid(&name, format!("at most {MAX_VALUE_BYTES} bytes")));
            }
            if pairs.insert(name.to_string(), value.into_owned()).is_some() {
                return Err(ApiError::RepeatedParameter(name.into_owned()));
            }
        }
        Ok(Params { pairs })
    }

    /// The raw value of `name`, if given.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.pairs.get(name).map(String::as_str)
    }

    /// All parameters except `skip`, for building paging links.
    pub fn without<'a>(&'a self, skip: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.pairs.iter().filter(move |(k, _)| k.as_str() != skip).map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `here` with these parameters, `name` set to `value` (paging and alternate-format links).
    pub fn link_with(&self, here: &str, name: &str, value: &str) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(self.without(name));
        query.append_pair(name, value);
        format!("{here}?{}", query.finish())
    }

    /// `bbox`, if given.
    pub fn bbox(&self) -> Result<Option<Bbox>, ApiError> {
        if let Some(crs) = self.raw("bbox-crs")
            && crs != CRS84
        {
            return Err(ApiError::invalid("bbox-crs", format!("only {CRS84} (WGS84 lon/lat) is supported")));
        }
        self.raw("bbox").map(|raw| Bbox::parse(raw).map_err(|e| ApiError::invalid("bbox", e))).transpose()
    }

    /// `datetime`, if given.
    pub fn datetime(&self) -> Result<Option<Datetime>, ApiError> {
        self.raw("datetime").map(|raw| Datetime::parse(raw).map_err(|e| ApiError::invalid("datetime", e))).transpose()
    }

    /// `limit`: default 10; 1 or more; values above the maximum are clamped to it.
    pub fn limit(&self) -> Result<usize, ApiError> {
        let Some(raw) = self.raw("limit") else {
            return Ok(DEFAULT_LIMIT);
        };
        match raw.trim().parse::<u64>() {
            Ok(0) => Err(ApiError::invalid("limit", "must be at least 1")),
            Ok(n) => Ok(usize::try_from(n).unwrap_or(MAX_LIMIT).min(MAX_LIMIT)),
            // All digits but too large for u64: clamp like any other large limit.
            Err(_) if !raw.trim().is_empty() && raw.trim().bytes().all(|b| b.is_ascii_digit()) => Ok(MAX_LIMIT),
            Err(_) => Err(ApiError::invalid("limit", format!("`{raw}` is not a positive whole number"))),
        }
    }

    /// `offset`: default 0.
    pub fn offset(&self) -> Result<usize, ApiError> {
        let Some(raw) = self.raw("offset") else {
            return Ok(0);
        };
        match raw.trim().parse::<usize>() {
            Ok(n) => Ok(n),
            // All digits but beyond usize: past the end of any collection, like any other large offset.
            Err(_) if !raw.trim().is_empty() && raw.trim().bytes().all(|b| b.is_ascii_digit()) => Ok(usize::MAX),
            Err(_) => Err(ApiError::invalid("offset", format!("`{raw}` is not a whole number of 0 or more"))),
        }
    }

    /// `sortby`: `start`/`+start` (default) or `-start`.
    pub fn sort(&self) -> Result<SortOrder, ApiError> {
        match self.raw("sortby").map(str::trim) {
            None | Some("start" | "+start") => Ok(SortOrder::StartAscending),
            Some("-start") => Ok(SortOrder::StartDescending),
            Some(other) => Err(ApiError::invalid("sortby", format!("`{other}`: use `start`, `+start` or `-start`"))),
        }
    }

    /// The output format from `f`, one of `formats` (the first is the default).
    pub fn format(&self, formats: &[&'static str]) -> Result<&'static str, ApiError> {
        match self.raw("f") {
            None => Ok(formats[0]),
            Some(raw) => formats
                .iter()
                .copied()
                .find(|f| *f == raw)
                .ok_or_else(|| ApiError::invalid("f", format!("`{raw}`: use one of {}", formats.join(", ")))),
        }
    }

    /// The whole filter for a collection: bbox, datetime, property filters and sort order.
    pub fn filter(&self, collection: &dyn FeatureProvider) -> Result<Filter, ApiError> {
        let mut properties = Vec::new();
        for &queryable in collection.queryables() {
            if let Some(raw) = self.raw(queryable.name()) {
                let values: Vec<String> =
                    raw.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect();
                if values.is_empty() {
                    return Err(ApiError::invalid(queryable.name(), "give one or more comma-separated values"));
                }
                // Closed vocabularies are checked (a typo is an error); free text may simply match nothing.
                if let Some(vocabulary) = queryable.vocabulary()
                    && let Some(unknown) = values.iter().find(|v| !vocabulary.contains(&v.as_str()))
                {
                    return Err(ApiError::invalid(
                        queryable.name(),
                        format!("`{unknown}` is not one of: {}", vocabulary.join(", ")),
                    ));
                }
                properties.push(PropertyFilter { queryable, values });
            }
        }
        Ok(Filter { bbox: self.bbox()?, datetime: self.datetime()?, properties, sort: self.sort()? })
    }
}

/// A map state as the web map reads it from a query (the same defaults and clamps), except that a value the map
/// would ignore is a `400` naming it: the API's endpoints that take a map state (`static.png`, `listed`) are
/// strict where a page is forgiving.
pub fn map_state(query: &str, timeline: DaySpan) -> Result<MapState, ApiError> {
    let parsed = MapState::parse(query, timeline);
    match parsed.rejected.into_iter().next() {
        Some(rejected) => Err(ApiError::invalid(rejected.parameter, rejected.reason)),
        None => Ok(parsed.state),
    }
}

/// The parameters a filterable endpoint of `collection` takes: the common ones plus its queryables.
pub fn filter_parameters<'a>(common: &[&'a str], collection: &'a dyn FeatureProvider) -> Vec<&'a str> {
    let mut all: Vec<&str> = common.to_vec();
    all.extend(collection.queryables().iter().map(|q: &Queryable| q.name()));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(qs: &str) -> Params {
        Params::parse(qs, &["limit", "offset", "f", "bbox", "datetime", "sortby", "bbox-crs"]).unwrap()
    }

    #[test]
    fn a_missing_limit_defaults_to_ten_and_a_huge_one_is_clamped() {
        assert_eq!(params("").limit().unwrap(), 10);
        assert_eq!(params("limit=50000").limit().unwrap(), MAX_LIMIT);
        assert_eq!(params("limit=99999999999999999999999").limit().unwrap(), MAX_LIMIT);
        assert_eq!(params("limit=3").limit().unwrap(), 3);
    }

    #[test]
    fn a_zero_negative_or_fractional_limit_is_rejected_by_name() {
        for qs in ["limit=0", "limit=-1", "limit=abc", "limit=2.5", "limit="] {
            let err = params(qs).limit().unwrap_err();
            assert!(matches!(err, ApiError::InvalidParameter { ref parameter, .. } if parameter == "limit"), "{qs}");
        }
    }

    #[test]
    fn unknown_and_repeated_parameters_are_rejected() {
        assert!(matches!(Params::parse("colour=red", &["limit"]), Err(ApiError::UnknownParameter { .. })));
        assert!(matches!(Params::parse("limit=1&limit=2", &["limit"]), Err(ApiError::RepeatedParameter(_))));
    }

    #[test]
    fn an_over_long_value_is_rejected_by_name() {
        let err = Params::parse(&format!("limit={}", "9".repeat(MAX_VALUE_BYTES + 1)), &["limit"]).unwrap_err();
        assert!(matches!(err, ApiError::InvalidParameter { ref parameter, .. } if parameter == "limit"));
    }

    #[test]
    fn percent_encoded_values_are_decoded() {
        let p = params("datetime=2024-12-08%2F..");
        assert_eq!(p.datetime().unwrap().unwrap().to_string(), "2024-12-08/..");
    }

    #[test]
    fn only_crs84_is_accepted_as_bbox_crs() {
        assert!(
            params("bbox=35,32,43,38&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4326")
                .bbox()
                .is_err()
        );
        assert!(params(&format!("bbox=35,32,43,38&bbox-crs={CRS84}")).bbox().unwrap().is_some());
    }

    #[test]
    fn sortby_accepts_start_in_both_directions() {
        assert_eq!(params("sortby=-start").sort().unwrap(), SortOrder::StartDescending);
        assert_eq!(params("sortby=%2Bstart").sort().unwrap(), SortOrder::StartAscending);
        assert!(params("sortby=name").sort().is_err());
    }
}
