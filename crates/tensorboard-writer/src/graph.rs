//! The Graphs tab: a model's operations and the tensors between them. PyTorch's `add_graph` gets
//! them from a JIT trace; here a program describes its model itself, node by node, which is what
//! a tch, burn or candle program can do. Names are "/"-separated paths: TensorBoard draws each
//! prefix ("conv1") as one box that opens onto its operations, and labels each edge with the
//! shape of the tensor it carries.
use crate::error::{Error, Result};
use crate::proto::graph::{attr_value, AttrList, AttrValue, GraphDef, NodeDef, VersionDef};
use crate::proto::TensorShapeProto;
use std::collections::{BTreeMap, HashSet};

/// One operation: its name, its op type ("Conv2D", "Relu", "Placeholder"), the nodes it reads and
/// the shape of what it produces (-1 for an unknown size such as the batch).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    name: String,
    op: String,
    inputs: Vec<String>,
    attrs: BTreeMap<String, AttrValue>,
}

impl Node {
    /// A node `name` (a "/"-path) of op type `op`, with no inputs yet.
    pub fn new(name: &str, op: &str) -> Node {
        Node { name: name.into(), op: op.into(), inputs: Vec::new(), attrs: BTreeMap::new() }
    }

    /// The nodes whose outputs this one reads.
    pub fn inputs(mut self, inputs: &[&str]) -> Node {
        self.inputs.extend(inputs.iter().map(|s| s.to_string()));
        self
    }

    /// The shape of this node's output, drawn on its outgoing edges.
    pub fn shape(mut self, sizes: &[i64]) -> Node {
        let list = AttrList { shape: vec![TensorShapeProto::of(sizes)] };
        self.attrs.insert("_output_shapes".into(), AttrValue { value: Some(attr_value::Value::List(list)) });
        self
    }

    /// A text attribute, shown in the node's info card (a kernel size, an activation, a dtype).
    pub fn attr(mut self, key: &str, value: &str) -> Node {
        self.attrs
            .insert(key.into(), AttrValue { value: Some(attr_value::Value::S(value.as_bytes().to_vec())) });
        self
    }

    /// An integer attribute.
    pub fn attr_int(mut self, key: &str, value: i64) -> Node {
        self.attrs.insert(key.into(), AttrValue { value: Some(attr_value::Value::I(value)) });
        self
    }
}

/// A model's graph, built node by node; inputs must name earlier nodes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    nodes: Vec<Node>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// Adds `node` (returns the graph, for chaining).
    pub fn add(&mut self, node: Node) -> &mut Graph {
        self.nodes.push(node);
        self
    }

    /// The nodes, in the order added.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The GraphDef, after checking that names are unique and non-empty, every node has an op,
    /// and every input is an earlier node (TensorBoard draws a dangling input as a stray node).
    pub fn to_proto(&self) -> Result<GraphDef> {
        let mut seen = HashSet::new();
        for n in &self.nodes {
            if n.name.is_empty() || n.op.is_empty() || n.name.starts_with('/') || n.name.ends_with('/') {
                return Err(Error::invalid(format!(
                    "graph node {:?} (op {:?}): needs a name and an op",
                    n.name, n.op
                )));
            }
            if let Some(i) = n.inputs.iter().find(|i| !seen.contains(i.as_str())) {
                return Err(Error::invalid(format!(
                    "graph node {}: input {i} is not an earlier node",
                    n.name
                )));
            }
            if !seen.insert(n.name.as_str()) {
                return Err(Error::invalid(format!("graph node {} appears twice", n.name)));
            }
        }
        let node = self
            .nodes
            .iter()
            .map(|n| NodeDef {
                name: n.name.clone(),
                op: n.op.clone(),
                input: n.inputs.clone(),
                device: String::new(),
                attr: n.attrs.clone(),
            })
            .collect();
        Ok(GraphDef { node, versions: Some(VersionDef { producer: 22 }) })
    }
}
