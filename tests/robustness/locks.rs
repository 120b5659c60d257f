//! Class 2: one process per run. A run being trained cannot be resumed by another process, and of
//! two resumes started together exactly one trains; the events hold each step once.
use crate::common::{self, assert_one_error, finish, kill, status};
use nnlab::run::RunStatus;
use std::process::{Command, Stdio};

fn resume(dir: &std::path::Path, extra: &[&str]) -> Command {
    let mut c = common::cmd(common::DCN, &["--quiet", "--resume"]);
    c.arg(dir).args(extra).stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

#[test]
fn a_run_has_one_writer_at_a_time() {
    let runs = tempfile::tempdir().unwrap();
    let mut trainer = common::dcn(runs.path(), 3000, &["--checkpoint-every", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let dir = common::wait_for_losses(runs.path(), 3, &mut trainer);

    // While it trains, another process may not touch it.
    let out = resume(&dir, &[]).output().unwrap();
    let pid = format!("pid {}", trainer.id());
    assert_one_error(&out, &["in use by another nnlab process", &pid, &dir.display().to_string()]);
    assert_eq!(status(&dir).status, RunStatus::Running, "the refused resume changed the status");

    kill(trainer.id(), libc::SIGINT);
    let (code, stderr) = finish(trainer);
    assert_eq!(code, Some(130), "{stderr}");
    let stopped = status(&dir).step.expect("the interrupted step");
    let end = stopped + 8;

    // Two resumes at once: one trains to the end, the other is refused and changes nothing.
    let iterations = end.to_string();
    let a = resume(&dir, &["--iterations", &iterations]).spawn().unwrap();
    let b = resume(&dir, &["--iterations", &iterations]).spawn().unwrap();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let (won, lost) = match (a.status.success(), b.status.success()) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ => panic!(
            "exactly one resume must train:\n{}\n---\n{}",
            common::stderr_of(&a),
            common::stderr_of(&b)
        ),
    };
    common::assert_no_crash(&common::stderr_of(&won));
    let line = assert_one_error(&lost, &[]);
    // The loser normally meets the lock; were it so slow that the winner had finished, the run is done.
    assert!(line.contains("in use by another nnlab process") || line.contains("already reached"), "{line}");
    assert_eq!(status(&dir).status, RunStatus::Complete);
    // The new iteration count is the run's now: a later plain --resume continues to it.
    assert_eq!(nnlab::dcn::train::load_run_config(&dir).unwrap().iterations, Some(end));
    assert_eq!(common::loss_steps(&dir), (1..=end).collect::<Vec<_>>(), "each step exactly once");
    assert!(common::partial_files(&dir).is_empty());
}
