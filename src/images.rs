//! Tiling tensors into grayscale PNGs (input samples, first-layer filters) for TensorBoard.
use anyhow::{Context, Result};
use image::ImageEncoder;
use tch::{Kind, Tensor};

/// Encodes 8-bit grayscale pixels, row-major.
pub fn png_gray(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out).write_image(pixels, width, height, image::ColorType::L8).context("encoding PNG")?;
    Ok(out)
}

/// [N, 1, H, W] → one image with the N tiles in a grid of `cols` columns, 1-pixel gaps, each tile
/// min-max scaled on its own. Returns (pixels, width, height).
pub fn tile(images: &Tensor, cols: i64, scale: i64) -> Result<(Vec<u8>, u32, u32)> {
    let t = images.detach().to_device(tch::Device::Cpu).to_kind(Kind::Float);
    let (n, h, w) = (t.size()[0], t.size()[2], t.size()[3]);
    let flat = t.view([n, -1]);
    let (lo, hi) = (flat.amin(1, true), flat.amax(1, true));
    let norm = ((&flat - &lo) / (hi - &lo).clamp_min(1e-12) * 255.0)
        .view([n, h, w])
        .repeat_interleave_self_int(scale, 1, None)
        .repeat_interleave_self_int(scale, 2, None);
    let (h, w) = (h * scale, w * scale);
    let rows = (n + cols - 1) / cols;
    let (gw, gh) = (cols * (w + 1) - 1, rows * (h + 1) - 1);
    let mut grid = vec![40u8; (gw * gh) as usize];
    let px = Vec::<f32>::try_from(norm.contiguous().view([-1])).context("reading image pixels")?;
    for k in 0..n {
        let (r, c) = (k / cols, k % cols);
        for y in 0..h {
            for x in 0..w {
                grid[((r * (h + 1) + y) * gw + c * (w + 1) + x) as usize] = px[((k * h + y) * w + x) as usize] as u8;
            }
        }
    }
    Ok((grid, gw as u32, gh as u32))
}
