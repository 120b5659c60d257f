//! A hostile file system gives typed errors, never panics: event files deleted or replaced, links
//! planted at projector files, a relative log_dir and a chdir, an unwritable log_dir.
mod common;

use common::{read, scalars};
use std::process::Command;
use std::thread::sleep;
use tensorboard_writer::{Error, SummaryWriter, REPLACED_CHECK_INTERVAL};

/// Lets the replaced-file check come due: the next event checks the file's name.
fn check_due() {
    sleep(REPLACED_CHECK_INTERVAL);
}

#[test]
fn a_deleted_event_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_scalar("x", 1.0, 0).unwrap();
    std::fs::remove_file(w.file_path()).unwrap();
    check_due();
    match w.add_scalar("x", 2.0, 1) {
        Err(Error::FileReplaced(p)) => assert_eq!(p, w.file_path()),
        other => panic!("expected FileReplaced, got {other:?}"),
    }
    // After that the writer is closed, and it created nothing in the file's place.
    assert!(matches!(w.add_scalar("x", 3.0, 2), Err(Error::Closed(_))));
    assert!(!w.file_path().exists());
}

#[test]
fn an_event_file_replaced_by_a_rename_is_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_scalar("x", 1.0, 0).unwrap();
    let other = dir.path().join("other");
    std::fs::write(&other, b"someone else's file").unwrap();
    std::fs::rename(&other, w.file_path()).unwrap();
    check_due();
    let e = w.add_scalar("x", 2.0, 1).unwrap_err();
    assert!(matches!(e, Error::FileReplaced(_)), "{e:?}");
    assert!(e.to_string().contains("replaced"), "{e}");
    assert_eq!(std::fs::read(w.file_path()).unwrap(), b"someone else's file");
    // A file moved away is reported too.
    let dir2 = tempfile::tempdir().unwrap();
    let mut w2 = SummaryWriter::new(dir2.path()).unwrap();
    std::fs::rename(w2.file_path(), dir2.path().join("moved")).unwrap();
    check_due();
    assert!(matches!(w2.add_text("t", "x", 0), Err(Error::FileReplaced(_))));
    assert_eq!(read_len(&dir2.path().join("moved")), 1);
}

/// Between checks an event is one `write` and nothing else; `flush` and `close` always check, so a
/// replaced file is reported there at the latest, and every event logged before is in it.
#[test]
fn flush_and_close_check_the_event_file_at_once() {
    for close in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SummaryWriter::new(dir.path()).unwrap();
        let moved = dir.path().join("moved");
        std::fs::rename(w.file_path(), &moved).unwrap();
        // No check is due yet: the event goes to the file (now at `moved`), as written.
        let _ = w.add_scalar("x", 1.0, 0);
        let r = if close { w.close() } else { w.flush() };
        assert!(matches!(r, Err(Error::FileReplaced(_))), "close {close}: {r:?}");
        assert!(matches!(w.add_scalar("x", 2.0, 1), Err(Error::Closed(_))));
        assert!(!w.file_path().exists());
        assert!(scalars(&tensorboard_writer::record::read_events(&moved).unwrap(), "x").len() <= 1);
    }
}

fn read_len(p: &std::path::Path) -> usize {
    tensorboard_writer::record::read_events(p).unwrap().len()
}

#[cfg(unix)]
#[test]
fn links_planted_at_projector_files_are_replaced_not_followed() {
    use std::os::unix::fs::symlink;
    use tensorboard_writer::{Metadata, Sprite};
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let targets: Vec<_> = ["a", "b", "c", "d"].iter().map(|n| outside.path().join(n)).collect();
    for t in &targets {
        std::fs::write(t, b"precious").unwrap();
    }
    let e = dir.path().join("00003/emb");
    std::fs::create_dir_all(&e).unwrap();
    symlink(&targets[0], e.join("tensors.tsv")).unwrap();
    symlink(&targets[1], e.join("metadata.tsv")).unwrap();
    symlink(&targets[2], e.join("sprite.png")).unwrap();
    symlink(&targets[3], dir.path().join("projector_config.pbtxt")).unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let labels = vec!["x".to_string(), "y".to_string()];
    let px = [0.5f32; 2 * 4];
    w.add_embedding(
        &[1.0, 2.0],
        1,
        Some(Metadata::Labels(&labels)),
        Some(Sprite { pixels: &px, shape: [2, 1, 2, 2] }),
        3,
        "emb",
    )
    .unwrap();
    w.close().unwrap();
    for t in &targets {
        assert_eq!(std::fs::read(t).unwrap(), b"precious", "{} was written through a link", t.display());
    }
    for f in [
        e.join("tensors.tsv"),
        e.join("metadata.tsv"),
        e.join("sprite.png"),
        dir.path().join("projector_config.pbtxt"),
    ] {
        let m = std::fs::symlink_metadata(&f).unwrap();
        assert!(m.file_type().is_file(), "{} is not a regular file", f.display());
    }
    assert_eq!(std::fs::read_to_string(e.join("tensors.tsv")).unwrap(), "1\n2\n");
    assert_eq!(std::fs::read_to_string(e.join("metadata.tsv")).unwrap(), "x\ny\n");
}

/// A relative log_dir, then a chdir (in a child process: the cwd is the process's).
#[test]
fn child_chdir() {
    let Ok(dir) = std::env::var("TBW_CHDIR_DIR") else { return };
    std::env::set_current_dir(&dir).unwrap();
    let mut w = SummaryWriter::new("run").unwrap();
    std::env::set_current_dir("/").unwrap();
    w.add_scalar("x", 1.0, 0).unwrap();
    w.add_scalars("s", &[("a", 2.0)], 0).unwrap();
    w.add_hparams(&[("lr", 1.into())], &[("m", 1.0)], Some("hp")).unwrap();
    w.close().unwrap();
    println!("LOGDIR {}", w.log_dir().display());
}

#[test]
fn a_relative_log_dir_survives_a_chdir() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_chdir", "--nocapture", "--test-threads=1"])
        .env("TBW_CHDIR_DIR", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let log_dir = stdout.lines().find_map(|l| l.split_once("LOGDIR ")).map(|(_, d)| std::path::Path::new(d));
    assert!(
        out.status.success() && log_dir.is_some_and(|d| d.is_absolute()),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = dir.path().join("run");
    assert_eq!(scalars(&read(&run), "x"), [(0, 1.0)]);
    assert_eq!(scalars(&read(&run.join("s_a")), "s"), [(0, 2.0)]);
    assert_eq!(scalars(&read(&run.join("hp")), "m"), [(0, 1.0)]);
}

#[test]
fn an_unwritable_log_dir_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, b"").unwrap();
    match SummaryWriter::new(file.join("run")) {
        Err(Error::Io { path, .. }) => assert_eq!(path, file.join("run")),
        other => panic!("expected Io, got {:?}", other.map(|_| ())),
    }
}
