//! `GET /api/timeline`: feature counts per day, week or month and collection, for the web map's histogram.
//!
//! A feature counts in the bucket of its start day. Open `datetime` ends (or no `datetime`) are resolved to the
//! first and last start day of the chosen collections.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::domain::timeline::{Bucket, MAX_BUCKETS, histogram};
use crate::domain::{Datetime, DaySpan};
use crate::store::FeatureProvider;

use super::error::ApiError;
use super::params::Params;
use super::{AppState, JSON, json_response};

#[derive(Serialize)]
struct Bar {
    start: String,
    end: String,
    count: usize,
}

#[derive(Serialize)]
struct Series<'a> {
    id: &'a str,
    total: usize,
    buckets: Vec<Bar>,
}

#[derive(Serialize)]
struct Body<'a> {
    bucket: Bucket,
    datetime: Option<String>,
    collections: Vec<Series<'a>>,
}

/// The parameters `/api/timeline` takes.
pub const PARAMETERS: [&str; 5] = ["f", "datetime", "bucket", "collections", "lang"];

/// Handler.
pub async fn timeline(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let data = state.snapshot();
    let params = Params::parse(req.query_string(), &PARAMETERS)?;
    params.format(&["json"])?;
    super::lang::english_only(&req, &params)?;
    let bucket = match params.raw("bucket") {
        None => Bucket::Week,
        Some(raw) => {
            Bucket::parse(raw).ok_or_else(|| ApiError::invalid("bucket", format!("`{raw}`: use day, week or month")))?
        }
    };
    let chosen: Vec<&dyn FeatureProvider> = match params.raw("collections") {
        None => data.store().collections().into_iter().collect(),
        Some(raw) => raw
            .split(',')
            .map(str::trim)
            .map(|id| {
                data.store()
                    .collection(id)
                    .ok_or_else(|| ApiError::invalid("collections", format!("no collection `{id}`")))
            })
            .collect::<Result<_, _>>()?,
    };
    for (i, c) in chosen.iter().enumerate() {
        if chosen[..i].iter().any(|earlier| earlier.meta().id == c.meta().id) {
            return Err(ApiError::invalid("collections", format!("`{}` is listed more than once", c.meta().id)));
        }
    }
    let requested = params.datetime()?.map_or(DaySpan::ALL, Datetime::span);
    let first_start = chosen.iter().filter_map(|c| c.starts().first()).min().copied();
    let last_start = chosen.iter().filter_map(|c| c.starts().last()).max().copied();
    let span = match (first_start, last_start) {
        (Some(lo), Some(hi)) => Some(DaySpan {
            first: if requested.first == DaySpan::ALL.first { lo } else { requested.first },
            last: if requested.last == DaySpan::ALL.last { hi } else { requested.last },
        })
        .filter(|s| s.first <= s.last),
        _ => None,
    };
    if let Some(span) = span
        && bucket.estimate(span).saturating_mul(chosen.len()) > MAX_BUCKETS
    {
        // Name what the client can change: the datetime it sent, or the bucket if it sent none.
        let parameter = if params.raw("datetime").is_some() { "datetime" } else { "bucket" };
        return Err(ApiError::invalid(
            parameter,
            format!(
                "{span_text} needs more than {MAX_BUCKETS} {bucket:?} buckets in all: give a narrower `datetime` or a coarser `bucket`",
                span_text = Datetime::from_span(span)
            ),
        ));
    }
    let collections = chosen
        .iter()
        .map(|c| {
            let buckets: Vec<Bar> = span
                .map(|span| histogram(c.starts(), span, bucket))
                .unwrap_or_default()
                .into_iter()
                .map(|b| Bar { start: b.first.to_string(), end: b.last.to_string(), count: b.count })
                .collect();
            Series { id: &c.meta().id, total: buckets.iter().map(|b| b.count).sum(), buckets }
        })
        .collect();
    let response =
        json_response(JSON, &Body { bucket, datetime: span.map(|s| Datetime::from_span(s).to_string()), collections })?;
    Ok(super::lang::declare(response, crate::i18n::Lang::En))
}
