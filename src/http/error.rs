//! HTTP errors: each carries its status and a client-safe message, rendered as `{"code", "description"}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::store::Problem;
use crate::store::live::WriteError;

/// An error answered to a client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter has a value that cannot be used.
    #[error("invalid value for parameter `{parameter}`: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        parameter: String,
        /// Why the value is wrong.
        reason: String,
    },
    /// A query parameter this endpoint does not take.
    #[error("unknown parameter `{parameter}`; this endpoint takes: {allowed}")]
    UnknownParameter {
        /// The parameter's name.
        parameter: String,
        /// The parameters it does take, comma-separated.
        allowed: String,
    },
    /// A parameter given more than once.
    #[error("parameter `{0}` is given more than once")]
    RepeatedParameter(String),
    /// No collection with this id.
    #[error("no collection `{0}`")]
    CollectionNotFound(String),
    /// No feature with this id in the collection.
    #[error("no feature `{feature}` in collection `{collection}`")]
    FeatureNotFound {
        /// The collection.
        collection: String,
        /// The feature id asked for.
        feature: String,
    },
    /// No such path.
    #[error("no resource at `{0}`")]
    NoRoute(String),
    /// A method this resource does not answer.
    #[error("method not allowed here: {0}")]
    MethodNotAllowed(String),
    /// None of the representations held is acceptable to the client (`Accept-Encoding`).
    #[error("not acceptable: {0}")]
    NotAcceptable(String),
    /// The server is at its limit for this kind of work; the client may retry after the given seconds.
    #[error("busy: {what}; retry in {retry_after} s")]
    Busy {
        /// What is at its limit.
        what: &'static str,
        /// Seconds to wait before retrying.
        retry_after: u32,
    },
    /// The request line or headers exceed the server's limits.
    #[error("{0}")]
    TooLarge(RequestLimit),
    /// A request header has a value that cannot be used (or a required one is missing).
    #[error("header `{header}`: {reason}")]
    InvalidHeader {
        /// The header's name.
        header: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The request body is not a usable document.
    #[error("request body: {0}")]
    InvalidBody(String),
    /// The body's media type is not one this endpoint reads.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// A written feature breaks rules; every problem is listed.
    #[error("the feature breaks {} rule(s); see `problems`", .0.len())]
    InvalidFeature(Vec<Problem>),
    /// No (valid) credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but the role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed sign-ins from this address.
    #[error("too many failed sign-ins; retry in {retry_after} s")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after: u32,
    },
    /// A write without `If-Match`.
    #[error("{0}")]
    PreconditionRequired(String),
    /// A write whose `If-Match` names an older version.
    #[error("{message}")]
    PreconditionFailed {
        /// What happened.
        message: String,
        /// The feature's current `ETag`.
        current: Option<String>,
    },
    /// The write conflicts with the resource's state (an id taken, nothing to publish).
    #[error("{0}")]
    Conflict(String),
    /// The feature was retired.
    #[error("{0}")]
    Gone(String),
    /// Something failed on the server; details are logged, not sent.
    #[error("internal error")]
    Internal(String),
}

impl From<WriteError> for ApiError {
    fn from(err: WriteError) -> ApiError {
        match err {
            WriteError::ReadOnly => ApiError::MethodNotAllowed(err.to_string()),
            WriteError::CollectionNotFound(id) => ApiError::CollectionNotFound(id),
            WriteError::FeatureNotFound { collection, feature } => ApiError::FeatureNotFound { collection, feature },
            WriteError::Retired(_) => ApiError::Gone(err.to_string()),
            WriteError::Exists(_) | WriteError::NoDraft(_) => ApiError::Conflict(err.to_string()),
            WriteError::PreconditionRequired => ApiError::PreconditionRequired(err.to_string()),
            WriteError::Stale { ref current } => {
                let current = current.starts_with('"').then(|| current.clone());
                ApiError::PreconditionFailed { message: err.to_string(), current }
            }
            WriteError::Forbidden(message) => ApiError::Forbidden(message.to_owned()),
            WriteError::Invalid(problems) => ApiError::InvalidFeature(problems),
            WriteError::Store(_) | WriteError::Load(_) => ApiError::Internal(err.to_string()),
        }
    }
}

impl ApiError {
    /// Shorthand for [`ApiError::InvalidParameter`].
    pub fn invalid(parameter: &str, reason: impl std::fmt::Display) -> ApiError {
        ApiError::InvalidParameter { parameter: parameter.to_owned(), reason: reason.to_string() }
    }

    /// The OGC-style exception code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidParameter { .. } | ApiError::UnknownParameter { .. } | ApiError::RepeatedParameter(_) => {
                "InvalidParameterValue"
            }
            ApiError::InvalidHeader { .. } => "InvalidHeaderValue",
            ApiError::InvalidBody(_) => "InvalidBody",
            ApiError::UnsupportedMediaType(_) => "UnsupportedMediaType",
            ApiError::InvalidFeature(_) => "InvalidFeature",
            ApiError::Unauthorized(_) => "Unauthorized",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::TooManyAttempts { .. } => "TooManyRequests",
            ApiError::PreconditionRequired(_) => "PreconditionRequired",
            ApiError::PreconditionFailed { .. } => "PreconditionFailed",
            ApiError::Conflict(_) => "Conflict",
            ApiError::Gone(_) => "Gone",
            ApiError::CollectionNotFound(_) | ApiError::FeatureNotFound { .. } | ApiError::NoRoute(_) => "NotFound",
            ApiError::MethodNotAllowed(_) => "MethodNotAllowed",
            ApiError::NotAcceptable(_) => "NotAcceptable",
            ApiError::Busy { .. } => "ServiceUnavailable",
            ApiError::TooLarge(RequestLimit::Uri { .. }) => "URITooLong",
            ApiError::TooLarge(_) => "RequestHeaderFieldsTooLarge",
            ApiError::Internal(_) => "ServerError",
        }
    }
}

/// Shortens every `quoted` piece of client input in a message to at most `max` characters (plus `…`), so a 10 KB
/// parameter still gets a readable error that names it.
fn shorten(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(4 * max));
    for (i, piece) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        match piece.char_indices().nth(max) {
            Some((cut, _)) if i % 2 == 1 => {
                out.push_str(&piece[..cut]);
                out.push('…');
            }
            _ => out.push_str(piece),
        }
    }
    out
}

/// Which limit on the request's head was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestLimit {
    /// The request target (path and query) is longer than `max` bytes.
    Uri {
        /// The limit.
        max: usize,
    },
    /// The headers are larger than `max` bytes in all.
    HeaderBytes {
        /// The limit.
        max: usize,
    },
    /// There are more than `max` header fields.
    HeaderCount {
        /// The limit.
        max: usize,
    },
}

impl std::fmt::Display for RequestLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestLimit::Uri { max } => write!(f, "the request URI is longer than {max} bytes"),
            RequestLimit::HeaderBytes { max } => write!(f, "the request headers are larger than {max} bytes"),
            RequestLimit::HeaderCount { max } => write!(f, "the request has more than {max} header fields"),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    description: String,
    /// For an invalid feature: each problem, by field.
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<Vec<ProblemBody<'a>>>,
}

#[derive(Serialize)]
struct ProblemBody<'a> {
    field: &'a str,
    message: String,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self.code() {
            "InvalidParameterValue" | "InvalidHeaderValue" | "InvalidBody" | "InvalidFeature" => {
                StatusCode::BAD_REQUEST
            }
            "UnsupportedMediaType" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unauthorized" => StatusCode::UNAUTHORIZED,
            "Forbidden" => StatusCode::FORBIDDEN,
            "TooManyRequests" => StatusCode::TOO_MANY_REQUESTS,
            "PreconditionRequired" => StatusCode::PRECONDITION_REQUIRED,
            "PreconditionFailed" => StatusCode::PRECONDITION_FAILED,
            "Conflict" => StatusCode::CONFLICT,
            "Gone" => StatusCode::GONE,
            "NotFound" => StatusCode::NOT_FOUND,
            "MethodNotAllowed" => StatusCode::METHOD_NOT_ALLOWED,
            "NotAcceptable" => StatusCode::NOT_ACCEPTABLE,
            "ServiceUnavailable" => StatusCode::SERVICE_UNAVAILABLE,
            "URITooLong" => StatusCode::URI_TOO_LONG,
            "RequestHeaderFieldsTooLarge" => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header(("Cache-Control", "no-store"));
        if let ApiError::Busy { retry_after, .. } | ApiError::TooManyAttempts { retry_after } = self {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        if matches!(self, ApiError::Unauthorized(_)) {
            response.insert_header(("WWW-Authenticate", "Bearer realm=\"footprint\""));
        }
        if let ApiError::PreconditionFailed { current: Some(etag), .. } = self {
            response.insert_header(("ETag", etag.as_str()));
        }
        if matches!(self, ApiError::TooLarge(_)) {
            response.insert_header(("Connection", "close"));
        }
        let problems = match self {
            ApiError::InvalidFeature(problems) => Some(
                problems.iter().map(|p| ProblemBody { field: &p.field, message: shorten(&p.message, 100) }).collect(),
            ),
            _ => None,
        };
        response.json(Body { code: self.code(), description: shorten(&self.to_string(), 100), problems })
    }
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn long_quoted_input_is_shortened_but_still_quoted() {
        let long = "x".repeat(500);
        let message = shorten(&format!("unknown parameter `{long}`; this endpoint takes: `limit`"), 100);
        assert!(message.starts_with(&format!("unknown parameter `{}…`", "x".repeat(100))));
        assert!(message.ends_with("takes: `limit`"));
    }
}
