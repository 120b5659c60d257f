//! Summary values, one function per kind, like `torch.utils.tensorboard.summary`: each returns the
//! [`Value`] that [`SummaryWriter::add_summary`](crate::SummaryWriter::add_summary) writes. The
//! `add_*` methods of [`SummaryWriter`](crate::SummaryWriter) are these plus a write; use them
//! directly to put several values in one event.
pub mod audio;
pub mod bins;
pub mod boxes;
pub mod buckets;
pub mod custom_scalars;
pub mod histogram;
pub mod hparams;
pub mod image;
pub mod mesh;
pub mod pr_curve;
pub mod tensor;
pub mod video;

use crate::proto::{value, PluginData, SummaryMetadata, TensorProto, TensorShapeProto, Value, DT_STRING};

/// A scalar (TensorBoard's Scalars tab), stored as a 32-bit float as TensorFlow does.
pub fn scalar(tag: &str, value: f64) -> Value {
    Value { tag: tag.into(), metadata: None, kind: Some(value::Kind::SimpleValue(value as f32)) }
}

/// Markdown text (the Text tab) under `<tag>/text_summary`, as PyTorch names it.
pub fn text(tag: &str, text: &str) -> Value {
    let tensor = TensorProto {
        dtype: DT_STRING,
        tensor_shape: Some(TensorShapeProto::of(&[1])),
        string_val: vec![text.as_bytes().to_vec()],
        ..Default::default()
    };
    plugin_value(&format!("{tag}/text_summary"), "text", Vec::new(), tensor)
}

/// A tensor value read by the plugin `plugin` with header `content`.
pub(crate) fn plugin_value(tag: &str, plugin: &str, content: Vec<u8>, tensor: TensorProto) -> Value {
    Value {
        tag: tag.into(),
        metadata: Some(SummaryMetadata {
            plugin_data: Some(PluginData { plugin_name: plugin.into(), content }),
        }),
        kind: Some(value::Kind::Tensor(tensor)),
    }
}
