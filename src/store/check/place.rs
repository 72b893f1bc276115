//! Place rules: a location claims no more than its sources give, and lies in the country (and on the land) they
//! say. Sites and strikes are in Syria; a located event names its `country`.

use super::Findings;
use super::boundaries::{self, COASTLINE_TOLERANCE_M, Placement};
use crate::domain::{Country, Feature, LocationPrecision};
use crate::store::catalog::Role;

/// Checks the location of one feature.
pub(super) fn check(feature: &Feature, role: Role, out: &mut Findings<'_>) {
    let id = Some(feature.id.as_str());
    let p = &feature.properties;
    let d = p.details();
    match (&feature.geometry, p.location_precision) {
        (None, precision) if precision != LocationPrecision::Unknown => out.add(
            id,
            "properties.location_precision",
            format!("is `{}` but geometry is null: use `unknown`", precision.as_str()),
        ),
        (Some(_), LocationPrecision::Unknown) => {
            out.add(id, "geometry", "a feature with location_precision `unknown` must have null geometry");
        }
        _ => {}
    }
    if p.location_unsourced && d.location_note.is_none() {
        out.add(
            id,
            "properties.location_note",
            "an unsourced coordinate needs a note saying where the estimate comes from",
        );
    }
    if p.location_unsourced && p.location_precision == LocationPrecision::ExactFacility {
        out.add(
            id,
            "properties.location_precision",
            "is `exact-facility` but the coordinate is unsourced (`location_unsourced`): an estimate is at best `town` \
             or `district`",
        );
    }
    let expected = match (role, d.country) {
        (Role::Strike | Role::SiteStatus, Some(country)) if country != Country::SYRIA => {
            out.add(id, "properties.country", format!("is `{country}`, but sites and strikes are in Syria (`SY`)"));
            return;
        }
        (Role::Strike | Role::SiteStatus, _) => Country::SYRIA,
        (Role::Event, Some(country)) => country,
        (Role::Event, None) => {
            if feature.geometry.is_some() {
                out.add(id, "properties.country", "is required for a located event (ISO 3166-1 alpha-2, e.g. `SY`)");
            }
            return;
        }
    };
    let Some(point) = feature.geometry else { return };
    let outlines = match boundaries::shipped() {
        Ok(outlines) => outlines,
        Err(err) => {
            out.add(id, "geometry", format!("cannot be checked: {err}"));
            return;
        }
    };
    if !outlines.knows(expected) {
        out.add(
            id,
            "properties.country",
            format!("no outline of `{expected}` is shipped in geodata/boundaries: add it (see its README)"),
        );
        return;
    }
    let placement = outlines.place(point, expected);
    let (field, advice) = match placement {
        Placement::Inside | Placement::OffCoastWithinTolerance { .. } => return,
        Placement::BeyondShippedExtent { .. } => {
            ("properties.country", "cannot be checked: extend the outline in geodata/boundaries/build.py")
        }
        Placement::InOtherCountry { .. } | Placement::AtSea { .. } => {
            ("geometry", "move it to where the sources put it, or check the order [lon, lat] and the digits")
        }
    };
    let country = if expected == Country::SYRIA { "Syria".to_owned() } else { format!("its country `{expected}`") };
    out.add(
        id,
        field,
        format!(
            "[{}, {}] is outside {country}: it {placement} (coastline tolerance {COASTLINE_TOLERANCE_M} m); {advice}",
            point.lon, point.lat
        ),
    );
}
