//! The `footprint` binary as a process on a store, and plain HTTP/1.1 requests to it.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `footprint serve` on `store` and a free port; waits until it answers.
pub fn start(store: &str) -> (Child, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("the test set-up works")
        .local_addr()
        .expect("the test set-up works")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args(["--port", &port.to_string()])
        .env("FOOTPRINT_STORE", store)
        .env("RUST_LOG", "warn")
        // A PostgreSQL store's saved snapshot goes to the temporary directory: the tests' own.
        .env("TMPDIR", env!("CARGO_TARGET_TMPDIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the test set-up works");
    let deadline = Instant::now() + Duration::from_mins(1);
    while Instant::now() < deadline {
        if request(port, "GET", "/healthz", "", "").is_some_and(|(status, _)| status == 200) {
            return (child, port);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start");
}

/// One HTTP/1.1 request; `None` when the connection fails (the server is gone).
pub fn request(port: u16, method: &str, path: &str, headers: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    Some((status, response))
}
