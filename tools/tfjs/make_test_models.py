#!/usr/bin/python3
"""Writes the TF.js test models of tests/tfjs_files/ that are derived or generated rather than
hand-written: tiny's weights in the other two quantizations TF.js reads (uint16, float16), and a
graph model with the graph ops beyond nsfwjs's set. Deterministic: running it again rewrites the
same bytes. tfjs_compare.cmake runs each through netc and through TF.js itself.
Run with Debian's Python: /usr/bin/python3 tools/tfjs/make_test_models.py"""
import base64
import copy
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "tfjs_files")


def write_model(name, model, shard):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "model.json"), "w") as f:
        json.dump(model, f)
    with open(os.path.join(d, "weights.bin"), "wb") as f:
        f.write(shard)


def dequantize_tiny():
    """tiny's weights as TF.js reads them: uint8 q * scale + min."""
    d = os.path.join(OUT, "tiny")
    model = json.load(open(os.path.join(d, "model.json")))
    raw = open(os.path.join(d, "weights.bin"), "rb").read()
    values, offset = [], 0
    for w in model["weightsManifest"][0]["weights"]:
        n = int(np.prod(w["shape"]))
        q = np.frombuffer(raw, np.uint8, n, offset).astype(np.float64)
        offset += n
        values.append((q * w["quantization"]["scale"] + w["quantization"]["min"]).astype(np.float32))
    return model, values


def quantized_variants():
    model, values = dequantize_tiny()
    # uint16: each weight over its own range in 65535 steps (what tensorflowjs_converter
    # --quantize_uint16 does), so the values differ from tiny's in the low bits.
    m16 = copy.deepcopy(model)
    shard = b""
    for w, v in zip(m16["weightsManifest"][0]["weights"], values):
        lo, hi = float(v.min()), float(v.max())
        scale = (hi - lo) / 65535 if hi > lo else 1.0
        q = np.round((v.astype(np.float64) - lo) / scale).astype(np.uint16)
        w["quantization"] = {"dtype": "uint16", "min": lo, "scale": scale}
        shard += q.astype("<u2").tobytes()
    m16["generatedBy"] = "netc tests (tools/tfjs/make_test_models.py: tiny, uint16-quantized)"
    write_model("tiny_uint16", m16, shard)
    # float16: the converter's --quantize_float16.
    mf = copy.deepcopy(model)
    shard = b""
    for w, v in zip(mf["weightsManifest"][0]["weights"], values):
        w["quantization"] = {"dtype": "float16"}
        shard += v.astype("<f2").tobytes()
    mf["generatedBy"] = "netc tests (tools/tfjs/make_test_models.py: tiny, float16-quantized)"
    write_model("tiny_float16", mf, shard)


def b64(s):
    return {"s": base64.b64encode(s.encode()).decode()}


def ints(*v):
    return {"list": {"i": [str(x) for x in v]}}


def graph_ops():
    """Pad, FusedBatchNormV3, ConcatV2, PadV2, MirrorPad, ResizeBilinear (the three coordinate
    rules) and ResizeNearestNeighbor (the three rules) in a graph model, float32 weights."""
    rng = np.random.default_rng(7)
    nodes, weights, shard = [], [], b""

    def const(name, array):
        nonlocal shard
        a = np.asarray(array)
        dtype = "int32" if a.dtype.kind == "i" else "float32"
        a = a.astype(np.int32 if dtype == "int32" else np.float32)
        nodes.append({"name": name, "op": "Const", "attr": {
            "value": {"tensor": {"dtype": "DT_INT32" if dtype == "int32" else "DT_FLOAT",
                                 "tensorShape": {"dim": [{"size": str(s)} for s in a.shape]} if a.shape else {}}},
            "dtype": {"type": "DT_INT32" if dtype == "int32" else "DT_FLOAT"}}})
        weights.append({"name": name, "shape": list(a.shape), "dtype": dtype})
        shard += a.astype("<i4" if dtype == "int32" else "<f4").tobytes()
        return name

    def node(name, op, inputs, **attr):
        nodes.append({"name": name, "op": op, "input": inputs, "attr": attr})
        return name

    nodes.append({"name": "x", "op": "Placeholder", "attr": {
        "shape": {"shape": {"dim": [{"size": "-1"}, {"size": "7"}, {"size": "9"}, {"size": "3"}]}}, "dtype": {"type": "DT_FLOAT"}}})
    conv_attrs = {"strides": ints(1, 1, 1, 1), "padding": b64("VALID"), "data_format": b64("NHWC"), "dilations": ints(1, 1, 1, 1),
                  "T": {"type": "DT_FLOAT"}}
    f32 = {"T": {"type": "DT_FLOAT"}}
    pad = node("pad", "Pad", ["x", const("pad/paddings", [[0, 0], [1, 1], [2, 0], [0, 0]])], **f32)
    conv = node("conv", "Conv2D", [pad, const("conv/filter", rng.standard_normal((3, 3, 3, 6)) * 0.4)], **conv_attrs)
    bn = node("bn", "FusedBatchNormV3", [conv, const("bn/scale", rng.uniform(0.5, 1.5, 6)), const("bn/offset", rng.standard_normal(6) * 0.1),
                                         const("bn/mean", rng.standard_normal(6) * 0.1), const("bn/variance", rng.uniform(0.5, 2.0, 6))],
              epsilon={"f": 0.001}, data_format=b64("NHWC"), is_training={"b": False}, T={"type": "DT_FLOAT"}, U={"type": "DT_FLOAT"})
    relu = node("relu", "Relu", [bn], **f32)
    size = const("size", [11, 6])  # up in height, down in width: both directions of each rule
    branches = []
    for op in ["ResizeBilinear", "ResizeNearestNeighbor"]:
        for rule, attrs in [("legacy", {}), ("align", {"align_corners": {"b": True}}), ("half", {"half_pixel_centers": {"b": True}})]:
            branches.append(node(op.lower() + "_" + rule, op, [relu, size], T={"type": "DT_FLOAT"}, **attrs))
    cat = node("concat", "ConcatV2", branches + [const("concat/axis", np.array(3))], N={"i": str(len(branches))}, T={"type": "DT_FLOAT"},
               Tidx={"type": "DT_INT32"})
    padv2 = node("padv2", "PadV2", [cat, const("padv2/paddings", [[0, 0], [0, 2], [1, 1], [0, 0]]), const("padv2/value", np.array(0.75))],
                 **f32)
    mirror = node("mirror", "MirrorPad", [padv2, const("mirror/paddings", [[0, 0], [2, 1], [1, 2], [0, 0]])], mode=b64("REFLECT"),
                  **f32)
    node("out", "Identity", [mirror], **f32)
    model = {"format": "graph-model", "generatedBy": "netc tests (tools/tfjs/make_test_models.py: graph ops)",
             "modelTopology": {"node": nodes, "versions": {"producer": 1482}},
             "userDefinedMetadata": {"signature": {"inputs": {"x:0": {"name": "x:0", "dtype": "DT_FLOAT"}},
                                                   "outputs": {"out:0": {"name": "out:0", "dtype": "DT_FLOAT"}}}},
             "weightsManifest": [{"paths": ["weights.bin"], "weights": weights}]}
    write_model("graph_ops", model, shard)


quantized_variants()
graph_ops()
print("wrote tiny_uint16, tiny_float16, graph_ops in", os.path.normpath(OUT))
