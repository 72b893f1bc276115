//! The `footprint` binary as an operator runs it: signals and the access log.

#![expect(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails loudly")]

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running server and the lines of its log.
struct Server {
    child: Child,
    port: u16,
    log: mpsc::Receiver<String>,
}

impl Server {
    fn start() -> Server {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let store = std::env::temp_dir().join(format!("footprint-process-{}-{port}.gpkg", std::process::id()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_footprint"))
            .args(["--port", &port.to_string()])
            .env("RUST_LOG", "info")
            .env("FOOTPRINT_STORE", &store)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stderr = child.stderr.take().unwrap();
        let (send, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let server = Server { child, port, log };
        server.wait_for("serving");
        server
    }

    /// Waits (up to a minute: the machine may be slow) for a log line containing `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_mins(1);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("no log line containing {text:?}");
    }

    /// Sends a raw request and returns the whole response.
    fn raw(&self, request: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_mins(1))).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        String::from_utf8_lossy(&response).into_owned()
    }

    fn get(&self, target: &str) -> String {
        self.raw(&format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", self.port))
    }

    /// GET `target` with `fields` extra header fields.
    fn get_with_fields(&self, target: &str, fields: usize) -> String {
        let mut request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n", self.port);
        for i in 0..fields {
            let _ = write!(request, "x-field-{i}: 1\r\n");
        }
        request.push_str("\r\n");
        self.raw(&request)
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").args(["-s", name, &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn sighup_is_logged_and_ignored_and_sigterm_still_drains_and_stops() {
    let mut server = Server::start();
    server.signal("HUP");
    server.wait_for("SIGHUP ignored");
    assert!(server.get("/healthz").starts_with("HTTP/1.1 200"), "still serving after SIGHUP");
    assert!(server.child.try_wait().unwrap().is_none());
    server.signal("TERM");
    let deadline = Instant::now() + Duration::from_mins(1);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}

#[test]
fn a_long_query_is_cut_in_the_log_and_says_so() {
    let server = Server::start();
    let query = format!("x={}", "q".repeat(10_000));
    let response = server.get(&format!("/api/collections?{query}"));
    assert!(response.starts_with("HTTP/1.1 400"), "an unknown parameter: {}", &response[..40.min(response.len())]);
    let line = server.wait_for("footprint::access");
    assert!(line.contains("…[cut 9490 bytes]"), "{line}");
    assert!(line.len() < 2048, "{} bytes logged", line.len());
}

#[test]
fn a_head_over_footprints_limits_gets_json_from_the_real_server() {
    let server = Server::start();
    let response = server.get(&format!("/api?x={}", "a".repeat(20_000)));
    assert!(response.starts_with("HTTP/1.1 414"), "{}", &response[..60.min(response.len())]);
    assert!(response.contains("\"code\":\"URITooLong\""), "{response}");
    let response = server.get_with_fields("/api", 80);
    assert!(response.starts_with("HTTP/1.1 431"), "{}", &response[..60.min(response.len())]);
    assert!(response.contains("\"code\":\"RequestHeaderFieldsTooLarge\""));
}

#[test]
fn a_head_actix_itself_refuses_still_gets_json() {
    let server = Server::start();
    // Over the `http` crate's 65,534-byte URI limit: actix-http would answer a bare 400.
    let response = server.get(&format!("/api?x={}", "a".repeat(70_000)));
    assert!(response.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{}", &response[..60.min(response.len())]);
    assert!(response.contains("content-type: application/json") && response.contains("\"code\":\"URITooLong\""));
    // More than actix-http's 96 header fields: a bare 431.
    let response = server.get_with_fields("/api", 120);
    assert!(response.starts_with("HTTP/1.1 431"), "{}", &response[..60.min(response.len())]);
    assert!(response.contains("\"code\":\"RequestHeaderFieldsTooLarge\""));
    // Not HTTP at all: a bare 400.
    let response = server.raw("GARBAGE\r\n\r\n");
    assert!(
        response.starts_with("HTTP/1.1 400 Bad Request\r\n") && response.contains("\"code\":\"BadRequest\""),
        "{response}"
    );
    // And the server goes on serving.
    assert!(server.get("/healthz").starts_with("HTTP/1.1 200"));
}
