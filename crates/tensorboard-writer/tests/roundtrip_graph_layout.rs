//! The model graph and the Custom Scalars layout, written by the crate and decoded back from the
//! events its own reader returns. Needs neither libtorch nor Python.
mod common;

use common::{plugin, read, tagged, tensor};
use prost::Message;
use tensorboard_writer::proto::graph::{attr_value, GraphDef};
use tensorboard_writer::proto::plugins::{chart, Layout};
use tensorboard_writer::proto::{event, Value, DT_STRING};
use tensorboard_writer::{ChartSpec, Graph, Node, SummaryWriter};

#[test]
fn graph_nodes_inputs_and_shapes_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let mut g = Graph::new();
    g.add(Node::new("input", "Placeholder").shape(&[-1, 784]))
        .add(Node::new("fc1/weight", "Parameter").shape(&[784, 100]))
        .add(
            Node::new("fc1/MatMul", "MatMul")
                .inputs(&["input", "fc1/weight"])
                .shape(&[-1, 100])
                .attr("activation", "relu"),
        )
        .add(Node::new("fc1/Relu", "Relu").inputs(&["fc1/MatMul"]).shape(&[-1, 100]).attr_int("units", 100))
        .add(Node::new("output", "Identity").inputs(&["fc1/Relu"]));
    w.add_graph(&g).unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 2);
    let Some(event::What::GraphDef(bytes)) = &events[1].what else { panic!("no graph_def: {:?}", events[1]) };
    let gd = GraphDef::decode(bytes.as_slice()).unwrap();
    assert_eq!(gd, g.to_proto().unwrap());
    let names: Vec<&str> = gd.node.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["input", "fc1/weight", "fc1/MatMul", "fc1/Relu", "output"]);
    let ops: Vec<&str> = gd.node.iter().map(|n| n.op.as_str()).collect();
    assert_eq!(ops, ["Placeholder", "Parameter", "MatMul", "Relu", "Identity"]);
    assert_eq!(gd.node[2].input, ["input", "fc1/weight"]);
    assert_eq!(gd.node[4].input, ["fc1/Relu"]);
    let shape = |i: usize| match &gd.node[i].attr["_output_shapes"].value {
        Some(attr_value::Value::List(l)) => {
            l.shape.iter().map(|s| s.dim.iter().map(|d| d.size).collect::<Vec<_>>()).collect::<Vec<_>>()
        }
        other => panic!("node {i}: {other:?}"),
    };
    assert_eq!(shape(0), [vec![-1, 784]]);
    assert_eq!(shape(1), [vec![784, 100]]);
    assert_eq!(shape(3), [vec![-1, 100]]);
    assert!(!gd.node[4].attr.contains_key("_output_shapes"));
    assert_eq!(gd.node[2].attr["activation"].value, Some(attr_value::Value::S(b"relu".to_vec())));
    assert_eq!(gd.node[3].attr["units"].value, Some(attr_value::Value::I(100)));
    assert!(gd.versions.is_some());
}

#[test]
fn custom_scalars_layout_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SummaryWriter::new(dir.path()).unwrap();
    let layout = vec![
        (
            "errors".to_string(),
            vec![
                ChartSpec::Multiline {
                    title: "validation and test".into(),
                    tags: vec!["error/validation".into(), "error/test".into()],
                },
                ChartSpec::Margin {
                    title: "loss band".into(),
                    series: vec![["loss".into(), "loss/lo".into(), "loss/hi".into()]],
                },
            ],
        ),
        ("other".to_string(), vec![ChartSpec::Multiline { title: "lr".into(), tags: vec!["lr/.*".into()] }]),
    ];
    w.add_custom_scalars(&layout).unwrap();
    w.add_custom_scalars_multilinechart(&["a", "b"], "cat", "ab").unwrap();
    w.add_custom_scalars_marginchart(["m", "m_lo", "m_hi"], "cat2", "margin").unwrap();
    w.close().unwrap();
    let events = read(dir.path());
    assert_eq!(events.len(), 4);
    let v = tagged(&events, "custom_scalars__config__");
    assert_eq!(v.len(), 3);
    let decode = |v: &Value| {
        assert_eq!(plugin(v).0, "custom_scalars");
        let t = tensor(v);
        assert_eq!(t.dtype, DT_STRING);
        assert!(t.tensor_shape.as_ref().unwrap().dim.is_empty(), "a scalar string tensor");
        assert_eq!(t.string_val.len(), 1);
        Layout::decode(t.string_val[0].as_slice()).unwrap()
    };
    let l = decode(&v[0].1);
    assert_eq!(l.category.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(), ["errors", "other"]);
    let c = &l.category[0].chart;
    assert_eq!(c[0].title, "validation and test");
    let Some(chart::Content::Multiline(m)) = &c[0].content else { panic!("{:?}", c[0]) };
    assert_eq!(m.tag, ["error/validation", "error/test"]);
    let Some(chart::Content::Margin(m)) = &c[1].content else { panic!("{:?}", c[1]) };
    assert_eq!(
        (m.series[0].value.as_str(), m.series[0].lower.as_str(), m.series[0].upper.as_str()),
        ("loss", "loss/lo", "loss/hi")
    );
    let l = decode(&v[1].1);
    assert_eq!(l.category[0].title, "cat");
    let Some(chart::Content::Multiline(m)) = &l.category[0].chart[0].content else { panic!() };
    assert_eq!(m.tag, ["a", "b"]);
    let l = decode(&v[2].1);
    let Some(chart::Content::Margin(m)) = &l.category[0].chart[0].content else { panic!() };
    assert_eq!(m.series[0].upper, "m_hi");
}
