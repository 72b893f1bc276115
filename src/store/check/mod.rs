//! Data checks: every rule a curated layer must follow, reported as `file: feature id: field: what is wrong`.
//!
//! One file per concern: [`dates`] (precision and sourced days), [`place`] (country and land, against
//! [`boundaries`]), [`sources`] (dated, at the publisher's own address), [`claims`] (attributions, denials,
//! casualty ranges, required fields). `geodata/METHODOLOGY.md` explains each rule to editors.

pub mod boundaries;
mod claims;
mod dates;
mod place;
pub mod sources;

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use crate::domain::{DaySpan, Feature};
pub use sources::Publishers;

use super::catalog::Role;
use super::columns::Columns;
use super::query::Queryable;

/// One problem found in a data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the data directory.
    pub file: String,
    /// The feature id (or `#index` when it has none); `None` for file-level problems.
    pub feature: Option<String>,
    /// The field (a dotted path such as `properties.start`), or `-` for the whole item.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let feature = self.feature.as_deref().unwrap_or("-");
        write!(f, "{}: {}: {}: {}", self.file, feature, self.field, self.message)
    }
}

/// Collects problems for one file.
pub(crate) struct Findings<'a> {
    file: &'a str,
    pub(crate) problems: &'a mut Vec<Problem>,
}

impl<'a> Findings<'a> {
    pub(crate) fn new(file: &'a str, problems: &'a mut Vec<Problem>) -> Self {
        Findings { file, problems }
    }

    pub(crate) fn add(&mut self, feature: Option<&str>, field: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_owned(),
            feature: feature.map(str::to_owned),
            field: field.to_owned(),
            message: message.into(),
        });
    }
}

/// What a feature is checked against besides itself: its collection's role and the publisher registry.
#[derive(Clone, Copy)]
pub(crate) struct Rules<'a> {
    /// What the features of the collection are.
    pub(crate) role: Role,
    /// The publishers and mirrors (`publishers.json`).
    pub(crate) publishers: &'a Publishers,
}

/// The longest feature id: ids appear in URLs, file names and the corrections feed.
pub const MAX_ID_LEN: usize = 64;

/// Checks one parsed feature's own rules (id, dates, place, sources, claims).
pub(crate) fn check_feature(
    feature: &Feature,
    time: Option<&serde_json::Value>,
    rules: Rules<'_>,
    out: &mut Findings<'_>,
) {
    let id = Some(feature.id.as_str());
    let p = &feature.properties;
    if feature.id.is_empty() {
        out.add(id, "id", "must not be empty");
    } else if feature.id.len() > MAX_ID_LEN {
        out.add(id, "id", format!("is {} bytes long: ids are at most {MAX_ID_LEN}", feature.id.len()));
    }
    if !feature.id.is_empty() && feature.id.chars().all(|c| c == '.') {
        out.add(id, "id", "is only dots, which URLs resolve away (`/items/..`)");
    }
    if let Some(bad) = feature.id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))) {
        out.add(id, "id", format!("contains {bad:?}: ids use only ASCII letters, digits and - . _ ~ (URL-safe)"));
    }
    if p.name.en.trim().is_empty() {
        out.add(id, "properties.name.en", "must not be empty");
    }
    if let Ok(record) = serde_json::to_value(p) {
        control_characters(&record, "properties", id, out);
    }
    dates::check(feature, time, rules.role, out);
    place::check(feature, rules.role, out);
    sources::check(feature, rules.publishers, out);
    claims::check(feature, rules.role, out);
}

/// Reports text with control characters (other than tab and line breaks): invisible to editors, and not allowed in
/// XML, so one would break the Atom feed for every reader.
fn control_characters(value: &serde_json::Value, path: &str, id: Option<&str>, out: &mut Findings<'_>) {
    match value {
        serde_json::Value::String(text) => {
            if let Some(c) = text.chars().find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
                out.add(id, path, format!("contains the control character U+{:04X}", u32::from(c)));
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                control_characters(item, &format!("{path}[{i}]"), id, out);
            }
        }
        serde_json::Value::Object(members) => {
            for (name, member) in members {
                control_characters(member, &format!("{path}.{name}"), id, out);
            }
        }
        _ => {}
    }
}

/// What the rules across a collection read of each feature (a collection's columns give it without the features).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Member<'a> {
    /// The feature's id.
    pub id: &'a str,
    /// The site a status period belongs to.
    pub site_id: Option<&'a str>,
    /// Its days.
    pub span: DaySpan,
}

impl<'a> Member<'a> {
    /// What the rules read of `feature`.
    pub fn of(feature: &'a Feature) -> Member<'a> {
        Member { id: &feature.id, site_id: feature.properties.details().site_id.as_deref(), span: feature.span() }
    }

    /// What the rules read of a feature's row.
    pub fn of_row(row: &'a super::columns::Row) -> Member<'a> {
        let site_id = row.values().get(Queryable::SiteId.index()).and_then(Option::as_deref);
        Member { id: &row.id, site_id, span: row.span }
    }

    /// What the rules read of row `row` of a collection's columns.
    pub fn at(columns: &'a Columns, row: usize) -> Member<'a> {
        Member { id: columns.id(row), site_id: columns.value(Queryable::SiteId, row), span: columns.span(row) }
    }
}

/// Checks rules across a collection: unique ids, non-overlapping status periods per site.
pub(crate) fn check_collection<'a, I>(members: I, role: Role, out: &mut Findings<'_>)
where
    I: IntoIterator<Item = Member<'a>>,
    I::IntoIter: Clone,
{
    let members = members.into_iter();
    let mut seen = HashSet::new();
    for member in members.clone() {
        if !seen.insert(member.id) {
            out.add(Some(member.id), "id", "duplicate id in this collection");
        }
    }
    if role == Role::SiteStatus {
        let mut by_site: BTreeMap<&str, Vec<Member<'_>>> = BTreeMap::new();
        for member in members {
            if let Some(site) = member.site_id {
                by_site.entry(site).or_default().push(member);
            }
        }
        for periods in by_site.values_mut() {
            periods.sort_by_key(|m| m.span.first);
            for pair in periods.windows(2) {
                if pair[0].span.intersects(pair[1].span) {
                    out.add(
                        Some(pair[1].id),
                        "properties.start",
                        format!("overlaps the previous status period `{}` of the same site", pair[0].id),
                    );
                }
            }
        }
    }
}
