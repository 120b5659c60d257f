//! Images for TensorBoard: tiles of inputs or first-layer filters, the confusion matrix, and
//! misclassified digits with their labels. Each returns PNG bytes for `SummaryWriter::add_figure`.
//!
//! Sized for TensorBoard's cards, which fit an image into about 430 × 210 pixels (Time Series) or
//! 350 pixels wide (Images) and scale it without smoothing: the images with text are about twice as
//! wide as tall and at most 500 pixels wide, so their 14–16 pixel text stays readable unenlarged.
use crate::plot::class_color;
use anyhow::{anyhow, Context, Result};
use image::ImageEncoder;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
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
    let l = layout(tiles.len(), h, w, cols, scale, 0, 0);
    encode_rgb(&grid_rgb(&tiles, w, &l), l.width, l.height)
}

/// Where tiles go: below a white header band of `top` pixels, `cols` columns of `tile_w` × `tile_h`
/// pixels (a caption band of `label_h` on top of each), separated by [`GAP`] pixels.
#[derive(Clone, Copy)]
struct Layout {
    width: usize,
    height: usize,
    top: usize,
    cols: usize,
    tile_w: usize,
    tile_h: usize,
    label_h: usize,
}

impl Layout {
    /// The top-left pixel of tile `k`.
    fn origin(&self, k: usize) -> (usize, usize) {
        (GAP + (k % self.cols) * (self.tile_w + GAP), self.top + GAP + (k / self.cols) * (self.tile_h + GAP))
    }
}

fn layout(n: usize, h: usize, w: usize, cols: usize, scale: usize, label_h: usize, top: usize) -> Layout {
    let cols = cols.clamp(1, n.max(1));
    let rows = n.div_ceil(cols).max(1);
    let (tile_w, tile_h) = (w * scale, h * scale + label_h);
    Layout {
        width: cols * (tile_w + GAP) + GAP,
        height: top + rows * (tile_h + GAP) + GAP,
        top,
        cols,
        tile_w,
        tile_h,
        label_h,
    }
}

/// Grey tiles (values 0..=255, rows of `w`) on the separator colour, under a white header.
fn grid_rgb(tiles: &[&[f32]], w: usize, l: &Layout) -> Vec<u8> {
    let mut rgb: Vec<u8> = SEPARATOR.iter().copied().cycle().take(l.width * l.height * 3).collect();
    rgb[..l.top * l.width * 3].fill(255);
    let scale = l.tile_w / w.max(1);
    // Every slot of the grid; those after the last tile stay white.
    let slots = l.cols * ((l.height - l.top) / (l.tile_h + GAP));
    for k in 0..slots {
        let (x0, y0) = l.origin(k);
        for y in 0..l.tile_h {
            for x in 0..l.tile_w {
                let v = match tiles.get(k) {
                    Some(tile) if y >= l.label_h => {
                        tile[((y - l.label_h) / scale) * w + x / scale].clamp(0.0, 255.0) as u8
                    }
                    _ => 255,
                };
                let i = ((y0 + y) * l.width + x0 + x) * 3;
                rgb[i..i + 3].copy_from_slice(&[v, v, v]);
            }
        }
    }
    rgb
}

fn drawing<E: std::fmt::Debug>(r: Result<(), E>) -> Result<()> {
    r.map_err(|e| anyhow!("drawing: {e:?}"))
}

/// Text drawn twice a pixel apart, a bold that survives TensorBoard's unsmoothed shrinking (which
/// breaks thin strokes apart; plotters does not find the bold face through fontconfig).
fn bold<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
) -> Result<()> {
    for dx in [0, 1] {
        drawing(root.draw(&Text::new(text.to_string(), (x + dx, y), style.clone())))?;
    }
    Ok(())
}

/// Misclassified test digits (pixels in [0, 1], predicted, true), enlarged twice, each captioned
/// "3 (5)": predicted 3, true 5, as the header says.
pub fn digits_png(digits: &[(Vec<f32>, usize, usize)]) -> Result<Vec<u8>> {
    if digits.is_empty() {
        return crate::plot::png_bytes((240, 24), |root| {
            root.fill(&WHITE).map_err(|e| anyhow!("drawing: {e}"))?;
            let font = ("sans-serif", 15).into_font().color(&BLACK);
            bold(root, "no misclassified test digits", (4, 3), &font)
        });
    }
    let scaled: Vec<Vec<f32>> =
        digits.iter().map(|(px, _, _)| px.iter().map(|p| p * 255.0).collect()).collect();
    let tiles: Vec<&[f32]> = scaled.iter().map(Vec::as_slice).collect();
    let l = layout(tiles.len(), 28, 28, 8, 2, 20, 22);
    let mut rgb = grid_rgb(&tiles, 28, &l);
    {
        let root =
            BitMapBackend::with_buffer(&mut rgb, (l.width as u32, l.height as u32)).into_drawing_area();
        let header = format!("first {} misclassified test digits: predicted (true)", digits.len());
        bold(&root, &header, (4, 3), &("sans-serif", 15).into_font().color(&BLACK))?;
        let style = ("sans-serif", 16)
            .into_font()
            .color(&RGBColor(180, 20, 20))
            .pos(Pos::new(HPos::Center, VPos::Top));
        for (k, (_, pred, truth)) in digits.iter().enumerate() {
            let (x0, y0) = l.origin(k);
            let at = ((x0 + l.tile_w / 2) as i32, y0 as i32 + 2);
            bold(&root, &format!("{pred} ({truth})"), at, &style)?;
        }
        drawing(root.present())?;
    }
    encode_rgb(&rgb, l.width, l.height)
}

/// The confusion matrix of the test set (rows: true digit, columns: predicted), each cell shaded by
/// its share of its row and labelled with its count, under a line giving the test error.
pub fn confusion_png(m: &[[u32; 10]; 10]) -> Result<Vec<u8>> {
    let (cell_w, cell_h, left, top) = (44i32, 20i32, 28i32, 42i32);
    let size = ((left + 10 * cell_w + 6) as u32, (top + 10 * cell_h + 4) as u32);
    let total: u32 = m.iter().flatten().sum();
    let wrong = total - (0..10).map(|i| m[i][i]).sum::<u32>();
    crate::plot::png_bytes(size, |root| {
        root.fill(&WHITE).map_err(|e| anyhow!("drawing: {e}"))?;
        let font = |px: u32, c: RGBColor| ("sans-serif", px).into_font().color(&c);
        let centred = |px: u32, c: RGBColor| font(px, c).pos(Pos::new(HPos::Center, VPos::Center));
        let error = 100.0 * wrong as f64 / total.max(1) as f64;
        let title = format!("test error {error:.2}% ({wrong} of {total})");
        bold(root, &title, (4, 3), &font(15, BLACK))?;
        let axes = font(13, RGBColor(90, 90, 90)).pos(Pos::new(HPos::Right, VPos::Top));
        let at = (size.0 as i32 - 6, 4);
        bold(root, "rows: true, columns: predicted", at, &axes)?;
        for (t, row) in m.iter().enumerate() {
            let row_total = row.iter().sum::<u32>().max(1) as f64;
            for (p, &count) in row.iter().enumerate() {
                let share = count as f64 / row_total;
                let base = if t == p { class_color(1) } else { class_color(0) };
                let mix = |c: u8| (255.0 - (255.0 - c as f64) * share.sqrt()) as u8;
                let (x, y) = (left + p as i32 * cell_w, top + t as i32 * cell_h);
                let corners = [(x, y), (x + cell_w, y + cell_h)];
                let fill = RGBColor(mix(base.0), mix(base.1), mix(base.2));
                drawing(root.draw(&Rectangle::new(corners, fill.filled())))?;
                drawing(root.draw(&Rectangle::new(corners, RGBColor(200, 200, 200).stroke_width(1))))?;
                if count > 0 {
                    let color = if share > 0.5 { WHITE } else { BLACK };
                    let at = (x + cell_w / 2, y + cell_h / 2 + 1);
                    bold(root, &count.to_string(), at, &centred(15, color))?;
                }
            }
            let (row_at, col_at) = (
                (left / 2, top + t as i32 * cell_h + cell_h / 2 + 1),
                (left + t as i32 * cell_w + cell_w / 2, top - 11),
            );
            bold(root, &t.to_string(), row_at, &centred(15, BLACK))?;
            bold(root, &t.to_string(), col_at, &centred(15, BLACK))?;
        }
        Ok(())
    })
}
