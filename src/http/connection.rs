//! Each TCP connection, wrapped so that a request head actix-http refuses before any of Footprint's code runs still
//! gets a JSON error like every other.
//!
//! actix-http answers a head it cannot take with a bare, empty response and closes the connection: `400` for a
//! request target over 65,534 bytes (the `http` crate's limit) or any malformed head, `431` for a head over its
//! 128 KiB buffer or with more than 96 header fields. Those limits are fixed inside actix-http, with no hook. Heads
//! between Footprint's own limits (see [`super::limits`]) and these are answered by the middleware; this wrapper
//! handles the rest: it recognises those bare responses in what actix writes (an empty-bodied `400` or `431` is
//! never a handler's: every error handlers return has a JSON body) and writes a JSON one in their place: `414` when
//! the last request line read was too long, `431`, or `400` naming the problem.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The longest request target actix-http (through the `http` crate) accepts.
const HTTP_CRATE_URI_LIMIT: usize = 65_534;

/// A connection whose bare parse-error responses are replaced by JSON ones.
pub struct Guarded<T> {
    inner: T,
    /// The length of the line being read (bytes since the last `\n`).
    line: usize,
    /// The longest line read since the last response was written.
    longest_line: usize,
    /// A replacement response still to be written, and how much of it has been.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> Guarded<T> {
    /// Wraps a connection.
    pub fn new(inner: T) -> Guarded<T> {
        Guarded { inner, line: 0, longest_line: 0, pending: None }
    }

    /// The JSON response to write instead of `head`, if `head` is one of actix-http's bare parse-error answers.
    fn replacement(&self, head: &[u8]) -> Option<Vec<u8>> {
        let rest = head.strip_prefix(b"HTTP/1.1 ").or_else(|| head.strip_prefix(b"HTTP/1.0 "))?;
        let empty = |status_line: &[u8]| {
            rest.strip_prefix(status_line).is_some_and(|after| {
                let lower = after.to_ascii_lowercase();
                lower.windows(19).any(|w| w == b"content-length: 0\r\n")
            })
        };
        let (status, code, description) = if empty(b"431 Request Header Fields Too Large\r\n") {
            (
                "431 Request Header Fields Too Large",
                "RequestHeaderFieldsTooLarge",
                "the request head is larger than 128 KiB or has more than 96 header fields".to_owned(),
            )
        } else if empty(b"400 Bad Request\r\n") && self.longest_line > HTTP_CRATE_URI_LIMIT {
            ("414 URI Too Long", "URITooLong", format!("the request URI is longer than {HTTP_CRATE_URI_LIMIT} bytes"))
        } else if empty(b"400 Bad Request\r\n") {
            (
                "400 Bad Request",
                "BadRequest",
                "the request line or headers are not valid HTTP/1.1 (or HTTP/1.0)".to_owned(),
            )
        } else {
            return None;
        };
        let body = serde_json::json!({"code": code, "description": description}).to_string();
        Some(
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\ncache-control: no-store\r\n\
                 x-content-type-options: nosniff\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    }

    /// Writes what is left of a replacement; `Ready(Ok)` when nothing is.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>>
    where
        T: AsyncWrite + Unpin,
    {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// Counts the lines in `bytes`: the length of the one being read, and the longest so far.
fn see(line: &mut usize, longest_line: &mut usize, bytes: &[u8]) {
    for chunk in bytes.split_inclusive(|&b| b == b'\n') {
        *line += chunk.len();
        *longest_line = (*longest_line).max(*line);
        if chunk.ends_with(b"\n") {
            *line = 0;
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Guarded<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            see(&mut this.line, &mut this.longest_line, &buf.filled()[before..]);
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Guarded<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        if let Some(replacement) = self.replacement(buf) {
            self.pending = Some((replacement, 0));
            // The bare response counts as written; the replacement goes out now or on the next flush.
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        self.longest_line = self.line;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded_after_reading(read: &[u8]) -> Guarded<()> {
        let mut g = Guarded::new(());
        see(&mut g.line, &mut g.longest_line, read);
        g
    }

    #[test]
    fn a_bare_431_becomes_json() {
        let g = guarded_after_reading(b"GET / HTTP/1.1\r\n");
        let out = g.replacement(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        );
        let out = String::from_utf8(out.unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"));
        let body: serde_json::Value = serde_json::from_str(out.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert_eq!(body["code"], "RequestHeaderFieldsTooLarge");
    }

    #[test]
    fn a_bare_400_after_an_over_long_request_line_becomes_a_json_414() {
        let mut line = b"GET /?x=".to_vec();
        line.extend(std::iter::repeat_n(b'a', 70_000));
        let g = guarded_after_reading(&line);
        let out = String::from_utf8(g.replacement(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").unwrap())
            .unwrap();
        assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{out}");
        let g = guarded_after_reading(b"GET / HTTP/1.1\r\nBad Header\r\n");
        let out = String::from_utf8(g.replacement(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").unwrap())
            .unwrap();
        assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n") && out.contains("\"code\":\"BadRequest\""), "{out}");
    }

    #[test]
    fn a_handlers_response_is_never_replaced() {
        let g = guarded_after_reading(b"GET / HTTP/1.1\r\n");
        assert!(g.replacement(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 98\r\n\r\n{\"code\"").is_none());
        assert!(g.replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
    }
}
