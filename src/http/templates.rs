//! The HTML pages' templates (`index.html`, `embed.html`, `downloads.html`, `edit.html`, `sign-in.html` from the
//! embedded web bundle), rendered in one pass by minijinja with HTML escaping on: a value is written once, escaped,
//! and never read again as template text, so no input can expand into more markup than its own escaped length.
//!
//! Every template sees `lang` (`en`, `ar`, `ru`), `dir` (`ltr`/`rtl`) and the function `t("key")`, the UI message
//! in that language.

use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, Value, context};

use crate::i18n::Lang;

use super::assets::web_file;
use super::error::ApiError;

/// The page templates in the bundle.
const PAGES: [&str; 5] = ["index.html", "embed.html", "downloads.html", "edit.html", "sign-in.html"];

static ENVIRONMENT: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_formatter(write_escaped);
    env.add_function("t", translate);
    for name in PAGES {
        let source = web_file(name).ok_or_else(|| format!("{name} is not in the web bundle"))?;
        env.add_template_owned(name, source).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(env)
});

/// Writes a value: strings with the five HTML special characters escaped (minijinja's own escaper also escapes
/// `/`, which makes every URL in the pages hard to read), anything else as minijinja writes it.
fn write_escaped(out: &mut Output<'_>, state: &mut State<'_, '_>, value: &Value) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) if *state.auto_escape() == AutoEscape::Html && !value.is_safe() => out
            .write_str(&escape_html(text))
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())),
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Escapes text for HTML element content and attribute values (`&`, `<`, `>`, `"`, `'`).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `t("key")`: the message `key` in the page's language.
fn translate(state: &State<'_, '_>, key: &str) -> String {
    let lang = state.lookup("lang").and_then(|l| l.as_str().and_then(Lang::from_tag)).unwrap_or_default();
    lang.t(key).to_owned()
}

/// Renders page `name` in `lang` with the page's own values.
pub fn render(name: &str, lang: Lang, values: Value) -> Result<String, ApiError> {
    let env = ENVIRONMENT.as_ref().map_err(|e| ApiError::Internal(e.clone()))?;
    let template = env.get_template(name).map_err(|e| ApiError::Internal(e.to_string()))?;
    template
        .render(context! { lang => lang.code(), dir => lang.dir(), ..values })
        .map_err(|e| ApiError::Internal(format!("{name}: {e:#}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_template_compiles() {
        let env = ENVIRONMENT.as_ref().unwrap();
        for name in PAGES {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn values_are_escaped_once_and_never_read_as_template_text() {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_formatter(write_escaped);
        env.add_template("x.html", "<p title=\"{{ a }}\">{{ b }}</p>").unwrap();
        let html = env
            .get_template("x.html")
            .unwrap()
            .render(context! { a => "\"{{ b }}\"", b => "<script>{{ a }}</script>" })
            .unwrap();
        assert_eq!(html, "<p title=\"&quot;{{ b }}&quot;\">&lt;script&gt;{{ a }}&lt;/script&gt;</p>");
    }

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(escape_html("<b a=\"x\">'&'</b>"), "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;");
    }
}
