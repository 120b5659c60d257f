//! Links planted below the log directory, at every directory that a method creates or enters:
//! `add_scalars`' run directories, `add_hparams`' run directory, `add_embedding`'s `<step>/` and
//! `<step>/<tag>/` folders, and the projector config's lock. Each call returns `Error::Link`
//! naming the link, and nothing is written outside the log directory.
#![cfg(unix)]
mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use tensorboard_writer::{Error, SummaryWriter};

/// A log directory, a directory outside it, and a writer on the log directory.
struct Setup {
    log: tempfile::TempDir,
    outside: tempfile::TempDir,
    w: SummaryWriter,
}

fn setup() -> Setup {
    let log = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let w = SummaryWriter::new(log.path()).unwrap();
    Setup { log, outside, w }
}

impl Setup {
    /// Plants a link at `rel` (below the log directory) to the outside directory.
    fn plant(&self, rel: &str) -> PathBuf {
        let at = self.log.path().join(rel);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        symlink(self.outside.path(), &at).unwrap();
        at
    }

    /// Asserts that `r` is `Error::Link` at `link` and that the outside directory is still empty.
    fn assert_refused<T: std::fmt::Debug>(&self, r: Result<T, Error>, link: &Path) {
        match r {
            Err(Error::Link { path }) => assert_eq!(path, link.canonicalize_parent()),
            other => panic!("expected Error::Link at {}, got {other:?}", link.display()),
        }
        let written: Vec<_> = std::fs::read_dir(self.outside.path()).unwrap().collect();
        assert!(written.is_empty(), "written outside the log directory: {written:?}");
    }
}

trait CanonicalParent {
    fn canonicalize_parent(&self) -> PathBuf;
}

impl CanonicalParent for Path {
    /// The path with its parent canonical (the writer's `log_dir` is), its last component kept.
    fn canonicalize_parent(&self) -> PathBuf {
        self.parent().unwrap().canonicalize().unwrap().join(self.file_name().unwrap())
    }
}

#[test]
fn add_scalars_refuses_a_linked_run_directory() {
    let mut s = setup();
    let link = s.plant("loss_train");
    let r = s.w.add_scalars("loss", &[("train", 1.0)], 0);
    s.assert_refused(r, &link);
    // The message names the link.
    let e = s.w.add_scalars("loss", &[("train", 1.0)], 0).unwrap_err();
    assert!(e.to_string().contains("loss_train") && e.to_string().contains("link"), "{e}");
}

#[test]
fn add_scalars_refuses_a_link_at_an_intermediate_directory() {
    let mut s = setup();
    // The tag "a/b" makes the nested run `m_a/b`: the link is at `m_a`.
    let link = s.plant("m_a");
    let r = s.w.add_scalars("m", &[("a/b", 1.0)], 0);
    s.assert_refused(r, &link);
}

#[test]
fn add_hparams_refuses_a_linked_run_directory() {
    let mut s = setup();
    let link = s.plant("hp");
    let r = s.w.add_hparams(&[("lr", 0.1.into())], &[("acc", 0.9)], Some("hp"));
    s.assert_refused(r, &link);
    let link = s.plant("nested");
    let r = s.w.add_hparams(&[("lr", 0.1.into())], &[("acc", 0.9)], Some("nested/run"));
    s.assert_refused(r, &link);
}

#[test]
fn add_embedding_refuses_a_linked_step_or_tag_directory() {
    let mut s = setup();
    let link = s.plant("00003");
    let r = s.w.add_embedding::<f32>(&[1.0, 2.0], 1, None, None, 3, "emb");
    s.assert_refused(r, &link);
    let link = s.plant("00004/emb");
    let r = s.w.add_embedding::<f32>(&[1.0, 2.0], 1, None, None, 4, "emb");
    s.assert_refused(r, &link);
    // The config lists neither (there is none yet).
    assert!(!s.log.path().join("projector_config.pbtxt").exists());
}

#[test]
fn add_embedding_refuses_a_linked_config_lock() {
    let mut s = setup();
    let target = s.outside.path().join("lock");
    symlink(&target, s.log.path().join(".projector_config.pbtxt.lock")).unwrap();
    let r = s.w.add_embedding::<f32>(&[1.0, 2.0], 1, None, None, 0, "emb");
    assert!(matches!(r, Err(Error::Link { .. })), "{r:?}");
    assert!(!target.exists(), "the lock was created through the link");
}

#[test]
fn a_linked_log_directory_itself_is_the_callers_choice() {
    let real = tempfile::tempdir().unwrap();
    let parent = tempfile::tempdir().unwrap();
    let link = parent.path().join("logs");
    symlink(real.path(), &link).unwrap();
    let mut w = SummaryWriter::new(&link).unwrap();
    w.add_scalars("s", &[("a", 1.0)], 0).unwrap();
    w.close().unwrap();
    assert_eq!(common::scalars(&common::read(&real.path().join("s_a")), "s"), [(0, 1.0)]);
}
