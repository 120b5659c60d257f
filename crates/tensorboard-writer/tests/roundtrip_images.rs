//! Images, image grids and figures written by the crate and read back with its own reader, the PNGs
//! decoded: sizes, channels and pixels as PyTorch makes them. Needs neither libtorch nor Python.
mod common;

use common::{decode_png, image, read, tagged};
use tensorboard_writer::summary::image::png_header;
use tensorboard_writer::{DataFormat, SummaryWriter};

#[test]
fn images_in_every_layout_have_the_right_size_and_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    // CHW: 3 channels of 2 × 3; channel c, row y, column x has value 10c + 3y + x (u8).
    let chw: Vec<u8> =
        (0..3).flat_map(|c| (0..2).flat_map(move |y| (0..3).map(move |x| 10 * c + 3 * y + x))).collect();
    w.add_image("chw", &chw, &[3, 2, 3], DataFormat::Chw, 1).unwrap();
    // The same image as HWC.
    let mut hwc = vec![0u8; 18];
    for c in 0..3 {
        for y in 0..2 {
            for x in 0..3 {
                hwc[(y * 3 + x) * 3 + c] = chw[(c * 2 + y) * 3 + x];
            }
        }
    }
    w.add_image("hwc", &hwc, &[2, 3, 3], DataFormat::Hwc, 2).unwrap();
    // HW floats in [0, 1] (and outside, clamped).
    w.add_image("hw", &[0.0f32, 0.5, 1.0, 2.0, -1.0, 0.2], &[2, 3], DataFormat::Hw, 3).unwrap();
    // Grids: 4 images of 5 × 7 in one row; 10 in two rows of 8.
    let four: Vec<f32> = (0..4 * 5 * 7).map(|i| (i / 35) as f32 / 3.0).collect();
    w.add_images("nchw4", &four, &[4, 1, 5, 7], DataFormat::Nchw, 4).unwrap();
    let ten = vec![128u8; 10 * 3 * 5 * 7];
    w.add_images("nchw10", &ten, &[10, 3, 5, 7], DataFormat::Nchw, 5).unwrap();
    let nhwc = vec![7u8; 2 * 5 * 7 * 4];
    w.add_images("nhwc", &nhwc, &[2, 5, 7, 4], DataFormat::Nhwc, 6).unwrap();
    // A figure: any PNG, kept byte for byte.
    let fig = tensorboard_writer::summary::image::encode_png(&[255u8; 4 * 3 * 3], 4, 3, 3).unwrap();
    w.add_figure("figure", fig.clone(), 7).unwrap();
    w.close().unwrap();

    let events = read(dir.path());
    assert_eq!(events.len(), 8);
    let check = |tag: &str, step: i64, (width, height, channels): (u32, u32, usize)| {
        let v = tagged(&events, tag);
        assert_eq!(v.len(), 1, "{tag}");
        assert_eq!(v[0].0, step, "{tag}");
        let img = image(&v[0].1);
        assert_eq!(
            (img.width, img.height, img.colorspace),
            (width as i32, height as i32, channels as i32),
            "{tag}"
        );
        assert_eq!(png_header(&img.encoded_image_string), Some((width, height, channels as u32)), "{tag}");
        let (pw, ph, pc, px) = decode_png(&img.encoded_image_string);
        assert_eq!((pw, ph, pc), (width, height, channels), "{tag}");
        px
    };
    let chw_px = check("chw", 1, (3, 2, 3));
    // PNG rows are HWC: pixel (y, x) channel c at (y·3 + x)·3 + c.
    assert_eq!(chw_px, hwc);
    assert_eq!(check("hwc", 2, (3, 2, 3)), hwc);
    // Floats are scaled by 255 and truncated, as PyTorch: 0.5 → 127.
    assert_eq!(check("hw", 3, (3, 2, 1)), [0, 127, 255, 255, 0, 51]);
    let grid = check("nchw4", 4, (28, 5, 1));
    // Image i fills columns 7i..7i+7 with i/3·255.
    for i in 0..4 {
        assert_eq!(grid[7 * i], ((i as f32 / 3.0) * 255.0).round() as u8);
    }
    let grid10 = check("nchw10", 5, (56, 10, 3));
    // The last row has two images; the rest of it is black.
    assert_eq!(grid10[(5 * 56 + 2 * 7) * 3], 0);
    assert_eq!(grid10[(5 * 56 + 7) * 3], 128);
    check("nhwc", 6, (14, 5, 4));
    let f = tagged(&events, "figure");
    assert_eq!(image(&f[0].1).encoded_image_string, fig);
    assert_eq!((image(&f[0].1).width, image(&f[0].1).height), (4, 3));
}

#[test]
fn float_pixels_truncate_as_pytorch() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    // x·255 clipped to [0, 255] and truncated: 0.999 → 254, 0.5 → 127, NaN → 0, 2 → 255.
    w.add_image("f32", &[0.999f32, 0.5, f32::NAN, 2.0], &[2, 2], DataFormat::Hw, 0).unwrap();
    w.add_image("f64", &[0.999f64, 0.5, f64::NAN, -1.0], &[2, 2], DataFormat::Hw, 0).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    let px = |tag: &str| decode_png(&image(&tagged(&events, tag)[0].1).encoded_image_string).3;
    assert_eq!(px("f32"), [254, 127, 0, 255]);
    assert_eq!(px("f64"), [254, 127, 0, 0]);
}
