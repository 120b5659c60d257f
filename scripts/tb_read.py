"""Reads a run directory with TensorBoard's own EventAccumulator and prints what it found as JSON.

Used by the Rust tests (tests/summary.rs, tests/mnist.rs) as an independent check of the event writer:
the accumulator silently stops at the first bad record, so the tests compare exact counts.
"""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2


def main():
    ea = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "histograms": 0, "images": 0, "tensors": 0})
    ea.Reload()
    tags = ea.Tags()
    out = {"scalars": {}, "histograms": {}, "images": {}, "text": {}, "hparams": {}, "pr_curves": {}}
    for t in tags["scalars"]:
        out["scalars"][t] = [[e.step, e.value] for e in ea.Scalars(t)]
    for t in tags["histograms"]:
        hs = []
        for e in ea.Histograms(t):
            h = e.histogram_value
            hs.append({"step": e.step, "num": h.num, "bucket_total": sum(h.bucket), "min": h.min, "max": h.max,
                       "sum": h.sum, "sum_squares": h.sum_squares})
        out["histograms"][t] = hs
    for t in tags["images"]:
        out["images"][t] = [[e.step, e.width, e.height, len(e.encoded_image_string)] for e in ea.Images(t)]
    for t in tags["tensors"]:
        plugin = ea.SummaryMetadata(t).plugin_data
        if plugin.plugin_name == "hparams":
            data = plugin_data_pb2.HParamsPluginData.FromString(plugin.content)
            kind = data.WhichOneof("data")
            if kind == "session_start_info":
                info = data.session_start_info
                out["hparams"]["start"] = {"group": info.group_name, "hparams": {k: v.WhichOneof("kind") and getattr(v, v.WhichOneof("kind")) for k, v in info.hparams.items()}}
            elif kind == "session_end_info":
                out["hparams"]["end"] = {"status": data.session_end_info.status}
        elif plugin.plugin_name == "text":
            out["text"][t] = [[e.step, e.tensor_proto.string_val[0].decode()] for e in ea.Tensors(t)]
        elif plugin.plugin_name == "pr_curves":
            out["pr_curves"][t] = [[e.step, [d.size for d in e.tensor_proto.tensor_shape.dim]] for e in ea.Tensors(t)]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
