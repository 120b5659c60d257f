//! Scalars, `add_scalars` runs, text, hparams, the writer's file options and `add_summary`, written
//! by the crate and read back with its own reader (`record::read_dir_events`): exact event counts,
//! tags, values and steps. Needs neither libtorch nor Python.
mod common;

use common::{only_event_file, plugin, read, scalars, tagged, tensor, values};
use prost::Message;
use tensorboard_writer::proto::hparams::{hparams_plugin_data, proto_value, HParamsPluginData};
use tensorboard_writer::proto::{event, DT_STRING, SESSION_START};
use tensorboard_writer::{HParamValue, SummaryWriter};

#[test]
fn file_starts_with_version_and_scalars_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    for step in 0..100 {
        w.add_scalar("loss/train", 1.0 / (1.0 + step as f64), step).unwrap();
        w.add_scalar("acc", step as f64 / 100.0, step * 10).unwrap();
    }
    w.add_scalar("nan", f64::NAN, 3).unwrap(); // PyTorch logs NaN scalars too
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 1 + 200 + 1);
    assert_eq!(events[0].what, Some(event::What::FileVersion("brain.Event:2".into())));
    assert!(events[0].wall_time > 1.6e9, "wall time {}", events[0].wall_time);
    let loss = scalars(&events, "loss/train");
    assert_eq!(loss.len(), 100);
    for (i, (step, v)) in loss.iter().enumerate() {
        assert_eq!(*step, i as i64);
        assert_eq!(*v, (1.0 / (1.0 + i as f64)) as f32);
    }
    let acc = scalars(&events, "acc");
    assert_eq!(acc.iter().map(|p| p.0).collect::<Vec<_>>(), (0..100).map(|s| s * 10).collect::<Vec<_>>());
    assert_eq!(acc[37].1, 0.37f32);
    assert!(scalars(&events, "nan")[0].1.is_nan());
    // Wall times never go backwards.
    assert!(events.windows(2).all(|e| e[0].wall_time <= e[1].wall_time));
}

#[test]
fn add_scalars_writes_one_run_per_series_under_the_main_tag() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    for step in 0..10 {
        w.add_scalars("loss/all", &[("train", step as f64), ("val", 2.0 * step as f64)], step).unwrap();
    }
    w.close().unwrap();
    // Nothing in the main run but the file version.
    assert_eq!(read(dir.path()).len(), 1);
    for (sub, k) in [("loss_all_train", 1.0), ("loss_all_val", 2.0)] {
        let events = read(&dir.path().join(sub));
        assert_eq!(events.len(), 11, "{sub}");
        let s = scalars(&events, "loss/all");
        assert_eq!(s, (0..10).map(|i| (i, (k * i as f64) as f32)).collect::<Vec<_>>(), "{sub}");
    }
}

#[test]
fn text_is_a_string_tensor_for_the_text_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_text("notes", "**bold** and ünïcode", 3).unwrap();
    w.add_text("notes", "second", 4).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 3);
    let t = tagged(&events, "notes/text_summary");
    assert_eq!(t.iter().map(|x| x.0).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(plugin(&t[0].1).0, "text");
    let tp = tensor(&t[0].1);
    assert_eq!(tp.dtype, DT_STRING);
    assert_eq!(tp.string_val, vec!["**bold** and ünïcode".as_bytes().to_vec()]);
    assert_eq!(tp.tensor_shape.as_ref().unwrap().dim.iter().map(|d| d.size).collect::<Vec<_>>(), [1]);
}

#[test]
fn hparams_write_a_session_run_with_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    w.add_hparams(
        &[
            ("lr", HParamValue::from(0.01)),
            ("opt", "adam".into()),
            ("bn", true.into()),
            ("layers", 3usize.into()),
        ],
        &[("hparam/accuracy", 0.9), ("hparam/loss", 0.25)],
        Some("trial-1"),
    )
    .unwrap();
    w.close().unwrap();
    assert_eq!(read(dir.path()).len(), 1);
    let events = read(&dir.path().join("trial-1"));
    // Version, the three hparams values in one event, two metrics.
    assert_eq!(events.len(), 4);
    let vals = values(&events);
    let tags: Vec<&str> = vals.iter().map(|(_, v)| v.tag.as_str()).collect();
    assert_eq!(
        tags,
        [
            "_hparams_/experiment",
            "_hparams_/session_start_info",
            "_hparams_/session_end_info",
            "hparam/accuracy",
            "hparam/loss"
        ]
    );
    let data = |i: usize| {
        let (name, content) = plugin(&vals[i].1);
        assert_eq!(name, "hparams");
        HParamsPluginData::decode(content).unwrap().data.unwrap()
    };
    let hparams_plugin_data::Data::Experiment(exp) = data(0) else { panic!("not an experiment") };
    assert_eq!(
        exp.hparam_infos.iter().map(|h| (h.name.as_str(), h.r#type)).collect::<Vec<_>>(),
        [("lr", 3), ("opt", 1), ("bn", 2), ("layers", 3)]
    );
    assert_eq!(
        exp.metric_infos.iter().map(|m| m.name.as_ref().unwrap().tag.as_str()).collect::<Vec<_>>(),
        ["hparam/accuracy", "hparam/loss"]
    );
    let hparams_plugin_data::Data::SessionStartInfo(start) = data(1) else { panic!("not a session start") };
    assert_eq!(start.hparams["lr"].kind, Some(proto_value::Kind::NumberValue(0.01)));
    assert_eq!(start.hparams["opt"].kind, Some(proto_value::Kind::StringValue("adam".into())));
    assert_eq!(start.hparams["bn"].kind, Some(proto_value::Kind::BoolValue(true)));
    assert_eq!(start.hparams["layers"].kind, Some(proto_value::Kind::NumberValue(3.0)));
    let hparams_plugin_data::Data::SessionEndInfo(end) = data(2) else { panic!("not a session end") };
    assert_eq!(end.status, 1);
    assert_eq!(scalars(&events, "hparam/accuracy"), [(0, 0.9f32)]);
    assert_eq!(scalars(&events, "hparam/loss"), [(0, 0.25f32)]);
}

#[test]
fn purge_step_and_filename_suffix() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::builder(dir.path()).purge_step(100).filename_suffix(".v2").build().unwrap();
    w.add_scalar("x", 1.0, 100).unwrap();
    let path = w.file_path().to_path_buf();
    w.close().unwrap();
    assert!(path.file_name().unwrap().to_string_lossy().ends_with(".v2"));
    assert!(path.file_name().unwrap().to_string_lossy().starts_with("events.out.tfevents."));
    assert_eq!(only_event_file(dir.path()), path);
    let events = read(dir.path());
    assert_eq!(events.len(), 3);
    let Some(event::What::SessionLog(log)) = &events[1].what else { panic!("{:?}", events[1]) };
    assert_eq!((events[1].step, log.status), (100, SESSION_START));
}

#[test]
fn two_writers_on_one_directory_keep_separate_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = SummaryWriter::new(dir.path()).unwrap();
    let mut b = SummaryWriter::new(dir.path()).unwrap();
    a.add_scalar("a", 1.0, 0).unwrap();
    b.add_scalar("b", 2.0, 0).unwrap();
    a.close().unwrap();
    b.close().unwrap();
    assert_ne!(a.file_path(), b.file_path());
    let events = read(dir.path());
    assert_eq!(events.len(), 4);
    assert_eq!(scalars(&events, "a"), [(0, 1.0)]);
    assert_eq!(scalars(&events, "b"), [(0, 2.0)]);
}

#[test]
fn several_values_in_one_event_with_add_summary() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let s = tensorboard_writer::summary::scalar;
    w.add_summary(vec![s("a", 1.0), s("b", 2.0), tensorboard_writer::summary::text("t", "x")], 9).unwrap();
    w.flush().unwrap();
    // Readable before close: every call is written through.
    let events = read(dir.path());
    assert_eq!(events.len(), 2);
    assert_eq!(
        values(&events).iter().map(|(s, v)| (*s, v.tag.as_str())).collect::<Vec<_>>(),
        [(9, "a"), (9, "b"), (9, "t/text_summary")]
    );
    w.close().unwrap();
}
