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

/// A FIFO or a link planted under an event file's name in a finished run: `--resume` (which purges
/// the event files from its checkpoint on) fails at once with one line naming it, instead of blocking
/// in open() (a FIFO) or reading and rewriting through a link; the file outside is untouched.
#[test]
fn a_fifo_or_link_named_like_an_event_file_fails_a_resume_at_once() {
    let root = tempfile::tempdir().unwrap();
    let runs = root.path().join("runs");
    let out = common::dcn(&runs, 2, &["--log-every", "1", "--eval-every", "2"]).output().unwrap();
    assert!(out.status.success(), "{}", common::stderr_of(&out));
    let original = common::only_run(&runs, "mnist_dcn");
    let victim = root.path().join("victim");
    std::fs::copy(event_file(&original), &victim).unwrap();
    let before = std::fs::read(&victim).unwrap();
    for (k, plant) in ["fifo", "link"].into_iter().enumerate() {
        let dir = root.path().join(format!("case-{k}"));
        let copied = std::process::Command::new("cp").arg("-a").arg(&original).arg(&dir).status();
        assert!(copied.unwrap().success());
        // Named to sort last, as a newer file would.
        let planted = dir.join("events.out.tfevents.9999999999.planted.1.0");
        match plant {
            "fifo" => common::mkfifo(&planted),
            _ => std::os::unix::fs::symlink(&victim, &planted).unwrap(),
        }
        let mut resume = common::cmd(common::DCN, &["--quiet", "--iterations", "4", "--resume"]);
        resume.arg(&dir);
        // A resume that blocks is killed and fails the test (output_within), rather than hanging it.
        let out = common::output_within(&mut resume, 60);
        let line = common::assert_one_error(&out, &[planted.to_str().unwrap(), "not a regular file"]);
        assert!(line.starts_with("mnist_dcn: error: "), "{plant}: {line}");
        assert_eq!(std::fs::read(&victim).unwrap(), before, "{plant}: the file outside changed");
        assert_eq!(status(&dir).status, RunStatus::Complete, "{plant}: the run is left as it was");
    }
}
