//! Which language a request gets, and the headers that say so.
//!
//! Pages: `lang` in the URL (an unknown value is ignored, like any malformed map parameter, so a link always
//! opens), then `Accept-Language`, then English. The API: `lang` is checked (`400` names the languages there are),
//! then `Accept-Language`, then English. Either way the response carries `Content-Language` and
//! `Vary: Accept-Language`.

use actix_web::http::header::HeaderValue;
use actix_web::http::header::{self, AcceptLanguage, Header, Preference, Quality};
use actix_web::{HttpRequest, HttpResponse};

use crate::i18n::Lang;

use super::error::ApiError;
use super::params::Params;

/// The most preferred language of `Accept-Language` that Footprint has (`*` means English).
pub fn accepted(req: &HttpRequest) -> Option<Lang> {
    let header = AcceptLanguage::parse(req).ok()?;
    let mut items: Vec<_> = header.0.into_iter().filter(|item| item.quality > Quality::ZERO).collect();
    items.sort_by_key(|item| std::cmp::Reverse(item.quality));
    items.into_iter().find_map(|item| match item.item {
        Preference::Specific(tag) => Lang::from_tag(tag.primary_language()),
        Preference::Any => Some(Lang::En),
    })
}

/// The language of a page: `lang` if Footprint has it, else `Accept-Language`, else English.
pub fn for_page(req: &HttpRequest, lang_parameter: Option<&str>) -> Lang {
    lang_parameter.and_then(Lang::from_tag).or_else(|| accepted(req)).unwrap_or_default()
}

/// The language of an API response: `lang` (checked), else `Accept-Language`, else English.
pub fn for_api(req: &HttpRequest, params: &Params) -> Result<Lang, ApiError> {
    match params.raw("lang") {
        Some(raw) => Lang::from_tag(raw).ok_or_else(|| {
            let known: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
            ApiError::invalid("lang", format!("`{raw}` is not available: use one of {}", known.join(", ")))
        }),
        None => Ok(accepted(req).unwrap_or_default()),
    }
}

/// Checks `lang` on a resource that exists only in English (it says so with `Content-Language: en`): a known
/// language is accepted, so clients may send `lang` everywhere; an unknown one is a `400` as elsewhere.
pub fn english_only(req: &HttpRequest, params: &Params) -> Result<(), ApiError> {
    for_api(req, params).map(|_| ())
}

/// Adds `Content-Language` and `Vary: Accept-Language` to a response.
pub fn declare(mut response: HttpResponse, lang: Lang) -> HttpResponse {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    // One `Vary` line: the CORS middleware merges its own values into the first one and drops any other.
    let mut vary: Vec<String> =
        headers.get_all(header::VARY).filter_map(|v| v.to_str().ok()).map(str::to_owned).collect();
    vary.push("Accept-Language".to_owned());
    if let Ok(value) = HeaderValue::from_str(&vary.join(", ")) {
        headers.insert(header::VARY, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn accept_language_picks_the_best_language_footprint_has() {
        let req =
            TestRequest::default().insert_header(("Accept-Language", "fr-FR, ru;q=0.8, ar;q=0.9")).to_http_request();
        assert_eq!(accepted(&req), Some(Lang::Ar));
        let req = TestRequest::default().insert_header(("Accept-Language", "ar;q=0, de")).to_http_request();
        assert_eq!(accepted(&req), None);
        assert_eq!(for_page(&req, Some("ru-RU")), Lang::Ru);
        assert_eq!(for_page(&req, Some("xx")), Lang::En);
    }
}
