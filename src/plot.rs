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
pub fn line_chart(path: &Path, title: &str, x_label: &str, y_label: &str, series: Vec<Series>, log_y: bool) -> Result<()> {
    let legend = series.len() > 1;
    let panel = LinePanel { title: title.into(), y_label: y_label.into(), series, log_y, legend };
    line_panels(path, x_label, &[panel], 1, (760, 440))
}

/// Charts in a grid of `cols` columns, each `size` pixels, sharing the x label.
pub fn line_panels(path: &Path, x_label: &str, panels: &[LinePanel], cols: usize, size: (u32, u32)) -> Result<()> {
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
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
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
                    .draw_series(LineSeries::new(s.points.iter().copied().filter(|q| ok(q.1)), color.stroke_width(2)))?
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
