//! Helpers shared by the integration tests.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// TensorBoard's own reading of a run directory (scripts/tb_read.py in .venv-test, made by
/// `scripts/setup test`, which `make test` runs first).
pub fn tensorboard_read(dir: &Path) -> serde_json::Value {
    let python = root().join(".venv-test/bin/python");
    assert!(python.exists(), "{} missing: run `scripts/setup test` (make test does)", python.display());
    let out = Command::new(python)
        .arg(root().join("scripts/tb_read.py"))
        .arg(dir)
        .output()
        .expect("running tb_read.py");
    assert!(out.status.success(), "tb_read.py failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("tb_read.py prints JSON")
}

pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

/// One HTTP/1.1 exchange with 127.0.0.1:`port` (std only: TensorBoard's data API in the tests).
/// Returns the status and the body (Content-Length or chunked; the connection is closed after it).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> std::io::Result<(u16, Vec<u8>)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(120)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if let Some((content_type, b)) = body {
        req += &format!("Content-Type: {content_type}\r\nContent-Length: {}\r\n", b.len());
    }
    req += "\r\n";
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body.map(|b| b.1).unwrap_or_default());
    s.write_all(&bytes)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    parse_http_response(&raw).ok_or_else(|| std::io::Error::other(format!("bad HTTP response for {path}")))
}

fn parse_http_response(raw: &[u8]) -> Option<(u16, Vec<u8>)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let (mut chunked, mut length) = (false, None);
    for line in lines {
        let (k, v) = line.split_once(':')?;
        match k.trim().to_ascii_lowercase().as_str() {
            "transfer-encoding" => chunked = v.to_ascii_lowercase().contains("chunked"),
            "content-length" => length = v.trim().parse::<usize>().ok(),
            _ => {}
        }
    }
    let mut rest = &raw[end + 4..];
    if !chunked {
        return Some((status, rest[..length.unwrap_or(rest.len()).min(rest.len())].to_vec()));
    }
    let mut body = Vec::new();
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..eol]).ok()?.split(';').next()?.trim().to_string();
        let size = usize::from_str_radix(&size_text, 16).ok()?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Some((status, body));
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

/// Percent-encodes a query-string value.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A TensorBoard server of .venv-test on 127.0.0.1 (port chosen by the system), killed when dropped.
pub struct TensorBoard {
    child: std::process::Child,
    pub port: u16,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl TensorBoard {
    /// Starts `tensorboard --logdir <logdir> --host 127.0.0.1 --port 0 <flags>` and waits for the
    /// line with its address (with `--reload_task=blocking` it is printed once everything is loaded).
    pub fn start(program: &Path, logdir: &Path, flags: &[String]) -> TensorBoard {
        use std::io::BufRead;
        assert!(program.exists(), "{} missing: run `scripts/setup test`", program.display());
        let mut child = Command::new(program)
            .arg("--logdir")
            .arg(logdir)
            .args(["--host", "127.0.0.1", "--port", "0"])
            .args(flags)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("starting tensorboard");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let (stderr, sink) = (child.stderr.take().unwrap(), log.clone());
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                    let _ = tx.send(rest.split('/').next().and_then(|p| p.parse::<u16>().ok()));
                }
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let port = rx.recv_timeout(std::time::Duration::from_secs(300)).ok().flatten();
        let mut tb = TensorBoard { child, port: 0, log };
        tb.port = port.unwrap_or_else(|| panic!("tensorboard printed no address:\n{}", tb.log()));
        tb
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The body of a 200 answer (anything else fails the test, with TensorBoard's log).
    pub fn fetch(&self, method: &str, path: &str, body: Option<(&str, &[u8])>) -> Vec<u8> {
        let (status, bytes) = http(self.port, method, path, body).expect("talking to tensorboard");
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(500)]).to_string();
        assert_eq!(status, 200, "{method} {path}: {text}\n{}", self.log());
        bytes
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        serde_json::from_slice(&self.fetch("GET", path, None)).expect("a JSON answer")
    }

    pub fn post_json(&self, path: &str, request: &serde_json::Value) -> serde_json::Value {
        let body = request.to_string();
        serde_json::from_slice(&self.fetch("POST", path, Some(("application/json", body.as_bytes()))))
            .expect("a JSON answer")
    }

    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> serde_json::Value {
        let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", url_encode(v))).collect();
        let body = body.join("&");
        let ct = "application/x-www-form-urlencoded";
        serde_json::from_slice(&self.fetch("POST", path, Some((ct, body.as_bytes())))).expect("a JSON answer")
    }

    /// The steps of a scalar series (`[[wall_time, step, value], …]`).
    pub fn scalar_steps(&self, run: &str, tag: &str) -> Vec<i64> {
        let path = format!("/data/plugin/scalars/scalars?run={}&tag={}", url_encode(run), url_encode(tag));
        let points = self.get_json(&path);
        points.as_array().expect("a list of points").iter().map(|p| p[1].as_i64().unwrap()).collect()
    }

    /// The steps of a histogram series, through the Time Series API (the Histograms one keeps 51).
    pub fn histogram_steps(&self, run: &str, tag: &str) -> Vec<i64> {
        let req = serde_json::json!([{"plugin": "histograms", "tag": tag, "run": run}]).to_string();
        let answer = self.post_form("/data/plugin/timeseries/timeSeries", &[("requests", &req)]);
        let series = answer[0]["runToSeries"][run].as_array().cloned().unwrap_or_default();
        series.iter().map(|p| p["step"].as_i64().unwrap()).collect()
    }
}

impl Drop for TensorBoard {
    fn drop(&mut self) {
        // Its data server (if any) exits when its stdin, held by this process, closes.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `.venv-test/bin/tensorboard`.
pub fn tensorboard_program() -> PathBuf {
    root().join(".venv-test/bin/tensorboard")
}

// The programs as processes: running them, reading what they left (tests/robustness, cuda, fuzz).
mod programs;
#[allow(unused_imports)]
pub use programs::*;
