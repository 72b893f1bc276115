//! Source rules: every feature cites dated sources at the publisher's own address.
//!
//! The registry `geodata/publishers.json` names each publisher's hosts and the mirrors (aggregators, CDN and archive
//! copies, Wikipedia mirrors) that republish other publishers' articles. A source's URL must be on a host of its
//! publisher, over `https` unless the registry says the publisher serves only `http`, and never on a bare IP
//! address, a staging host or a mirror.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use url::{Host, Url};

use super::Findings;
use crate::domain::Feature;

/// Prefixes of subdomain labels that mark a staging or test deployment rather than the publisher's public site
/// (`staging.example.com`, `stgmobile.example.com`, `dev2.example.com`).
const STAGING_PREFIXES: [&str; 8] = ["staging", "stage", "stg", "preprod", "dev", "test", "uat", "qa"];

/// What may follow a staging prefix in the same label: a number, a dash, or the name of a site variant.
const SITE_VARIANTS: [&str; 5] = ["mobile", "www", "web", "m", "api"];

/// The first subdomain label (the labels before the last two) that marks a staging or test host, if any.
fn staging_label(host: &str) -> Option<&str> {
    let labels: Vec<&str> = host.split('.').collect();
    let subdomains = &labels[..labels.len().saturating_sub(2)];
    subdomains.iter().copied().find(|label| {
        STAGING_PREFIXES.iter().any(|prefix| {
            label.strip_prefix(prefix).is_some_and(|rest| {
                rest.is_empty()
                    || rest.starts_with(|c: char| c.is_ascii_digit() || c == '-')
                    || SITE_VARIANTS.contains(&rest)
            })
        })
    })
}

/// The publisher registry (`geodata/publishers.json`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publishers {
    /// Each publisher, by the name sources give in `publisher`.
    pub publishers: BTreeMap<String, Publisher>,
    /// Hosts that republish other publishers' articles, with why they are not cited.
    pub mirrors: BTreeMap<String, String>,
}

/// One publisher's addresses.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// Registrable domains it publishes on (`reuters.com`); subdomains match.
    pub hosts: Vec<String>,
    /// True only for a publisher that does not serve `https`.
    #[serde(default)]
    pub http_only: bool,
}

/// Whether `host` is `domain` or one of its subdomains.
fn on_domain(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|rest| rest.ends_with('.'))
}

impl Publishers {
    /// The mirror entry `host` falls under, if any.
    fn mirror(&self, host: &str) -> Option<(&str, &str)> {
        self.mirrors.iter().find(|(domain, _)| on_domain(host, domain)).map(|(d, why)| (d.as_str(), why.as_str()))
    }
}

/// Query parameters that track a visit or pick a rendering rather than name a page.
fn is_tracking(key: &str) -> bool {
    key.starts_with("utm_") || matches!(key, "amp" | "outputType" | "fbclid" | "gclid")
}

/// A URL reduced to what identifies the page, for spotting duplicates: no scheme, `www.`, trailing `/`, fragment,
/// empty query or tracking parameters.
fn page_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().trim_start_matches("www.");
    let path = url.path().trim_end_matches('/').trim_end_matches("/amp");
    let pairs: Vec<String> =
        url.query_pairs().filter(|(key, _)| !is_tracking(key)).map(|(key, value)| format!("{key}={value}")).collect();
    if pairs.is_empty() { format!("{host}{path}") } else { format!("{host}{path}?{}", pairs.join("&")) }
}

/// Checks the sources of one feature.
pub(super) fn check(feature: &Feature, registry: &Publishers, out: &mut Findings<'_>) {
    let id = Some(feature.id.as_str());
    let sources = &feature.properties.sources;
    if sources.is_empty() {
        out.add(id, "properties.sources", "every feature needs at least one source");
    } else if sources.iter().all(|s| s.date.is_none()) {
        out.add(id, "properties.sources", "no source has a date: give at least one source its publication date");
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, source) in sources.iter().enumerate() {
        let field = format!("properties.sources[{i}].url");
        if source.publisher.trim().is_empty() {
            out.add(id, &format!("properties.sources[{i}].publisher"), "must not be empty");
        }
        let url = match Url::parse(&source.url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => url,
            _ => {
                out.add(id, &field, format!("`{}` is not an http(s) URL", source.url));
                continue;
            }
        };
        if let Some(first) = seen.insert(page_key(&url), i) {
            out.add(id, &field, format!("the same page as sources[{first}]: cite each page once"));
        }
        let host = match url.host() {
            Some(Host::Domain(host)) => host.to_ascii_lowercase(),
            Some(Host::Ipv4(_) | Host::Ipv6(_)) => {
                out.add(id, &field, "is a bare IP address: cite the publisher's own address");
                continue;
            }
            None => {
                out.add(id, &field, "has no host");
                continue;
            }
        };
        if let Some(label) = staging_label(&host) {
            out.add(id, &field, format!("`{host}` is a staging or test host (`{label}`): cite the public page"));
        }
        if let Some((domain, why)) = registry.mirror(&host) {
            out.add(
                id,
                &field,
                format!("`{host}` is a mirror ({domain}: {why}): cite the publisher's own page, crediting it in `via`"),
            );
            continue;
        }
        let Some(publisher) = registry.publishers.get(&*source.publisher) else {
            out.add(
                id,
                &format!("properties.sources[{i}].publisher"),
                format!("`{}` is not in publishers.json: add it with the hosts it publishes on", source.publisher),
            );
            continue;
        };
        if !publisher.hosts.iter().any(|domain| on_domain(&host, domain)) {
            out.add(
                id,
                &field,
                format!(
                    "`{host}` is not a host of {} ({}): cite the publisher's own page or correct `publisher`",
                    source.publisher,
                    publisher.hosts.join(", ")
                ),
            );
        }
        if url.scheme() == "http" && !publisher.http_only {
            out.add(id, &field, format!("use https: {} serves its pages over https", source.publisher));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_match_their_domain_and_lookalikes_do_not() {
        assert!(on_domain("www.reuters.com", "reuters.com"));
        assert!(on_domain("reuters.com", "reuters.com"));
        assert!(!on_domain("notreuters.com", "reuters.com"));
    }

    #[test]
    fn staging_hosts_are_told_from_public_ones() {
        assert_eq!(staging_label("stgmobile.jpost.com"), Some("stgmobile"));
        assert_eq!(staging_label("staging.example.org"), Some("staging"));
        assert_eq!(staging_label("dev2.example.org"), Some("dev2"));
        assert_eq!(staging_label("www.jpost.com"), None);
        assert_eq!(staging_label("devdiscourse.com"), None);
        assert_eq!(staging_label("developers.example.org"), None);
        assert_eq!(staging_label("stgeorge.example.org"), None);
    }

    #[test]
    fn duplicate_pages_are_found_through_www_slashes_and_fragments() {
        let a = Url::parse("https://www.example.org/news/1/#top").unwrap();
        let b = Url::parse("https://example.org/news/1").unwrap();
        assert_eq!(page_key(&a), page_key(&b));
        let tracked = Url::parse("https://example.org/news/1/amp?utm_source=x").unwrap();
        assert_eq!(page_key(&tracked), page_key(&b));
        let empty_query = Url::parse("https://example.org/news/1?").unwrap();
        assert_eq!(page_key(&empty_query), page_key(&b));
        let other = Url::parse("https://example.org/news/1?id=2").unwrap();
        assert_ne!(page_key(&other), page_key(&b));
    }
}
