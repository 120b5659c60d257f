"""TensorBoard writers on the same work: the crate tensorboard-writer (its example `bench`),
torch.utils.tensorboard.SummaryWriter and tensorboardX.SummaryWriter.

  scalars:    N × add_scalar("bench/scalar", step * 0.001, step), then close()
  histograms: H × add_histogram of M standard-normal float32 values (made before the clock), then close()
  kill -9:    K × add_scalar, then SIGKILL right after the K-th call returns; how many read back

Each measurement runs in a fresh process; the time covers the calls and the final close(), because
both Python writers only queue events (a background thread writes them, and flushes every 120 s or
on close): timing the calls alone would measure a queue. Bytes are those of the files written.
Scalars read back are counted with TensorBoard's own loader (EventFileLoader).

Usage: python tensorboard_writers.py RUST_BENCH_BINARY WORKDIR [--scalars N] [--hists H] [--size M]
       [--repeat R] [--kill K ...]
Prints a Markdown table; the last line is a JSON summary.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

WRITERS = ["tensorboard-writer (Rust)", "torch.utils.tensorboard", "tensorboardX"]


def writer_class(name):
    if name == "torch.utils.tensorboard":
        from torch.utils.tensorboard import SummaryWriter
    else:
        from tensorboardX import SummaryWriter
    return SummaryWriter


def child(args):
    """One measurement in this (fresh) process: prints seconds, or kills itself."""
    SummaryWriter = writer_class(args.writer)
    if args.what == "histograms":
        import numpy as np
        data = [np.random.default_rng(i + 1).standard_normal(args.size, dtype=np.float32) for i in range(args.n)]
        w = SummaryWriter(args.dir)
        t, c = time.perf_counter(), time.process_time()
        for step, values in enumerate(data):
            w.add_histogram("bench/histogram", values, step)
        w.close()
        print(f"{time.perf_counter() - t:.6f} {time.process_time() - c:.6f}")
        return
    w = SummaryWriter(args.dir)
    t, c = time.perf_counter(), time.process_time()
    for step in range(args.n):
        w.add_scalar("bench/scalar", step * 0.001, step)
    if args.what == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    w.close()
    print(f"{time.perf_counter() - t:.6f} {time.process_time() - c:.6f}")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited with {r.returncode}:\n{r.stdout}\n{r.stderr}")
    wall, cpu = map(float, r.stdout.strip().splitlines()[-1].split())
    return wall, cpu


def command(binary, writer, what, *rest):
    if writer.startswith("tensorboard-writer"):
        return [binary, what, *map(str, rest)]
    return [sys.executable, __file__, "--child", writer, what, *map(str, rest)]


def dir_bytes(d):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)


def read_back(d):
    """Scalars that TensorBoard's loader reads from the event files under d."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    n = 0
    for root, _, files in os.walk(d):
        for f in sorted(files):
            if "tfevents" in f:
                for e in EventFileLoader(os.path.join(root, f)).Load():
                    n += sum(1 for v in e.summary.value if v.tag == "bench/scalar")
    return n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--child", nargs=3, metavar=("WRITER", "WHAT", "N"))
    p.add_argument("binary", nargs="?")
    p.add_argument("workdir", nargs="?")
    p.add_argument("--scalars", type=int, default=100_000)
    p.add_argument("--hists", type=int, default=20)
    p.add_argument("--size", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--kill", type=int, nargs="*", default=[100, 100_000])
    p.add_argument("rest", nargs="*")
    a = p.parse_args()
    if a.child:
        writer, what, n = a.child
        ns = argparse.Namespace(writer=writer, what=what, n=int(n))
        if what == "histograms":
            ns.size, ns.dir = int(a.binary), a.workdir
        else:
            ns.dir = a.binary
        child(ns)
        return

    import logging
    logging.disable(logging.WARNING)  # EventFileLoader's note on a truncated record
    results = {}
    k = 0
    for writer in WRITERS:
        r = results[writer] = {}
        best = {}
        for what, args, count in [("scalars", [a.scalars], a.scalars), ("histograms", [a.hists, a.size], a.hists)]:
            walls, cpus = [], []
            for _ in range(a.repeat):
                k += 1
                d = os.path.join(a.workdir, f"{k}")
                wall, cpu = run(command(a.binary, writer, what, *args, d))
                walls.append(wall)
                cpus.append(cpu)
                best[what + "_bytes"] = dir_bytes(d)
                if what == "scalars":
                    best["scalars_read"] = read_back(d)
            best[what + "_s"], best[what + "_cpu_s"] = min(walls), min(cpus)
            best[what + "_per_s"], best[what + "_per_cpu_s"] = count / min(walls), count / min(cpus)
        r.update(best)
        for n in a.kill:
            k += 1
            d = os.path.join(a.workdir, f"{k}")
            proc = subprocess.run(command(a.binary, writer, "kill", n, d), capture_output=True, text=True)
            assert proc.returncode == -signal.SIGKILL, (writer, proc.returncode, proc.stderr)
            r[f"kill_{n}"] = read_back(d)

    print(f"| writer | {a.scalars:,} add_scalar + close: wall (CPU) | scalars/s wall (CPU) | bytes | "
          f"{a.hists} × add_histogram of {a.size:,} floats + close: wall (CPU) | histograms/s wall (CPU) | bytes | "
          + " | ".join(f"kill -9 after add_scalar #{n:,}: read back" for n in a.kill) + " |")
    print("|---|---|---|---|---|---|---|" + "---|" * len(a.kill))
    for writer, r in results.items():
        assert r["scalars_read"] == a.scalars, (writer, r["scalars_read"])
        print(f"| {writer} | {r['scalars_s']:.3f} s ({r['scalars_cpu_s']:.3f} s) | "
              f"{r['scalars_per_s']:,.0f} ({r['scalars_per_cpu_s']:,.0f}) | {r['scalars_bytes']:,} | "
              f"{r['histograms_s']:.3f} s ({r['histograms_cpu_s']:.3f} s) | "
              f"{r['histograms_per_s']:.2f} ({r['histograms_per_cpu_s']:.2f}) | {r['histograms_bytes']:,} | "
              + " | ".join(f"{r[f'kill_{n}']:,} of {n:,}" for n in a.kill) + " |")
    # The crate's speed-up over PyTorch's writer, against the goals of issue 22 (wall-clock rates).
    rust, torch = results[WRITERS[0]], results[WRITERS[1]]
    ratio = lambda what: rust[what + "_per_s"] / torch[what + "_per_s"]
    print(f"| ratio {WRITERS[0]} / {WRITERS[1]} (goal) | | {ratio('scalars'):.1f}× (≥ 50×) | | | "
          f"{ratio('histograms'):.1f}× (≥ 5×) | |" + " |" * len(a.kill))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
