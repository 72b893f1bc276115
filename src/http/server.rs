//! The HTTP/1.1 server: actix-server's workers running actix-http's protocol over each accepted connection,
//! wrapped in [`Guarded`] (see [`super::connection`]), with the application of [`super::app`].
//!
//! This is what `actix_web::HttpServer` does, minus the one thing it cannot: wrap the connection. Its defaults are
//! kept (one worker per core, 5 s keep-alive, 5 s to send a request head, 10 s to drain on SIGINT/SIGTERM).

use std::net::TcpListener;

use actix_http::error::DispatchError;
use actix_http::{HttpService, Protocol};
use actix_server::Server;
use actix_service::{IntoServiceFactory as _, ServiceFactoryExt as _, fn_service, map_config};
use actix_web::dev::AppConfig;
use actix_web::rt::net::TcpStream;
use actix_web::web;

use super::connection::Guarded;
use super::{AppState, app};

/// Seconds requests in flight get to finish on shutdown.
const SHUTDOWN_SECONDS: u64 = 10;

/// A server on `listener` (already bound) over `state`; run it by awaiting it.
pub fn serve(listener: TcpListener, state: &web::Data<AppState>) -> std::io::Result<Server> {
    listener.set_nonblocking(true)?;
    let state = state.clone();
    Server::build()
        .shutdown_timeout(SHUTDOWN_SECONDS)
        .listen("footprint", listener, move || {
            let state = state.clone();
            let application = map_config(
                app(state).into_factory().map_err(|err: actix_web::Error| err.error_response()),
                // The application reads the bound address from its state (`Site::bound`), not from here.
                |()| AppConfig::default(),
            );
            fn_service(|stream: TcpStream| async move {
                let peer = stream.peer_addr().ok();
                let _ = stream.set_nodelay(true);
                Ok::<_, DispatchError>((Guarded::new(stream), Protocol::Http1, peer))
            })
            .and_then(HttpService::build().finish(application))
        })
        .map(actix_server::ServerBuilder::run)
}
