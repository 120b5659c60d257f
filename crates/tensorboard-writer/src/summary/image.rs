//! Images: pixels in PyTorch's layouts (`dataformats`), batches tiled into one grid as
//! `add_images` does, and PNG files as they are (`add_figure`).
use crate::error::{Error, Result};
use crate::proto::{value, Image, Value};

/// How the pixels of an image (or a batch) are laid out, as PyTorch's `dataformats` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataFormat {
    /// channels, height, width (PyTorch's default for `add_image`)
    Chw,
    /// height, width, channels
    Hwc,
    /// height, width: one grey channel
    Hw,
    /// images, channels, height, width (the default for `add_images`)
    Nchw,
    /// images, height, width, channels
    Nhwc,
}

/// A pixel value: `u8` is taken as it is, floats are in [0, 1]: as PyTorch does
/// (`(x * 255).clip(0, 255).astype(uint8)` in float32), scaled by 255, clamped and truncated; NaN
/// gives 0.
pub trait Pixel: Copy {
    /// The 8-bit value.
    fn to_u8(self) -> u8;
}
impl Pixel for u8 {
    fn to_u8(self) -> u8 {
        self
    }
}
impl Pixel for f32 {
    fn to_u8(self) -> u8 {
        // `as` truncates toward zero and maps NaN to 0.
        (self * 255.0).clamp(0.0, 255.0) as u8
    }
}
impl Pixel for f64 {
    fn to_u8(self) -> u8 {
        (self as f32).to_u8()
    }
}

/// `data` of `shape` in `format` as (images, height, width, channels) and the pixels in that order.
pub(crate) fn to_nhwc<T: Pixel>(
    data: &[T],
    shape: &[usize],
    format: DataFormat,
) -> Result<([usize; 4], Vec<u8>)> {
    let want = match format {
        DataFormat::Hw => 2,
        DataFormat::Chw | DataFormat::Hwc => 3,
        DataFormat::Nchw | DataFormat::Nhwc => 4,
    };
    if shape.len() != want {
        return Err(Error::invalid(format!("{format:?} images need a shape of {want} sizes, got {shape:?}")));
    }
    let [n, c, h, w] = match format {
        DataFormat::Hw => [1, 1, shape[0], shape[1]],
        DataFormat::Chw => [1, shape[0], shape[1], shape[2]],
        DataFormat::Hwc => [1, shape[2], shape[0], shape[1]],
        DataFormat::Nchw => [shape[0], shape[1], shape[2], shape[3]],
        DataFormat::Nhwc => [shape[0], shape[3], shape[1], shape[2]],
    };
    if ![1, 3, 4].contains(&c) || n == 0 || h == 0 || w == 0 {
        return Err(Error::invalid(format!(
            "images need 1, 3 or 4 channels and a non-zero size, got {shape:?}"
        )));
    }
    if shape.iter().try_fold(1usize, |a, &s| a.checked_mul(s)) != Some(data.len()) {
        return Err(Error::invalid(format!("{} pixel values do not fill the shape {shape:?}", data.len())));
    }
    let channels_last = matches!(format, DataFormat::Hw | DataFormat::Hwc | DataFormat::Nhwc);
    let mut out = Vec::with_capacity(data.len());
    for i in 0..n {
        for y in 0..h {
            for x in 0..w {
                for ch in 0..c {
                    let k = if channels_last {
                        ((i * h + y) * w + x) * c + ch
                    } else {
                        ((i * c + ch) * h + y) * w + x
                    };
                    out.push(data[k].to_u8());
                }
            }
        }
    }
    Ok(([n, h, w, c], out))
}

/// Tiles `n` images of h × w × c into a grid of min(n, 8) columns, as PyTorch's `make_grid`.
fn grid([n, h, w, c]: [usize; 4], px: &[u8]) -> ([usize; 3], Vec<u8>) {
    let cols = n.min(8);
    let rows = n.div_ceil(cols);
    let (gh, gw) = (rows * h, cols * w);
    let mut out = vec![0u8; gh * gw * c];
    for i in 0..n {
        let (r, col) = (i / cols, i % cols);
        for y in 0..h {
            let src = ((i * h + y) * w) * c;
            let dst = ((r * h + y) * gw + col * w) * c;
            out[dst..dst + w * c].copy_from_slice(&px[src..src + w * c]);
        }
    }
    ([gh, gw, c], out)
}

/// One image (the Images tab) from pixels of `shape` in `format` (`Chw`, `Hwc` or `Hw`; a batch
/// format is tiled as [`images`] does).
pub fn image<T: Pixel>(tag: &str, data: &[T], shape: &[usize], format: DataFormat) -> Result<Value> {
    let (nhwc, px) = to_nhwc(data, shape, format)?;
    let ([h, w, c], px) = if nhwc[0] == 1 { ([nhwc[1], nhwc[2], nhwc[3]], px) } else { grid(nhwc, &px) };
    png_value(tag, encode_png(&px, w, h, c)?)
}

/// A batch of images in one grid of at most 8 columns (`Nchw` or `Nhwc`).
pub fn images<T: Pixel>(tag: &str, data: &[T], shape: &[usize], format: DataFormat) -> Result<Value> {
    if !matches!(format, DataFormat::Nchw | DataFormat::Nhwc) {
        return Err(Error::invalid(format!("add_images takes Nchw or Nhwc data, not {format:?}")));
    }
    image(tag, data, shape, format)
}

/// An encoded PNG as it is: a chart drawn by plotters or any other library (`add_figure`).
pub fn png_value(tag: &str, png: Vec<u8>) -> Result<Value> {
    let (width, height, channels) =
        png_header(&png).ok_or_else(|| Error::invalid(format!("image {tag}: not a PNG file")))?;
    if width > i32::MAX as u32 || height > i32::MAX as u32 {
        return Err(Error::invalid(format!(
            "image {tag}: a PNG of {width} × {height}, over 2^31 − 1 pixels a side"
        )));
    }
    let img = Image {
        height: height as i32,
        width: width as i32,
        colorspace: channels as i32,
        encoded_image_string: png,
    };
    Ok(Value { tag: tag.into(), metadata: None, kind: Some(value::Kind::Image(img)) })
}

/// Width, height and channel count from a PNG's IHDR chunk.
pub fn png_header(png: &[u8]) -> Option<(u32, u32, u32)> {
    if png.len() < 26
        || png[..8] != [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n']
        || &png[12..16] != b"IHDR"
    {
        return None;
    }
    let be = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
    let channels = match png[25] {
        0 | 3 => 1,
        4 => 2,
        2 => 3,
        6 => 4,
        _ => return None,
    };
    Some((be(16), be(20), channels))
}

/// PNG bytes of 8-bit pixels, row by row, `channels` (1, 2, 3 or 4) per pixel.
pub fn encode_png(pixels: &[u8], width: usize, height: usize, channels: usize) -> Result<Vec<u8>> {
    let color = match channels {
        1 => png::ColorType::Grayscale,
        2 => png::ColorType::GrayscaleAlpha,
        3 => png::ColorType::Rgb,
        4 => png::ColorType::Rgba,
        _ => return Err(Error::invalid(format!("PNG: {channels} channels"))),
    };
    if pixels.len() != width * height * channels || width == 0 || height == 0 {
        return Err(Error::invalid(format!(
            "PNG: {} bytes for {width} × {height} × {channels}",
            pixels.len()
        )));
    }
    let (w, h) = (u32::try_from(width), u32::try_from(height));
    let (Ok(w), Ok(h)) = (w, h) else { return Err(Error::invalid("PNG: image too large")) };
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()
        .and_then(|mut wr| wr.write_image_data(pixels))
        .map_err(|e| Error::invalid(format!("PNG: {e}")))?;
    Ok(out)
}
