//! The form of one feature: its controls built from [`crate::form::FIELDS`] and [`crate::form::LISTS`] (every
//! control with a visible label and a place for its problem), read back into a [`Form`], rows added and removed,
//! the point placed on the map, and problems shown next to their fields with a summary that links to each.

use footprint::i18n::Lang;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

use super::{Open, collection, document, element, focus, lang, on, said, set_marker, text_element, with};
use crate::form::{FIELDS, Field, Form, Invalid, LISTS, List, Row, Widget, element_id, field_for_problem};

/// Wires the form's own events: rows added and removed, coordinates typed.
pub(super) fn wire() {
    on("ed-fields", "click", |event| {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
        let Some(button) = target.closest("button[data-list]").ok().flatten() else { return };
        let list = button.get_attribute("data-list").unwrap_or_default();
        let remove = button.get_attribute("data-remove").and_then(|r| r.parse::<usize>().ok());
        let c = collection();
        let mut form = read(&c);
        let rows = form.lists.entry(list.clone()).or_default();
        let focus_to = match remove {
            Some(i) if i < rows.len() => {
                rows.remove(i);
                format!("fld-list-{}-add", list.replace('.', "-"))
            }
            _ => {
                rows.push(Row::new());
                let first = LISTS.iter().find(|l| l.key == list).and_then(|l| l.columns.first()).map_or("", |c| c.key);
                element_id(Some((&list, rows.len() - 1)), first)
            }
        };
        build(&c, &form);
        focus(&focus_to);
    });
    on("ed-fields", "input", |event| {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
        if target.id() == "fld-lon" || target.id() == "fld-lat" {
            marker_from_inputs();
        }
    });
}

/// Opens an empty form for a new feature of the current collection.
pub(super) fn open_new() {
    let c = collection();
    let open = Open { collection: c.clone(), stage: "new".into(), ..Open::default() };
    with(|e| e.open = Some(open));
    let mut form = Form::default();
    for (key, value) in
        [("start_precision", "day"), ("date_basis", "event"), ("location_precision", "town"), ("confidence", "medium")]
    {
        form.values.insert(key.into(), value.into());
    }
    form.lists.insert("sources".into(), vec![Row::new()]);
    let l = lang();
    let heading = l.tf("edit.heading_new", &[("layer", l.t(&format!("layer.{c}")))]);
    element("ed-edit-heading").set_text_content(Some(&heading));
    build(&c, &form);
    super::review::show_stage("new");
    focus("ed-edit-heading");
}

/// A point chosen on the map: written into the coordinate fields.
pub(super) fn picked(lon: f64, lat: f64) {
    let round = |v: f64| format!("{v:.5}").trim_end_matches('0').trim_end_matches('.').to_owned();
    for (id, value) in [("fld-lon", lon), ("fld-lat", lat)] {
        if let Some(input) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<HtmlInputElement>().ok()) {
            input.set_value(&round(value));
        }
    }
    set_marker(lon, lat, true);
}

/// Moves the marker to the typed coordinates (or removes it).
pub(super) fn marker_from_inputs() {
    let value = |id: &str| {
        document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            .and_then(|i| i.value().trim().replace(',', ".").parse::<f64>().ok())
    };
    match (value("fld-lon"), value("fld-lat")) {
        (Some(lon), Some(lat)) if lon.abs() <= 180.0 && lat.abs() <= 90.0 => set_marker(lon, lat, true),
        _ => set_marker(0.0, 0.0, false),
    }
}

fn create(tag: &str) -> Element {
    document().create_element(tag).unwrap_or_else(|_| wasm_bindgen::throw_str("create element"))
}

fn control(field: &Field, id: &str, value: &str, lang: Lang) -> Element {
    let wrap = create("div");
    wrap.set_class_name(if field.widget == Widget::Check { "ed-field ed-check" } else { "ed-field" });
    let label = text_element("label", "", lang.t(field.label));
    let _ = label.set_attribute("for", id);
    let el = match field.widget {
        Widget::LongText => {
            let area: HtmlTextAreaElement = create("textarea").unchecked_into();
            area.set_value(value);
            area.unchecked_into::<Element>()
        }
        Widget::Choice(prefix, values) | Widget::OptionalChoice(prefix, values) => {
            let select: HtmlSelectElement = create("select").unchecked_into();
            // An optional value can be none; a required one not yet chosen (a new row) asks for a choice.
            let first = if matches!(field.widget, Widget::OptionalChoice(..)) { "edit.none" } else { "edit.choose" };
            if first == "edit.none" || value.is_empty() {
                let option = text_element("option", "", lang.t(first));
                let _ = option.set_attribute("value", "");
                let _ = select.append_child(&option);
            }
            for v in values {
                let option = text_element("option", "", lang.t(&format!("{prefix}{v}")));
                let _ = option.set_attribute("value", v);
                let _ = select.append_child(&option);
            }
            select.set_value(value);
            select.unchecked_into::<Element>()
        }
        widget => {
            let input: HtmlInputElement = create("input").unchecked_into();
            input.set_type(match widget {
                Widget::Date => "date",
                Widget::Check => "checkbox",
                _ => "text",
            });
            if widget == Widget::Check {
                input.set_checked(value == "true");
            } else {
                input.set_value(value);
            }
            if widget == Widget::Number {
                let _ = input.set_attribute("inputmode", "decimal");
                let _ = input.set_attribute("dir", "ltr");
            }
            input.unchecked_into::<Element>()
        }
    };
    el.set_id(id);
    let error = format!("{id}-error");
    let _ = el.set_attribute("aria-describedby", &error);
    if let Some(text_lang) = field.lang {
        let _ = el.set_attribute("lang", text_lang);
        let _ = el.set_attribute("dir", if text_lang == "ar" { "rtl" } else { "ltr" });
    }
    let problem = text_element("p", "ed-error", "");
    problem.set_id(&error);
    let _ = problem.set_attribute("hidden", "");
    if field.widget == Widget::Check {
        let _ = wrap.append_child(&el);
        let _ = wrap.append_child(&label);
    } else {
        let _ = wrap.append_child(&label);
        let _ = wrap.append_child(&el);
    }
    let _ = wrap.append_child(&problem);
    wrap
}

fn list_block(list: &List, rows: &[Row], lang: Lang) -> Element {
    let block = create("fieldset");
    let key = list.key.replace('.', "-");
    block.set_id(&format!("fld-list-{key}"));
    let _ = block.append_child(&text_element("legend", "", lang.t(list.label)));
    for (i, row) in rows.iter().enumerate() {
        let row_el = create("div");
        row_el.set_class_name("ed-row");
        let head = create("div");
        head.set_class_name("ed-row-head");
        let number = (i + 1).to_string();
        let _ = head.append_child(&text_element("span", "", &lang.tf("edit.row", &[("n", &number)])));
        let remove = text_element("button", "", &lang.tf("edit.remove_row", &[("n", &number)]));
        let _ = remove.set_attribute("type", "button");
        let _ = remove.set_attribute("data-list", list.key);
        let _ = remove.set_attribute("data-remove", &i.to_string());
        let _ = remove.set_attribute(
            "aria-label",
            &format!("{} — {}", lang.t(list.label), remove.text_content().unwrap_or_default()),
        );
        let _ = head.append_child(&remove);
        let _ = row_el.append_child(&head);
        let grid = create("div");
        grid.set_class_name("ed-grid");
        for column in list.columns {
            let id = element_id(Some((list.key, i)), column.key);
            let _ = grid.append_child(&control(column, &id, row.get(column.key).map_or("", String::as_str), lang));
        }
        let _ = row_el.append_child(&grid);
        let _ = block.append_child(&row_el);
    }
    let add = text_element("button", "", lang.t("edit.add_row"));
    add.set_id(&format!("fld-list-{key}-add"));
    let _ = add.set_attribute("type", "button");
    let _ = add.set_attribute("data-list", list.key);
    let _ = add.set_attribute("aria-label", &format!("{} — {}", lang.t("edit.add_row"), lang.t(list.label)));
    let _ = block.append_child(&add);
    let problem = text_element("p", "ed-error", "");
    problem.set_id(&format!("fld-list-{key}-error"));
    let _ = problem.set_attribute("hidden", "");
    let _ = block.append_child(&problem);
    block
}

/// Builds the form of `collection` holding `form`.
pub(super) fn build(collection: &str, form: &Form) {
    let lang = lang();
    let container = element("ed-fields");
    container.set_text_content(None);
    let lists_after = |key: &str| -> &[&str] {
        match key {
            "injured.max" => &["killed.reports", "injured.reports"],
            "description.ru" => &["sources", "attribution"],
            _ => &[],
        }
    };
    for field in FIELDS.iter().filter(|f| f.applies_to(collection)) {
        let value = form.values.get(field.key).map_or("", String::as_str);
        let _ = container.append_child(&control(field, &element_id(None, field.key), value, lang));
        for key in lists_after(field.key) {
            if let Some(list) = LISTS.iter().find(|l| l.key == *key && l.applies_to(collection)) {
                let rows = form.lists.get(list.key).map_or(&[][..], Vec::as_slice);
                let _ = container.append_child(&list_block(list, rows, lang));
            }
        }
    }
    clear_problems();
    let _ = container.set_attribute("data-id", &form.id);
    marker_from_inputs();
}

fn value_of(id: &str) -> Option<String> {
    let el = document().get_element_by_id(id)?;
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        return Some(if input.type_() == "checkbox" {
            if input.checked() { "true".into() } else { String::new() }
        } else {
            input.value()
        });
    }
    if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
        return Some(select.value());
    }
    el.dyn_ref::<HtmlTextAreaElement>().map(HtmlTextAreaElement::value)
}

/// The form as it is on the page.
pub(super) fn read(collection: &str) -> Form {
    let mut form = Form { id: element("ed-fields").get_attribute("data-id").unwrap_or_default(), ..Form::default() };
    for field in FIELDS.iter().filter(|f| f.applies_to(collection)) {
        if let Some(value) = value_of(&element_id(None, field.key)) {
            form.values.insert(field.key.into(), value);
        }
    }
    for list in LISTS.iter().filter(|l| l.applies_to(collection)) {
        let mut rows = Vec::new();
        while document().get_element_by_id(&element_id(Some((list.key, rows.len())), list.columns[0].key)).is_some() {
            let i = rows.len();
            let row: Row = list
                .columns
                .iter()
                .filter_map(|c| value_of(&element_id(Some((list.key, i)), c.key)).map(|v| (c.key.to_owned(), v)))
                .collect();
            rows.push(row);
        }
        form.lists.insert(list.key.into(), rows);
    }
    form
}

fn each(selector: &str, f: impl Fn(&Element)) {
    if let Ok(found) = document().query_selector_all(selector) {
        for i in 0..found.length() {
            if let Some(el) = found.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                f(&el);
            }
        }
    }
}

/// Clears every problem shown.
pub(super) fn clear_problems() {
    each("#ed-fields .ed-error", |el| {
        el.set_text_content(None);
        let _ = el.set_attribute("hidden", "");
    });
    each("#ed-fields [aria-invalid]", |el| {
        let _ = el.remove_attribute("aria-invalid");
    });
    element("ed-summary").set_text_content(None);
    let _ = element("ed-summary").set_attribute("hidden", "");
}

/// Shows problems (`(element id, message)`) next to their fields and in a summary linking to each, then moves focus
/// to the summary. `english`: the messages are the data rules' (in English).
pub(super) fn show(problems: &[(Option<String>, String)], english: bool) {
    clear_problems();
    let lang = lang();
    let summary = element("ed-summary");
    let _ = summary.remove_attribute("hidden");
    let _ = summary.set_attribute("tabindex", "-1");
    let n = u64::try_from(problems.len()).unwrap_or(u64::MAX);
    let _ = summary.append_child(&text_element("p", "", &lang.count("edit.problems", n)));
    if english && lang != Lang::En {
        let _ = summary.append_child(&text_element("p", "ed-help", lang.t("edit.rules_in_english")));
    }
    let list = create("ul");
    let message_lang = english.then_some("en");
    for (field, message) in problems {
        let item = create("li");
        let target = field.as_deref().and_then(|id| document().get_element_by_id(id).map(|el| (id, el)));
        if let Some((id, el)) = &target {
            let _ = el.set_attribute("aria-invalid", "true");
            if let Some(error) = document().get_element_by_id(&format!("{id}-error")) {
                let _ = error.remove_attribute("hidden");
                let _ = error.append_child(&said("span", "", message, message_lang));
            }
            let label = document()
                .query_selector(&format!("label[for=\"{id}\"], #{id} > legend"))
                .ok()
                .flatten()
                .and_then(|l| l.text_content())
                .unwrap_or_default();
            let link = text_element("a", "", &format!("{label}: "));
            let _ = link.set_attribute("href", &format!("#{id}"));
            let _ = link.append_child(&said("span", "", message, message_lang));
            let _ = item.append_child(&link);
        } else {
            let _ = item.append_child(&said("span", "", message, message_lang));
        }
        let _ = list.append_child(&item);
    }
    let _ = summary.append_child(&list);
    focus("ed-summary");
}

/// Shows values that are not what their fields take.
pub(super) fn show_invalid(invalid: &[Invalid]) {
    let lang = lang();
    let problems: Vec<(Option<String>, String)> =
        invalid.iter().map(|i| (Some(i.field.clone()), lang.t(i.message).to_owned())).collect();
    show(&problems, false);
}

/// Shows the data rules' problems the server reported (`[{field, message}]`).
pub(super) fn show_rules(collection: &str, problems: &serde_json::Value) {
    let list: Vec<(Option<String>, String)> = problems
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    let field = p["field"].as_str().unwrap_or("-");
                    (field_for_problem(field, collection), p["message"].as_str().unwrap_or_default().to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    show(&list, true);
}
