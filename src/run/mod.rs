//! A run: one training of one network, in its own directory with its TensorBoard events, its
//! configuration, its status and (Part 2) its checkpoints. Shared by Part 1 and Part 2.
pub mod console;
pub mod dir;
pub mod events;
pub mod interrupt;
pub mod lock;
pub mod progress;
pub mod status;

pub use dir::{Run, RunDir};
pub use status::{RunStatus, Status};

/// How a training loop ended without an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Outcome {
    #[default]
    Complete,
    Interrupted {
        step: i64,
    },
}

/// A non-finite loss; the run is marked "diverged" and what was logged before stays.
#[derive(Debug)]
pub struct Diverged {
    pub step: i64,
    pub loss: f64,
}

impl std::fmt::Display for Diverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "training diverged: the loss became {} at step {} (try a smaller learning rate)",
            self.loss, self.step
        )
    }
}
impl std::error::Error for Diverged {}
