"""The starter code's 3-layer network in numpy (same math as three_layer), timed for `make bench`.

Usage: moons_numpy.py HIDDEN PASSES  -> prints "seconds accuracy" for 200 moons points.
The data are generated like sklearn.datasets.make_moons(200, noise=0.2) so no sklearn is needed.
"""
import sys
import time

import numpy as np


def make_moons(n, noise, rng):
    n_out = n // 2
    n_in = n - n_out
    outer = np.stack([np.cos(np.linspace(0, np.pi, n_out)), np.sin(np.linspace(0, np.pi, n_out))], 1)
    inner = np.stack([1 - np.cos(np.linspace(0, np.pi, n_in)), 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5], 1)
    X = np.concatenate([outer, inner])
    y = np.concatenate([np.zeros(n_out, int), np.ones(n_in, int)])
    p = rng.permutation(n)
    return X[p] + rng.normal(scale=noise, size=X.shape), y[p]


class NeuralNetwork:
    def __init__(self, nn_input_dim, nn_hidden_dim, nn_output_dim, reg_lambda=0.01, seed=0):
        np.random.seed(seed)
        self.reg_lambda = reg_lambda
        self.W1 = np.random.randn(nn_input_dim, nn_hidden_dim) / np.sqrt(nn_input_dim)
        self.b1 = np.zeros((1, nn_hidden_dim))
        self.W2 = np.random.randn(nn_hidden_dim, nn_output_dim) / np.sqrt(nn_hidden_dim)
        self.b2 = np.zeros((1, nn_output_dim))

    def feedforward(self, X):
        self.z1 = X.dot(self.W1) + self.b1
        self.a1 = np.tanh(self.z1)
        self.z2 = self.a1.dot(self.W2) + self.b2
        exp_scores = np.exp(self.z2)
        self.probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        return None

    def calculate_loss(self, X, y):
        num_examples = len(X)
        self.feedforward(X)
        data_loss = np.sum(-np.log(self.probs[range(num_examples), y]))
        data_loss += self.reg_lambda / 2 * (np.sum(np.square(self.W1)) + np.sum(np.square(self.W2)))
        return (1.0 / num_examples) * data_loss

    def backprop(self, X, y):
        num_examples = len(X)
        delta3 = self.probs.copy()
        delta3[range(num_examples), y] -= 1
        dW2 = self.a1.T.dot(delta3)
        db2 = np.sum(delta3, axis=0, keepdims=True)
        delta2 = delta3.dot(self.W2.T) * (1 - np.power(self.a1, 2))
        dW1 = np.dot(X.T, delta2)
        db1 = np.sum(delta2, axis=0)
        return dW1, dW2, db1, db2

    def fit_model(self, X, y, epsilon=0.01, num_passes=20000, print_loss=False):
        for i in range(0, num_passes):
            self.feedforward(X)
            dW1, dW2, db1, db2 = self.backprop(X, y)
            dW2 += self.reg_lambda * self.W2
            dW1 += self.reg_lambda * self.W1
            self.W1 += -epsilon * dW1
            self.b1 += -epsilon * db1
            self.W2 += -epsilon * dW2
            self.b2 += -epsilon * db2
            if print_loss and i % 1000 == 0:
                print("Loss after iteration %i: %f" % (i, self.calculate_loss(X, y)))


def main():
    hidden, passes = int(sys.argv[1]), int(sys.argv[2])
    X, y = make_moons(200, 0.2, np.random.default_rng(0))
    model = NeuralNetwork(2, hidden, 2)
    t = time.perf_counter()
    model.fit_model(X, y, num_passes=passes, print_loss=True)
    seconds = time.perf_counter() - t
    model.feedforward(X)
    print(f"{seconds:.4f} {np.mean(np.argmax(model.probs, axis=1) == y):.4f}")


if __name__ == "__main__":
    main()
