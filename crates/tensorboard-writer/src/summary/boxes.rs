//! An image with boxes drawn on it (`add_image_with_boxes`), as PyTorch's `draw_boxes` draws them
//! with PIL: each box `[x_min, y_min, x_max, y_max]` (pixels) an outline of red lines 2 pixels
//! wide, coordinates truncated toward zero, each side on the side PIL puts a 2-wide line for its
//! direction. Labels are not drawn (PyTorch's optional text is left out).
use crate::error::{Error, Result};
use crate::proto::Value;
use crate::summary::image::{encode_png, png_value, to_nhwc, DataFormat, Pixel};

/// The 8-bit RGB(A) image (height, width, channels) that boxes are drawn on.
struct Canvas {
    pixels: Vec<u8>,
    h: i64,
    w: i64,
    c: usize,
}

impl Canvas {
    /// Fills columns x0..=x1 of rows y0..=y1 (clipped) in red.
    fn fill(&mut self, (x0, x1): (i64, i64), (y0, y1): (i64, i64)) {
        for y in y0.max(0)..=y1.min(self.h - 1) {
            for x in x0.max(0)..=x1.min(self.w - 1) {
                let at = ((y * self.w + x) as usize) * self.c;
                self.pixels[at..at + 3].copy_from_slice(&[255, 0, 0]);
                if self.c == 4 {
                    self.pixels[at + 3] = 255;
                }
            }
        }
    }

    /// PIL's `line([(x0, y0), (x1, y1)], width=2)` for an axis-parallel segment: the second pixel
    /// column (row) is on the right (below) going down (right), on the left (above) going up (left).
    fn segment(&mut self, (x0, y0): (i64, i64), (x1, y1): (i64, i64)) {
        let span = |a: i64, b: i64| (a.min(b), a.max(b));
        if (x0, y0) == (x1, y1) {
            self.fill((x0, x0), (y0, y0));
        } else if x0 == x1 {
            let cols = if y1 > y0 { (x0, x0.saturating_add(1)) } else { (x0.saturating_sub(1), x0) };
            self.fill(cols, span(y0, y1));
        } else {
            let rows = if x1 > x0 { (y0, y0.saturating_add(1)) } else { (y0.saturating_sub(1), y0) };
            self.fill(span(x0, x1), rows);
        }
    }
}

/// PyTorch's `image_boxes(tag, img, boxes, dataformats=...)`: one image (`Chw`, `Hwc` or `Hw`; a
/// grey image becomes RGB, as PyTorch's `convert_to_HWC`) with `boxes` drawn on it, as a PNG.
/// Boxes may reach outside the image (they are clipped); a NaN coordinate is an error.
pub fn image_with_boxes<T: Pixel>(
    tag: &str,
    data: &[T],
    shape: &[usize],
    format: DataFormat,
    boxes: &[[f32; 4]],
) -> Result<Value> {
    if !matches!(format, DataFormat::Chw | DataFormat::Hwc | DataFormat::Hw) {
        return Err(Error::invalid(format!("image with boxes {tag}: {format:?} is not one image")));
    }
    if let Some(b) = boxes.iter().find(|b| b.iter().any(|v| v.is_nan())) {
        return Err(Error::invalid(format!("image with boxes {tag}: box {b:?} has a NaN coordinate")));
    }
    let ([_, h, w, c], pixels) = to_nhwc(data, shape, format)?;
    let pixels = if c == 1 { pixels.iter().flat_map(|&g| [g, g, g]).collect() } else { pixels };
    let c = c.max(3);
    let mut canvas = Canvas { pixels, h: h as i64, w: w as i64, c };
    for b in boxes {
        // `as` truncates toward zero and saturates, as PIL's integer coordinates.
        let [l, t, r, btm] = b.map(|v| v as i64);
        for (p, q) in [((l, t), (l, btm)), ((l, btm), (r, btm)), ((r, btm), (r, t)), ((r, t), (l, t))] {
            canvas.segment(p, q);
        }
    }
    png_value(tag, encode_png(&canvas.pixels, w, h, c)?)
}
