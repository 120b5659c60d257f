//! A full disk (a file size limit, in a child process) is an I/O error that closes the writer and
//! never leaves a torn record in the file. Unix only: the full disk is made with `RLIMIT_FSIZE`.
#![cfg(unix)]
mod common;

use common::{read, whole_records};
use std::process::Command;
use tensorboard_writer::{Error, SummaryWriter};

/// The child side of the full-disk test: run in a child process (the test binary re-executed),
/// with a file size limit of `TBW_FSIZE` bytes and SIGXFSZ ignored, so a write past the limit fails
/// with EFBIG as on a full disk. Logs until a call fails, then prints what happened.
#[test]
fn child_full_disk() {
    let Ok(dir) = std::env::var("TBW_FULL_DISK_DIR") else { return };
    let limit: u64 = std::env::var("TBW_FSIZE").unwrap().parse().unwrap();
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let rl = libc::rlimit { rlim_cur: limit, rlim_max: limit };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &rl), 0);
    }
    let mut w = SummaryWriter::new(&dir).unwrap();
    let mut ok = 0;
    let err = loop {
        // Events of varying sizes, so the limit falls inside a record.
        let text = "x".repeat(100 + (ok as usize * 37) % 900);
        match w.add_text("t", &text, ok) {
            Ok(()) => ok += 1,
            Err(e) => break e,
        }
    };
    let after = w.add_scalar("after", 1.0, 0).unwrap_err();
    println!(
        "RESULT ok={ok} err={} after={}",
        matches!(err, Error::Io { .. }),
        matches!(after, Error::Closed(_))
    );
    println!("MESSAGE {err}");
}

#[test]
fn a_full_disk_leaves_only_whole_records() {
    let dir = tempfile::tempdir().unwrap();
    let limit = 20_000u64;
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_full_disk", "--nocapture", "--test-threads=1"])
        .env("TBW_FULL_DISK_DIR", dir.path())
        .env("TBW_FSIZE", limit.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // The harness prints "test child_full_disk ... " before the child's own output.
    let line = stdout
        .lines()
        .find_map(|l| l.find("RESULT").map(|i| &l[i..]))
        .unwrap_or_else(|| panic!("no result: {stdout}"));
    let ok: i64 = line.split_whitespace().nth(1).unwrap().trim_start_matches("ok=").parse().unwrap();
    assert!(line.ends_with("err=true after=true"), "{line}\n{stdout}");
    let msg = stdout.lines().find(|l| l.contains("MESSAGE")).unwrap();
    assert!(msg.contains("File too large") || msg.contains("os error 27"), "{msg}");
    assert!(ok > 10, "only {ok} events fit in {limit} bytes");
    let file = common::only_event_file(dir.path());
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.len() as u64 <= limit);
    // Every byte belongs to a whole record: the torn tail was cut off.
    let (n, used) = whole_records(&bytes);
    assert_eq!(used, bytes.len(), "a torn record at the end");
    assert_eq!(n as i64, 1 + ok);
    let events = read(dir.path());
    assert_eq!(events.len() as i64, 1 + ok);
    assert_eq!(events.last().unwrap().step, ok - 1);
}
