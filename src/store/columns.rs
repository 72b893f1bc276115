//! What queries read, as columns: one row per feature in collection order (start day, then id).
//!
//! A query never needs a feature's names, sources or notes to decide whether it matches: it needs the point, the
//! day span and the values of the queryable properties. Those are kept here, apart from the features, so that a
//! query reads a few bytes per candidate from arrays laid out for it (instead of a cache miss into a feature of a few
//! kilobytes), and so that counting, listing a property's values or tagging a vector tile's points never touches a
//! feature at all. About a hundred bytes a feature, with the R-tree ([`super::index`]).
//!
//! A queryable's values are kept as codes into the collection's sorted list of its distinct values (a strikes layer
//! has a few hundred actors, kinds and precisions among a million features); a filter turns its wanted values into
//! codes once, and a value the collection does not have matches nothing.

use compact_str::CompactString;

use crate::domain::{Confidence, DaySpan, Feature, LocationPrecision, Point, Status};

use super::query::{PropertyFilter, Queryable};

/// The code of "no value" (a strike has no `site_id`).
const NONE: u32 = u32::MAX;

/// What a map draws a feature with besides its point and days: how sure, how precisely placed, and a site's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marks {
    /// How far the claims are corroborated.
    pub confidence: Confidence,
    /// How precisely the place is known.
    pub location_precision: LocationPrecision,
    /// Whether the coordinate is an unsourced estimate.
    pub location_unsourced: bool,
    /// A site's status during the period.
    pub status: Option<Status>,
}

/// What the columns hold of one feature.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Its id.
    pub id: CompactString,
    /// Its point, if located.
    pub point: Option<Point>,
    /// Its days.
    pub span: DaySpan,
    /// What it is drawn with.
    pub marks: Marks,
    /// Its value of each queryable, in [`Queryable::ALL`] order.
    values: [Option<CompactString>; Queryable::ALL.len()],
}

impl Row {
    /// The row of `feature`.
    pub fn of(feature: &Feature) -> Row {
        let p = &feature.properties;
        Row {
            id: feature.id.clone(),
            point: feature.geometry,
            span: feature.span(),
            marks: Marks {
                confidence: p.confidence,
                location_precision: p.location_precision,
                location_unsourced: p.location_unsourced,
                status: p.status,
            },
            values: Queryable::ALL.map(|q| q.value(feature).map(CompactString::from)),
        }
    }
}

impl Row {
    /// Its value of each queryable, in [`Queryable::ALL`] order.
    pub fn values(&self) -> &[Option<CompactString>] {
        &self.values
    }

    /// A row from its parts (as a saved snapshot keeps them); `None` unless `values` has one per queryable.
    pub fn from_parts(
        id: CompactString,
        point: Option<Point>,
        span: DaySpan,
        marks: Marks,
        values: Vec<Option<CompactString>>,
    ) -> Option<Row> {
        Some(Row { id, point, span, marks, values: values.try_into().ok()? })
    }
}

/// One queryable property's values: the distinct values, sorted, and each row's code into them.
struct Vocabulary {
    queryable: Queryable,
    values: Vec<CompactString>,
    codes: Vec<u32>,
}

fn code(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(NONE)
}

impl Vocabulary {
    fn build(queryable: Queryable, rows: &[Row]) -> Option<Vocabulary> {
        let at = queryable.index();
        let mut values: Vec<CompactString> = rows.iter().filter_map(|r| r.values[at].clone()).collect();
        if values.is_empty() {
            return None;
        }
        values.sort_unstable();
        values.dedup();
        let codes = rows
            .iter()
            .map(|r| r.values[at].as_ref().and_then(|v| values.binary_search(v).ok()).map_or(NONE, code))
            .collect();
        Some(Vocabulary { queryable, values, codes })
    }

    fn value(&self, row: usize) -> Option<&str> {
        let code = *self.codes.get(row)?;
        self.values.get(code as usize).map(CompactString::as_str)
    }
}

/// The columns of one collection.
pub struct Columns {
    ids: Vec<CompactString>,
    points: Vec<Option<Point>>,
    spans: Vec<DaySpan>,
    marks: Vec<Marks>,
    /// The queryables some feature has a value for, in [`Queryable::ALL`] order.
    vocabularies: Vec<Vocabulary>,
}

/// A property filter turned into codes: rows whose code is one of `codes` pass.
pub struct CodeFilter<'a> {
    codes: &'a [u32],
    wanted: Vec<u32>,
}

impl CodeFilter<'_> {
    /// Whether `row` passes.
    pub fn matches(&self, row: usize) -> bool {
        self.codes.get(row).is_some_and(|code| self.wanted.contains(code))
    }
}

impl Columns {
    /// The columns of `rows` (in collection order).
    pub fn build(rows: &[Row]) -> Columns {
        Columns {
            ids: rows.iter().map(|r| r.id.clone()).collect(),
            points: rows.iter().map(|r| r.point).collect(),
            spans: rows.iter().map(|r| r.span).collect(),
            marks: rows.iter().map(|r| r.marks).collect(),
            vocabularies: Queryable::ALL.into_iter().filter_map(|q| Vocabulary::build(q, rows)).collect(),
        }
    }

    /// Row `row` as it was given (to build the columns again with some rows changed).
    pub fn row(&self, row: usize) -> Option<Row> {
        Some(Row {
            id: self.ids.get(row)?.clone(),
            point: self.point(row),
            span: self.span(row),
            marks: *self.marks.get(row)?,
            values: Queryable::ALL.map(|q| self.value(q, row).map(CompactString::from)),
        })
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Row `row`'s id.
    pub fn id(&self, row: usize) -> &str {
        self.ids.get(row).map_or("", CompactString::as_str)
    }

    /// Row `row`'s point, if located.
    pub fn point(&self, row: usize) -> Option<Point> {
        self.points.get(row).copied().flatten()
    }

    /// Row `row`'s days.
    pub fn span(&self, row: usize) -> DaySpan {
        self.spans.get(row).copied().unwrap_or(DaySpan::ALL)
    }

    /// What row `row` is drawn with.
    pub fn marks(&self, row: usize) -> Option<Marks> {
        self.marks.get(row).copied()
    }

    /// Row `row`'s confidence.
    pub fn confidence(&self, row: usize) -> Confidence {
        self.marks.get(row).map_or(Confidence::Low, |m| m.confidence)
    }

    /// Every row's point, in row order.
    pub fn points(&self) -> &[Option<Point>] {
        &self.points
    }

    /// Every row's days, in row order.
    pub fn spans(&self) -> &[DaySpan] {
        &self.spans
    }

    /// The queryables some row has a value for, in [`Queryable::ALL`] order.
    pub fn queryables(&self) -> impl Iterator<Item = Queryable> + '_ {
        self.vocabularies.iter().map(|v| v.queryable)
    }

    /// The distinct values of `queryable`, sorted.
    pub fn values_of(&self, queryable: Queryable) -> &[CompactString] {
        self.vocabularies.iter().find(|v| v.queryable == queryable).map_or(&[], |v| v.values.as_slice())
    }

    /// Row `row`'s value of `queryable`, if it has one.
    pub fn value(&self, queryable: Queryable, row: usize) -> Option<&str> {
        self.vocabularies.iter().find(|v| v.queryable == queryable)?.value(row)
    }

    /// `filter` as codes (a value this collection does not have matches no row).
    pub fn code_filter(&self, filter: &PropertyFilter) -> CodeFilter<'_> {
        match self.vocabularies.iter().find(|v| v.queryable == filter.queryable) {
            Some(vocabulary) => CodeFilter {
                codes: &vocabulary.codes,
                wanted: filter
                    .values
                    .iter()
                    .filter_map(|want| vocabulary.values.binary_search_by(|x| x.as_str().cmp(want)).ok())
                    .map(code)
                    .collect(),
            },
            None => CodeFilter { codes: &[], wanted: Vec::new() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Dataset, Embedded, FeatureProvider as _, generate};

    /// Real-shaped strikes: actors, several kinds and precisions, some without a point.
    fn strikes() -> Vec<Feature> {
        let data = Dataset::load(&Embedded).unwrap_or_else(|e| panic!("{e}"));
        let curated = data.collections.iter().find(|c| c.meta.id == "strikes").map(|c| c.read_all());
        generate::strikes(&curated.unwrap_or_default(), 500, 7)
    }

    #[test]
    fn every_row_holds_what_its_feature_says() {
        let features = strikes();
        assert!(features.iter().any(|f| f.geometry.is_none()) && features.iter().any(|f| f.geometry.is_some()));
        let rows: Vec<Row> = features.iter().map(Row::of).collect();
        let columns = Columns::build(&rows);
        assert_eq!(columns.len(), features.len());
        for (row, feature) in features.iter().enumerate() {
            assert_eq!(columns.id(row), feature.id);
            assert_eq!(columns.point(row), feature.geometry);
            assert_eq!(columns.span(row), feature.span());
            assert_eq!(columns.confidence(row), feature.properties.confidence);
            for queryable in Queryable::ALL {
                assert_eq!(columns.value(queryable, row), queryable.value(feature), "{queryable} of row {row}");
            }
            assert_eq!(columns.row(row).as_ref(), rows.get(row), "row {row} given back as it was given");
        }
    }

    #[test]
    fn a_code_filter_passes_the_rows_the_property_filter_passes() {
        let features = strikes();
        let columns = Columns::build(&features.iter().map(Row::of).collect::<Vec<_>>());
        assert!(columns.queryables().any(|q| q == Queryable::Actor));
        for queryable in columns.queryables().collect::<Vec<_>>() {
            let some: Vec<String> = columns.values_of(queryable).iter().take(2).map(ToString::to_string).collect();
            for values in [some, vec!["no-such-value".to_owned()], Vec::new()] {
                let filter = PropertyFilter { queryable, values };
                let codes = columns.code_filter(&filter);
                for (row, feature) in features.iter().enumerate() {
                    assert_eq!(
                        codes.matches(row),
                        filter.matches(feature),
                        "{queryable} {:?} row {row}",
                        filter.values
                    );
                }
            }
        }
    }
}
