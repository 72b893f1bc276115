//! How the service is exposed: the origin its links are written with, the `Host` names it trusts, and who may
//! frame its widget.
//!
//! Links (in `/api`, the basemap style, the pages' cards, oEmbed) are written with, in order:
//! 1. `--public-url`, when given (the right choice behind a proxy);
//! 2. the request's `Host`, only if it is trusted: the bound address, a loopback name with the bound port, or one
//!    of `--allowed-hosts`;
//! 3. otherwise the bound address (`localhost:PORT` when bound to all interfaces).
//!
//! So a forged `Host: evil.example` gets links that don't follow it, and no response carries an untrusted Host
//! that a cache could store. `Forwarded`/`X-Forwarded-*` are never read.

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web;

use super::AppState;

/// How the service is exposed (command-line options of `serve`).
#[derive(Debug, Clone)]
pub struct Site {
    /// The address the server listens on, `host:port` (links fall back to it).
    pub bound: String,
    /// The public origin links are written with (`https://maps.example.org`), without a trailing slash.
    pub public_url: Option<String>,
    /// `Host` values trusted besides the bound address and loopback names (`maps.internal:8080`), lower case.
    pub allowed_hosts: Vec<String>,
    /// Origins that may frame `/embed` (`https://news.example`); empty: any site may.
    pub embed_origins: Vec<String>,
}

impl Default for Site {
    /// Bound to `localhost:8080`, no public URL, no other trusted host, framable by any site.
    fn default() -> Site {
        Site {
            bound: "localhost:8080".to_owned(),
            public_url: None,
            allowed_hosts: Vec::new(),
            embed_origins: Vec::new(),
        }
    }
}

/// Why an option value was refused.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// Not an `http(s)://host[:port]` origin.
    #[error("`{0}` is not an origin: use http(s)://host[:port] with no path, query or fragment")]
    NotAnOrigin(String),
    /// Not a `host[:port]`.
    #[error("`{0}` is not a host name: use host or host:port")]
    NotAHost(String),
}

/// Parses `--public-url`: an `http(s)` origin, optionally with a path prefix (`https://example.org/maps`).
pub fn parse_public_url(raw: &str) -> Result<String, SiteError> {
    let bad = || SiteError::NotAnOrigin(raw.to_owned());
    let url = url::Url::parse(raw).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || url.query().is_some() {
        return Err(bad());
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(bad());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Parses one origin of `--embed-origins`.
pub fn parse_origin(raw: &str) -> Result<String, SiteError> {
    let bad = || SiteError::NotAnOrigin(raw.to_owned());
    let url = url::Url::parse(raw.trim()).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || url.path() != "/" {
        return Err(bad());
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(bad());
    }
    Ok(url.origin().ascii_serialization())
}

/// Parses one host of `--allowed-hosts` (`example.org` or `example.org:8080`), lower-cased.
pub fn parse_host(raw: &str) -> Result<String, SiteError> {
    let host = raw.trim().to_ascii_lowercase();
    let valid = !host.is_empty()
        && host.len() <= 255
        && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        && url::Url::parse(&format!("http://{host}/")).is_ok_and(|u| u.host().is_some());
    if valid { Ok(host) } else { Err(SiteError::NotAHost(raw.to_owned())) }
}

/// The port of a `host:port` (the bound address always has one).
fn port_of(host: &str) -> Option<&str> {
    host.rsplit_once(':').map(|(_, port)| port).filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `host` (from the request) is one the server answers to.
fn trusted(host: &str, bound: &str, site: &Site) -> bool {
    let host = host.to_ascii_lowercase();
    if host == bound.to_ascii_lowercase() || site.allowed_hosts.contains(&host) {
        return true;
    }
    let Some(port) = port_of(bound) else { return false };
    ["localhost", "127.0.0.1", "[::1]"].iter().any(|name| host == format!("{name}:{port}"))
}

/// `scheme://host` for absolute links (see the module documentation for the rule).
pub fn base_url(req: &HttpRequest) -> String {
    static DEFAULT: std::sync::LazyLock<Site> = std::sync::LazyLock::new(Site::default);
    let site = req.app_data::<web::Data<AppState>>().map_or(&*DEFAULT, |s| &s.site);
    if let Some(public) = &site.public_url {
        return public.clone();
    }
    let bound = site.bound.as_str();
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    match host {
        Some(host) if trusted(host, bound, site) => format!("http://{}", host.to_ascii_lowercase()),
        _ => match (bound.split_once(':'), port_of(bound)) {
            (Some(("0.0.0.0" | "[::]", _)), Some(port)) => format!("http://localhost:{port}"),
            _ => format!("http://{bound}"),
        },
    }
}

/// The `frame-ancestors` of `/embed`: `*` (any site), or the configured origins.
pub fn embed_ancestors(site: &Site) -> String {
    if site.embed_origins.is_empty() { "*".to_owned() } else { site.embed_origins.join(" ") }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn only_origins_and_host_names_are_accepted_as_options() {
        assert_eq!(parse_public_url("https://maps.example.org/").unwrap(), "https://maps.example.org");
        assert_eq!(parse_public_url("https://example.org/maps/").unwrap(), "https://example.org/maps");
        assert!(parse_public_url("ftp://example.org").is_err());
        assert!(parse_public_url("https://example.org/?a=1").is_err());
        assert_eq!(parse_origin("https://News.Example:8443").unwrap(), "https://news.example:8443");
        assert!(parse_origin("https://news.example/path").is_err());
        assert!(parse_origin("'self'").is_err());
        assert_eq!(parse_host("Maps.Internal:8080").unwrap(), "maps.internal:8080");
        assert!(parse_host("evil.example;").is_err());
        assert!(parse_host("").is_err());
    }

    #[test]
    fn an_untrusted_host_is_not_followed_and_a_loopback_name_is() {
        let forged = TestRequest::default().insert_header(("Host", "evil.example")).to_http_request();
        assert_eq!(base_url(&forged), "http://localhost:8080");
        let loopback = TestRequest::default().insert_header(("Host", "127.0.0.1:8080")).to_http_request();
        assert_eq!(base_url(&loopback), "http://127.0.0.1:8080");
        let other_port = TestRequest::default().insert_header(("Host", "127.0.0.1:9999")).to_http_request();
        assert_eq!(base_url(&other_port), "http://localhost:8080");
    }
}
