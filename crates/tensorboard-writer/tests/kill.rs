//! A process killed with SIGKILL in the middle of logging leaves an event file from which every
//! event it logged before the kill reads back: nothing is queued in the writer.
mod common;

use common::{read, scalars, whole_records};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use tensorboard_writer::proto::value;
use tensorboard_writer::SummaryWriter;

/// The child: logs a scalar at every step (and a histogram every 10 steps, a text every 50) until
/// it is killed, printing each step once its calls have returned.
#[test]
fn child_logs_until_killed() {
    let Ok(dir) = std::env::var("TBW_KILL_DIR") else { return };
    let mut w = SummaryWriter::new(&dir).unwrap();
    for step in 0.. {
        w.add_scalar("loss", step as f64 * 0.5, step).unwrap();
        if step % 10 == 0 {
            let v: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.01 + step as f32).sin()).collect();
            w.add_histogram("h", &v, step).unwrap();
        }
        if step % 50 == 0 {
            w.add_text("t", &format!("step {step}"), step).unwrap();
        }
        println!("LOGGED {step}");
    }
}

#[test]
fn kill_9_mid_logging_loses_nothing_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_logs_until_killed", "--nocapture", "--test-threads=1"])
        .env("TBW_KILL_DIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut last = -1i64;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(i) = line.find("LOGGED ") {
            last = line[i + 7..].trim().parse().unwrap();
            if last >= 3000 {
                child.kill().unwrap(); // SIGKILL
                break;
            }
        }
    }
    let status = child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGKILL), "the child was not killed: {status:?}");
    }
    #[cfg(not(unix))]
    assert!(!status.success(), "the child was not killed: {status:?}");
    assert!(last >= 3000, "the child stopped at {last}");

    let file = common::only_event_file(dir.path());
    let bytes = std::fs::read(&file).unwrap();
    let (records, used) = whole_records(&bytes);
    // At most a torn last record (none expected: each event is one write(2)).
    assert!(bytes.len() - used < 16 + 20_000, "{} bytes after the last whole record", bytes.len() - used);
    let events = read(dir.path());
    assert_eq!(events.len(), records);
    // Every step up to the last one the child reported, and the file is a clean prefix.
    let loss = scalars(&events, "loss");
    assert!(loss.len() as i64 > last, "{} scalars read back, {} logged", loss.len(), last + 1);
    for (i, (step, v)) in loss.iter().enumerate() {
        assert_eq!((*step, *v), (i as i64, i as f32 * 0.5));
    }
    let hist = common::tagged(&events, "h");
    assert!(hist.len() as i64 > last / 10);
    for (step, v) in &hist {
        let Some(value::Kind::Histo(h)) = &v.kind else { panic!() };
        assert_eq!(h.bucket.iter().sum::<f64>(), 1000.0, "histogram at {step}");
    }
    assert!(common::tagged(&events, "t/text_summary").len() as i64 > last / 50);
    println!("killed after step {last}: {} events read back, {} bytes", events.len(), bytes.len());
}
