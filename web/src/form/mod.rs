//! The editor's form as plain data: which fields a feature has (one list, [`FIELDS`] and [`LISTS`], from which
//! the page builds its controls), a feature's JSON turned into the text of those fields ([`Form::from_feature`])
//! and back ([`Form::to_feature`]), and where a problem the server reports belongs ([`field_for_problem`]).
//! Host-tested: every curated feature survives the round trip through the form unchanged ([`convert`]).

use std::collections::BTreeMap;

use footprint::domain::{Confidence, DateBasis, DatePrecision, LocationPrecision, Stance, Status};

mod convert;

/// How a field is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Widget {
    /// One line of text.
    Text,
    /// Several lines.
    LongText,
    /// A day (`YYYY-MM-DD`).
    Date,
    /// A number (coordinates, counts).
    Number,
    /// One of these values (each labelled by `{prefix}{value}` in the catalog); a new row asks for a choice.
    Choice(&'static str, &'static [&'static str]),
    /// One of these values, or none.
    OptionalChoice(&'static str, &'static [&'static str]),
    /// Yes or no.
    Check,
}

/// One field.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// Its key in [`Form::values`] (also the end of its element id).
    pub key: &'static str,
    /// The catalog key of its label.
    pub label: &'static str,
    /// How it is edited.
    pub widget: Widget,
    /// The language its text is in (`ar` is written right to left), if it is a translation.
    pub lang: Option<&'static str>,
    /// The collections that have it (empty: every collection).
    pub only: &'static [&'static str],
    /// The path a problem with it is reported at.
    pub path: &'static str,
}

const fn field(key: &'static str, label: &'static str, widget: Widget, path: &'static str) -> Field {
    Field { key, label, widget, lang: None, only: &[], path }
}

/// Every single-valued field, in the order of the form.
pub const FIELDS: [Field; 31] = [
    Field { lang: Some("en"), ..field("name.en", "edit.field.name_en", Widget::Text, "properties.name.en") },
    Field { lang: Some("ar"), ..field("name.ar", "edit.field.name_ar", Widget::Text, "properties.name.ar") },
    Field { lang: Some("ru"), ..field("name.ru", "edit.field.name_ru", Widget::Text, "properties.name.ru") },
    field("kind", "edit.field.kind", Widget::Text, "properties.kind"),
    Field {
        only: &["sites"],
        ..field("status", "edit.field.status", Widget::OptionalChoice("status.", &Status::NAMES), "properties.status")
    },
    Field { only: &["sites"], ..field("site_id", "edit.field.site_id", Widget::Text, "properties.site_id") },
    Field { only: &["sites"], ..field("operator", "edit.field.operator", Widget::Text, "properties.operator") },
    field("start", "edit.field.start", Widget::Date, "properties.start"),
    field(
        "start_precision",
        "edit.field.start_precision",
        Widget::Choice("edit.precision.", &DatePrecision::NAMES),
        "properties.start_precision",
    ),
    field("end", "edit.field.end", Widget::Date, "properties.end"),
    field(
        "end_precision",
        "edit.field.end_precision",
        Widget::OptionalChoice("edit.precision.", &DatePrecision::NAMES),
        "properties.end_precision",
    ),
    field(
        "date_basis",
        "edit.field.date_basis",
        Widget::Choice("edit.basis.", &DateBasis::NAMES),
        "properties.date_basis",
    ),
    field("lon", "edit.field.lon", Widget::Number, "geometry"),
    field("lat", "edit.field.lat", Widget::Number, "geometry"),
    field(
        "location_precision",
        "edit.field.location_precision",
        Widget::Choice("precision.", &LocationPrecision::NAMES),
        "properties.location_precision",
    ),
    field("location_unsourced", "edit.field.location_unsourced", Widget::Check, "properties.location_unsourced"),
    field("location_note", "edit.field.location_note", Widget::Text, "properties.location_note"),
    Field { only: &["events"], ..field("country", "edit.field.country", Widget::Text, "properties.country") },
    Field { only: &["strikes", "events"], ..field("target", "edit.field.target", Widget::Text, "properties.target") },
    Field { only: &["strikes", "events"], ..field("actor", "edit.field.actor", Widget::Text, "properties.actor") },
    Field {
        only: &["strikes", "events"],
        ..field("killed.min", "edit.field.killed_min", Widget::Number, "properties.casualties.killed.min")
    },
    Field {
        only: &["strikes", "events"],
        ..field("killed.max", "edit.field.killed_max", Widget::Number, "properties.casualties.killed.max")
    },
    Field {
        only: &["strikes", "events"],
        ..field("injured.min", "edit.field.injured_min", Widget::Number, "properties.casualties.injured.min")
    },
    Field {
        only: &["strikes", "events"],
        ..field("injured.max", "edit.field.injured_max", Widget::Number, "properties.casualties.injured.max")
    },
    Field {
        lang: Some("en"),
        ..field("description.en", "edit.field.description_en", Widget::LongText, "properties.description.en")
    },
    Field {
        lang: Some("ar"),
        ..field("description.ar", "edit.field.description_ar", Widget::LongText, "properties.description.ar")
    },
    Field {
        lang: Some("ru"),
        ..field("description.ru", "edit.field.description_ru", Widget::LongText, "properties.description.ru")
    },
    field("notes", "edit.field.notes", Widget::LongText, "properties.notes"),
    field("fact_ids", "edit.field.fact_ids", Widget::Text, "properties.fact_ids"),
    field(
        "confidence",
        "edit.field.confidence",
        Widget::Choice("confidence.", &Confidence::NAMES),
        "properties.confidence",
    ),
    field("reason", "edit.field.reason", Widget::Text, "reason"),
];

/// A list of rows (sources, attributions, casualty reports).
#[derive(Clone, Copy, Debug)]
pub struct List {
    /// Its key in [`Form::lists`].
    pub key: &'static str,
    /// The catalog key of its heading.
    pub label: &'static str,
    /// The columns of a row (their `path` is relative to the row).
    pub columns: &'static [Field],
    /// The collections that have it (empty: every collection).
    pub only: &'static [&'static str],
    /// The path of the list (a row `i` is at `{path}[i]`).
    pub path: &'static str,
}

const SOURCE_COLUMNS: [Field; 5] = [
    field("publisher", "edit.source.publisher", Widget::Text, "publisher"),
    field("url", "edit.source.url", Widget::Text, "url"),
    field("date", "edit.source.date", Widget::Text, "date"),
    field("via", "edit.source.via", Widget::Text, "via"),
    field("quote", "edit.source.quote", Widget::LongText, "quote"),
];
const CLAIM_COLUMNS: [Field; 3] = [
    field("stance", "edit.claim.stance", Widget::Choice("stance.", &Stance::NAMES), "stance"),
    field("by", "edit.claim.by", Widget::Text, "by"),
    field("source", "edit.claim.source", Widget::Number, "source"),
];
const REPORT_COLUMNS: [Field; 3] = [
    field("count", "edit.report.count", Widget::Number, "count"),
    field("by", "edit.claim.by", Widget::Text, "by"),
    field("source", "edit.claim.source", Widget::Number, "source"),
];

/// Every list, in the order of the form.
pub const LISTS: [List; 4] = [
    List {
        key: "sources",
        label: "edit.list.sources",
        columns: &SOURCE_COLUMNS,
        only: &[],
        path: "properties.sources",
    },
    List {
        key: "attribution",
        label: "edit.list.attribution",
        columns: &CLAIM_COLUMNS,
        only: &[],
        path: "properties.attribution",
    },
    List {
        key: "killed.reports",
        label: "edit.list.killed",
        columns: &REPORT_COLUMNS,
        only: &["strikes", "events"],
        path: "properties.casualties.killed.reports",
    },
    List {
        key: "injured.reports",
        label: "edit.list.injured",
        columns: &REPORT_COLUMNS,
        only: &["strikes", "events"],
        path: "properties.casualties.injured.reports",
    },
];

impl Field {
    /// Whether `collection` has this field.
    pub fn applies_to(&self, collection: &str) -> bool {
        self.only.is_empty() || self.only.contains(&collection)
    }
}

impl List {
    /// Whether `collection` has this list.
    pub fn applies_to(&self, collection: &str) -> bool {
        self.only.is_empty() || self.only.contains(&collection)
    }
}

/// A row of a list: column key → text.
pub type Row = BTreeMap<String, String>;

/// The text of every field of one feature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    /// The feature id (empty for a new feature: the server makes one).
    pub id: String,
    /// Single-valued fields by key.
    pub values: BTreeMap<String, String>,
    /// Lists by key.
    pub lists: BTreeMap<String, Vec<Row>>,
}

/// A value that is not what its field takes: the field's key and the catalog key of the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// The element id of the field (see [`element_id`]).
    pub field: String,
    /// The catalog key of what is wrong.
    pub message: &'static str,
}

/// The element id of a field (`fld-kind`), or of a column of a list row (`fld-sources-0-url`).
pub fn element_id(list: Option<(&str, usize)>, key: &str) -> String {
    let clean = |s: &str| s.replace('.', "-");
    match list {
        None => format!("fld-{}", clean(key)),
        Some((list, row)) => format!("fld-{}-{row}-{}", clean(list), clean(key)),
    }
}

/// The element id of the field a problem reported at `path` (`properties.sources[1].url`) belongs to, or `None`
/// when it is about the whole feature.
pub fn field_for_problem(path: &str, collection: &str) -> Option<String> {
    for list in LISTS.iter().filter(|l| l.applies_to(collection)) {
        if let Some(rest) = path.strip_prefix(list.path).and_then(|r| r.strip_prefix('[')) {
            let (index, rest) = rest.split_once(']')?;
            let row: usize = index.parse().ok()?;
            let column = rest.strip_prefix('.').unwrap_or("");
            let column = list.columns.iter().find(|c| column.starts_with(c.path)).or_else(|| list.columns.first())?;
            return Some(element_id(Some((list.key, row)), column.key));
        }
    }
    let mut best: Option<&Field> = None;
    for f in FIELDS.iter().filter(|f| f.applies_to(collection)) {
        let matches =
            path == f.path || path.starts_with(&format!("{}.", f.path)) || f.path.starts_with(&format!("{path}."));
        if matches && best.is_none_or(|b| f.path.len() > b.path.len() && (path == f.path || path.starts_with(f.path))) {
            best = Some(f);
        }
    }
    if let Some(f) = best {
        return Some(element_id(None, f.key));
    }
    LISTS.iter().find(|l| l.path == path).map(|l| format!("fld-list-{}", l.key.replace('.', "-")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_shown_next_to_the_field_it_is_about() {
        assert_eq!(field_for_problem("properties.sources[1].url", "strikes").as_deref(), Some("fld-sources-1-url"));
        assert_eq!(field_for_problem("properties.start", "strikes").as_deref(), Some("fld-start"));
        assert_eq!(field_for_problem("properties.start_precision", "strikes").as_deref(), Some("fld-start_precision"));
        assert_eq!(field_for_problem("geometry", "strikes").as_deref(), Some("fld-lon"));
        assert_eq!(field_for_problem("properties.name", "strikes").as_deref(), Some("fld-name-en"));
        assert_eq!(
            field_for_problem("properties.casualties.killed.reports[0].count", "strikes").as_deref(),
            Some("fld-killed-reports-0-count")
        );
        assert_eq!(field_for_problem("properties.sources", "strikes").as_deref(), Some("fld-list-sources"));
        assert_eq!(field_for_problem("-", "strikes"), None);
    }
}
