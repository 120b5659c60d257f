//! Layers point down: the SummaryWriter crate knows nothing of nnlab, and nnlab's TensorBoard code
//! knows nothing of the parts that use it (each part declares its own HParams metrics); what both
//! parts share (src/data) is in neither.
use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|x| x == "rs" || x == "toml") {
            out.push(p);
        }
    }
    out
}

fn assert_no_mention(dir: &str, forbidden: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = sources(&root.join(dir));
    assert!(!files.is_empty(), "{dir}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for word in forbidden {
            assert!(!text.contains(word), "{} mentions {word}", f.display());
        }
    }
}

#[test]
fn the_crate_knows_nothing_of_nnlab() {
    assert_no_mention("crates/tensorboard-writer/src", &["nnlab", "crate::dcn", "crate::backprop", "mnist"]);
    assert_no_mention("crates/tensorboard-writer", &["nnlab ="]);
}

/// Code that both parts use lives outside both: Part 2 and the plots take nothing from Part 1.
#[test]
fn shared_code_lives_outside_the_parts() {
    for dir in ["src/dcn", "src/plot", "src/data", "src/run"] {
        assert_no_mention(dir, &["crate::backprop"]);
    }
    assert_no_mention("src/data", &["crate::dcn", "crate::report"]);
}

#[test]
fn nnlabs_tensorboard_code_imports_no_part() {
    assert_no_mention("src/tensorboard", &["crate::dcn", "crate::backprop", "crate::report"]);
}
