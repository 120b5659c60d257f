//! The DCN as TensorBoard's Graphs tab draws it, built from the model's own layers (tch cannot read
//! a traced graph back): one box per layer (conv1, conv2, fc1, dropout, fc2), each opening onto its
//! operations, with the tensors' shapes on the edges (? is the batch).
use crate::dcn::model::{Dcn, DcnActivation};
use tensorboard_writer::{Graph, Node};

fn op_name(act: DcnActivation) -> &'static str {
    match act {
        DcnActivation::Relu => "Relu",
        DcnActivation::Tanh => "Tanh",
        DcnActivation::Sigmoid => "Sigmoid",
        DcnActivation::LeakyRelu => "LeakyRelu",
        DcnActivation::Elu => "Elu",
        DcnActivation::Maxout => "Maxout",
    }
}

/// Adds a layer's weight and bias, its linear operation `op` on `input` (output `shape`), and
/// returns that operation's name.
fn affine(g: &mut Graph, layer: &str, op: &str, input: &str, w: &[i64], shape: &[i64]) -> String {
    let (wn, bn, name) = (format!("{layer}/weight"), format!("{layer}/bias"), format!("{layer}/{op}"));
    g.add(Node::new(&wn, "Parameter").shape(w))
        .add(Node::new(&bn, "Parameter").shape(&w[..1]))
        .add(Node::new(&name, op).inputs(&[input, &wn, &bn]).shape(shape));
    name
}

/// The graph of `net`: shapes come from its parameters, so maxout's wider layers show as they are.
pub fn graph(net: &Dcn) -> Graph {
    let [(w1, _), (w2, _), (w3, _), (w4, _)] = net.parameters();
    let (act, k) = (net.activation(), net.pieces());
    let op = op_name(act);
    let mut g = Graph::new();
    g.add(Node::new("input/images", "Placeholder").shape(&[-1, 1, 28, 28]));
    let mut input = "input/images".to_string();
    for (layer, w, side) in [("conv1", w1.size(), 28), ("conv2", w2.size(), 14)] {
        let conv = affine(&mut g, layer, "Conv2D", &input, &w, &[-1, w[0], side, side]);
        let units = w[0] / k;
        g.add(
            Node::new(&format!("{layer}/{op}"), op)
                .inputs(&[&conv])
                .shape(&[-1, units, side, side])
                .attr("kernel", "5×5, padding 2"),
        )
        .add(
            Node::new(&format!("{layer}/MaxPool"), "MaxPool")
                .inputs(&[&format!("{layer}/{op}")])
                .shape(&[-1, units, side / 2, side / 2])
                .attr("kernel", "2×2, stride 2"),
        );
        input = format!("{layer}/MaxPool");
    }
    let flat = w3.size()[1];
    g.add(Node::new("fc1/Flatten", "Flatten").inputs(&[&input]).shape(&[-1, flat]));
    let fc1 = affine(&mut g, "fc1", "Linear", "fc1/Flatten", &w3.size(), &[-1, w3.size()[0]]);
    let hidden = w3.size()[0] / k;
    g.add(Node::new(&format!("fc1/{op}"), op).inputs(&[&fc1]).shape(&[-1, hidden])).add(
        Node::new("dropout/Dropout", "Dropout")
            .inputs(&[&format!("fc1/{op}")])
            .shape(&[-1, hidden])
            .attr("rate", "0.5 (training only)"),
    );
    let fc2 = affine(&mut g, "fc2", "Linear", "dropout/Dropout", &w4.size(), &[-1, w4.size()[0]]);
    g.add(Node::new("output/Softmax", "Softmax").inputs(&[&fc2]).shape(&[-1, w4.size()[0]]));
    g
}
