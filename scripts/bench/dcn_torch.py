"""The DCN of mnist_dcn in PyTorch, with part (b)'s monitoring done the usual PyTorch way
(torch.utils.tensorboard, .item() per statistic), for `make bench`'s side-by-side timing.

Usage: dcn_torch.py DEVICE ITERATIONS LOGDIR [MNIST_DIR] -> prints "iterations seconds it/s test_accuracy".
MNIST_DIR (default data/mnist) holds the four IDX files, plain or gzipped.
Same data split, batch 50, Adam 1e-4, loss every iteration, statistics and histograms every 100
iterations, validation and test error every 1100 and at the end. Statistics as nnlab defines them:
std is the population std (correction=0, nnlab's HistStats::std); on CUDA cuDNN's autotuner is on
(torch.backends.cudnn.benchmark, as nnlab's cudnn_set_benchmark(true)). The time includes closing the
SummaryWriter (its queued events reach the disk), since nnlab's includes writing every event.
LOGDIR is where the TensorBoard run goes (device-run passes one under /tmp, not under $OUT).
DCN_TORCH_ADAM=fused uses torch.optim.Adam(fused=True), PyTorch's own fused kernel, instead of its
default (a per-parameter loop on the CPU, foreach on CUDA).
"""
import gzip
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.tensorboard import SummaryWriter


def read_idx(path):
    if not os.path.exists(path):
        path += ".gz"
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(dims)


class Dcn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, padding=2)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = nn.Linear(7 * 7 * 64, 1024)
        self.fc2 = nn.Linear(1024, 10)

    def forward(self, x, probe=None):
        z1 = self.conv1(x); a1 = F.relu(z1); p1 = F.max_pool2d(a1, 2)
        z2 = self.conv2(p1); a2 = F.relu(z2); p2 = F.max_pool2d(a2, 2)
        z3 = self.fc1(p2.flatten(1)); a3 = F.relu(z3)
        z4 = self.fc2(F.dropout(a3, 0.5, self.training))
        if probe is not None:
            probe.update({"net_inputs/conv1": z1, "net_inputs/conv2": z2, "net_inputs/fc1": z3, "net_inputs/fc2": z4,
                          "activations/conv1": a1, "activations/conv2": a2, "activations/fc1": a3,
                          "pooled/conv1": p1, "pooled/conv2": p2})
        return z4


def accuracy(net, x, y):
    net.eval()
    with torch.no_grad():
        correct = sum((net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    net.train()
    return correct / len(x)


def main():
    device, iterations, logdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    d = sys.argv[4] if len(sys.argv) > 4 else "data/mnist"
    torch.manual_seed(0)
    if torch.device(device).type == "cuda":
        # nnlab's Trainer::new calls tch::Cuda::cudnn_set_benchmark(true) on CUDA: the same autotuning here.
        torch.backends.cudnn.benchmark = True
    images = torch.tensor(read_idx(f"{d}/train-images.idx3-ubyte"), dtype=torch.float32).div_(255).unsqueeze(1)
    labels = torch.tensor(read_idx(f"{d}/train-labels.idx1-ubyte"), dtype=torch.int64)
    test_x = torch.tensor(read_idx(f"{d}/t10k-images.idx3-ubyte"), dtype=torch.float32).div_(255).unsqueeze(1)
    test_y = torch.tensor(read_idx(f"{d}/t10k-labels.idx1-ubyte"), dtype=torch.int64)
    train_x, train_y = images[:55000].to(device), labels[:55000].to(device)
    val_x, val_y = images[55000:].to(device), labels[55000:].to(device)
    test_x, test_y = test_x.to(device), test_y.to(device)
    net = Dcn().to(device)
    fused = os.environ.get("DCN_TORCH_ADAM") == "fused"
    opt = torch.optim.Adam(net.parameters(), lr=1e-4, fused=fused or None)
    writer = SummaryWriter(logdir)
    perm, cursor = torch.randperm(55000, device=device), 0
    start = time.perf_counter()
    for step in range(iterations):
        if cursor + 50 > 55000:
            perm, cursor = torch.randperm(55000, device=device), 0
        idx = perm[cursor:cursor + 50]; cursor += 50
        probe = {} if step % 100 == 0 else None
        loss = F.cross_entropy(net(train_x[idx], probe), train_y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        writer.add_scalar("train/loss", loss.item(), step)
        if probe is not None:
            for name, layer in [("conv1", net.conv1), ("conv2", net.conv2), ("fc1", net.fc1), ("fc2", net.fc2)]:
                probe[f"weights/{name}"] = layer.weight
                probe[f"biases/{name}"] = layer.bias
            for tag, t in probe.items():
                t = t.detach()
                writer.add_histogram(tag, t, step)
                # Population std (correction=0), as nnlab's; torch's default would be the sample std.
                for stat, v in [("min", t.min()), ("max", t.max()), ("mean", t.mean()), ("std", t.std(correction=0))]:
                    writer.add_scalar(f"{tag}/{stat}", v.item(), step)
        if (step + 1) % 1100 == 0 or step + 1 == iterations:
            writer.add_scalar("validation/error", 1 - accuracy(net, val_x, val_y), step)
            test_acc = accuracy(net, test_x, test_y)
            writer.add_scalar("test/error", 1 - test_acc, step)
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()
    writer.close()
    seconds = time.perf_counter() - start
    print(f"{iterations} {seconds:.3f} {iterations / seconds:.2f} {test_acc:.4f}")


if __name__ == "__main__":
    main()
