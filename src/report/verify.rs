//! Whether a cached run can be trusted: complete, and every number that the report takes from its
//! result file what its events logged. Anything else is trained again, and the report says why (so
//! no message here repeats a value read from a result file: it may be an edited one).
use crate::backprop::record::NetResult;
use crate::dcn::train::{TrainConfig, TrainReport};
use crate::report::cache::{read_events_whole, read_json};
use crate::run::{RunStatus, Status};
use crate::tensorboard::tags;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use tensorboard_writer::proto::{event, Event};
use tensorboard_writer::record::scalars;

fn complete(dir: &Path) -> Result<()> {
    let status = Status::read(dir)?;
    if status.status != RunStatus::Complete {
        bail!("{} is {:?}, not complete", dir.display(), status.status);
    }
    Ok(())
}

/// Whether a logged scalar holds `recorded`: exactly, as an f32 (the precision of a logged scalar;
/// NaN agrees with NaN).
fn agrees(logged: Option<f64>, recorded: f64) -> bool {
    logged.is_some_and(|v| {
        let (a, b) = (v as f32, recorded as f32);
        a == b || (a.is_nan() && b.is_nan())
    })
}

/// Fails unless the last `tag` scalar of `events` holds `recorded`, the value of `field` (a result
/// file's). The value recorded is not repeated: the report must not show an edited number, even here.
fn check_last(run: &Path, events: &[Event], tag: &str, field: &str, recorded: f64) -> Result<()> {
    let logged = scalars(events, tag).last().map(|p| p.1);
    if !agrees(logged, recorded) {
        let logged = logged.map_or("nothing".into(), |v| v.to_string());
        bail!("{}: {field} is not what its events logged (the last {tag}: {logged})", run.display());
    }
    Ok(())
}

/// The events of the last session of a run (since its last event file began): the process whose
/// training time result.json records.
fn last_session(events: &[Event]) -> &[Event] {
    let start = events.iter().rposition(|e| matches!(e.what, Some(event::What::FileVersion(_))));
    &events[start.unwrap_or(0)..]
}

/// Fails unless the training time that result.json records fits the last session's events: its
/// losses were logged within `seconds`, and the session (from its file's creation to its last
/// event) lasted at least `seconds`. A tolerance covers the two clocks (monotonic and wall).
fn check_seconds(run: &Path, events: &[Event], seconds: f64) -> Result<()> {
    let session = last_session(events);
    let loss = |e: &&Event| match &e.what {
        Some(event::What::Summary(s)) => s.value.iter().any(|v| v.tag == tags::TRAIN_LOSS),
        _ => false,
    };
    let losses = span(session.iter().filter(loss).map(|e| e.wall_time));
    let whole = span(session.iter().map(|e| e.wall_time));
    let slack = 0.5 + 0.05 * seconds.abs();
    if !(seconds.is_finite() && losses <= seconds + slack && seconds <= whole + slack) {
        bail!(
            "{}: result.json's seconds does not fit its events ({losses:.3} s of losses in a session of \
             {whole:.3} s)",
            run.display()
        );
    }
    Ok(())
}

/// The time from the first to the last of `times` (0 for none).
fn span(times: impl Iterator<Item = f64>) -> f64 {
    let (first, last) = times.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(t), b.max(t)));
    (last - first).max(0.0)
}

/// A DCN run: complete, run with the settings its job (`want`) asked for, its losses at
/// 1..=iterations, and every number of result.json that the report shows (losses, accuracies, time,
/// speed) what its events logged.
pub fn verify_dcn(dir: &Path, want: &TrainConfig) -> Result<()> {
    complete(dir)?;
    let report: TrainReport = read_json(&dir.join("result.json"))?;
    let config: TrainConfig = read_json(&dir.join("config.json"))?;
    same_dcn_settings(dir, want, &config)?;
    let events = read_events_whole(dir)?;
    let steps: Vec<i64> = scalars(&events, tags::TRAIN_LOSS).iter().map(|p| p.0).collect();
    if steps != (1..=config.iterations()).collect::<Vec<_>>() || report.iterations != config.iterations() {
        bail!("{}: its losses do not cover steps 1..={}", dir.display(), config.iterations());
    }
    check_last(dir, &events, tags::TRAIN_LOSS, "result.json's final_loss", report.final_loss)?;
    let (validation, test) = (1.0 - report.validation_accuracy, 1.0 - report.test_accuracy);
    check_last(dir, &events, tags::VALIDATION_ERROR, "result.json's validation_accuracy", validation)?;
    check_last(dir, &events, tags::TEST_ERROR, "result.json's test_accuracy", test)?;
    check_seconds(dir, &events, report.seconds)?;
    // The speed is the session's updates over its time; the session began after its restart marker.
    let first = last_session(&events).iter().find_map(|e| match &e.what {
        Some(event::What::SessionLog(_)) => Some((e.step - 1).max(0)),
        _ => None,
    });
    let updates = (report.iterations - first.unwrap_or(0)) as f64;
    if !agrees(Some(report.iterations_per_second * report.seconds), updates) {
        bail!(
            "{}: result.json's iterations_per_second and seconds do not give the {updates} updates of its \
             last session",
            dir.display()
        );
    }
    Ok(())
}

/// A Part 1 sweep: complete, and every network's run complete, its result.json the sweep's entry,
/// and every number of it that the report shows (loss, accuracies, steps) what its events logged.
pub fn verify_sweep(dir: &Path) -> Result<()> {
    complete(dir)?;
    let results: Vec<NetResult> = read_json(&dir.join("results.json"))?;
    if results.is_empty() {
        bail!("{}: results.json lists no network", dir.display());
    }
    for r in &results {
        let run = &sweep_member(dir, r)?;
        complete(run)?;
        let own: NetResult = read_json(&run.join("result.json"))?;
        if own != *r || r.status != RunStatus::Complete {
            bail!("{}: result.json and the sweep's results.json disagree", run.display());
        }
        let events = read_events_whole(run)?;
        let last_loss = scalars(&events, tags::TRAIN_LOSS).last().map(|p| p.0);
        let accuracy_step = scalars(&events, tags::TRAIN_ACCURACY).last().map(|p| p.0);
        if last_loss != Some(r.steps) || accuracy_step != Some(r.steps) {
            bail!("{}: results.json's steps is not where its events end", run.display());
        }
        check_last(run, &events, tags::TRAIN_LOSS, "results.json's final_loss", r.final_loss)?;
        check_last(run, &events, tags::TRAIN_ACCURACY, "results.json's train_accuracy", r.train_accuracy)?;
        let held_out = scalars(&events, tags::TEST_ACCURACY).last().map(|p| p.1);
        match r.test_accuracy {
            Some(a) => check_last(run, &events, tags::TEST_ACCURACY, "results.json's test_accuracy", a)?,
            None if held_out.is_some() => {
                bail!("{}: results.json lacks the test_accuracy logged", run.display())
            }
            None => {}
        }
    }
    Ok(())
}

/// The run directory of a sweep's network: inside the sweep, whatever path results.json recorded it
/// under (the report may be made again from another directory).
pub fn sweep_member(sweep: &Path, r: &NetResult) -> Result<PathBuf> {
    let name = r
        .run_dir
        .file_name()
        .with_context(|| format!("{}: a network without a run directory", sweep.display()))?;
    let run = sweep.join(name);
    if !run.is_dir() {
        bail!("{}: {} is missing", sweep.display(), run.display());
    }
    Ok(run)
}

/// The settings a DCN job asked for (`want`, from the plan) against those its run recorded in
/// config.json (`got`): every setting the report prints or compares (dataset, batch size,
/// activation, maxout pieces, initialisation, the optimizer and its hyperparameters, seed, logging
/// and evaluation intervals) must be the same, so an edited config.json cannot change what the
/// report says ran. The message names the setting, never the value read from the file.
fn same_dcn_settings(dir: &Path, want: &TrainConfig, got: &TrainConfig) -> Result<()> {
    let differs = [
        ("dataset", want.dataset != got.dataset),
        ("batch_size", want.batch_size != got.batch_size),
        ("activation", want.activation != got.activation),
        ("maxout_pieces", want.maxout_pieces != got.maxout_pieces),
        ("init", want.init != got.init),
        ("optimizer", want.optimizer != got.optimizer),
        ("seed", want.seed != got.seed),
        ("log_every", want.log_every != got.log_every),
        ("eval_every", want.eval_every != got.eval_every),
    ];
    match differs.iter().find(|(_, d)| *d) {
        Some((name, _)) => bail!("{}: config.json's {name} is not what the job asked for", dir.display()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_setting_in_config_json_is_caught() {
        let dir = Path::new("run");
        let want = TrainConfig::default();
        assert!(same_dcn_settings(dir, &want, &want.clone()).is_ok());
        let mut got = want.clone();
        got.optimizer.lr *= 10.0;
        let e = same_dcn_settings(dir, &want, &got).unwrap_err().to_string();
        assert!(e.contains("optimizer") && !e.contains(&got.optimizer.lr.to_string()), "{e}");
        let mut got = want.clone();
        got.batch_size += 1;
        assert!(same_dcn_settings(dir, &want, &got).unwrap_err().to_string().contains("batch_size"));
    }
}
