//! The report's charts, drawn from what the runs logged (their event files).
use crate::dcn::train::monitor::{Quantity, MONITORED};
use crate::plot::lines::{line_chart, line_panels, LinePanel, Series};
use crate::tensorboard::tags;
use anyhow::Result;
use plotters::style::RGBColor;
use std::path::Path;
use tensorboard_writer::proto::{Event, HistogramProto};
use tensorboard_writer::record::{histograms, scalars};

/// (step, value) of a scalar tag as floats.
pub fn curve(events: &[Event], tag: &str) -> Vec<(f64, f64)> {
    scalars(events, tag).iter().map(|&(s, v)| (s as f64, v)).collect()
}

/// TensorBoard's smoothing: an exponential moving average with weight `w`, debiased at the start.
pub fn smoothed(points: &[(f64, f64)], w: f64) -> Vec<(f64, f64)> {
    let (mut last, mut debias) = (0.0, 1.0);
    points
        .iter()
        .filter(|p| p.1.is_finite())
        .map(|&(x, y)| {
            last = last * w + (1.0 - w) * y;
            debias *= w;
            (x, last / (1.0 - debias))
        })
        .collect()
}

/// 2(a): the training loss per iteration and smoothed, log scale, as TensorBoard draws it.
pub fn loss(events: &[Event], path: &Path) -> Result<()> {
    let raw = curve(events, tags::TRAIN_LOSS);
    let mut faint = Series::new("per iteration", raw.clone());
    faint.color = Some(RGBColor(170, 190, 225));
    let mut smooth = Series::new("smoothed (EMA 0.95)", smoothed(&raw, 0.95));
    smooth.color = Some(RGBColor(30, 80, 170));
    line_chart(path, "training loss", "iteration", "cross-entropy", vec![faint, smooth], true)
}

/// 2(a): validation and test error at each evaluation.
pub fn errors(events: &[Event], path: &Path) -> Result<()> {
    let series = vec![
        Series::new("validation error", curve(events, tags::VALIDATION_ERROR)),
        Series::new("test error", curve(events, tags::TEST_ERROR)),
    ];
    line_chart(path, "validation and test error", "iteration", "error", series, true)
}

/// 2(b): min, max, mean and std of one monitored quantity, one panel per layer.
pub fn statistics(events: &[Event], quantity: Quantity, layers: &[&str], path: &Path) -> Result<()> {
    let panels: Vec<LinePanel> = layers
        .iter()
        .map(|l| LinePanel {
            title: tags::histogram(l, quantity.name()),
            y_label: String::new(),
            series: tags::STATISTICS
                .iter()
                .map(|s| Series::new(*s, curve(events, &tags::statistic(l, quantity.name(), s))))
                .collect(),
            log_y: false,
            legend: true,
        })
        .collect();
    line_panels(path, "iteration", &panels, 4, (400, 290))
}

/// 2(b): the distribution over time (TensorBoard's percentile bands), one panel per layer.
pub fn distributions(events: &[Event], quantity: Quantity, layers: &[&str], path: &Path) -> Result<()> {
    let panels: Vec<LinePanel> =
        layers.iter().map(|l| distribution_panel(events, &tags::histogram(l, quantity.name()))).collect();
    line_panels(path, "iteration", &panels, 4, (400, 290))
}

/// 2(b): gradient norms and dead or saturated units of every layer over training.
pub fn health(events: &[Event], path: &Path) -> Result<()> {
    let layers = MONITORED[0].1;
    let norms =
        layers.iter().map(|l| Series::new(*l, curve(events, &tags::health(l, "gradient_norm")))).collect();
    let mut panels = vec![LinePanel {
        title: "gradient norm of the weights".into(),
        y_label: "‖∂L/∂W‖".into(),
        series: norms,
        log_y: true,
        legend: true,
    }];
    for what in ["dead_units", "saturated_units"] {
        let series: Vec<Series> = layers
            .iter()
            .map(|l| Series::new(*l, curve(events, &tags::health(l, what))))
            .filter(|s| !s.points.is_empty())
            .collect();
        if !series.is_empty() {
            let title = if what == "dead_units" {
                "dead ReLU units (zero for the whole batch)"
            } else {
                "saturated units"
            };
            panels.push(LinePanel {
                title: title.into(),
                y_label: "fraction".into(),
                series,
                log_y: false,
                legend: true,
            });
        }
    }
    line_panels(path, "iteration", &panels, 2, (560, 320))
}

/// A variant's name and one curve per seed.
pub type SeedCurves = (String, Vec<Vec<(f64, f64)>>);

/// 2(c): the training loss (with chance, ln 10, as a grey line) and the validation error side by
/// side, one line per variant: the mean over seeds with a min–max band.
pub fn comparison(losses: &[SeedCurves], errors: &[SeedCurves], path: &Path, family: &str) -> Result<()> {
    let bands =
        |v: &[SeedCurves]| v.iter().map(|(name, c)| Series::mean_band(name.clone(), c)).collect::<Vec<_>>();
    let mut loss = bands(losses);
    let last = loss.iter().flat_map(|s| s.points.last()).map(|p| p.0).fold(1.0, f64::max);
    // Enough points that the line is drawn as a line, not as marked evaluations.
    let flat = (0..=20).map(|i| (last * f64::from(i) / 20.0, std::f64::consts::LN_10)).collect();
    let mut chance = Series::new("chance (ln 10)", flat);
    chance.color = Some(RGBColor(150, 150, 150));
    loss.push(chance);
    let panels = [
        LinePanel {
            title: format!("training loss by {family}"),
            y_label: "cross-entropy (smoothed)".into(),
            series: loss,
            log_y: true,
            legend: true,
        },
        // Log scale: a variant that does not learn (80% error) would otherwise flatten the others.
        LinePanel {
            title: format!("validation error by {family}"),
            y_label: "validation error".into(),
            series: bands(errors),
            log_y: true,
            legend: true,
        },
    ];
    // Two panels across the page: small enough that their text stays legible when scaled to its width.
    line_panels(path, "iteration", &panels, 2, (470, 330))
}

/// TensorBoard's distribution view: percentiles (in basis points) of each logged histogram, drawn
/// in shades that darken towards the median.
fn distribution_panel(events: &[Event], tag: &str) -> LinePanel {
    const BPS: [f64; 9] = [0.0, 668.0, 1587.0, 3085.0, 5000.0, 6915.0, 8413.0, 9332.0, 10000.0];
    let shade = |k: usize| {
        let depth = 4 - (k as i32 - 4).unsigned_abs() as u8; // 0 at the extremes, 4 at the median
        RGBColor(250 - 30 * depth, 190 - 35 * depth, 160 - 30 * depth)
    };
    let hs = histograms(events, tag);
    let series = BPS
        .iter()
        .enumerate()
        .map(|(k, &bp)| Series {
            name: format!("{:.0}%", bp / 100.0),
            points: hs.iter().map(|(s, h)| (*s as f64, percentile(h, bp))).collect(),
            band: Vec::new(),
            color: Some(shade(k)),
        })
        .collect();
    LinePanel { title: tag.into(), y_label: String::new(), series, log_y: false, legend: false }
}

/// The value below which `bp`/10000 of the histogram's mass lies, interpolated within its bucket
/// (TensorBoard's compressHistogram).
pub fn percentile(h: &HistogramProto, bp: f64) -> f64 {
    let target = bp / 10_000.0 * h.num;
    let mut cum = 0.0;
    for (i, &count) in h.bucket.iter().enumerate() {
        if cum + count >= target && count > 0.0 {
            let lo = if i == 0 { h.min } else { h.bucket_limit[i - 1].max(h.min) };
            let hi = h.bucket_limit[i].min(h.max);
            let frac = ((target - cum) / count).clamp(0.0, 1.0);
            return lo + (hi - lo) * frac;
        }
        cum += count;
    }
    h.max
}
