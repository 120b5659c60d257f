//! An ONNX model's graph for the Graphs tab, as tensorboardX's `add_onnx_graph` builds it
//! (`tensorboardX/onnx_graph.py`): each graph input and output a `Variable` node with its element
//! type and shape, then each operation a node named after its first output, reading its inputs,
//! its attributes in one text attribute `parameters` (`name = value` as Python prints them).
use crate::error::{Error, Result};
use crate::proto::graph::{attr_value, AttrValue, GraphDef, NodeDef, VersionDef};
use crate::proto::onnx::{AttributeProto, ModelProto, ValueInfoProto};
use crate::proto::{TensorShapeDim, TensorShapeProto};
use prost::Message;
use std::collections::BTreeMap;

/// Python's `repr` of a float (shortest round-trip digits, exponent as `e-06`).
fn py_float(x: f64) -> String {
    let s = format!("{x:?}");
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = e.strip_prefix('-').map_or(("+", e), |d| ("-", d));
            format!("{m}e{sign}{digits:0>2}").replace(".0e", "e")
        }
        None => s.replace("NaN", "nan"),
    }
}

/// Python's `repr` of bytes: `b'…'` (or `b"…"` when it holds `'` and no `"`).
fn py_bytes(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') { '"' } else { '\'' };
    let mut s = format!("b{quote}");
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            c if c as char == quote => s.push_str(&format!("\\{quote}")),
            0x20..=0x7e => s.push(c as char),
            c => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push(quote);
    s
}

fn py_list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    format!("[{}]", items.iter().map(f).collect::<Vec<_>>().join(", "))
}

/// `' = '.join(str(v) for _, v in attribute.ListFields())`: the set fields in field order.
fn attribute_text(a: &AttributeProto) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(a.name.clone());
    parts.extend(a.f.map(|f| py_float(f as f64)));
    parts.extend(a.i.map(|i| i.to_string()));
    parts.extend(a.s.as_deref().map(py_bytes));
    if !a.floats.is_empty() {
        parts.push(py_list(&a.floats, |&f| py_float(f as f64)));
    }
    if !a.ints.is_empty() {
        parts.push(py_list(&a.ints, i64::to_string));
    }
    if !a.strings.is_empty() {
        parts.push(py_list(&a.strings, |s| py_bytes(s)));
    }
    parts.extend(a.doc_string.clone());
    parts.extend(a.r#type.map(|t| t.to_string()));
    parts.extend(a.ref_attr_name.clone());
    parts.join(" = ")
}

fn variable(v: &ValueInfoProto) -> NodeDef {
    let tensor = v.r#type.as_ref().and_then(|t| t.tensor_type.as_ref());
    let dims = tensor.and_then(|t| t.shape.as_ref()).map_or(&[][..], |s| &s.dim[..]);
    let shape = TensorShapeProto {
        dim: dims.iter().map(|d| TensorShapeDim { size: d.dim_value.unwrap_or(0) }).collect(),
    };
    let attr = BTreeMap::from([
        (
            "dtype".to_string(),
            AttrValue { value: Some(attr_value::Value::Type(tensor.and_then(|t| t.elem_type).unwrap_or(0))) },
        ),
        ("shape".to_string(), AttrValue { value: Some(attr_value::Value::Shape(shape)) }),
    ]);
    NodeDef {
        name: v.name.clone().unwrap_or_default(),
        op: "Variable".into(),
        input: vec![],
        device: String::new(),
        attr,
    }
}

/// The GraphDef of an encoded ONNX `ModelProto`, as tensorboardX builds it. An undecodable model,
/// one without a graph, or an operation without an output is an [`Error::InvalidArgument`].
pub fn graph_from_onnx(model: &[u8]) -> Result<GraphDef> {
    let model = ModelProto::decode(model).map_err(|e| Error::invalid(format!("not an ONNX model: {e}")))?;
    let graph = model.graph.ok_or_else(|| Error::invalid("the ONNX model has no graph"))?;
    let mut node: Vec<NodeDef> = graph.input.iter().chain(&graph.output).map(variable).collect();
    for n in &graph.node {
        let op = n.op_type.clone().unwrap_or_default();
        let Some(name) = n.output.first() else {
            return Err(Error::invalid(format!("ONNX node {:?} ({op}) has no output", n.name)));
        };
        let text = n.attribute.iter().map(attribute_text).collect::<Vec<_>>().join(", ");
        let attr = BTreeMap::from([(
            "parameters".to_string(),
            AttrValue { value: Some(attr_value::Value::S(text.into_bytes())) },
        )]);
        node.push(NodeDef { name: name.clone(), op, input: n.input.clone(), device: String::new(), attr });
    }
    Ok(GraphDef { node, versions: Some(VersionDef { producer: 22 }) })
}
