//! The editor's pages: `/edit/sign-in` (a form that works without script), `/edit/sign-out`, and `/edit` (the
//! editor app, a client of the public write API, for a signed-in account).
//!
//! Signing in exchanges an account's token for a session ([`crate::store::sessions`]): a random secret in a
//! cookie that is `HttpOnly`, `SameSite=Strict`, `Secure` when the public URL is https, and ends after
//! [`SESSION_LENGTH`]. The pages carry the session's CSRF token for the app's requests ([`super::auth`]); the
//! sign-in and sign-out forms are refused when they come from another site. Failed sign-ins count towards the
//! same lock-out as failed API tokens. No secret is ever put in a URL or a log.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::i18n::Lang;
use crate::store::sessions::SESSION_LENGTH;

use super::auth::{SESSION_COOKIE, client_address, locked_out, same_origin, same_secret, signed_in};
use super::page_query::PageQuery;
use super::{ApiError, AppState, lang, templates};

/// The longest form body the sign-in and sign-out forms take.
const FORM_LIMIT: usize = 4 * 1024;

/// One entry of the language switch.
#[derive(Serialize)]
struct SwitchEntry {
    lang: &'static str,
    name: &'static str,
    href: String,
    current: bool,
}

fn switch(path: &str, lang: Lang) -> Vec<SwitchEntry> {
    Lang::ALL
        .iter()
        .map(|&other| SwitchEntry {
            lang: other.code(),
            name: other.native_name(),
            href: format!("{path}?lang={}", other.code()),
            current: other == lang,
        })
        .collect()
}

fn page(status: actix_web::http::StatusCode, html: String, lang: Lang) -> HttpResponse {
    let response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html);
    lang::declare(response, lang)
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// Whether the site is served over https (then the cookie is `Secure`): its `--public-url` says so (the server
/// reads no `Forwarded` or `X-Forwarded-*` header, which a client could forge).
fn over_https(req: &HttpRequest) -> bool {
    super::base_url(req).starts_with("https://")
}

/// The fields of a urlencoded form body.
fn form_fields(body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    if body.len() > FORM_LIMIT {
        return Err(ApiError::InvalidBody(format!("the form is larger than {FORM_LIMIT} bytes")));
    }
    Ok(form_urlencoded::parse(body).into_owned().collect())
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn page_lang(req: &HttpRequest) -> Result<Lang, ApiError> {
    let query = PageQuery::parse(req.query_string())?;
    Ok(lang::for_page(req, query.get("lang")))
}

fn sign_in_page(
    lang: Lang,
    error: Option<&str>,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, ApiError> {
    let values = context! {
        switch => Value::from(Serde(switch("/edit/sign-in", lang))),
        error => error.map(|key| lang.t(key)),
    };
    Ok(page(status, templates::render("sign-in.html", lang, values)?, lang))
}

/// `GET /edit/sign-in`: the sign-in form (straight to `/edit` when already signed in).
pub async fn sign_in_form(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let lang = page_lang(&req)?;
    if !state.live.is_writable() {
        return sign_in_page(lang, Some("edit.read_only"), actix_web::http::StatusCode::OK);
    }
    if signed_in(&req, &state).await?.is_some() {
        return Ok(see_other(&format!("/edit?lang={}", lang.code())));
    }
    sign_in_page(lang, None, actix_web::http::StatusCode::OK)
}

/// `POST /edit/sign-in`: `token` (and `lang`) from the form; a session cookie and `303` to `/edit`, or the form
/// again with what went wrong.
pub async fn sign_in(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    use actix_web::http::StatusCode;
    let fields = form_fields(&body)?;
    let lang = Lang::from_tag(field(&fields, "lang")).unwrap_or_else(|| lang::for_page(&req, None));
    if !state.live.is_writable() {
        return sign_in_page(lang, Some("edit.read_only"), StatusCode::METHOD_NOT_ALLOWED);
    }
    if !same_origin(&req) {
        return sign_in_page(lang, Some("edit.other_site"), StatusCode::FORBIDDEN);
    }
    let address = client_address(&req);
    let token = field(&fields, "token").trim().to_owned();
    if let Some(retry_after) = locked_out(&state, address, &token).await? {
        let mut response = sign_in_page(lang, Some("edit.locked"), StatusCode::TOO_MANY_REQUESTS)?;
        response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
        return Ok(response);
    }
    if token.is_empty() || token.len() > 200 {
        state.sign_ins.count_failure(address);
        return sign_in_page(lang, Some("edit.bad_token"), StatusCode::UNAUTHORIZED);
    }
    let live = std::sync::Arc::clone(&state.live);
    let opened = web::block(move || live.sign_in(&token))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)?;
    let Some(opened) = opened else {
        state.sign_ins.count_failure(address);
        return sign_in_page(lang, Some("edit.bad_token"), StatusCode::UNAUTHORIZED);
    };
    tracing::info!(account = %opened.signed_in.account.name, "signed in");
    let cookie = Cookie::build(SESSION_COOKIE, opened.secret)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(over_https(&req))
        .max_age(CookieDuration::seconds(SESSION_LENGTH.num_seconds()))
        .finish();
    let mut response = see_other(&format!("/edit?lang={}", lang.code()));
    response.add_cookie(&cookie).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(response)
}

/// `POST /edit/sign-out`: ends the session (its form carries the CSRF token) and clears the cookie.
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fields = form_fields(&body)?;
    let lang = Lang::from_tag(field(&fields, "lang")).unwrap_or_default();
    let session = signed_in(&req, &state).await?;
    if let (Some(session), Some(cookie)) = (session, req.cookie(SESSION_COOKIE)) {
        if !same_origin(&req) || !same_secret(field(&fields, "csrf"), &session.csrf) {
            return Err(ApiError::Forbidden("sign out from this site's own editor page".into()));
        }
        let (live, secret) = (std::sync::Arc::clone(&state.live), cookie.value().to_owned());
        web::block(move || live.sign_out(&secret))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(ApiError::from)?;
    }
    let mut response = see_other(&format!("/edit/sign-in?lang={}", lang.code()));
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").http_only(true).same_site(SameSite::Strict).finish();
    gone.make_removal();
    response.add_cookie(&gone).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(response)
}

/// `GET /edit`: the editor, for a signed-in account; the sign-in form otherwise.
pub async fn editor(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let lang = page_lang(&req)?;
    let Some(session) = signed_in(&req, &state).await? else {
        return Ok(see_other(&format!("/edit/sign-in?lang={}", lang.code())));
    };
    let snapshot = state.snapshot();
    let collections: Vec<String> = snapshot.data.collections.iter().map(|c| c.meta.id.clone()).collect();
    let values = context! {
        switch => Value::from(Serde(switch("/edit", lang))),
        account => session.account.name,
        role => session.account.role.name(),
        role_label => lang.t(&format!("edit.role.{}", session.account.role.name())),
        publishes => session.account.role.publishes(),
        csrf => session.csrf,
        collections => collections,
    };
    Ok(page(actix_web::http::StatusCode::OK, templates::render("edit.html", lang, values)?, lang))
}
