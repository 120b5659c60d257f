//! Images for TensorBoard: tiles of inputs or first-layer filters, the confusion matrix, and
//! misclassified digits with their labels. Each returns PNG bytes for `SummaryWriter::add_png`.
use crate::plot::class_color;
use anyhow::{anyhow, Context, Result};
use image::ImageEncoder;
use plotters::prelude::*;
use tch::{Kind, Tensor};

const SEPARATOR: [u8; 3] = [230, 120, 30];
const GAP: usize = 2;

fn encode_rgb(rgb: &[u8], width: usize, height: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(rgb, width as u32, height as u32, image::ColorType::Rgb8)
        .context("encoding PNG")?;
    Ok(out)
}

/// [N, C, H, W] (channel 0 drawn) → a grid of `cols` columns, each tile min-max scaled on its own,
/// enlarged `scale` times, with 2-pixel orange separators.
pub fn tile_png(images: &Tensor, cols: usize, scale: usize) -> Result<Vec<u8>> {
    let t = images.detach().to_device(tch::Device::Cpu).to_kind(Kind::Float);
    let size = t.size();
    let (n, h, w) = (size[0] as usize, size[2] as usize, size[3] as usize);
    let flat = t.select(1, 0).reshape([n as i64, -1]);
    let (lo, hi) = (flat.amin(1, true), flat.amax(1, true));
    let norm = (&flat - &lo) / (hi - &lo).clamp_min(1e-12) * 255.0;
    let px = Vec::<f32>::try_from(norm.contiguous().view([-1])).context("reading image pixels")?;
    let tiles: Vec<&[f32]> = px.chunks(h * w).collect();
    let l = layout(tiles.len(), h, w, cols, scale, 0);
    encode_rgb(&grid_rgb(&tiles, w, &l), l.width, l.height)
}

/// Where tiles go: `cols` columns of `tile_w` × `tile_h` pixels (a caption band of `label_h` on
/// top), separated by [`GAP`] pixels.
#[derive(Clone, Copy)]
struct Layout {
    width: usize,
    height: usize,
    cols: usize,
    tile_w: usize,
    tile_h: usize,
    label_h: usize,
}

fn layout(n: usize, h: usize, w: usize, cols: usize, scale: usize, label_h: usize) -> Layout {
    let cols = cols.clamp(1, n.max(1));
    let rows = n.div_ceil(cols).max(1);
    let (tile_w, tile_h) = (w * scale, h * scale + label_h);
    Layout {
        width: cols * (tile_w + GAP) + GAP,
        height: rows * (tile_h + GAP) + GAP,
        cols,
        tile_w,
        tile_h,
        label_h,
    }
}

/// Grey tiles (values 0..=255, rows of `w`) on the separator colour.
fn grid_rgb(tiles: &[&[f32]], w: usize, l: &Layout) -> Vec<u8> {
    let mut rgb: Vec<u8> = SEPARATOR.iter().copied().cycle().take(l.width * l.height * 3).collect();
    let scale = l.tile_w / w.max(1);
    for (k, tile) in tiles.iter().enumerate() {
        let (x0, y0) = (GAP + (k % l.cols) * (l.tile_w + GAP), GAP + (k / l.cols) * (l.tile_h + GAP));
        for y in 0..l.tile_h {
            for x in 0..l.tile_w {
                let v = if y < l.label_h {
                    255
                } else {
                    tile[((y - l.label_h) / scale) * w + x / scale].clamp(0.0, 255.0) as u8
                };
                let i = ((y0 + y) * l.width + x0 + x) * 3;
                rgb[i..i + 3].copy_from_slice(&[v, v, v]);
            }
        }
    }
    rgb
}

/// Misclassified digits (pixels in [0, 1], predicted, true), each captioned "3, true 5".
pub fn digits_png(digits: &[(Vec<f32>, usize, usize)]) -> Result<Vec<u8>> {
    let scaled: Vec<Vec<f32>> =
        digits.iter().map(|(px, _, _)| px.iter().map(|p| p * 255.0).collect()).collect();
    let tiles: Vec<&[f32]> = scaled.iter().map(Vec::as_slice).collect();
    let l = layout(tiles.len().max(1), 28, 28, 8, 3, 18);
    let mut rgb = grid_rgb(&tiles, 28, &l);
    {
        let root =
            BitMapBackend::with_buffer(&mut rgb, (l.width as u32, l.height as u32)).into_drawing_area();
        for (k, (_, pred, truth)) in digits.iter().enumerate() {
            let (x0, y0) = (GAP + (k % l.cols) * (l.tile_w + GAP), GAP + (k / l.cols) * (l.tile_h + GAP));
            let style = ("sans-serif", 13).into_font().color(&RGBColor(180, 20, 20));
            root.draw(&Text::new(format!("{pred}, true {truth}"), (x0 as i32 + 3, y0 as i32 + 2), style))
                .map_err(|e| anyhow!("drawing: {e}"))?;
        }
        root.present().map_err(|e| anyhow!("drawing: {e}"))?;
    }
    encode_rgb(&rgb, l.width, l.height)
}

/// The confusion matrix (rows: true digit, columns: predicted), each cell shaded by its share of
/// its row and labelled with its count.
pub fn confusion_png(m: &[[u32; 10]; 10]) -> Result<Vec<u8>> {
    let (cell, margin) = (40i32, 50i32);
    let side = (margin + 10 * cell + 10) as u32;
    crate::plot::png_bytes((side, side), |root| {
        root.fill(&WHITE).map_err(|e| anyhow!("drawing: {e}"))?;
        let font = |c: RGBColor| ("sans-serif", 13).into_font().color(&c);
        let draw = |e: Result<(), DrawingAreaErrorKind<_>>| e.map_err(|e| anyhow!("drawing: {e}"));
        for (t, row) in m.iter().enumerate() {
            let total = row.iter().sum::<u32>().max(1) as f64;
            for (p, &count) in row.iter().enumerate() {
                let share = count as f64 / total;
                let base = if t == p { class_color(1) } else { class_color(0) };
                let mix = |c: u8| (255.0 - (255.0 - c as f64) * share.sqrt()) as u8;
                let (x, y) = (margin + p as i32 * cell, margin + t as i32 * cell);
                draw(root.draw(&Rectangle::new(
                    [(x, y), (x + cell, y + cell)],
                    RGBColor(mix(base.0), mix(base.1), mix(base.2)).filled(),
                )))?;
                draw(root.draw(&Rectangle::new(
                    [(x, y), (x + cell, y + cell)],
                    RGBColor(200, 200, 200).stroke_width(1),
                )))?;
                if count > 0 {
                    let text_color = if share > 0.5 { WHITE } else { BLACK };
                    draw(root.draw(&Text::new(count.to_string(), (x + 4, y + 13), font(text_color))))?;
                }
            }
            draw(root.draw(&Text::new(
                t.to_string(),
                (margin - 14, margin + t as i32 * cell + 13),
                font(BLACK),
            )))?;
            draw(root.draw(&Text::new(
                t.to_string(),
                (margin + t as i32 * cell + 15, margin - 16),
                font(BLACK),
            )))?;
        }
        draw(root.draw(&Text::new("predicted →", (margin, 6), font(BLACK))))?;
        draw(root.draw(&Text::new("true ↓", (2, 6), font(BLACK))))?;
        Ok(())
    })
}
