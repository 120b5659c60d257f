//! nnlab's one convention on top of the crate's summaries: each histogram comes with its min, max,
//! mean and std as scalars `<tag>/min` … `<tag>/std` (part (b) asks for these statistics).
use crate::tensorboard::tags::STATISTICS;
use tensorboard_writer::proto::Value;
use tensorboard_writer::summary::histogram::histogram_stats;
use tensorboard_writer::summary::scalar;
use tensorboard_writer::HistogramStats;

/// The histogram value plus the four summary scalars, ready for `SummaryWriter::add_summary`.
pub fn histogram_with_statistics(tag: &str, s: &HistogramStats) -> Vec<Value> {
    let stats = [s.min, s.max, s.mean(), s.std()];
    let mut values = vec![histogram_stats(tag, s)];
    values.extend(STATISTICS.iter().zip(stats).map(|(name, v)| scalar(&format!("{tag}/{name}"), v)));
    values
}
