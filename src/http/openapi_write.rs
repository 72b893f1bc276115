//! The OpenAPI description of writing and of what changed: the Part 4 operations on items (with their bearer
//! security, `Footprint-Reason`, `If-Match` and every error status), publishing drafts, history and the corrections
//! feed. Added to the read-only document by [`super::openapi::build`].

use serde_json::{Value, json};

use super::openapi::{ok, op, param};
use super::write::{MAX_REASON, REASON_HEADER};

/// The `stage` parameter of items and item.
pub fn stage() -> Value {
    param(
        "stage",
        "query",
        "published (default): what the public sees; draft: the drafts waiting for a publisher (needs a bearer token).",
        &json!({"type": "string", "enum": ["published", "draft"]}),
        false,
    )
}

fn error(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Exception"}}}})
}

fn reason() -> Value {
    param(
        REASON_HEADER,
        "header",
        &format!(
            "Why: percent-encoded UTF-8, at most {MAX_REASON} characters. Recorded in the history and the corrections feed."
        ),
        &json!({"type": "string"}),
        true,
    )
}

fn if_match() -> Value {
    param(
        "If-Match",
        "header",
        "The feature's ETag as GET served it (any language's; `*` is not accepted): the write is refused with 412 if the feature changed since.",
        &json!({"type": "string"}),
        true,
    )
}

fn written(status: &str, description: &str) -> Value {
    json!({
        status: {"description": description, "headers": {"ETag": {"schema": {"type": "string"}, "description": "The feature's new ETag."}},
            "content": {"application/json": {"schema": {"type": "object"}}}},
        "400": error("The body, a header or a field is wrong; `problems` names each broken rule's field."),
        "401": error("No valid bearer token."),
        "403": error("The account's role may not do this."),
        "404": error("No such collection or feature."),
        "405": error("This server serves a data directory read-only."),
        "409": error("The id exists already, or there is no draft to publish."),
        "410": error("The feature was retired."),
        "412": error("If-Match does not name the feature's current version."),
        "415": error("The body is not JSON."),
        "428": error("If-Match is missing."),
        "429": error("Too many failed sign-ins from this address."),
    })
}

fn body(media: &[&str]) -> Value {
    let content: serde_json::Map<String, Value> =
        media.iter().map(|m| ((*m).to_owned(), json!({"schema": {"$ref": "#/components/schemas/Feature"}}))).collect();
    json!({"required": true, "content": content})
}

/// The editor's helpers: checking a feature, the list of every feature's head, importing a batch.
fn add_editing(paths: &mut Value, collection: &Value, security: &Value) {
    let problems = json!({"description": "The problems (none when valid).", "content": {"application/json": {"schema": {"type": "object",
        "properties": {"valid": {"type": "boolean"}, "problems": {"type": "array", "items": {"type": "object",
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}}}}});
    paths["/collections/{collectionId}/check"] = json!({"post": {
        "summary": "Check a feature by the rules of a write, without writing it (signed-in accounts).",
        "operationId": "checkItem", "security": security,
        "parameters": [collection],
        "requestBody": body(&["application/geo+json", "application/json"]),
        "responses": {"200": problems, "401": error("No valid bearer token or session.")},
    }});
    let text = |name: &str, description: &str| param(name, "query", description, &json!({"type": "string"}), false);
    paths["/collections/{collectionId}/heads"] = json!({"get": {
        "summary": "Every feature's latest version (draft, returned, published or retired), most recently changed first (signed-in accounts).",
        "operationId": "itemHeads", "security": security,
        "parameters": [collection, text("q", "Text in the id, names, target or actor."), text("from", "First day (YYYY-MM-DD)."),
            text("to", "Last day (YYYY-MM-DD), inclusive."),
            param("stage", "query", "Only this stage.", &json!({"type": "string", "enum": ["draft", "returned", "published", "retired"]}), false),
            param("confidence", "query", "Only this confidence.", &json!({"type": "string", "enum": ["high", "medium", "low"]}), false),
            param("limit", "query", "Page size.", &json!({"type": "integer", "minimum": 1}), false),
            param("offset", "query", "Index of the first row.", &json!({"type": "integer", "minimum": 0}), false)],
        "responses": {"200": {"description": "The heads.", "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": error("No valid bearer token or session.")},
    }});
    paths["/collections/{collectionId}/import"] = json!({"post": {
        "summary": "Import a batch as drafts: an ACLED CSV export (text/csv, strikes only) or GeoJSON. Rows are matched by id; each is reported new, changed, unchanged or invalid with its line.",
        "operationId": "importItems", "security": security,
        "parameters": [collection,
            param("dry-run", "query", "true: report without writing.", &json!({"type": "string", "enum": ["true", "false"]}), false),
            param(REASON_HEADER, "header", "Why (required unless a dry run).", &json!({"type": "string"}), false)],
        "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}, "application/geo+json": {"schema": {"type": "object"}}}},
        "responses": {"200": {"description": "The report, row by row.", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": error("The file is not an ACLED export or GeoJSON."), "401": error("No valid bearer token or session."),
            "415": error("Neither text/csv nor GeoJSON.")},
    }});
}

/// Adds the write operations and the history paths to `document`.
pub fn add(document: &mut Value) {
    let string = json!({"type": "string"});
    let collection = param("collectionId", "path", "Collection id (sites, strikes, events).", &string, true);
    let feature = param("featureId", "path", "Feature id.", &string, true);
    let security = json!([{"bearer": []}]);
    let paths = &mut document["paths"];
    paths["/collections/{collectionId}/items"]["post"] = json!({
        "summary": "Add a feature (OGC API – Features Part 4). Editors' writes are drafts; publishers' are published at once.",
        "operationId": "createItem", "security": security,
        "parameters": [collection, reason()],
        "requestBody": body(&["application/geo+json", "application/json"]),
        "responses": written("201", "Created: Location names the new feature (an id is made when the body has none)."),
    });
    let item = "/collections/{collectionId}/items/{featureId}";
    paths[item]["put"] = json!({
        "summary": "Replace a feature with a new version (a feature exactly as GET served it is accepted; links, time and updated are the server's).",
        "operationId": "replaceItem", "security": security,
        "parameters": [collection, feature, reason(), if_match()],
        "requestBody": body(&["application/geo+json", "application/json"]),
        "responses": written("200", "Written: the version, its stage (draft or published) and what changed."),
    });
    paths[item]["patch"] = json!({
        "summary": "Change a feature with a JSON Merge Patch (RFC 7396) on its current version.",
        "operationId": "updateItem", "security": security,
        "parameters": [collection, feature, reason(), if_match()],
        "requestBody": {"required": true, "content": {"application/merge-patch+json": {"schema": {"type": "object"}}, "application/json": {"schema": {"type": "object"}}}},
        "responses": written("200", "Written."),
    });
    paths[item]["delete"] = json!({
        "summary": "Retire a feature: it leaves queries and maps, stays in its history and appears in the corrections feed.",
        "operationId": "deleteItem", "security": security,
        "parameters": [collection, feature, reason(), if_match()],
        "responses": written("200", "Retired."),
    });
    paths["/collections/{collectionId}/items/{featureId}/publish"] = json!({"post": {
        "summary": "Publish the draft waiting on a feature (publishers only): the one If-Match names. Its reason is the draft's unless Footprint-Reason gives another.",
        "operationId": "publishItem", "security": security,
        "parameters": [collection, feature, if_match()],
        "responses": written("200", "Published."),
    }});
    paths["/collections/{collectionId}/items/{featureId}/send-back"] = json!({"post": {
        "summary": "Send the draft waiting on a feature back to its editor with a note (publishers only; the note is Footprint-Reason). It stays unpublished, and waits again once an editor saves it.",
        "operationId": "sendBackItem", "security": security,
        "parameters": [collection, feature, reason(), if_match()],
        "responses": written("200", "Sent back."),
    }});
    add_editing(paths, &collection, &security);
    paths["/collections/{collectionId}/items/{featureId}/history"] = op(
        "Every version of a feature, oldest first: when, by which role, why, what changed (drafts too with a bearer token)",
        "itemHistory",
        &[
            collection.clone(),
            feature.clone(),
            param("f", "query", "Output format.", &json!({"type": "string", "enum": ["json"]}), false),
        ],
        &ok("The versions.", &["application/json"]),
    );
    let since = param(
        "since",
        "query",
        "Only changes after this time: RFC 3339, or a day (from its start, UTC).",
        &string,
        false,
    );
    let changes = [
        param("f", "query", "Output format.", &json!({"type": "string", "enum": ["json"]}), false),
        since.clone(),
        param(
            "limit",
            "query",
            "Page size (default 100, at most 1000).",
            &json!({"type": "integer", "minimum": 1}),
            false,
        ),
        param(
            "offset",
            "query",
            "Index of the first change returned.",
            &json!({"type": "integer", "minimum": 0}),
            false,
        ),
    ];
    paths["/changes"] = op(
        "The corrections feed: every published creation, correction and retirement, newest first",
        "changes",
        &changes,
        &ok("A page of changes with a next link.", &["application/json"]),
    );
    paths["/changes.atom"] = op(
        "The corrections feed as Atom (the newest 50)",
        "changesAtom",
        &[since],
        &ok("An Atom feed.", &["application/atom+xml"]),
    );
}
