//! Part 1 (b)–(d): the derivations the assignment asks for, as they are implemented in
//! src/backprop/ (activation.rs, three_layer.rs). The report's text, not data: it is the same in every
//! report, and tests/backprop.rs checks the code it describes against autograd and finite differences.
use crate::report::doc::Doc;

/// 1(b): the derivatives of tanh, the sigmoid and ReLU.
pub fn activations(doc: &mut Doc) {
    doc.h2("1(b) Activation functions and their derivatives");
    doc.para(
        "`act_fun` computes $f(z)$ and `diff_act_fun` computes $f'(z)$ for the three activations. \
         **Tanh.** With $\\tanh z = \\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}$, the quotient rule gives",
    );
    doc.math(
        "\\begin{aligned} \\frac{d}{dz} \\tanh z &= \\frac{(e^{z} + e^{-z})^{2} - (e^{z} - e^{-z})^{2}}{(e^{z} + e^{-z})^{2}} \\\\ \
         &= 1 - \\tanh^{2} z \\end{aligned}",
    );
    doc.para("**Sigmoid.** With $\\sigma(z) = \\frac{1}{1 + e^{-z}}$, the chain rule gives");
    doc.math(
        "\\begin{aligned} \\sigma'(z) &= \\frac{e^{-z}}{(1 + e^{-z})^{2}} = \\frac{1}{1 + e^{-z}} \\cdot \\frac{e^{-z}}{1 + e^{-z}} \\\\ \
         &= \\sigma(z) (1 - \\sigma(z)) \\end{aligned}",
    );
    doc.para(
        "**ReLU.** $f(z) = \\max(0, z)$ is linear on each side of 0; at $z = 0$ it has no derivative and, \
         like the usual implementations, the code takes 0 there:",
    );
    doc.math("f'(z) = \\begin{cases} 1 & \\text{if } z > 0 \\\\ 0 & \\text{if } z \\le 0 \\end{cases} = \\mathbb{1}[z > 0]");
    doc.para(
        "Tanh and the sigmoid *saturate*: their derivatives tend to 0 for large $|z|$ (at most 1 and \
         $\\frac{1}{4}$), while ReLU passes gradients unchanged where a unit is active and blocks them \
         where it is not.",
    );
}

/// 1(c): the network and its loss.
pub fn network(doc: &mut Doc) {
    doc.h2("1(c) The three-layer network");
    doc.para(
        "For $N$ examples $X \\in \\mathbb{R}^{N \\times 2}$ with one-hot labels $Y$, `feedforward` computes \
         (with biases added to every row)",
    );
    doc.math("z_{1} = X W_{1} + b_{1}, \\quad a_{1} = f(z_{1}), \\quad z_{2} = a_{1} W_{2} + b_{2}, \\quad \\hat{y} = \\operatorname{softmax}(z_{2})");
    doc.math("\\hat{y}_{nk} = \\frac{\\exp(z_{2, nk})}{\\sum_{j=1}^{K} \\exp(z_{2, nj})}");
    doc.para(
        "and `calculate_loss` the cross-entropy with $L_{2}$ regularisation of the weights, as the \
         starter code prints it:",
    );
    doc.math(
        "L = -\\frac{1}{N} \\sum_{n=1}^{N} \\sum_{k=1}^{K} y_{nk} \\log \\hat{y}_{nk} + \\frac{\\lambda}{2N} \\left( \\lVert W_{1} \\rVert^{2} + \\lVert W_{2} \\rVert^{2} \\right)",
    );
    doc.para(
        "As in the starter, `backprop` returns the gradient of the summed loss $J = N L$, which is why \
         the step $\\varepsilon = 0.01$ trains in 20,000 passes; dividing every gradient below by $N$ \
         gives the gradient of $L$.",
    );
}

/// 1(d): the four gradients, step by step.
pub fn backprop(doc: &mut Doc) {
    doc.h2("1(d) Backward pass");
    doc.para(
        "**Output layer.** For one example, $J_{n} = -\\sum_{k} y_{nk} \\log \\hat{y}_{nk}$, and the softmax's \
         derivative is $\\frac{\\partial \\hat{y}_{nk}}{\\partial z_{2, nj}} = \\hat{y}_{nk} (\\mathbb{1}[k = j] - \\hat{y}_{nj})$. \
         Because $\\sum_{k} y_{nk} = 1$,",
    );
    doc.math(
        "\\frac{\\partial J_{n}}{\\partial z_{2, nj}} = -\\sum_{k} y_{nk} (\\mathbb{1}[k = j] - \\hat{y}_{nj}) = \\hat{y}_{nj} - y_{nj}, \\qquad \\delta_{3} = \\frac{\\partial J}{\\partial z_{2}} = \\hat{y} - Y",
    );
    doc.para(
        "**Second layer.** $z_{2} = a_{1} W_{2} + b_{2}$ is linear in $W_{2}$ and $b_{2}$; summing over the \
         examples and adding the derivative of $\\frac{\\lambda}{2} \\lVert W_{2} \\rVert^{2}$:",
    );
    doc.math(
        "\\frac{\\partial J}{\\partial W_{2}} = a_{1}^{\\top} \\delta_{3} + \\lambda W_{2}, \\qquad \\frac{\\partial J}{\\partial b_{2}} = \\sum_{n=1}^{N} \\delta_{3, n}",
    );
    doc.para("**Hidden layer.** The error flows back through $W_{2}$ and then through the activation, element by element:");
    doc.math(
        "\\begin{aligned} \\frac{\\partial J}{\\partial a_{1}} &= \\delta_{3} W_{2}^{\\top} \\\\ \
         \\delta_{2} = \\frac{\\partial J}{\\partial z_{1}} &= \\frac{\\partial J}{\\partial a_{1}} \\odot f'(z_{1}) = \\delta_{3} W_{2}^{\\top} \\odot f'(z_{1}) \\end{aligned}",
    );
    doc.para("**First layer.** As for the second layer, with the input $X$ in place of $a_{1}$:");
    doc.math(
        "\\frac{\\partial J}{\\partial W_{1}} = X^{\\top} \\delta_{2} + \\lambda W_{1}, \\qquad \\frac{\\partial J}{\\partial b_{1}} = \\sum_{n=1}^{N} \\delta_{2, n}",
    );
    doc.para(
        "These are the lines of `backprop` in src/backprop/three_layer.rs (`diff_act_fun` gives $f'(z_{1})$), \
         and `fit_model` updates every parameter as $\\theta \\to \\theta - \\varepsilon \\frac{\\partial J}{\\partial \\theta}$. \
         `make test` checks all four gradients against libtorch's autograd (to $10^{-9}$, relative) and \
         against central finite differences, for each activation, and the same for a 4-layer network.",
    );
}
