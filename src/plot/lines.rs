//! Line charts for training curves (the report): several series per chart, each optionally with a
//! shaded band (the spread over seeds), one chart or a grid of charts per PNG.
use crate::plot::{check_figure, class_color, png_file};
use anyhow::{anyhow, Result};
use plotters::prelude::*;
use std::path::Path;

/// A curve y(x), optionally with a band lo(x)..hi(x) drawn under it.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// (x, lo, hi)
    pub band: Vec<(f64, f64, f64)>,
    /// None: the palette's colour for the series' position.
    pub color: Option<RGBColor>,
}

impl Series {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series { name: name.into(), points, band: Vec::new(), color: None }
    }

    /// The mean over several curves sampled at the same x, with a band from their minimum to maximum.
    pub fn mean_band(name: impl Into<String>, curves: &[Vec<(f64, f64)>]) -> Self {
        let n = curves.iter().map(Vec::len).min().unwrap_or(0);
        let mut points = Vec::with_capacity(n);
        let mut band = Vec::with_capacity(n);
        for i in 0..n {
            let ys: Vec<f64> = curves.iter().map(|c| c[i].1).collect();
            let x = curves[0][i].0;
            let mean = ys.iter().sum::<f64>() / ys.len() as f64;
            let (lo, hi) =
                ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &y| (l.min(y), h.max(y)));
            points.push((x, mean));
            band.push((x, lo, hi));
        }
        Series { name: name.into(), points, band, color: None }
    }
}

/// One chart.
pub struct LinePanel {
    pub title: String,
    pub y_label: String,
    pub series: Vec<Series>,
    pub log_y: bool,
    pub legend: bool,
}

/// A single chart in its own PNG.
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
    line_panels(path, x_label, &[panel], 1, (760, 420))
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
    let pixels = check_figure(cols, rows, size)?;
    png_file(path, pixels, |root| {
        root.fill(&WHITE).map_err(|e| anyhow!("drawing: {e}"))?;
        for (area, p) in root.split_evenly((rows, cols)).iter().zip(panels) {
            draw_lines(area, x_label, p).map_err(|e| anyhow!("drawing {}: {e}", path.display()))?;
        }
        Ok(())
    })
}

fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    x_label: &str,
    p: &LinePanel,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ok = |y: f64| y.is_finite() && (!p.log_y || y > 0.0);
    let (mut x0, mut x1, mut y0, mut y1) =
        (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    let band_points = p.series.iter().flat_map(|s| s.band.iter().flat_map(|&(x, lo, hi)| [(x, lo), (x, hi)]));
    for (x, y) in
        p.series.iter().flat_map(|s| s.points.iter().copied()).chain(band_points).filter(|q| ok(q.1))
    {
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
    // A log axis labels only powers of ten: use one where the data spans a decade, widened to whole
    // decades so that at least two are labelled, and a linear axis otherwise.
    let log_y = p.log_y && y1 / y0 >= 10.0;
    if log_y {
        (y0, y1) = (10f64.powf(y0.log10().floor()), 10f64.powf(y1.log10().ceil()));
    }
    let mut builder = ChartBuilder::on(area);
    builder.caption(&p.title, ("sans-serif", 16)).margin(10).x_label_area_size(34).y_label_area_size(62);
    macro_rules! draw {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart.configure_mesh().x_desc(x_label).y_desc(&p.y_label).x_labels(6).y_labels(6).draw()?;
            for (i, s) in p.series.iter().enumerate() {
                let color = s.color.unwrap_or(class_color(i as i64));
                let band: Vec<(f64, f64)> = s
                    .band
                    .iter()
                    .map(|&(x, lo, _)| (x, lo))
                    .chain(s.band.iter().rev().map(|&(x, _, hi)| (x, hi)))
                    .filter(|q| ok(q.1))
                    .collect();
                if band.len() > 2 {
                    chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.18).filled())))?;
                }
            }
            for (i, s) in p.series.iter().enumerate() {
                let color = s.color.unwrap_or(class_color(i as i64));
                let points: Vec<(f64, f64)> = s.points.iter().copied().filter(|q| ok(q.1)).collect();
                if points.len() < 12 {
                    // Few points (evaluations): mark each, so that a straight line is not read as a trend.
                    chart.draw_series(points.iter().map(|&q| Circle::new(q, 4, color.filled())))?;
                }
                chart
                    .draw_series(LineSeries::new(points, color.stroke_width(2)))?
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
    if log_y {
        draw!(builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale())?);
    } else {
        draw!(builder.build_cartesian_2d(x0..x1, y0..y1)?);
    }
    Ok(())
}
