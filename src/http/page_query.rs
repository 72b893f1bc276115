//! The query of a map page URL (`/`, `/embed`, and the map URL inside an oEmbed request), parsed at the edge.
//!
//! A page keeps only the parameters it knows, the first of each, so nothing else is ever written back into it;
//! each has a longest value, and a longer one is a `400` naming the parameter. A page's size is therefore bounded
//! by its template plus a small multiple of these limits, whatever the request. Other malformed values are
//! ignored by the pages (the app falls back to its defaults), so a shared link always opens.

use crate::i18n::Lang;

use super::error::ApiError;

/// Parameters of the map state shared by `/`, `/embed`, the static image and oEmbed URLs, with their longest
/// values in characters (one definition, with the state: [`crate::map::state::PARAMETERS`]).
pub use crate::map::state::PARAMETERS as STATE_PARAMETERS;
/// Parameters only the embed takes (and `lang`, which every page takes), with their longest values.
pub const EMBED_PARAMETERS: [(&str, usize); 7] =
    [("title", 120), ("caption", 400), ("controls", 8), ("theme", 8), ("autoplay", 8), ("bbox", 128), ("lang", 35)];

/// The known parameters of a page URL, in the order given, the first of each.
#[derive(Debug, Default)]
pub struct PageQuery {
    pairs: Vec<(&'static str, String)>,
}

impl PageQuery {
    /// Parses a query string, keeping the known parameters; `400` naming the first one that is too long.
    pub fn parse(query: &str) -> Result<PageQuery, ApiError> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let Some(&(known, max)) = STATE_PARAMETERS.iter().chain(&EMBED_PARAMETERS).find(|(n, _)| *n == name) else {
                continue;
            };
            if value.chars().nth(max).is_some() {
                return Err(ApiError::invalid(known, format!("at most {max} characters")));
            }
            if !pairs.iter().any(|(n, _)| *n == known) {
                pairs.push((known, value.into_owned()));
            }
        }
        Ok(PageQuery { pairs })
    }

    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// The query string of the parameters kept (possibly empty).
    pub fn query(&self) -> String {
        self.serialize(|_| true)
    }

    /// The query string with `lang` set to `lang` (replacing any `lang`), everything else kept.
    pub fn with_lang(&self, lang: Lang) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.extend_pairs(self.pairs.iter().filter(|(k, _)| *k != "lang"));
        out.append_pair("lang", lang.code());
        out.finish()
    }

    /// The query string of the map state alone (what the static image and the full map need).
    pub fn state_query(&self) -> String {
        self.serialize(|name| STATE_PARAMETERS.iter().any(|(n, _)| *n == name))
    }

    /// The query string of the map state, with `lang` set to `lang` when one is given.
    pub fn state_query_with_lang(&self, lang: Option<Lang>) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.extend_pairs(self.pairs.iter().filter(|(k, _)| STATE_PARAMETERS.iter().any(|(n, _)| n == k)));
        if let Some(lang) = lang {
            out.append_pair("lang", lang.code());
        }
        out.finish()
    }

    fn serialize(&self, keep: impl Fn(&str) -> bool) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.extend_pairs(self.pairs.iter().filter(|(k, _)| keep(k)));
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_parameters_are_dropped_and_repeated_ones_keep_the_first() {
        let q = PageQuery::parse("x=1&t=2025-01-01&t=2026-01-01&title=A%20map").unwrap();
        assert_eq!(q.query(), "t=2025-01-01&title=A+map");
        assert_eq!(q.state_query(), "t=2025-01-01");
    }

    #[test]
    fn an_over_long_value_is_rejected_by_name() {
        let err = PageQuery::parse(&format!("caption={}", "x".repeat(401))).unwrap_err();
        assert!(matches!(err, ApiError::InvalidParameter { ref parameter, .. } if parameter == "caption"));
        assert!(PageQuery::parse(&format!("caption={}", "ü".repeat(400))).is_ok(), "characters, not bytes");
    }

    #[test]
    fn lang_is_replaced_not_repeated() {
        let q = PageQuery::parse("lang=ru&t=2025-01-01").unwrap();
        assert_eq!(q.with_lang(Lang::Ar), "t=2025-01-01&lang=ar");
    }
}
