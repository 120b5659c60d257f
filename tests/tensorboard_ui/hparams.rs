//! The HParams tab of what `tensorboard_ui.rs` serves: the sessions, and each part's experiment with
//! every column filled, so that the parallel-coordinates view draws every run.
use super::{common, makefile_flags, Served};
use common::TensorBoard;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The HParams tab: every run is a successful session; and served one part at a time (as
/// `make tensorboard RUNS=runs/mnist_dcn` does), the part's experiment has its hyperparameters and
/// metrics as columns, and every session group has a value in every column — the condition under which
/// TensorBoard's parallel-coordinates view draws a group (its `_computeValidSessionGroups`).
pub fn check_hparams(s: &Served) {
    let runs: BTreeSet<String> = s.part1.iter().chain([&s.dcn]).cloned().collect();
    assert_eq!(session_groups(&s.tb).values().flatten().cloned().collect::<BTreeSet<_>>(), runs);
    let mut flags = makefile_flags();
    flags.extend(["--load_fast=false", "--reload_interval=0", "--reload_task=blocking"].map(String::from));
    let parts: [(&str, &[&str], &[&str]); 2] = [
        (
            "mnist_dcn",
            &["activation", "optimizer", "lr", "init", "batch_size", "dataset", "steps", "seed"],
            &[
                "0_main/1_train_loss",
                "0_main/2_validation_error",
                "0_main/3_test_error",
                "0_main/5_test_accuracy",
            ],
        ),
        (
            "three_layer",
            &["activation", "lr", "batch_size", "dataset", "layers", "reg_lambda", "steps", "seed"],
            &["0_main/1_train_loss", "0_main/4_train_accuracy"],
        ),
    ];
    for (part, hparams, metrics) in parts {
        let tb = TensorBoard::start(&common::tensorboard_program(), &s._runs.path().join(part), &flags);
        let exp = tb.post_json("/data/plugin/hparams/experiment", &json!({"experimentName": ""}));
        let names: BTreeSet<&str> =
            exp["hparamInfos"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
        for h in hparams {
            assert!(names.contains(h), "{part}: hparam {h} missing: {names:?}");
        }
        let metric_tags: BTreeSet<&str> = exp["metricInfos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"]["tag"].as_str().unwrap())
            .collect();
        assert_eq!(metric_tags, metrics.iter().copied().collect(), "{part}");
        let groups = session_groups_json(&tb);
        let groups = groups["sessionGroups"].as_array().unwrap();
        assert!(!groups.is_empty(), "{part}: no session group");
        for g in groups {
            for h in &names {
                assert!(!g["hparams"][*h].is_null(), "{part}: a group lacks hparam {h}: {g}");
            }
            let values: BTreeSet<&str> = g["metricValues"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["value"].as_f64().is_some_and(f64::is_finite))
                .map(|v| v["name"]["tag"].as_str().unwrap())
                .collect();
            assert_eq!(
                values, metric_tags,
                "{part}: a group lacks a metric, so the parallel view drops it: {g}"
            );
        }
    }
}

fn session_groups_json(tb: &TensorBoard) -> Value {
    let request = json!({
        "experimentName": "",
        "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
        "colParams": [], "startIndex": 0, "sliceSize": 1000,
    });
    tb.post_json("/data/plugin/hparams/session_groups", &request)
}

/// Group name → its sessions (runs), each asserted successful.
fn session_groups(tb: &TensorBoard) -> BTreeMap<String, Vec<String>> {
    let groups = session_groups_json(tb);
    let mut out = BTreeMap::new();
    for g in groups["sessionGroups"].as_array().unwrap() {
        let mut sessions = Vec::new();
        for session in g["sessions"].as_array().unwrap() {
            assert_eq!(session["status"], "STATUS_SUCCESS", "{session}");
            sessions.push(session["name"].as_str().unwrap().to_string());
        }
        out.insert(g["name"].as_str().unwrap().to_string(), sessions);
    }
    out
}
