//! Figures drawn with plotters: decision boundaries (Part 1) and line charts (the report), as PNG
//! files or as PNG bytes for TensorBoard.
pub mod boundary;
pub mod lines;

use anyhow::{anyhow, Context, Result};
use image::ImageEncoder;
use plotters::prelude::*;

pub const PALETTE: [RGBColor; 10] = [
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

pub fn class_color(c: i64) -> RGBColor {
    PALETTE[c.rem_euclid(PALETTE.len() as i64) as usize]
}

/// `c` mixed with white: 1/3 colour, 2/3 white.
pub fn light(c: RGBColor) -> RGBColor {
    RGBColor(
        ((c.0 as u16 + 2 * 255) / 3) as u8,
        ((c.1 as u16 + 2 * 255) / 3) as u8,
        ((c.2 as u16 + 2 * 255) / 3) as u8,
    )
}

/// Largest figure drawn, in pixels: a sweep's grid of panels is checked against it before drawing.
pub const MAX_PIXELS: u64 = 64_000_000;

/// An RGB figure of `size` drawn by `draw` into memory, as PNG bytes (for TensorBoard images).
pub fn png_bytes(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend, plotters::coord::Shift>) -> Result<()>,
) -> Result<Vec<u8>> {
    let mut rgb = vec![255u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| anyhow!("drawing: {e}"))?;
    }
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&rgb, size.0, size.1, image::ColorType::Rgb8)
        .context("encoding PNG")?;
    Ok(out)
}

/// A figure of `size` drawn by `draw` into the PNG file `path`.
pub fn png_file(
    path: &std::path::Path,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend, plotters::coord::Shift>) -> Result<()>,
) -> Result<()> {
    let bytes = png_bytes(size, draw)?;
    crate::fs::write::write_file(path, &bytes)
}

/// Checks a grid of `cols` × `rows` panels of `size` fits [`MAX_PIXELS`].
pub fn check_figure(cols: usize, rows: usize, size: (u32, u32)) -> Result<(u32, u32)> {
    let (w, h) = (size.0 as u64 * cols as u64, size.1 as u64 * rows as u64);
    if w * h > MAX_PIXELS {
        anyhow::bail!("a figure of {cols}×{rows} panels ({w}×{h} pixels) is too large to draw");
    }
    Ok((w as u32, h as u32))
}
