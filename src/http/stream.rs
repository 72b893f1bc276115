//! Streamed response bodies: a producer on a blocking thread writes through [`ChannelWriter`] (optionally inside a
//! gzip or brotli encoder), in chunks of [`CHUNK`] bytes over a channel of [`CHUNKS_AHEAD`] chunks, and
//! [`Chunks`] hands them to the connection. However large the body, the server holds at most those chunks and the
//! encoder's window; the first bytes leave as soon as the first chunk is full, and a client that goes away stops
//! the producer at its next chunk.

use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Header as _};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use bytes::Bytes;
use tokio::sync::mpsc;

/// Bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
/// Chunks produced ahead of the connection.
pub const CHUNKS_AHEAD: usize = 4;

/// The receiving end: a response body of unknown length.
pub struct Chunks(mpsc::Receiver<Bytes>);

impl MessageBody for Chunks {
    type Error = std::convert::Infallible;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Self::Error>>> {
        self.get_mut().0.poll_recv(cx).map(|chunk| chunk.map(Ok))
    }
}

/// The producing end, a blocking writer.
pub struct ChannelWriter {
    tx: mpsc::Sender<Bytes>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(chunk).map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        // Whatever an encoder wrote while finishing on drop still goes out.
        let _ = self.send();
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// The encoding a streamed body is sent in: brotli, gzip or none, as the client accepts.
pub fn encoding_for(req: &HttpRequest) -> ContentEncoding {
    let accepted = AcceptEncoding::parse(req).unwrap_or(AcceptEncoding(Vec::new()));
    let held = [ContentEncoding::Brotli, ContentEncoding::Gzip, ContentEncoding::Identity];
    super::encoding::choose(&accepted, &held).unwrap_or(ContentEncoding::Identity)
}

/// The response of a streamed body: `Vary: Accept-Encoding`, and its `Content-Encoding` when compressed.
pub fn response(builder: &mut HttpResponseBuilder, encoding: ContentEncoding, body: Chunks) -> HttpResponse {
    builder.insert_header((header::VARY, "Accept-Encoding"));
    if encoding != ContentEncoding::Identity {
        builder.insert_header((header::CONTENT_ENCODING, encoding.to_header_value()));
    }
    builder.body(body)
}

/// A body produced by `produce` on a blocking thread, encoded with `encoding` (brotli, gzip or identity) with the
/// same settings as [`super::compression`].
pub fn body(
    encoding: ContentEncoding,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'static,
) -> Chunks {
    let (tx, rx) = mpsc::channel(CHUNKS_AHEAD);
    let writer = ChannelWriter { tx, buffer: Vec::with_capacity(CHUNK) };
    actix_web::rt::task::spawn_blocking(move || {
        let result = match encoding {
            ContentEncoding::Brotli => {
                let mut encoder = super::compression::brotli_writer(writer);
                produce(&mut encoder).and_then(|()| encoder.into_inner().flush())
            }
            ContentEncoding::Gzip => {
                let mut encoder = super::compression::gzip_writer(writer);
                produce(&mut encoder).and_then(|()| encoder.finish().and_then(|mut w| w.flush()))
            }
            _ => {
                let mut writer = writer;
                produce(&mut writer).and_then(|()| writer.flush())
            }
        };
        if let Err(err) = result {
            // The client went away, or a feature could not be written: the body ends short.
            tracing::debug!(%err, "a streamed body ended early");
        }
    });
    Chunks(rx)
}
