//! Line charts for training curves (the report).
use crate::plot::class_color;
use anyhow::{anyhow, Result};
use plotters::prelude::*;
use std::path::Path;

/// Lines y(x), one per series, for training curves.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// None: the palette's next colour.
    pub color: Option<RGBColor>,
}

impl Series {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series { name: name.into(), points, color: None }
    }
}

/// One chart of a line figure.
pub struct LinePanel {
    pub title: String,
    pub y_label: String,
    pub series: Vec<Series>,
    pub log_y: bool,
    pub legend: bool,
}

/// A single chart.
pub fn line_chart(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: Vec<Series>,
    log_y: bool,
) -> Result<()> {
    let legend = series.len() > 1;
    let panel = LinePanel { title: title.into(), y_label: y_label.into(), series, log_y, legend };
    line_panels(path, x_label, &[panel], 1, (760, 440))
}

/// Charts in a grid of `cols` columns, each `size` pixels, sharing the x label.
pub fn line_panels(
    path: &Path,
    x_label: &str,
    panels: &[LinePanel],
    cols: usize,
    size: (u32, u32),
) -> Result<()> {
    let cols = cols.clamp(1, panels.len().max(1));
    let rows = panels.len().div_ceil(cols).max(1);
    let root = BitMapBackend::new(path, (size.0 * cols as u32, size.1 * rows as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    for (area, p) in root.split_evenly((rows, cols)).iter().zip(panels) {
        draw_lines(area, x_label, p).map_err(|e| anyhow!("drawing {}: {e}", path.display()))?;
    }
    root.present().map_err(|e| anyhow!("cannot write {}: {e}", path.display()))
}

fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    x_label: &str,
    p: &LinePanel,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ok = |y: f64| y.is_finite() && (!p.log_y || y > 0.0);
    let (mut x0, mut x1, mut y0, mut y1) =
        (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for &(x, y) in p.series.iter().flat_map(|s| s.points.iter()).filter(|q| ok(q.1)) {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.1, 1.0);
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    if y1 <= y0 {
        y1 = y0 + y0.abs().max(1e-3);
    }
    let mut builder = ChartBuilder::on(area);
    builder.caption(&p.title, ("sans-serif", 16)).margin(10).x_label_area_size(34).y_label_area_size(62);
    macro_rules! draw {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart.configure_mesh().x_desc(x_label).y_desc(&p.y_label).x_labels(6).y_labels(6).draw()?;
            for (i, s) in p.series.iter().enumerate() {
                let color = s.color.unwrap_or(class_color(i as i64));
                chart
                    .draw_series(LineSeries::new(
                        s.points.iter().copied().filter(|q| ok(q.1)),
                        color.stroke_width(2),
                    ))?
                    .label(s.name.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2)));
            }
            if p.legend {
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .label_font(("sans-serif", 12))
                    .draw()?;
            }
        }};
    }
    if p.log_y {
        draw!(builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale())?);
    } else {
        draw!(builder.build_cartesian_2d(x0..x1, y0..y1)?);
    }
    Ok(())
}
