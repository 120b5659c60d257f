"""Serves a log directory with TensorBoard's own server (in this process) and prints, as JSON, what
each plugin's HTTP routes answer: the independent check of the crate's files. Any warning or error
TensorBoard logs while loading is reported under "log".

Usage: python tensorboard_serve.py LOGDIR  (needs only the `tensorboard` package)
"""
import json
import logging
import sys
import time
import urllib.parse
import urllib.request

from tensorboard import program

LOG = []


class Capture(logging.Handler):
    def emit(self, record):
        if record.levelno >= logging.WARNING:
            LOG.append(f"{record.levelname}: {record.getMessage()}")


def launch(logdir):
    """TensorBoard's own server on LOGDIR (127.0.0.1, a free port), loading everything before it
    answers, its warnings captured in LOG. Returns get(path, body=None, raw=False): the route's JSON,
    or with raw=True its (bytes, Content-Type)."""
    logging.getLogger().addHandler(Capture())
    tb = program.TensorBoard()
    tb.configure(argv=[None, "--logdir", logdir, "--host", "127.0.0.1", "--port", "0", "--load_fast=false",
                       "--reload_interval=0", "--reload_task=blocking",
                       "--samples_per_plugin", "scalars=100000,images=1000,histograms=100000,tensors=100000"])
    base = tb.launch().rstrip("/")

    def get(path, body=None, raw=False):
        req = urllib.request.Request(base + path, data=body, headers={"Content-Type": "application/json"} if body else {})
        with urllib.request.urlopen(req, timeout=120) as r:
            data, ctype = r.read(), r.headers.get("Content-Type")
        return (data, ctype) if raw else json.loads(data)

    return get


def main():
    logdir = sys.argv[1]
    get = launch(logdir)

    q = lambda **kw: "?" + urllib.parse.urlencode(kw)
    out = {"runs": get("/data/runs")}
    out["scalars"] = {run: {tag: [[p[1], p[2]] for p in get("/data/plugin/scalars/scalars" + q(run=run, tag=tag))]
                            for tag in tags} for run, tags in get("/data/plugin/scalars/tags").items()}
    out["histograms"] = {run: {tag: [{"step": h[1], "buckets": len(h[2]), "total": sum(b[2] for b in h[2])}
                                     for h in get("/data/plugin/histograms/histograms" + q(run=run, tag=tag))]
                               for tag in tags} for run, tags in get("/data/plugin/histograms/tags").items()}
    out["distributions"] = {run: {tag: len(get("/data/plugin/distributions/distributions" + q(run=run, tag=tag)))
                                  for tag in tags} for run, tags in get("/data/plugin/distributions/tags").items()}
    images = {}
    for run, tags in get("/data/plugin/images/tags").items():
        for tag in tags:
            entries = get("/data/plugin/images/images" + q(run=run, tag=tag, sample=0))
            png = get("/data/plugin/images/individualImage?" + entries[-1]["query"], raw=True)[0]
            images.setdefault(run, {})[tag] = {"steps": [e["step"] for e in entries], "png": png[:8] == b"\x89PNG\r\n\x1a\n",
                                               "width": int.from_bytes(png[16:20], "big"),
                                               "height": int.from_bytes(png[20:24], "big")}
    out["images"] = images
    out["text"] = {run: {tag: [[t["step"], t["text"]] for t in get("/data/plugin/text/text" + q(run=run, tag=tag))]
                         for tag in tags} for run, tags in get("/data/plugin/text/tags").items()}
    exp = get("/data/plugin/hparams/experiment", json.dumps({"experimentName": ""}).encode())
    out["hparams"] = {"hparams": [h["name"] for h in exp.get("hparamInfos", [])],
                      "metrics": [m["name"]["tag"] for m in exp.get("metricInfos", [])]}
    groups = get("/data/plugin/hparams/session_groups", json.dumps({
        "experimentName": "", "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
        "colParams": [], "startIndex": 0, "sliceSize": 1000}).encode())
    out["hparams"]["sessions"] = {g["name"]: {"hparams": g.get("hparams", {}),
                                              "metrics": {m["name"]["tag"]: m["value"] for m in g.get("metricValues", [])},
                                              "status": [x.get("status") for x in g.get("sessions", [])]}
                                  for g in groups.get("sessionGroups", [])}
    graphs = {}
    for run, info in get("/data/plugin/graphs/info").items():
        if info.get("run_graph"):
            pbtxt = get("/data/plugin/graphs/graph" + q(run=run, conceptual="false"), raw=True)[0].decode()
            graphs[run] = [l.split('"')[1] for l in pbtxt.splitlines() if l.strip().startswith("name:")]
    out["graphs"] = graphs
    projector = {}
    for run in get("/data/plugin/projector/runs"):
        info = get("/data/plugin/projector/info" + q(run=run))
        for e in info.get("embeddings", []):
            name = e["tensorName"]
            tensor = get("/data/plugin/projector/tensor" + q(run=run, name=name, num_rows=100000), raw=True)[0]
            meta = get("/data/plugin/projector/metadata" + q(run=run, name=name, num_rows=100000), raw=True)[0].decode()
            sprite = get("/data/plugin/projector/sprite_image" + q(run=run, name=name), raw=True)[0] if "sprite" in e else b""
            projector.setdefault(run, {})[name] = {
                "shape": e.get("tensorShape"), "tensor_bytes": len(tensor), "first": list(
                    __import__("struct").unpack("<3f", tensor[:12])) if len(tensor) >= 12 else [],
                "metadata_lines": len(meta.splitlines()), "metadata_first": meta.splitlines()[:2],
                "sprite_png": sprite[:8] == b"\x89PNG\r\n\x1a\n", "sprite_dim": e.get("sprite", {}).get("singleImageDim")}
    out["projector"] = projector
    pr = {}
    for run, tags in get("/data/plugin/pr_curves/tags").items():
        for tag in tags:
            entries = get("/data/plugin/pr_curves/pr_curves" + q(run=run, tag=tag))[run]
            pr.setdefault(run, {})[tag] = [{"step": e["step"], "precision": e["precision"], "recall": e["recall"],
                                            "tp": e["true_positives"], "fp": e["false_positives"],
                                            "tn": e["true_negatives"], "fn": e["false_negatives"],
                                            "thresholds": e["thresholds"]} for e in entries]
    out["pr_curves"] = pr
    layout = get("/data/plugin/custom_scalars/layout")
    out["custom_scalars"] = {"layout": layout, "series": {}}
    for cat in layout.get("category", []):
        for chart in cat.get("chart", []):
            for regex in chart.get("multiline", {}).get("tag", []):
                for run in out["runs"]:
                    r = get("/data/plugin/custom_scalars/scalars" + q(run=run, tag=regex))
                    for tag, points in r.get("tag_to_events", {}).items():
                        out["custom_scalars"]["series"].setdefault(run, {})[tag] = len(points)
    # The projector decides whether it is active in a background thread: ask until it has.
    for _ in range(100):
        out["plugins"] = {k: v["enabled"] for k, v in get("/data/plugins_listing").items()}
        if out["plugins"].get("projector") or not projector:
            break
        time.sleep(0.2)
    out["log"] = LOG
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
