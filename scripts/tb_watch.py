"""Watches one run directory with TensorBoard's Python loaders while it is written, killed and resumed.

Usage: tb_watch.py PARENT OUT.json STOP_FILE

It waits for the first run directory to appear in PARENT (say runs/mnist_dcn), then two accumulators
read it from the start, as a TensorBoard left open would, reloading every 0.3 s
with orphaned-data purging on (their default):
  "server":  plugin_event_accumulator, what `tensorboard --load_fast=false` serves (it ignores the
             first SessionLog START it meets and purges steps >= S at every later START(S));
  "classic": event_accumulator, the older loader (every START purges).
After each reload OUT.json is replaced (write and rename) by what each currently holds:
{"reloads": n, "final": bool, "server"|"classic": {"scalars": {tag: [steps]}, "histograms": {tag: [steps]}}}.
Once STOP_FILE exists it reloads three more times, writes "final": true and exits.
Used by tests/tensorboard_watch.rs.
"""
import json
import os
import sys
import time

from tensorboard.backend.event_processing import event_accumulator, plugin_event_accumulator

KEEP_ALL = {"scalars": 0, "histograms": 0, "images": 0, "tensors": 0, "compressedHistograms": 0}


def classic_view(ea):
    tags = ea.Tags()
    return {
        "scalars": {t: [e.step for e in ea.Scalars(t)] for t in tags["scalars"]},
        "histograms": {t: [e.step for e in ea.Histograms(t)] for t in tags["histograms"]},
    }


def server_view(ea):
    # This loader stores scalars and histograms as tensors; the plugin name says which is which.
    view = {"scalars": {}, "histograms": {}}
    for t in ea.Tags()["tensors"]:
        plugin = ea.SummaryMetadata(t).plugin_data.plugin_name
        if plugin in view:
            view[plugin][t] = [e.step for e in ea.Tensors(t)]
    return view


def write(path, state):
    tmp = path + ".partial"
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, path)


def first_run(parent):
    while True:
        if os.path.isdir(parent):
            for name in sorted(os.listdir(parent)):
                d = os.path.join(parent, name)
                if os.path.isdir(d) and any("tfevents" in f for f in os.listdir(d)):
                    return d
        time.sleep(0.05)


def main():
    parent, out, stop = sys.argv[1:4]
    run_dir = first_run(parent)
    server = plugin_event_accumulator.EventAccumulator(
        run_dir, size_guidance=KEEP_ALL, tensor_size_guidance={"scalars": 0, "histograms": 0},
        purge_orphaned_data=True)
    classic = event_accumulator.EventAccumulator(run_dir, size_guidance=KEEP_ALL, purge_orphaned_data=True)
    reloads, final_reloads = 0, 0
    while final_reloads < 3:
        if os.path.exists(stop):
            final_reloads += 1
        server.Reload()
        classic.Reload()
        reloads += 1
        state = {"reloads": reloads, "final": final_reloads == 3,
                 "server": server_view(server), "classic": classic_view(classic)}
        write(out, state)
        time.sleep(0.3)


if __name__ == "__main__":
    main()
