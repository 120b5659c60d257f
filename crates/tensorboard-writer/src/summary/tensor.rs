//! Whole tensors (`add_tensor`) and scalars stored as tensors (`add_scalar(..., new_style=True,
//! double_precision=...)`), as PyTorch writes them.
use crate::error::{Error, Result};
use crate::proto::{
    TensorProto, TensorShapeProto, Value, DT_BOOL, DT_DOUBLE, DT_FLOAT, DT_INT16, DT_INT32, DT_INT64,
    DT_INT8, DT_UINT8,
};
use crate::summary::plugin_value;

/// An element type of [`tensor`]: the TensorFlow `DataType` and the `TensorProto` field PyTorch
/// puts it in (`float_val`, `double_val`, `int_val`, `int64_val` or `bool_val`).
pub trait TensorElement: Copy {
    /// The `DataType` (`DT_FLOAT`, …).
    const DTYPE: i32;
    /// Puts `values` into the field of `proto` for this type.
    fn fill(values: &[Self], proto: &mut TensorProto);
}

macro_rules! element {
    ($t:ty, $dtype:expr, $field:ident, $conv:expr) => {
        impl TensorElement for $t {
            const DTYPE: i32 = $dtype;
            fn fill(values: &[Self], proto: &mut TensorProto) {
                proto.$field = values.iter().map($conv).collect();
            }
        }
    };
}
element!(f32, DT_FLOAT, float_val, |&v| v);
element!(f64, DT_DOUBLE, double_val, |&v| v);
element!(i8, DT_INT8, int_val, |&v| v.into());
element!(u8, DT_UINT8, int_val, |&v| v.into());
element!(i16, DT_INT16, int_val, |&v| v.into());
element!(i32, DT_INT32, int_val, |&v| v);
element!(i64, DT_INT64, int64_val, |&v| v);
element!(bool, DT_BOOL, bool_val, |&v| v);

/// PyTorch's `tensor_proto(tag, tensor)`: the values of `shape` (row-major) in a `TensorProto`,
/// with the plugin name `"tensor"` (no TensorBoard dashboard shows it; the tensors accumulator and
/// data provider read it).
pub fn tensor<T: TensorElement>(tag: &str, values: &[T], shape: &[usize]) -> Result<Value> {
    let n = shape.iter().try_fold(1usize, |a, &s| a.checked_mul(s));
    if n != Some(values.len()) {
        return Err(Error::invalid(format!(
            "tensor {tag}: {} values do not fill the shape {shape:?}",
            values.len()
        )));
    }
    let dims: Option<Vec<i64>> = shape.iter().map(|&s| i64::try_from(s).ok()).collect();
    let dims = dims.ok_or_else(|| Error::invalid(format!("tensor {tag}: shape {shape:?} too large")))?;
    let mut proto = TensorProto {
        dtype: T::DTYPE,
        tensor_shape: Some(TensorShapeProto::of(&dims)),
        ..Default::default()
    };
    T::fill(values, &mut proto);
    Ok(plugin_value(tag, "tensor", Vec::new(), proto))
}

/// How [`scalar_with`] stores a scalar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScalarStyle {
    /// A float32 `simple_value` (PyTorch's default; what [`super::scalar`] writes).
    #[default]
    Simple,
    /// A float32 tensor with the scalars plugin's metadata (`new_style=True`).
    Tensor,
    /// A float64 tensor with the scalars plugin's metadata (`new_style=True,
    /// double_precision=True`): the value exactly as given.
    Double,
}

/// A scalar stored as `style` says.
pub fn scalar_with(tag: &str, value: f64, style: ScalarStyle) -> Value {
    let mut proto = TensorProto::default();
    match style {
        ScalarStyle::Simple => return super::scalar(tag, value),
        ScalarStyle::Tensor => (proto.dtype, proto.float_val) = (DT_FLOAT, vec![value as f32]),
        ScalarStyle::Double => (proto.dtype, proto.double_val) = (DT_DOUBLE, vec![value]),
    }
    plugin_value(tag, "scalars", Vec::new(), proto)
}
