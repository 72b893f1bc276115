//! What changed between two versions of a feature, value by value (`properties.sources[1].url`: before → after),
//! for the publisher's review of a draft and the history of a feature. Host-tested.

use std::collections::BTreeMap;

use serde_json::Value;

/// One value that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Where (`properties.start`, `geometry.coordinates[0]`).
    pub path: String,
    /// The value before (empty when it was absent).
    pub before: String,
    /// The value after (empty when it is gone).
    pub after: String,
}

fn flatten(value: &Value, path: String, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                flatten(v, child, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, format!("{path}[{i}]"), out);
            }
        }
        Value::Null => {}
        Value::String(s) => {
            out.insert(path, s.clone());
        }
        other => {
            out.insert(path, other.to_string());
        }
    }
}

/// Every value that differs between `before` (`None`: a new feature) and `after`, in path order. Members the
/// server writes (`links`, `updated`, `time`, `title`) are left out.
pub fn differences(before: Option<&Value>, after: &Value) -> Vec<Difference> {
    let server = |path: &str| {
        ["links", "updated", "time", "properties.title", "properties.title_lang"]
            .iter()
            .any(|m| path == *m || path.starts_with(&format!("{m}.")) || path.starts_with(&format!("{m}[")))
    };
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    if let Some(before) = before {
        flatten(before, String::new(), &mut old);
    }
    flatten(after, String::new(), &mut new);
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).filter(|p| !server(p)).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| {
            let (b, a) = (old.get(path), new.get(path));
            (b != a).then(|| Difference {
                path: path.clone(),
                before: b.cloned().unwrap_or_default(),
                after: a.cloned().unwrap_or_default(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_values_that_changed_are_listed_with_before_and_after() {
        let before = json!({"id": "x", "geometry": {"type": "Point", "coordinates": [36.1, 35.2]},
            "properties": {"start": "2025-01-01", "sources": [{"url": "https://a.example/1"}], "links": []},
            "links": [{"href": "x"}], "updated": {"at": "t"}});
        let after = json!({"id": "x", "geometry": {"type": "Point", "coordinates": [36.1, 35.3]},
            "properties": {"start": "2025-01-02", "sources": [{"url": "https://a.example/1"}, {"url": "https://b.example/2"}]}});
        let d = differences(Some(&before), &after);
        let paths: Vec<&str> = d.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["geometry.coordinates[1]", "properties.sources[1].url", "properties.start"]);
        assert_eq!((d[2].before.as_str(), d[2].after.as_str()), ("2025-01-01", "2025-01-02"));
        assert_eq!(d[1].before, "");
        assert!(differences(Some(&after), &after).is_empty());
        assert_eq!(differences(None, &json!({"id": "y"})).len(), 1);
    }
}
