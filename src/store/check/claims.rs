//! Claim rules: who said what is attributed to a source, denials weigh on confidence, and conflicting casualty
//! figures are kept as a range over every figure that has a source.

use super::Findings;
use crate::domain::{Confidence, Feature, Range, Stance};
use crate::store::catalog::Role;

/// Checks attributions, casualties and the fields a role requires.
pub(super) fn check(feature: &Feature, role: Role, out: &mut Findings<'_>) {
    let id = Some(feature.id.as_str());
    let p = &feature.properties;
    let d = p.details();
    let n_sources = p.sources.len();
    for (i, claim) in d.attribution.iter().enumerate() {
        if usize::from(claim.source) >= n_sources {
            out.add(
                id,
                &format!("properties.attribution[{i}].source"),
                format!("index {} but the feature has {n_sources} sources", claim.source),
            );
        }
        if claim.by.trim().is_empty() {
            out.add(id, &format!("properties.attribution[{i}].by"), "must say who took the stance");
        }
    }
    if p.confidence == Confidence::High
        && let Some(denial) = d.attribution.iter().find(|c| c.stance == Stance::Denied)
    {
        out.add(
            id,
            "properties.confidence",
            format!(
                "is `high`, but the claim is denied by {} (stance `denied`): a denied claim is at most `medium`",
                denial.by
            ),
        );
    }
    if let Some(casualties) = &d.casualties {
        for (name, range) in [("killed", &casualties.killed), ("injured", &casualties.injured)] {
            if let Some(range) = range {
                check_range(range, &format!("properties.casualties.{name}"), n_sources, id, out);
            }
        }
    }
    let (required, why): (&[(&str, bool)], &str) = match role {
        Role::SiteStatus => (
            &[
                ("properties.site_id", d.site_id.is_none()),
                ("properties.status", p.status.is_none()),
                ("properties.operator", d.operator.is_none()),
            ],
            "is required for a site status period",
        ),
        Role::Strike => (
            &[
                ("properties.target", d.target.is_none()),
                ("properties.actor", d.actor.is_none()),
                ("properties.attribution", d.attribution.is_empty()),
            ],
            "is required for a strike (who is said to have hit what, according to whom)",
        ),
        Role::Event => (&[], ""),
    };
    for (field, missing) in required {
        if *missing {
            out.add(id, field, why);
        }
    }
}

/// A range spans exactly its reports, each of which cites one of the feature's sources.
fn check_range(range: &Range, field: &str, n_sources: usize, id: Option<&str>, out: &mut Findings<'_>) {
    let (lo, hi) = range.reports.iter().fold((u32::MAX, 0), |(lo, hi), r| (lo.min(r.count), hi.max(r.count)));
    if range.reports.is_empty() {
        out.add(id, &format!("{field}.reports"), "a range needs at least one report");
    } else if (range.min, range.max) != (lo, hi) {
        out.add(id, field, format!("min/max {}–{} differ from the reports' {lo}–{hi}", range.min, range.max));
    }
    for (i, report) in range.reports.iter().enumerate() {
        if usize::from(report.source) >= n_sources {
            out.add(
                id,
                &format!("{field}.reports[{i}].source"),
                format!(
                    "index {} but the feature has {n_sources} sources: a figure without a source URL goes in notes",
                    report.source
                ),
            );
        }
    }
}
