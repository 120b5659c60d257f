//! Decision boundaries: the predicted class on a grid (filled regions) with the data points on top,
//! like the starter's `plot_decision_boundary` (contourf + scatter); one panel or a grid of panels.
use crate::data::LabeledData;
use crate::plot::{check_figure, class_color, light};
use anyhow::{anyhow, Result};
use plotters::prelude::*;
use tch::{Device, Kind, Tensor};

/// Predicted classes on a regular grid covering the data with a margin of 0.5, as the starter's
/// `plot_decision_boundary`.
#[derive(Clone)]
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
        let classes = Vec::<i64>::try_from(predict(&points).to_kind(Kind::Int64))
            .map_err(|e| anyhow!("reading predictions: {e}"))?;
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

/// The pixel size of `n` panels of `size` in `cols` columns (checked against the size limit).
pub fn panels_size(n: usize, cols: usize, size: u32) -> Result<(u32, u32)> {
    let cols = cols.clamp(1, n.max(1));
    check_figure(cols, n.div_ceil(cols).max(1), (size, size))
}

/// Draws `panels` in a grid with `cols` columns on `root`.
pub fn draw_panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    panels: &[Panel],
    cols: usize,
) -> Result<()> {
    let cols = cols.clamp(1, panels.len().max(1));
    let rows = panels.len().div_ceil(cols).max(1);
    root.fill(&WHITE).map_err(|e| anyhow!("drawing: {e}"))?;
    for (area, panel) in root.split_evenly((rows, cols)).iter().zip(panels) {
        draw_panel(area, panel).map_err(|e| anyhow!("drawing: {e}"))?;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    p: &Panel,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
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
            Rectangle::new(
                [(x - dx / 2.0, y - dy / 2.0), (x + dx / 2.0, y + dy / 2.0)],
                light(class_color(c)).filled(),
            )
        }))?;
    }
    let xs = Vec::<f64>::try_from(p.data.x.select(1, 0).contiguous()).unwrap_or_default();
    let ys = Vec::<f64>::try_from(p.data.x.select(1, 1).contiguous()).unwrap_or_default();
    let ls = Vec::<i64>::try_from(&p.data.y).unwrap_or_default();
    chart.draw_series(xs.iter().zip(&ys).zip(&ls).map(|((&x, &y), &l)| {
        EmptyElement::at((x, y))
            + Circle::new((0, 0), 3, class_color(l).filled())
            + Circle::new((0, 0), 3, BLACK.stroke_width(1))
    }))?;
    Ok(())
}
