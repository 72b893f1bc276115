//! Importing a batch of features as drafts (an ACLED export, or a GeoJSON file): each row is checked by the same
//! rules as every write, matched with the stored feature of the same id, and reported as new, changed, unchanged
//! or invalid with its line; the accepted rows are then written as drafts in one transaction. Importing the same
//! rows again changes nothing.

use serde::Serialize;
use serde_json::Value;

use super::FeatureProvider as _;
use super::backend::{Action, NewVersion, Stage};
use super::check::MAX_ID_LEN;
use super::check::Problem;
use super::edit;
use super::live::{Author, Live, WriteError};

/// One row of a batch.
#[derive(Clone, Debug)]
pub struct Incoming {
    /// The line it starts on (1 is a CSV's header; a GeoJSON file's features are numbered from 1).
    pub line: u64,
    /// The feature id it will have, when the row names one.
    pub id: Option<String>,
    /// The feature, or why the row is not one.
    pub feature: Result<Value, Vec<Problem>>,
}

/// What importing a row does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "outcome")]
pub enum RowOutcome {
    /// A feature the store does not have yet.
    New,
    /// A new draft of a stored feature: these members change.
    Changed {
        /// The members that differ from the stored version (draft or published).
        changed: Vec<String>,
    },
    /// The same as stored.
    Unchanged,
    /// Not imported.
    Invalid {
        /// Every problem, with its field.
        problems: Vec<RowProblem>,
    },
}

/// A problem of a row, for the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The field (a dotted path, or the CSV column).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// One row of the report.
#[derive(Clone, Debug, Serialize)]
pub struct RowReport {
    /// Where the row is in the file.
    pub line: u64,
    /// The feature id.
    pub id: Option<String>,
    /// What importing it does.
    #[serde(flatten)]
    pub outcome: RowOutcome,
}

/// The report of an import (a dry run, or what was written).
#[derive(Clone, Debug, Serialize)]
pub struct BatchReport {
    /// Every row, in file order.
    pub rows: Vec<RowReport>,
    /// Rows that add a feature.
    pub new: usize,
    /// Rows that change one.
    pub changed: usize,
    /// Rows the store already has.
    pub unchanged: usize,
    /// Rows left out.
    pub invalid: usize,
    /// Whether the new and changed rows were written (as drafts).
    pub written: bool,
}

fn problems(list: Vec<Problem>) -> RowOutcome {
    RowOutcome::Invalid {
        problems: list.into_iter().map(|p| RowProblem { field: p.field, message: p.message }).collect(),
    }
}

impl Live {
    /// Checks `rows` for `collection` and, when `apply`, writes the new and changed ones as drafts by `author` in
    /// one transaction. Blocking.
    pub fn import_batch(
        &self,
        collection_id: &str,
        rows: Vec<Incoming>,
        author: &Author,
        reason: &str,
        apply: bool,
    ) -> Result<BatchReport, WriteError> {
        // A replica may be a refresh behind: catch up first, so rows are matched with the latest versions.
        self.refresh()?;
        let snapshot = self.snapshot();
        let position =
            snapshot.position(collection_id).ok_or_else(|| WriteError::CollectionNotFound(collection_id.to_owned()))?;
        let collection = &snapshot.data.collections[position];
        let heads = &snapshot.heads[position];
        let file = collection.meta.file.clone();
        let mut report = BatchReport { rows: Vec::new(), new: 0, changed: 0, unchanged: 0, invalid: 0, written: false };
        let mut versions = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut accepted: Vec<crate::domain::Feature> = Vec::new();
        for row in rows {
            let outcome = match (&row.id, row.feature) {
                (_, Err(list)) => problems(list),
                (None, Ok(_)) => problems(vec![Problem {
                    file: file.clone(),
                    feature: None,
                    field: "id".into(),
                    message: "the row has no id".into(),
                }]),
                (Some(id), Ok(_)) if id.len() > MAX_ID_LEN || !seen.insert(id.clone()) => problems(vec![Problem {
                    file: file.clone(),
                    feature: Some(id.clone()),
                    field: "id".into(),
                    message: format!("`{id}` is longer than {MAX_ID_LEN} characters, or a second row with this id"),
                }]),
                (Some(id), Ok(body)) => match edit::parse(&body, id, collection, &snapshot.data.publishers, &file) {
                    Err(list) => problems(list),
                    Ok(_) if heads.get(id.as_str()).is_some_and(super::snapshot::Head::is_retired) => {
                        problems(vec![Problem {
                            file: file.clone(),
                            feature: Some(id.clone()),
                            field: "id".into(),
                            message: format!("`{id}` was retired: an import does not bring it back"),
                        }])
                    }
                    Ok(feature) => {
                        accepted.push(feature.clone());
                        let after = edit::written(&feature);
                        let head = heads.get(id.as_str());
                        let current = head
                            .filter(|h| !h.is_retired())
                            .and_then(|h| h.draft.clone().or_else(|| collection.feature(id)))
                            .as_deref()
                            .map(edit::written);
                        let outcome = match &current {
                            None => RowOutcome::New,
                            Some(before) if *before == after => RowOutcome::Unchanged,
                            Some(before) => RowOutcome::Changed { changed: edit::changed(Some(before), &after) },
                        };
                        if outcome != RowOutcome::Unchanged {
                            versions.push(NewVersion {
                                collection: collection_id.to_owned(),
                                feature_id: id.clone(),
                                version: head.map_or(1, |h| h.version + 1),
                                action: if head.is_some_and(|h| h.published_seq.is_some()) {
                                    Action::Update
                                } else {
                                    Action::Create
                                },
                                stage: Stage::Draft,
                                publishes: None,
                                role: author.role,
                                account: author.account.clone(),
                                reason: reason.to_owned(),
                                changed: edit::changed(current.as_ref(), &after),
                                feature: after,
                                based_on: head.map(|h| h.seq),
                            });
                        }
                        outcome
                    }
                },
            };
            match &outcome {
                RowOutcome::New => report.new += 1,
                RowOutcome::Changed { .. } => report.changed += 1,
                RowOutcome::Unchanged => report.unchanged += 1,
                RowOutcome::Invalid { .. } => report.invalid += 1,
            }
            report.rows.push(RowReport { line: row.line, id: row.id, outcome });
        }
        // The rows together: the rules across a collection (one site's periods must not overlap, …) between
        // the rows of the file as well as with the stored features.
        let ids: std::collections::HashSet<&str> = accepted.iter().map(|f| f.id.as_str()).collect();
        let columns = collection.columns();
        let after = (0..columns.len())
            .map(|row| super::check::Member::at(columns, row))
            .filter(|m| !ids.contains(m.id))
            .chain(accepted.iter().map(super::check::Member::of));
        let mut across = Vec::new();
        super::check::check_collection(
            after,
            collection.meta.role,
            &mut super::check::Findings::new(&file, &mut across),
        );
        for problem in across {
            let Some(row) = report.rows.iter_mut().find(|r| {
                r.id.as_deref().is_some_and(|id| problem.feature.as_deref() == Some(id) || problem.message.contains(id))
            }) else {
                continue;
            };
            let id = row.id.clone().unwrap_or_default();
            versions.retain(|v| v.feature_id != id);
            let listed = RowProblem { field: problem.field, message: problem.message };
            match &mut row.outcome {
                RowOutcome::Invalid { problems } => problems.push(listed),
                outcome => {
                    match outcome {
                        RowOutcome::New => report.new -= 1,
                        RowOutcome::Changed { .. } => report.changed -= 1,
                        _ => report.unchanged -= 1,
                    }
                    report.invalid += 1;
                    *outcome = RowOutcome::Invalid { problems: vec![listed] };
                }
            }
        }
        if apply && !versions.is_empty() {
            self.commit(&versions).map_err(|e| match e {
                WriteError::Store(super::backend::StoreError::Conflict { collection, feature, .. }) => {
                    WriteError::Stale {
                        current: format!("(changed meanwhile: {collection}/{feature}; check the file again)"),
                    }
                }
                other => other,
            })?;
            report.written = true;
        }
        Ok(report)
    }
}

/// The rows of a GeoJSON `FeatureCollection` (or a single `Feature`), numbered from 1.
pub fn geojson_rows(body: &Value, file: &str) -> Result<Vec<Incoming>, Problem> {
    let features = match body.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => body.get("features").and_then(Value::as_array).cloned().unwrap_or_default(),
        Some("Feature") => vec![body.clone()],
        _ => {
            return Err(Problem {
                file: file.to_owned(),
                feature: None,
                field: "type".into(),
                message: "expected a GeoJSON FeatureCollection or Feature".into(),
            });
        }
    };
    Ok(features
        .into_iter()
        .zip(1..)
        .map(|(feature, line)| Incoming {
            line,
            id: feature.get("id").and_then(Value::as_str).map(str::to_owned),
            feature: Ok(feature),
        })
        .collect())
}
