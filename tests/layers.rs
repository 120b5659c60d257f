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

/// nnlab's floors, lowest first; a module may use only modules on lower floors (modules on one floor
/// know nothing of each other). src/lib.rs's module doc states the same order.
const FLOORS: &[&[&str]] = &[
    &["cli"],
    &["fs"],
    &["native"],
    &["data"],
    &["plot"],
    &["tensorboard"],
    &["run"],
    &["backprop", "dcn"],
    &["report"],
];

fn floor(module: &str) -> usize {
    FLOORS.iter().position(|f| f.contains(&module)).unwrap_or_else(|| panic!("module {module} has no floor"))
}

/// The top-level modules that `text` names as `crate::<module>` outside comments.
fn used_modules(text: &str) -> std::collections::BTreeSet<String> {
    let mut used = std::collections::BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            // `crate::` at the start of a word only (not `tensorboard_writer::…`'s own `crate::`), and
            // not a macro the crate exports (`crate::clap_names!`).
            let before = code[..i].chars().next_back();
            let macro_call = rest[name.len()..].starts_with('!');
            if !name.is_empty()
                && !macro_call
                && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                used.insert(name);
            }
        }
    }
    used
}

/// Every top-level module of the library (src/<m>.rs or src/<m>/) with the modules its code uses.
fn module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = std::collections::BTreeMap::new();
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        let p = e.path();
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        // src/cli_tests.rs is cli's unit tests (`#[path]`): part of cli.
        let name = stem.strip_suffix("_tests").unwrap_or(&stem).to_string();
        if name == "lib" || name == "bin" || name == "main" {
            continue;
        }
        let files = if p.is_dir() { sources(&p) } else { vec![p.clone()] };
        let mut used = std::collections::BTreeSet::new();
        for f in files.iter().filter(|f| f.extension().is_some_and(|x| x == "rs")) {
            used.extend(used_modules(&std::fs::read_to_string(f).unwrap()));
        }
        used.remove(&name);
        graph.entry(name).or_insert_with(std::collections::BTreeSet::new).extend(used);
    }
    graph
}

#[test]
fn every_module_uses_only_lower_floors() {
    let graph = module_graph();
    let declared: Vec<&str> = FLOORS.iter().flat_map(|f| f.iter().copied()).collect();
    let found: Vec<&str> = graph.keys().map(String::as_str).collect();
    let mut sorted = declared.clone();
    sorted.sort();
    assert_eq!(sorted, found, "FLOORS must list every module of src/");
    for (module, used) in &graph {
        for u in used {
            assert!(
                floor(u) < floor(module),
                "src/{module} uses crate::{u}, which is not on a lower floor (FLOORS: {FLOORS:?})"
            );
        }
    }
}

#[test]
fn the_modules_have_no_cycles() {
    let graph = module_graph();
    // Kahn's algorithm: a module is placed once all it uses are placed; what is never placed is on a cycle.
    let mut placed = std::collections::BTreeSet::new();
    while placed.len() < graph.len() {
        let ready: Vec<&String> = graph
            .iter()
            .filter(|(m, used)| !placed.contains(*m) && used.iter().all(|u| placed.contains(u)))
            .map(|(m, _)| m)
            .collect();
        assert!(
            !ready.is_empty(),
            "a cycle among {:?}",
            graph.keys().filter(|m| !placed.contains(*m)).collect::<Vec<_>>()
        );
        placed.extend(ready.into_iter().cloned());
    }
}

#[test]
fn the_layer_reader_sees_imports_and_paths() {
    let text = "use crate::fs::open::open_own;\n// crate::report in a comment\nlet x = crate::run::files::f();\nuse tensorboard_writer::crate_x;\ncrate::clap_names!(X);";
    let used: Vec<String> = used_modules(text).into_iter().collect();
    assert_eq!(used, ["fs", "run"]);
}
