//! The methods of PyTorch's `SummaryWriter` beyond the first sixteen: tensors, double-precision
//! scalars, histograms with other bins, audio, video, images with boxes, meshes and ONNX graphs.
use super::SummaryWriter;
use crate::error::{Error, Result};
use crate::onnx::graph_from_onnx;
use crate::proto::event;
use crate::step::Step;
use crate::summary::bins::{histogram_with, Bins};
use crate::summary::image::{DataFormat, Pixel};
use crate::summary::mesh::{mesh, Mesh};
use crate::summary::tensor::{scalar_with, tensor, ScalarStyle, TensorElement};
use crate::summary::{audio, boxes, video};
use prost::Message;
use std::path::Path;

impl SummaryWriter {
    /// A whole tensor of `shape` (row-major `values`), as PyTorch's `add_tensor`: a `TensorProto`
    /// for the tensors API (no dashboard of TensorBoard shows it).
    pub fn add_tensor<T: TensorElement>(
        &mut self,
        tag: &str,
        values: &[T],
        shape: &[usize],
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(tensor(tag, values, shape)?, step)
    }

    /// A scalar stored as `style` says: [`ScalarStyle::Double`] is PyTorch's
    /// `add_scalar(..., new_style=True, double_precision=True)`, the value in full precision.
    pub fn add_scalar_with(
        &mut self,
        tag: &str,
        value: f64,
        style: ScalarStyle,
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(scalar_with(tag, value, style), step)
    }

    /// [`add_histogram`](Self::add_histogram) with PyTorch's `bins` (TensorFlow's buckets, a count
    /// or one of numpy's rules; `"auto".parse()?`) and `max_bins`.
    pub fn add_histogram_with<T: Copy + Into<f64> + Sync>(
        &mut self,
        tag: &str,
        values: &[T],
        bins: Bins,
        max_bins: Option<usize>,
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(histogram_with(tag, values, bins, max_bins)?, step)
    }

    /// A mono clip of `samples` in [-1, 1] at `sample_rate` Hz (PyTorch's default:
    /// [`audio::DEFAULT_SAMPLE_RATE`]), as a 16-bit WAV (the Audio tab).
    pub fn add_audio(
        &mut self,
        tag: &str,
        samples: &[f32],
        sample_rate: u32,
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(audio::audio(tag, samples, sample_rate)?, step)
    }

    /// Clips of shape (N, T, C, H, W) (C 1 or 3; floats in [0, 1] or `u8`) tiled into one
    /// animated GIF at `fps` frames a second (PyTorch's default: [`video::DEFAULT_FPS`]), shown in
    /// the Images tab.
    pub fn add_video<T: Pixel>(
        &mut self,
        tag: &str,
        data: &[T],
        shape: &[usize],
        fps: u32,
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(video::video(tag, data, shape, fps)?, step)
    }

    /// One image (`Chw`, `Hwc` or `Hw`) with `boxes` (`[x_min, y_min, x_max, y_max]` in pixels)
    /// drawn on it in red, as PyTorch's `add_image_with_boxes` (labels are not drawn).
    pub fn add_image_with_boxes<T: Pixel>(
        &mut self,
        tag: &str,
        data: &[T],
        shape: &[usize],
        format: DataFormat,
        boxes: &[[f32; 4]],
        step: impl Into<Step>,
    ) -> Result<()> {
        self.add(boxes::image_with_boxes(tag, data, shape, format, boxes)?, step)
    }

    /// A mesh or point cloud (the Mesh tab), as PyTorch's `add_mesh`.
    pub fn add_mesh(&mut self, tag: &str, m: &Mesh<'_>, step: impl Into<Step>) -> Result<()> {
        self.add_summary(mesh(tag, m)?, step)
    }

    /// The graph of the ONNX model in the file `path` (the Graphs tab), as tensorboardX's
    /// `add_onnx_graph`.
    pub fn add_onnx_graph(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        // A FIFO or a device given as the model is refused before it is opened: nothing blocks.
        let bytes = crate::reader::read_all(path, true)?;
        let graph = graph_from_onnx(&bytes).map_err(|e| match e {
            Error::InvalidArgument(m) => Error::invalid(format!("{}: {m}", path.display())),
            e => e,
        })?;
        self.file.write(0, event::What::GraphDef(graph.encode_to_vec()))
    }
}
