//! A feature sent by a client for writing: the members only the server writes are set aside, the rest is parsed and
//! checked by the same rules as `footprint check` ([`super::check`]), with every problem named by its field; and what
//! changed between two versions, member by member.

use serde_json::{Map, Value};

use crate::domain::Feature;
use crate::domain::record::Written;

use super::check::{self, Findings, Problem, Rules};
use super::{Collection, FeatureProvider as _, Publishers};

/// Members of a feature that the server writes (`links`, `updated`) or derives (`time`, checked against the dates),
/// and properties it adds for readers (`title`, `title_lang`): accepted on input so a feature can be sent back
/// exactly as `GET` served it, never stored.
const SERVER_MEMBERS: [&str; 2] = ["links", "updated"];
const SERVER_PROPERTIES: [&str; 2] = ["title", "title_lang"];

/// Parses and checks a feature for `collection`. `id` is the feature id the write is for (from the URL, or one
/// made for a `POST` without `id`); an `id` in the body must agree with it. The rules across a collection (unique
/// ids, site periods) are checked against `collection` as it will be after the write.
pub fn parse(
    body: &Value,
    id: &str,
    collection: &Collection,
    publishers: &Publishers,
    file: &str,
) -> Result<Feature, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut out = Findings::new(file, &mut problems);
    let Some(object) = body.as_object() else {
        out.add(Some(id), "-", "the body must be a GeoJSON Feature object");
        return Err(problems);
    };
    let mut object: Map<String, Value> = object.clone();
    for member in SERVER_MEMBERS {
        object.remove(member);
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for member in SERVER_PROPERTIES {
            properties.remove(member);
        }
    }
    match object.get("id") {
        None | Some(Value::Null) => {
            object.insert("id".into(), Value::String(id.to_owned()));
        }
        Some(Value::String(given)) if given == id => {}
        Some(other) => {
            out.add(Some(id), "id", format!("is {other}, but this write is for `{id}`: the id cannot change"));
            return Err(problems);
        }
    }
    let time = object.remove("time");
    let feature = match serde_path_to_error::deserialize::<_, Feature>(&Value::Object(object)) {
        Ok(feature) => feature,
        Err(err) => {
            let path = err.path().to_string();
            let field = if path == "." { "-".to_owned() } else { path };
            out.add(Some(id), &field, err.into_inner().to_string());
            return Err(problems);
        }
    };
    let rules = Rules { role: collection.meta.role, publishers };
    check::check_feature(&feature, time.as_ref(), rules, &mut out);
    // The collection as it will be, borrowed: a write does not copy its collection to check it.
    let columns = collection.columns();
    let after = (0..columns.len())
        .map(|row| check::Member::at(columns, row))
        .filter(|m| m.id != feature.id)
        .chain(std::iter::once(check::Member::of(&feature)));
    let mut across = Vec::new();
    check::check_collection(after, collection.meta.role, &mut Findings::new(file, &mut across));
    // Only the problems this feature brings: the rest of the collection was already checked.
    problems.extend(across.into_iter().filter(|p| p.feature.as_deref() == Some(id) || p.message.contains(id)));
    if problems.is_empty() { Ok(feature) } else { Err(problems) }
}

/// A feature in its written form (the curated files' members), as the change log stores it.
pub fn written(feature: &Feature) -> Value {
    serde_json::to_value(Written(feature)).unwrap_or(Value::Null)
}

/// The members that differ between two written features: `geometry`, `properties.<name>` (sorted).
pub fn changed(before: Option<&Value>, after: &Value) -> Vec<String> {
    let Some(before) = before else { return Vec::new() };
    let mut changed = Vec::new();
    if before.get("geometry") != after.get("geometry") {
        changed.push("geometry".to_owned());
    }
    let properties = |v: &Value| v.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    let (old, new) = (properties(before), properties(after));
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        if old.get(name) != new.get(name) {
            changed.push(format!("properties.{name}"));
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_names_each_member_that_differs() {
        let a = serde_json::json!({"geometry": null, "properties": {"start": "2025-01-01", "kind": "airstrike"}});
        let b = serde_json::json!({"geometry": {"type": "Point", "coordinates": [36.0, 35.0]},
            "properties": {"start": "2025-01-02", "kind": "airstrike", "notes": ["x"]}});
        assert_eq!(changed(Some(&a), &b), ["geometry", "properties.notes", "properties.start"]);
        assert!(changed(None, &b).is_empty());
    }
}
