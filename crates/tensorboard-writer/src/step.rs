//! [`Step`]: the step of an event, and optionally its wall time (PyTorch's `walltime=` argument).
//!
//! Every `add_*` method that takes a step takes `impl Into<Step>`: a plain integer is the step with
//! the wall time now, as before, and `Step::new(step).wall_time(t)` (or `Step::at(step, t)`) sets
//! the wall time too, to backfill or replay a log.

/// The step of an event and, optionally, its wall time in seconds since the Unix epoch (`None`:
/// now, when the event is written).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Step {
    /// The step (`global_step`).
    pub step: i64,
    /// The wall time in seconds since the Unix epoch; `None` for the time of the write.
    pub wall_time: Option<f64>,
}

impl Step {
    /// `step`, stamped with the time it is written.
    pub fn new(step: i64) -> Step {
        Step { step, wall_time: None }
    }

    /// `step` at `wall_time` (seconds since the Unix epoch), PyTorch's `walltime=`.
    pub fn at(step: i64, wall_time: f64) -> Step {
        Step { step, wall_time: Some(wall_time) }
    }

    /// The same step at `wall_time`.
    pub fn wall_time(self, wall_time: f64) -> Step {
        Step { wall_time: Some(wall_time), ..self }
    }
}

macro_rules! step_from {
    ($($t:ty),*) => {$(impl From<$t> for Step {
        fn from(step: $t) -> Step { Step::new(step.into()) }
    })*};
}
step_from!(i64, i32, u32, i16, u16, i8, u8);
