//! A resumed run's event files: what it logged after its checkpoint goes, so that no step is
//! logged twice.
use anyhow::Result;
use std::path::Path;
use tensorboard_writer::reader::Truncate;

/// Drops every summary event at `step` or later from the event files in `dir` (and a torn last
/// record), and any earlier HParams outcome (a failed run resumed: TensorBoard would keep that
/// first one for good). Returns how many events went. An event file that is a link, a FIFO or
/// anything but a regular file is refused without being opened for long: nothing blocks.
pub fn truncate_dir_events(dir: &Path, step: i64) -> Result<usize> {
    Ok(Truncate::from_step(step).drop_session_end().apply(dir)?)
}
