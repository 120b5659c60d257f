//! The event file a run is writing is deleted, moved away or replaced during the run: the run
//! notices at its next logging step and fails with one line naming the file, marked failed, instead
//! of reporting `complete` with its events lost. (A new file with a restart marker would hide the
//! loss: the steps logged before would be gone from TensorBoard all the same.)
use crate::common::{self, finish, status};
use nnlab::run::RunStatus;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn event_file(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("events.out.tfevents."))
        .expect("an event file")
}

fn spoil_event_file_during_a_run(spoil: impl Fn(&Path)) {
    let runs = tempfile::tempdir().unwrap();
    let mut child = common::dcn(runs.path(), 5000, &["--checkpoint-every", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let dir = common::wait_for_losses(runs.path(), 3, &mut child);
    spoil(&event_file(&dir));
    let (code, stderr) = finish(child);
    common::assert_no_crash(&stderr);
    assert_eq!(code, Some(1), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].starts_with("mnist_dcn: error: ") && errors[0].contains("deleted, moved or replaced"),
        "{stderr}"
    );
    assert_eq!(status(&dir).status, RunStatus::Failed, "{stderr}");
}

#[test]
fn a_deleted_event_file_fails_the_run() {
    spoil_event_file_during_a_run(|f| std::fs::remove_file(f).unwrap());
}

#[test]
fn a_moved_event_file_fails_the_run() {
    spoil_event_file_during_a_run(|f| std::fs::rename(f, f.with_file_name("moved-away")).unwrap());
}

#[test]
fn a_replaced_event_file_fails_the_run() {
    spoil_event_file_during_a_run(|f| {
        let other = f.with_file_name("other");
        std::fs::write(&other, b"").unwrap();
        std::fs::rename(&other, f).unwrap();
    });
}
