//! Content negotiation for stored representations: which of the encodings we hold (brotli, gzip, identity) a client
//! gets, from its `Accept-Encoding` parsed by actix's typed header, q-values honoured (`br;q=0` refuses brotli;
//! `identity;q=0` with nothing else we hold is a `406`).

use actix_web::HttpRequest;
use actix_web::http::header::{AcceptEncoding, ContentEncoding, Encoding, Header as _};

use super::error::ApiError;

/// The encoding to send, among `held` (which should include `identity` when a plain copy can be made).
pub fn negotiate(req: &HttpRequest, held: &[ContentEncoding]) -> Result<ContentEncoding, ApiError> {
    // A header that does not parse is treated as absent: any encoding is acceptable, identity is preferred.
    choose(&AcceptEncoding::parse(req).unwrap_or(AcceptEncoding(Vec::new())), held)
}

/// The encoding to send among `held`, given the client's `Accept-Encoding`.
pub fn choose(accepted: &AcceptEncoding, held: &[ContentEncoding]) -> Result<ContentEncoding, ApiError> {
    let supported: Vec<Encoding> = held.iter().map(|&e| typed(e)).collect();
    let chosen = accepted.negotiate(supported.iter()).ok_or_else(|| {
        let names: Vec<&str> = held.iter().map(|e| e.as_str()).collect();
        ApiError::NotAcceptable(format!("this resource is available as: {}", names.join(", ")))
    })?;
    Ok(held.iter().copied().find(|&e| typed(e) == chosen).unwrap_or(ContentEncoding::Identity))
}

/// The `Accept-Encoding` item naming a content coding.
fn typed(encoding: ContentEncoding) -> Encoding {
    match encoding {
        ContentEncoding::Brotli => Encoding::brotli(),
        ContentEncoding::Gzip => Encoding::gzip(),
        ContentEncoding::Deflate => Encoding::deflate(),
        ContentEncoding::Zstd => Encoding::zstd(),
        _ => Encoding::identity(),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    const HELD: [ContentEncoding; 3] = [ContentEncoding::Brotli, ContentEncoding::Gzip, ContentEncoding::Identity];

    fn with(header: &str) -> Result<ContentEncoding, ApiError> {
        negotiate(&TestRequest::default().insert_header(("Accept-Encoding", header)).to_http_request(), &HELD)
    }

    #[test]
    fn a_zero_q_value_refuses_an_encoding() {
        assert_eq!(with("br;q=0, gzip").unwrap(), ContentEncoding::Gzip);
        assert_eq!(with("br;q=0").unwrap(), ContentEncoding::Identity);
        assert_eq!(with("gzip;q=0.5, br;q=0.9").unwrap(), ContentEncoding::Brotli);
        assert_eq!(with("gzip;q=0.9, br;q=0.5").unwrap(), ContentEncoding::Gzip);
    }

    #[test]
    fn no_header_gets_identity_and_refusing_everything_held_is_not_acceptable() {
        assert_eq!(negotiate(&TestRequest::default().to_http_request(), &HELD).unwrap(), ContentEncoding::Identity);
        assert!(matches!(with("identity;q=0, br;q=0, gzip;q=0"), Err(ApiError::NotAcceptable(_))));
        assert_eq!(with("*;q=0, br").unwrap(), ContentEncoding::Brotli);
    }
}
