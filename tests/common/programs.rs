//! Running the programs as processes and checking what they leave: the error line, the status, the
//! events, temporary files.
#![allow(dead_code)]
use super::root;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const THREE: &str = env!("CARGO_BIN_EXE_three_layer");
pub const NLAYER: &str = env!("CARGO_BIN_EXE_n_layer");
pub const DCN: &str = env!("CARGO_BIN_EXE_mnist_dcn");

/// What a crash or an unfiltered libtorch message leaves on stderr.
pub const CRASH_MARKS: [&str; 6] =
    ["panicked", "INTERNAL ASSERT", "Exception raised from", "frame #", "SIGSEGV", "core dumped"];

/// `program`'s command run from the repository root (where data/ is). One libtorch thread: on a
/// busy 2-core machine two OpenMP threads make a DCN step several times slower.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root()).env("OMP_NUM_THREADS", "1");
    c
}

/// A short mnist_dcn run on the 5,000-image subset, logging into `runs` (`extra` may override
/// --log-every 10 and --eval-every 50).
pub fn dcn(runs: &Path, iterations: u32, extra: &[&str]) -> Command {
    let mut c = cmd(DCN, &["--dataset", "mnist5k", "--quiet"]);
    for (flag, value) in [("--log-every", "10"), ("--eval-every", "50")] {
        if !extra.contains(&flag) {
            c.args([flag, value]);
        }
    }
    c.arg("--iterations").arg(iterations.to_string()).arg("--runs").arg(runs).args(extra);
    c
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// No panic, no libtorch stack trace, no crash report on stderr.
pub fn assert_no_crash(stderr: &str) {
    for mark in CRASH_MARKS {
        assert!(!stderr.contains(mark), "{mark:?} on stderr:\n{stderr}");
    }
}

/// A failure as promised: exit status 1, no crash, and exactly one line containing "error:", which
/// starts with "<program>: error: " and contains every one of `expected`. Returns that line.
pub fn assert_one_error(out: &std::process::Output, expected: &[&str]) -> String {
    let stderr = stderr_of(out);
    assert_no_crash(&stderr);
    assert_eq!(out.status.code(), Some(1), "exit status; stderr:\n{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(lines.len(), 1, "one error line; stderr:\n{stderr}");
    let line = lines[0];
    let program = line.split(": error: ").next().unwrap_or_default();
    assert!(["three_layer", "n_layer", "mnist_dcn", "report"].contains(&program), "{line}");
    for e in expected {
        assert!(line.contains(e), "the error line lacks {e:?}: {line}");
    }
    line.to_string()
}

/// The run directories directly under `dir` (a program's folder or a sweep), in name order.
pub fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// The one run directory under `runs/<program>`.
pub fn only_run(runs: &Path, program: &str) -> PathBuf {
    let dirs = subdirs(&runs.join(program));
    assert_eq!(dirs.len(), 1, "one run under {}: {dirs:?}", runs.display());
    dirs[0].clone()
}

pub fn status(dir: &Path) -> nnlab::run::Status {
    nnlab::run::Status::read(dir).unwrap_or_else(|e| panic!("{e:#}"))
}

/// Every file under `dir` (recursively) whose name starts with `.partial-`: debris of a failed write.
pub fn partial_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(partial_files(&p));
        } else if e.file_name().to_string_lossy().starts_with(".partial-") {
            out.push(p);
        }
    }
    out
}

/// The steps of every `train/loss` value in `dir`'s event files (which must read back).
pub fn loss_steps(dir: &Path) -> Vec<i64> {
    let events = tensorboard_writer::record::read_dir_events(dir).unwrap_or_else(|e| panic!("{e:#}"));
    tensorboard_writer::record::scalars(&events, nnlab::tensorboard::tags::TRAIN_LOSS)
        .iter()
        .map(|(s, _)| *s)
        .collect()
}

/// Sends `sig` to `pid` (a child of the test).
pub fn kill(pid: u32, sig: i32) {
    // SAFETY: kill(2) on a child's pid.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0, "kill({pid}, {sig})");
}

/// Waits (polling, at most two minutes) until the one run under `runs/mnist_dcn` has logged `n`
/// training losses; the child must still be running.
pub fn wait_for_losses(runs: &Path, n: usize, child: &mut std::process::Child) -> PathBuf {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        assert!(child.try_wait().unwrap().is_none(), "mnist_dcn ended before it was signalled");
        if let Some(dir) = subdirs(&runs.join("mnist_dcn")).first() {
            let events = tensorboard_writer::record::read_dir_events(dir).unwrap_or_default();
            if tensorboard_writer::record::scalars(&events, nnlab::tensorboard::tags::TRAIN_LOSS).len() >= n {
                return dir.clone();
            }
        }
        assert!(std::time::Instant::now() < deadline, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Waits for `child` to exit (a hang fails the test after a minute) and returns its code and stderr.
pub fn finish(mut child: std::process::Child) -> (Option<i32>, String) {
    use std::io::Read;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the program hung after the signals");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut stderr).unwrap();
    }
    (status.code(), stderr)
}

/// Runs `cmd` to the end and returns its output; a run that takes more than `secs` seconds (one
/// blocked on a FIFO, say) is killed and fails the test.
pub fn output_within(cmd: &mut Command, secs: u64) -> std::process::Output {
    use std::process::Stdio;
    let child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            kill(pid, libc::SIGKILL);
            panic!("{cmd:?} still ran after {secs} s (blocked?)");
        }
    }
}

/// `cmd` with a resource limit (`libc::RLIMIT_AS`, `RLIMIT_FSIZE`…) of `bytes`, set in the child
/// before it executes, as `ulimit` does. Core dumps are off: a limit below what libtorch needs to load
/// aborts it before `main`, and its core must not land in the repository.
pub fn limited(mut cmd: Command, resource: libc::__rlimit_resource_t, bytes: u64) -> Command {
    use std::os::unix::process::CommandExt;
    let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
    let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: setrlimit is async-signal-safe, as pre_exec requires.
    unsafe {
        cmd.pre_exec(move || {
            match libc::setrlimit(resource, &limit) == 0 && libc::setrlimit(libc::RLIMIT_CORE, &no_core) == 0
            {
                true => Ok(()),
                false => Err(std::io::Error::last_os_error()),
            }
        });
    }
    cmd
}

/// Every file under `dir` (recursively, links not followed) with its bytes or link target: what a
/// test compares to see that nothing there changed.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let (p, t) = (e.path(), e.file_type().unwrap());
        if t.is_dir() {
            out.insert(p.clone(), b"<dir>".to_vec());
            out.extend(snapshot(&p));
        } else if t.is_symlink() {
            out.insert(p.clone(), std::fs::read_link(&p).unwrap().into_os_string().into_encoded_bytes());
        } else if t.is_file() {
            out.insert(p.clone(), std::fs::read(&p).unwrap());
        } else {
            out.insert(p, b"<special>".to_vec());
        }
    }
    out
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo with a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

/// A CSV of 400,000 rows × 20 one-digit features and a label of 3 classes: 16.8 MB of text, 61 MiB
/// as doubles (the memory tests).
pub fn write_big_csv(path: &Path) {
    let mut text = String::with_capacity(17_000_000);
    for i in 0..400_000u32 {
        for j in 0..20u32 {
            text.push(char::from(b'0' + ((i * 7 + j * 3) % 10) as u8));
            text.push(',');
        }
        text.push_str(["0\n", "1\n", "2\n"][(i % 3) as usize]);
    }
    std::fs::write(path, text).unwrap();
}
