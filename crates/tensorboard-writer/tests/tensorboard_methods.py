"""The independent check of the crate's later methods (tests/tensorboard_methods.rs): what TensorBoard's
own server, plugins and event accumulator read from the files, compared where possible with what
PyTorch's own code (torch.utils.tensorboard.summary, re-typed below in numpy/PIL where torch is not
installed) and tensorboardX's onnx_graph.parse would have written.

Usage:
  python tensorboard_methods.py onnx PATH              writes a small ONNX model (the `onnx` package)
  python tensorboard_methods.py check LOGDIR EXPECT    prints JSON; EXPECT: the inputs the test used
"""
import base64
import io
import json
import sys
import urllib.parse
import wave

import numpy as np

import tensorboard_serve  # beside this file: TensorBoard's server, launched the same way


def make_onnx(path):
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    w = helper.make_tensor_value_info("w", TensorProto.FLOAT, [4, 3, 3, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["conv1"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         auto_pad="NOTSET"),
        helper.make_node("LeakyRelu", ["conv1"], ["act"], alpha=0.1),
        helper.make_node("Flatten", ["act"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat"], ["y"], transB=1, alpha=1.0),
    ]
    graph = helper.make_graph(nodes, "tiny", [x, w], [y])
    onnx.save(helper.make_model(graph), path)


def tensorboardx_onnx_graph(path):
    """tensorboardX/onnx_graph.py's load_onnx_graph, on TensorBoard's own protos."""
    import itertools

    import onnx
    from tensorboard.compat.proto.attr_value_pb2 import AttrValue
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    from tensorboard.compat.proto.node_def_pb2 import NodeDef
    from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboard.compat.proto.versions_pb2 import VersionDef

    graph = onnx.load(path).graph
    nodes = []
    for node in itertools.chain(graph.input, graph.output):
        shapeproto = TensorShapeProto(dim=[TensorShapeProto.Dim(size=d.dim_value)
                                           for d in node.type.tensor_type.shape.dim])
        nodes.append(NodeDef(name=node.name, op="Variable", input=[],
                             attr={"dtype": AttrValue(type=node.type.tensor_type.elem_type),
                                   "shape": AttrValue(shape=shapeproto)}))
    for node in graph.node:
        attr = ", ".join(" = ".join(str(f[1]) for f in s.ListFields()) for s in node.attribute)
        nodes.append(NodeDef(name=node.output[0], op=node.op_type, input=node.input,
                             attr={"parameters": AttrValue(s=attr.encode())}))
    return GraphDef(node=nodes, versions=VersionDef(producer=22))


def make_histogram(values, bins, max_bins=None):
    """torch/utils/tensorboard/summary.py's make_histogram (PyTorch 2.11)."""
    counts, limits = np.histogram(values, bins=bins)
    num_bins = len(counts)
    if max_bins is not None and num_bins > max_bins:
        subsampling = num_bins // max_bins
        subsampling_remainder = num_bins % subsampling
        if subsampling_remainder != 0:
            counts = np.pad(counts, pad_width=[[0, subsampling - subsampling_remainder]], mode="constant",
                            constant_values=0)
        counts = counts.reshape(-1, subsampling).sum(axis=-1)
        new_limits = np.empty((counts.size + 1,), limits.dtype)
        new_limits[:-1] = limits[:-1:subsampling]
        new_limits[-1] = limits[-1]
        limits = new_limits
    cum_counts = np.cumsum(np.greater(counts, 0))
    start, end = np.searchsorted(cum_counts, [0, cum_counts[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    return dict(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                sum_squares=values.dot(values), bucket_limit=limits.tolist(), bucket=counts.tolist())


def pytorch_default_bins():
    v, buckets, neg = 1e-12, [], []
    while v < 1e20:
        buckets.append(v)
        neg.append(-v)
        v *= 1.1
    return neg[::-1] + [0] + buckets


def pytorch_boxes_png(pixels_hwc, boxes):
    """PyTorch's image_boxes/make_image/_draw_single_box (no labels, rescale=1)."""
    from PIL import Image, ImageDraw

    image = Image.fromarray(pixels_hwc)
    draw = ImageDraw.Draw(image)
    for left, top, right, bottom in boxes:
        draw.line([(left, top), (left, bottom), (right, bottom), (right, top), (left, top)], width=2, fill="Red")
    return np.array(image)


def check(logdir, expect_path):
    from google.protobuf import text_format
    from PIL import Image
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    from tensorboard.util import tensor_util

    expect = json.load(open(expect_path))
    get = tensorboard_serve.launch(logdir)

    q = lambda **kw: "?" + urllib.parse.urlencode(kw)
    out = {"plugins": {k: v["enabled"] for k, v in get("/data/plugins_listing").items()}}
    out["scalars"] = {run: {tag: get("/data/plugin/scalars/scalars" + q(run=run, tag=tag)) for tag in tags}
                      for run, tags in get("/data/plugin/scalars/tags").items()}

    # Tensors, through TensorBoard's event accumulator.
    acc = event_accumulator.EventAccumulator(logdir, size_guidance={event_accumulator.TENSORS: 0,
                                                                     event_accumulator.HISTOGRAMS: 0})
    acc.Reload()
    out["tensors"] = {}
    for tag in acc.Tags()["tensors"]:
        if tag.startswith("t/"):
            ev = acc.Tensors(tag)[0]
            arr = tensor_util.make_ndarray(ev.tensor_proto)
            out["tensors"][tag] = {"step": ev.step, "wall_time": ev.wall_time, "dtype": str(arr.dtype),
                                   "shape": list(arr.shape), "values": arr.reshape(-1).tolist()}
    out["tensor_plugin"] = acc.SummaryMetadata("t/f32").plugin_data.plugin_name

    # Histograms with other bins: the accumulator's proto against PyTorch's make_histogram.
    hist = {}
    for tag, (bins, max_bins, *which) in expect["hist_bins"].items():
        values = np.array(expect["hist_sets"][which[0] if which else "main"], dtype=np.float64)
        h = acc.Histograms(tag)[0].histogram_value
        bins = pytorch_default_bins() if bins == "tensorflow" else bins
        want = make_histogram(values, bins, max_bins)
        got = dict(min=h.min, max=h.max, num=h.num, sum=h.sum, sum_squares=h.sum_squares,
                   bucket_limit=list(h.bucket_limit), bucket=list(h.bucket))
        hist[tag] = {"limits_equal": got["bucket_limit"] == want["bucket_limit"],
                     "counts_equal": got["bucket"] == [float(c) for c in want["bucket"]],
                     "stats_close": all(abs(got[k] - float(want[k])) <= 1e-9 * max(1.0, abs(float(want[k])))
                                        for k in ["min", "max", "num", "sum", "sum_squares"]),
                     "buckets": len(want["bucket"]), "got": len(got["bucket"])}
    out["histograms"] = hist
    out["histogram_route"] = {tag: len(get("/data/plugin/histograms/histograms" + q(run=".", tag=tag)))
                              for tag in expect["hist_bins"]}

    # Audio: the WAV the plugin serves, against PyTorch's int16 conversion of the same samples.
    audio = {}
    for run, tags in get("/data/plugin/audio/tags").items():
        for tag in tags:
            entry = get("/data/plugin/audio/audio" + q(run=run, tag=tag, sample=0))[0]
            data, ctype = get("/data/plugin/audio/individualAudio?" + entry["query"], raw=True)
            with wave.open(io.BytesIO(data)) as w:
                frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
                a = np.array(expect["audio_samples"], dtype=np.float32)
                want = (a.clip(-1, 1) * np.iinfo(np.int16).max).astype("<i2")
                audio[tag] = {"step": entry["step"], "content_type": ctype, "channels": w.getnchannels(),
                              "width": w.getsampwidth(), "rate": w.getframerate(), "frames": len(frames),
                              "samples_equal": bool(np.array_equal(frames, want))}
    out["audio"] = audio

    # Images: the GIF (video) and the boxes' PNG as served.
    images = {}
    for tag in ["video/clip", "boxes/rgb", "boxes/grey"]:
        entries = get("/data/plugin/images/images" + q(run=".", tag=tag, sample=0))
        data, ctype = get("/data/plugin/images/individualImage?" + entries[-1]["query"], raw=True)
        images[tag] = {"steps": [e["step"] for e in entries], "content_type": ctype,
                       "bytes": base64.b64encode(data).decode()}
    for tag, key in [("boxes/rgb", "boxes_rgb"), ("boxes/grey", "boxes_grey")]:
        e = expect[key]
        pixels = np.array(e["pixels_hwc"], dtype=np.uint8).reshape(e["shape_hwc"])
        want = pytorch_boxes_png(pixels, e["boxes"])
        data = base64.b64decode(images[tag]["bytes"])
        got = np.array(Image.open(io.BytesIO(data)))
        images[tag]["equal_to_pytorch"] = bool(got.shape == want.shape and np.array_equal(got, want))
        images[tag]["differing_pixels"] = int((got != want).any(axis=-1).sum()) if got.shape == want.shape else -1
    out["images"] = images

    # Meshes: the plugin's tags, metadata and data routes.
    meshes = {}
    for run, tags in get("/data/plugin/mesh/tags").items():
        for tag, info in tags.items():
            meta = get("/data/plugin/mesh/meshes" + q(run=run, tag=tag, sample=0))
            parts = {}
            for m in meta:
                name = {1: "VERTEX", 2: "FACE", 3: "COLOR"}[m["content_type"]]
                data, _ = get("/data/plugin/mesh/data" + q(run=run, tag=tag, sample=0, content_type=name,
                                                           step=m["step"]), raw=True)
                dtype = {"VERTEX": np.float32, "FACE": np.int32, "COLOR": np.uint8}[name]
                parts[name] = {"components": m["components"], "config": m["config"], "shape": m["data_shape"],
                               "step": m["step"], "values": np.frombuffer(data, dtype=dtype).tolist()}
            meshes[tag] = {"samples": info["samples"], "parts": parts}
    out["mesh"] = meshes

    # The ONNX graph: what the graphs plugin serves, against tensorboardX's GraphDef of the same file.
    pbtxt, _ = get("/data/plugin/graphs/graph" + q(run="onnx", conceptual="false"), raw=True)
    served = text_format.Parse(pbtxt.decode(), GraphDef())
    want = tensorboardx_onnx_graph(expect["onnx_path"])
    out["onnx"] = {"equal": served == want, "served": text_format.MessageToString(served),
                   "tensorboardx": text_format.MessageToString(want)}

    # HParams: the discrete domains of the experiment.
    exp = get("/data/plugin/hparams/experiment", json.dumps({"experimentName": ""}).encode())
    out["hparams"] = {h["name"]: h.get("domainDiscrete") for h in exp.get("hparamInfos", [])}
    out["log"] = tensorboard_serve.LOG
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "onnx":
        make_onnx(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
