//! Videos (shown in the Images tab): a batch of clips tiled into one animated GIF, as PyTorch's
//! `summary.video` does (its `_prepare_video`, then moviepy's `write_gif`).
use crate::error::{Error, Result};
use crate::proto::{value, Image, Value};
use crate::summary::image::Pixel;

/// PyTorch's default frame rate.
pub const DEFAULT_FPS: u32 = 4;

/// Tiles `data` of shape (N, T, C, H, W) as PyTorch's `_prepare_video`: the batch padded with
/// black clips to a power of two, laid out in 2^⌊(bits(N)−1)/2⌋ rows. Returns (T, H', W', C) as
/// 8-bit pixels and the shape.
fn tile<T: Pixel>(data: &[T], shape: [usize; 5]) -> ([usize; 4], Vec<u8>) {
    let [n, t, c, h, w] = shape;
    let padded = n.next_power_of_two();
    let rows = 1usize << ((usize::BITS - n.leading_zeros() - 1) / 2);
    let cols = padded / rows;
    let (hh, ww) = (rows * h, cols * w);
    let mut out = vec![0u8; t * hh * ww * c];
    for (i, clip) in data.chunks_exact(t * c * h * w).enumerate() {
        let (r, col) = (i / cols, i % cols);
        for f in 0..t {
            for ch in 0..c {
                for y in 0..h {
                    for x in 0..w {
                        let v = clip[((f * c + ch) * h + y) * w + x].to_u8();
                        out[((f * hh + r * h + y) * ww + col * w + x) * c + ch] = v;
                    }
                }
            }
        }
    }
    ([t, hh, ww, c], out)
}

/// An animated GIF of frames (T, H, W, C) with C 1 (grey) or 3 (RGB), `fps` frames a second,
/// looping forever, each frame's palette chosen by NeuQuant (as moviepy's default `opt='nq'`).
pub fn encode_gif(frames: &[u8], [t, h, w, c]: [usize; 4], fps: u32) -> Result<Vec<u8>> {
    let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
        return Err(Error::invalid(format!("GIF: {w} × {h} is larger than 65535")));
    };
    let gif_err = |e: gif::EncodingError| Error::invalid(format!("GIF: {e}"));
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, w16, h16, &[]).map_err(gif_err)?;
        enc.set_repeat(gif::Repeat::Infinite).map_err(gif_err)?;
        let delay = (100.0 / fps as f64).round().min(u16::MAX as f64) as u16;
        for frame in frames.chunks_exact(h * w * c) {
            let rgb: Vec<u8> =
                if c == 1 { frame.iter().flat_map(|&g| [g, g, g]).collect() } else { frame.to_vec() };
            let mut f = gif::Frame::from_rgb_speed(w16, h16, &rgb, 10);
            f.delay = delay;
            enc.write_frame(&f).map_err(gif_err)?;
        }
    }
    debug_assert!(frames.len() == t * h * w * c);
    Ok(out)
}

/// PyTorch's `summary.video(tag, tensor, fps)`: clips of shape (N, T, C, H, W), C 1 or 3, pixels as
/// [`Pixel`] says (floats in [0, 1] or `u8`), tiled into one animated GIF image.
pub fn video<T: Pixel>(tag: &str, data: &[T], shape: &[usize], fps: u32) -> Result<Value> {
    let &[n, t, c, h, w] = shape else {
        return Err(Error::invalid(format!("video {tag}: shape {shape:?} is not (N, T, C, H, W)")));
    };
    if n == 0 || t == 0 || h == 0 || w == 0 || ![1, 3].contains(&c) || fps == 0 {
        return Err(Error::invalid(format!(
            "video {tag}: shape {shape:?} at {fps} fps (need frames, 1 or 3 channels, a frame rate)"
        )));
    }
    let tiled_size =
        n.checked_next_power_of_two().and_then(|p| [t, c, h, w].iter().try_fold(p, |a, &s| a.checked_mul(s)));
    if shape.iter().try_fold(1usize, |a, &s| a.checked_mul(s)) != Some(data.len()) || tiled_size.is_none() {
        return Err(Error::invalid(format!(
            "video {tag}: {} values do not fill the shape {shape:?}",
            data.len()
        )));
    }
    let (dims, frames) = tile(data, [n, t, c, h, w]);
    let gif = encode_gif(&frames, dims, fps)?;
    let img = Image {
        height: dims[1] as i32,
        width: dims[2] as i32,
        colorspace: c as i32,
        encoded_image_string: gif,
    };
    Ok(Value { tag: tag.into(), metadata: None, kind: Some(value::Kind::Image(img)) })
}
