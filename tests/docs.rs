//! The README and docs/ name only what exists: every path in a code span or a link, every `make`
//! target, every flag of the four programs (against their own `--help`), and every link's anchor.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const PROGRAMS: [(&str, &str); 4] = [
    ("three_layer", env!("CARGO_BIN_EXE_three_layer")),
    ("n_layer", env!("CARGO_BIN_EXE_n_layer")),
    ("mnist_dcn", env!("CARGO_BIN_EXE_mnist_dcn")),
    ("report", env!("CARGO_BIN_EXE_report")),
];

/// Which programs' flags a doc's bare `--flag` spans belong to.
fn scope(doc: &str) -> &'static [&'static str] {
    match doc {
        "docs/part1.md" => &["three_layer", "n_layer"],
        "docs/part2.md" => &["mnist_dcn"],
        "docs/report.md" => &["report"],
        _ => &[],
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn docs() -> Vec<String> {
    let mut v = vec!["README.md".to_string()];
    let mut d: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .flatten()
        .map(|e| format!("docs/{}", e.file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".md"))
        .collect();
    d.sort();
    v.extend(d);
    v
}

/// Inline code spans and the lines of fenced code blocks.
fn code(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            out.push(line.to_string());
            continue;
        }
        let parts: Vec<&str> = line.split('`').collect();
        out.extend(parts.iter().skip(1).step_by(2).map(|s| s.to_string()));
    }
    out
}

/// `[text](target)` links, without web addresses.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("](") {
        let rest = &text[i + 2..];
        if let Some(end) = rest.find(')') {
            let t = &rest[..end];
            if !t.starts_with("http") {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// GitHub's anchor for a heading.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    text.lines().filter_map(|l| l.strip_prefix('#')).map(|h| slug(h.trim_start_matches('#'))).collect()
}

fn help(path: &str) -> String {
    let out = Command::new(path).arg("--help").output().unwrap();
    assert!(out.status.success(), "{path} --help");
    String::from_utf8(out.stdout).unwrap()
}

fn flags(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '`' | ',' | '(' | ')' | '='))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| w.trim_end_matches(['.', ':', ';']).to_string())
        .collect()
}

fn make_targets() -> BTreeSet<String> {
    let makefile = std::fs::read_to_string(root().join("Makefile")).unwrap();
    makefile
        .lines()
        .filter(|l| !l.starts_with(['\t', '#', ' ']) && !l.contains(":=") && !l.contains("?="))
        .filter_map(|l| l.split_once(':').map(|(t, _)| t.to_string()))
        .flat_map(|t| t.split_whitespace().map(String::from).collect::<Vec<_>>())
        .collect()
}

/// A code span that names a file of the tree: it starts with one of the repository's folders.
fn tree_path(span: &str) -> Option<&str> {
    let span = span.trim();
    let first = span.split_whitespace().next()?;
    let dirs = ["src/", "tests/", "scripts/", "crates/", "docs/", ".ci/"];
    (dirs.iter().any(|d| first.starts_with(d)) && !first.contains(['<', '*', '…', '$'])).then_some(first)
}

/// A code span that is a bare source file name (`model.rs`, beside a folder named in the text).
fn file_name(span: &str) -> Option<&str> {
    let s = span.trim();
    let source = [".rs", ".py", ".cpp"].iter().any(|e| s.ends_with(e));
    (source && !s.contains(['/', ' ', '<', '*'])).then_some(s)
}

fn file_names(dir: &Path, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() && !p.ends_with("target") {
            file_names(&p, out);
        } else {
            out.insert(e.file_name().to_string_lossy().into_owned());
        }
    }
}

#[test]
fn every_named_path_target_flag_and_link_exists() {
    let helps: Vec<(&str, String)> = PROGRAMS.iter().map(|(n, p)| (*n, help(p))).collect();
    let targets = make_targets();
    let mut names = BTreeSet::new();
    for d in ["src", "tests", "scripts", "crates"] {
        file_names(&root().join(d), &mut names);
    }
    let mut wrong = Vec::new();
    for doc in docs() {
        let text = std::fs::read_to_string(root().join(&doc)).unwrap();
        let dir = Path::new(&doc).parent().unwrap().to_path_buf();
        for span in code(&text) {
            if let Some(p) = tree_path(&span) {
                let p = p.trim_end_matches(['.', ',', ':', ')']);
                if !root().join(p).exists() {
                    wrong.push(format!("{doc}: path {p}"));
                }
            }
            if let Some(name) = file_name(&span) {
                if !names.contains(name) {
                    wrong.push(format!("{doc}: no file named {name} in the tree"));
                }
            }
            for (i, w) in span.split_whitespace().collect::<Vec<_>>().windows(2).enumerate() {
                if w[0] == "make" && (i == 0 || !span.contains("$(")) {
                    let t = w[1];
                    if !t.contains('=') && !t.starts_with('-') && !targets.contains(t) {
                        wrong.push(format!("{doc}: make target {t}"));
                    }
                }
            }
            let first = span.split_whitespace().next().unwrap_or_default();
            let program = first.rsplit('/').next().unwrap_or_default();
            let owners: Vec<&str> = match helps.iter().find(|(n, _)| *n == program) {
                Some((n, _)) => vec![n],
                None if span.trim_start().starts_with("--") => scope(&doc).to_vec(),
                None => vec![],
            };
            if owners.is_empty() {
                continue;
            }
            let command = span.split('#').next().unwrap_or_default();
            for f in flags(command) {
                let known = helps.iter().filter(|(n, _)| owners.contains(n)).any(|(_, h)| {
                    h.split(|c: char| c.is_whitespace() || c == ',' || c == '=' || c == '[').any(|w| w == f)
                });
                if !known {
                    wrong.push(format!("{doc}: {} has no flag {f} (in `{span}`)", owners.join("/")));
                }
            }
        }
        for link in links(&text) {
            let (file, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() { root().join(&doc) } else { root().join(&dir).join(file) };
            if !target.exists() {
                wrong.push(format!("{doc}: link {link}"));
                continue;
            }
            if !anchor.is_empty() {
                let t = std::fs::read_to_string(&target).unwrap_or_default();
                if !anchors(&t).contains(anchor) {
                    wrong.push(format!("{doc}: link {link}: no heading #{anchor}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "the docs name what does not exist:\n{}", wrong.join("\n"));
}

/// The README is a front door: about 100 lines, the two fresh-machine commands first.
#[test]
fn the_readme_is_short_and_starts_with_the_two_commands() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = text.lines().count();
    assert!(lines <= 120, "README.md has {lines} lines");
    let head: String = text.lines().take(10).collect::<Vec<_>>().join("\n");
    assert!(head.contains("make moons") && head.contains("make test"), "{head}");
    for placeholder in ["_FIGURE", "TODAY", "TODO", "TBD"] {
        assert!(!text.contains(placeholder), "README.md still holds {placeholder}");
    }
}

/// The checker itself: a wrong path, target, flag or anchor is caught.
#[test]
fn the_checker_catches_what_is_wrong() {
    assert_eq!(tree_path("src/nowhere.rs"), Some("src/nowhere.rs"));
    assert_eq!(tree_path("runs/<run>"), None);
    assert_eq!(file_name("model.rs"), Some("model.rs"));
    assert_eq!(file_name("src/dcn/model.rs"), None);
    assert!(!make_targets().contains("nowhere"));
    assert!(make_targets().contains("moons") && make_targets().contains("test"));
    assert_eq!(flags("mnist_dcn --lr 0.1 --resume=x"), ["--lr", "--resume"]);
    assert_eq!(slug("Interrupting, resuming, checkpoints"), "interrupting-resuming-checkpoints");
    assert_eq!(code("a `x` b `y`\n```\nz\n```"), ["x", "y", "z"]);
}

fn sources(dir: &Path, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(root().join(dir)).unwrap().flatten() {
        let p = dir.join(e.file_name());
        if e.path().is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs" || x == "cpp" || x == "h") {
            out.insert(p.to_string_lossy().into_owned());
        }
    }
}

/// docs/layout.md lists every source file under its folder, and nothing that is gone
/// (`scripts/docs-layout` rewrites it).
#[test]
fn the_layout_lists_every_source_file() {
    let text = std::fs::read_to_string(root().join("docs/layout.md")).unwrap();
    let mut listed = BTreeSet::new();
    let mut dir = String::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## `") {
            dir = h.trim_end_matches('`').to_string();
        } else if let Some(item) = line.strip_prefix("- `") {
            let file = item.split('`').next().unwrap_or_default();
            listed.insert(format!("{dir}{file}"));
        }
    }
    let mut tree = BTreeSet::new();
    sources(Path::new("src"), &mut tree);
    sources(Path::new("crates/tensorboard-writer/src"), &mut tree);
    let missing: Vec<_> = tree.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&tree).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "docs/layout.md: missing {missing:?}, gone {gone:?} (run scripts/docs-layout)"
    );
}
