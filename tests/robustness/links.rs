//! Class 7: nothing is written through a link planted in a run directory, or into a file nnlab did
//! not create. Symlinks (to a file outside), FIFOs and directories are planted at each of a run's own
//! files before a `--resume`; the error names the file, and nothing outside the run changes.
use crate::common::{self, assert_one_error, mkfifo, output_within, snapshot, status};
use nnlab::run::RunStatus;
use std::path::{Path, PathBuf};

/// A finished 2-iteration DCN run in `root/runs`, and `root/outside` holding a file to protect.
fn run_and_victim(root: &Path) -> (PathBuf, PathBuf) {
    let runs = root.join("runs");
    let out = common::dcn(&runs, 2, &["--log-every", "1", "--eval-every", "2"]).output().unwrap();
    assert!(out.status.success(), "{}", common::stderr_of(&out));
    let outside = root.join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("victim"), "precious").unwrap();
    (common::only_run(&runs, "mnist_dcn"), outside)
}

/// What may be planted at a path.
#[derive(Clone, Copy, Debug)]
enum Plant {
    /// A symbolic link to the file outside.
    Link,
    Fifo,
    Directory,
    /// A hard link to the file outside (same filesystem).
    HardLink,
}

impl Plant {
    fn at(self, path: &Path, victim: &Path) {
        let _ = std::fs::remove_file(path);
        match self {
            Plant::Link => std::os::unix::fs::symlink(victim, path).unwrap(),
            Plant::Fifo => mkfifo(path),
            Plant::Directory => std::fs::create_dir(path).unwrap(),
            Plant::HardLink => std::fs::hard_link(victim, path).unwrap(),
        }
    }

    fn named(self) -> &'static str {
        match self {
            Plant::Link => "is a symbolic link",
            Plant::Fifo => "is a FIFO",
            Plant::Directory => "is a directory",
            Plant::HardLink => "is a file with other hard links",
        }
    }
}

fn resume(dir: &Path) -> std::process::Output {
    let mut c = common::cmd(common::DCN, &["--quiet", "--iterations", "4", "--resume"]);
    c.arg(dir);
    output_within(&mut c, 60)
}

/// Each of the run's own files, with each kind of plant: one error line naming the file and what was
/// there, no hang on a FIFO, the file outside untouched, and no temporary file left.
#[test]
fn planted_links_fifos_and_directories_are_refused() {
    let cases: [(&str, &[Plant]); 7] = [
        (".lock", &[Plant::Link, Plant::Fifo, Plant::Directory, Plant::HardLink]),
        ("status.json", &[Plant::Link, Plant::Fifo, Plant::Directory, Plant::HardLink]),
        ("config.json", &[Plant::Link, Plant::Fifo]),
        ("checkpoint.json", &[Plant::Link]),
        ("checkpoint.safetensors", &[Plant::Link, Plant::Fifo]),
        ("result.json", &[Plant::Link, Plant::Fifo, Plant::HardLink]),
        ("model.safetensors", &[Plant::Link]),
    ];
    let root = tempfile::tempdir().unwrap();
    let (original, outside) = run_and_victim(root.path());
    let before = snapshot(&outside);
    for (k, (file, plants)) in cases.into_iter().enumerate() {
        for (j, &plant) in plants.iter().enumerate() {
            // A copy of the run for each case (training it once is the slow part).
            let dir = root.path().join(format!("case-{k}-{j}"));
            let copied = std::process::Command::new("cp").arg("-a").arg(&original).arg(&dir).status();
            assert!(copied.unwrap().success());
            let path = dir.join(file);
            plant.at(&path, &outside.join("victim"));
            let out = resume(&dir);
            let line = assert_one_error(&out, &[file, plant.named()]);
            eprintln!("{file} ({plant:?}): {line}");
            assert_eq!(snapshot(&outside), before, "{file} ({plant:?}) changed a file outside: {line}");
            assert!(common::partial_files(&dir).is_empty(), "{file} ({plant:?})");
            if !matches!(file, ".lock" | "status.json") {
                // The run's status tells the truth: as it was, or failed with that line.
                let s = status(&dir);
                assert!(matches!(s.status, RunStatus::Complete | RunStatus::Failed), "{file}: {s:?}");
            }
        }
    }
}

/// A run directory's name is predictable (name and time): links planted at the names of the next
/// seconds are never followed; the program takes a fresh name beside them.
#[test]
fn planted_run_directory_names_are_skipped() {
    let root = tempfile::tempdir().unwrap();
    let (runs, outside) = (root.path().join("runs"), root.path().join("outside"));
    std::fs::create_dir_all(runs.join("three_layer")).unwrap();
    std::fs::create_dir(&outside).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    for t in now..now + 20 {
        let name = format!("tanh-h3-{}", utc(t));
        std::os::unix::fs::symlink(&outside, runs.join("three_layer").join(name)).unwrap();
    }
    let out = common::cmd(common::THREE, &["--passes", "20", "--print-every", "10", "--quiet", "--no-plot"])
        .arg("--runs")
        .arg(&runs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr_of(&out));
    assert!(snapshot(&outside).is_empty(), "the run wrote through a planted link");
    let made: Vec<_> = common::subdirs(&runs.join("three_layer"))
        .into_iter()
        .filter(|p| !std::fs::symlink_metadata(p).unwrap().file_type().is_symlink())
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(status(&made[0]).status, RunStatus::Complete);
}

/// YYYYMMDD-HHMMSS of `secs` in UTC, as run names carry it.
fn utc(secs: u64) -> String {
    let at = format!("@{secs}");
    let out = std::process::Command::new("date").args(["-u", "-d", &at, "+%Y%m%d-%H%M%S"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A resume (the new holder of the run's lock) removes the temporary files a killed writer left,
/// links among them removed, not followed.
#[test]
fn the_next_lock_holder_removes_leftover_temporary_files() {
    let root = tempfile::tempdir().unwrap();
    let (dir, outside) = run_and_victim(root.path());
    std::fs::write(dir.join(".partial-4242-0123456789abcdef-checkpoint.safetensors"), "half").unwrap();
    std::os::unix::fs::symlink(outside.join("victim"), dir.join(".partial-4242-1-status.json")).unwrap();
    let before = snapshot(&outside);
    let out = resume(&dir);
    assert!(out.status.success(), "{}", common::stderr_of(&out));
    assert!(common::partial_files(&dir).is_empty(), "{:?}", common::partial_files(&dir));
    assert_eq!(snapshot(&outside), before);
    assert_eq!(status(&dir).status, RunStatus::Complete);
}
