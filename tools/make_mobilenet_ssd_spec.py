#!/usr/bin/env python3
"""Writes models/mobilenet_ssd.json: MobileNet-SSD for VOC (21 classes, 300x300) as the Caffe
model of chuanqi305/MobileNet-SSD lays it out: a MobileNetV1 backbone with ReLU, extra layers
conv14..conv17 (1x1, then 3x3 stride 2), and 1x1 box/class heads on six feature maps, flattened
and concatenated (channels-last makes Caffe's Permute unnecessary). Run from the repo root."""
from spec_writer import write_spec

EPS = 1e-5  # Caffe's BatchNorm default
CLASSES = 21
layers = []


def add(**layer):
    layers.append(layer)
    return layer["name"]


def conv_bn_relu(name, filters, kernel, stride, pad, source=None):
    conv = dict(name=name, op="conv2d", filters=filters, kernel=kernel, stride=stride, padding=[pad] * 4, bias=False)
    if source:
        conv["input"] = source
    add(**conv)
    add(name=name + "_bn", op="batchnorm", epsilon=EPS)
    return add(name=name + "_relu", op="relu")


# Backbone: MobileNetV1 on 300x300, Caffe's symmetric pad 1 (300 -> 150 -> 75 -> 38 -> 19 -> 10).
x = conv_bn_relu("conv0", 32, 3, 2, 1)
for n, (filters, stride) in enumerate([(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
                                       (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)], start=1):
    x = add(name=f"conv{n}", op="separable_conv", filters=filters, stride=stride, padding=[1, 1, 1, 1],
            activation="relu", epsilon=EPS)
# Extra feature layers: 10 -> 5 -> 3 -> 2 -> 1.
for n, (squeeze, filters) in enumerate([(256, 512), (128, 256), (128, 256), (64, 128)], start=14):
    conv_bn_relu(f"conv{n}_1", squeeze, 1, 1, 0)
    conv_bn_relu(f"conv{n}_2", filters, 3, 2, 1)

# (feature map, PriorBox min size, max size, aspect ratios): 3 priors per cell on conv11, 6 elsewhere.
priors = [("conv11", 60, None, [2]), ("conv13", 105, 150, [2, 3]), ("conv14_2_relu", 150, 195, [2, 3]),
          ("conv15_2_relu", 195, 240, [2, 3]), ("conv16_2_relu", 240, 285, [2, 3]), ("conv17_2_relu", 285, 300, [2, 3])]
loc, conf = [], []
for fmap, min_size, max_size, ars in priors:
    per_cell = 1 + (1 if max_size else 0) + 2 * len(ars)
    head = fmap.replace("_relu", "")
    for kind, channels, flats in (("loc", 4, loc), ("conf", CLASSES, conf)):
        add(name=f"{head}_mbox_{kind}", op="conv2d", filters=per_cell * channels, kernel=1, input=fmap, scale_width=False)
        flats.append(add(name=f"{head}_mbox_{kind}_flat", op="reshape", shape=[1, 1, -1]))
add(name="mbox_loc", op="concat", inputs=loc)
add(name="mbox_conf", op="concat", inputs=conf)
add(name="mbox_conf_reshape", op="reshape", shape=[1, -1, CLASSES])
add(name="mbox_conf_softmax", op="softmax")

prior_layers = []
for fmap, min_size, max_size, ars in priors:
    p = {"feature_map": fmap, "min_size": min_size}
    if max_size:
        p["max_size"] = max_size
    p["aspect_ratios"] = ars
    prior_layers.append(p)

spec = {
    "netc": 1,
    "name": "mobilenet_ssd",
    "description": "MobileNet-SSD (VOC, 21 classes, 300x300) as the Caffe model of chuanqi305/MobileNet-SSD lays it out, "
                   "with Caffe's PriorBox and DetectionOutput. Weights are seeded random, not trained.",
    "input": {"name": "image", "shape": [300, 300, 3], "mean": [127.5, 127.5, 127.5], "scale": 0.007843},
    "weights": {"init": "random", "seed": 7},
    "outputs": ["mbox_loc", "mbox_conf_softmax"],
    "detection": {
        "family": "caffe", "boxes": "mbox_loc", "scores": "mbox_conf_softmax", "background_class": 0,
        "priors": prior_layers, "clip_priors": False, "variances": [0.1, 0.1, 0.2, 0.2],
        "score_threshold": 0.25, "iou_threshold": 0.45, "top_k": 100, "max_detections": 100,
    },
}
write_spec("models/mobilenet_ssd.json", spec, layers)
