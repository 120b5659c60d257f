//! Figures: data scatter and decision boundaries (filled class regions plus the points, like the
//! starter's contourf), one panel or a grid of panels per PNG.
use crate::data::LabeledData;
use anyhow::{anyhow, Result};
use plotters::prelude::*;
use std::path::Path;
use tch::{Device, Kind, Tensor};

const PALETTE: [RGBColor; 10] = [
    RGBColor(213, 62, 79),
    RGBColor(50, 136, 189),
    RGBColor(102, 194, 165),
    RGBColor(253, 174, 97),
    RGBColor(94, 79, 162),
    RGBColor(171, 221, 164),
    RGBColor(244, 109, 67),
    RGBColor(158, 1, 66),
    RGBColor(230, 245, 152),
    RGBColor(120, 120, 120),
];

fn class_color(c: i64) -> RGBColor {
    PALETTE[c.rem_euclid(PALETTE.len() as i64) as usize]
}

fn light(c: RGBColor) -> RGBColor {
    RGBColor(((c.0 as u16 + 2 * 255) / 3) as u8, ((c.1 as u16 + 2 * 255) / 3) as u8, ((c.2 as u16 + 2 * 255) / 3) as u8)
}

/// Predicted classes on a regular grid covering the data with a margin of 0.5, as the starter's
/// `plot_decision_boundary`.
pub struct BoundaryGrid {
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub n: usize,
    /// Row-major, `n × n`, index [iy * n + ix].
    pub classes: Vec<i64>,
}

impl BoundaryGrid {
    pub fn new(data: &LabeledData, n: usize, mut predict: impl FnMut(&Tensor) -> Tensor) -> Result<Self> {
        let (x_range, y_range) = bounds(data);
        let xs = Tensor::linspace(x_range.0, x_range.1, n as i64, (Kind::Double, Device::Cpu));
        let ys = Tensor::linspace(y_range.0, y_range.1, n as i64, (Kind::Double, Device::Cpu));
        let grid = Tensor::meshgrid_indexing(&[&ys, &xs], "ij");
        let points = Tensor::stack(&[grid[1].flatten(0, -1), grid[0].flatten(0, -1)], 1);
        let classes = Vec::<i64>::try_from(predict(&points).to_kind(Kind::Int64)).map_err(|e| anyhow!("reading predictions: {e}"))?;
        Ok(BoundaryGrid { x_range, y_range, n, classes })
    }
}

fn bounds(data: &LabeledData) -> ((f64, f64), (f64, f64)) {
    let col = |j: i64| {
        let c = data.x.select(1, j);
        (c.min().double_value(&[]) - 0.5, c.max().double_value(&[]) + 0.5)
    };
    (col(0), col(1))
}

/// One subplot: the data points, optionally over a decision-boundary grid.
pub struct Panel<'a> {
    pub title: String,
    pub data: &'a LabeledData,
    pub grid: Option<BoundaryGrid>,
}

/// Draws `panels` in a grid with `cols` columns, each panel `size` pixels square.
pub fn draw_panels(path: &Path, panels: &[Panel], cols: usize, size: u32) -> Result<()> {
    let cols = cols.clamp(1, panels.len().max(1));
    let rows = panels.len().div_ceil(cols).max(1);
    let root = BitMapBackend::new(path, (size * cols as u32, size * rows as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    for (area, panel) in root.split_evenly((rows, cols)).iter().zip(panels) {
        draw_panel(area, panel).map_err(|e| anyhow!("drawing {}: {e}", path.display()))?;
    }
    root.present().map_err(|e| anyhow!("cannot write {}: {e}", path.display()))
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, p: &Panel) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (xr, yr) = match &p.grid {
        Some(g) => (g.x_range, g.y_range),
        None => bounds(p.data),
    };
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(32)
        .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
    chart.configure_mesh().disable_mesh().x_labels(5).y_labels(5).draw()?;
    if let Some(g) = &p.grid {
        let (dx, dy) = ((xr.1 - xr.0) / (g.n - 1) as f64, (yr.1 - yr.0) / (g.n - 1) as f64);
        chart.draw_series(g.classes.iter().enumerate().map(|(i, &c)| {
            let (x, y) = (xr.0 + (i % g.n) as f64 * dx, yr.0 + (i / g.n) as f64 * dy);
            Rectangle::new([(x - dx / 2.0, y - dy / 2.0), (x + dx / 2.0, y + dy / 2.0)], light(class_color(c)).filled())
        }))?;
    }
    let xs = Vec::<f64>::try_from(p.data.x.select(1, 0).contiguous()).unwrap_or_default();
    let ys = Vec::<f64>::try_from(p.data.x.select(1, 1).contiguous()).unwrap_or_default();
    let ls = Vec::<i64>::try_from(&p.data.y).unwrap_or_default();
    chart.draw_series(xs.iter().zip(&ys).zip(&ls).map(|((&x, &y), &l)| {
        EmptyElement::at((x, y)) + Circle::new((0, 0), 3, class_color(l).filled()) + Circle::new((0, 0), 3, BLACK.stroke_width(1))
    }))?;
    Ok(())
}

/// Lines y(x), one per series, for training curves.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

pub fn line_chart(path: &Path, title: &str, x_label: &str, y_label: &str, series: &[Series], log_y: bool) -> Result<()> {
    let root = BitMapBackend::new(path, (720, 440)).into_drawing_area();
    let err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let all = series.iter().flat_map(|s| s.points.iter()).filter(|p| p.1.is_finite() && (!log_y || p.1 > 0.0));
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for &(x, y) in all {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.1, 1.0);
    }
    if y1 <= y0 {
        y1 = y0 + y0.abs().max(1e-3);
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    let mut builder = ChartBuilder::on(&root);
    builder.caption(title, ("sans-serif", 18)).margin(10).x_label_area_size(36).y_label_area_size(60);
    macro_rules! draw {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart.configure_mesh().x_desc(x_label).y_desc(y_label).draw().map_err(|e| err(&e))?;
            for (i, s) in series.iter().enumerate() {
                let color = class_color(i as i64);
                let pts = s.points.iter().copied().filter(|p| p.1.is_finite() && (!log_y || p.1 > 0.0));
                chart
                    .draw_series(LineSeries::new(pts, color.stroke_width(2)))
                    .map_err(|e| err(&e))?
                    .label(s.name.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2)));
            }
            if series.len() > 1 {
                chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw().map_err(|e| err(&e))?;
            }
        }};
    }
    if log_y {
        draw!(builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale()).map_err(|e| err(&e))?);
    } else {
        draw!(builder.build_cartesian_2d(x0..x1, y0..y1).map_err(|e| err(&e))?);
    }
    root.present().map_err(|e| err(&e))
}
