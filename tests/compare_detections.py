#!/usr/bin/python3
"""tests/compare_detections.py GOT_DIR WANT_DIR
Two `netc run` outputs of the same detector on the same photo (an ONNX import with its
MODEL.detection.json, and the spec it was exported from): detections.json must hold the same
detections (class and prior in the same order, scores and boxes within 1e-4), and GOT_DIR's
detections.png must be the photo's size with pixels changed where boxes were drawn."""
import json
import sys

import numpy as np
from PIL import Image

got_dir, want_dir, photo = sys.argv[1:4]
got = json.load(open(f"{got_dir}/detections.json"))["detections"]
want = json.load(open(f"{want_dir}/detections.json"))["detections"]
if len(got) != len(want) or not got:
    sys.exit(f"FAIL: {len(got)} detections, the spec's run has {len(want)}")
worst = 0.0
for g, w in zip(got, want):
    if (g["class"], g["prior"]) != (w["class"], w["prior"]):
        sys.exit(f"FAIL: detection {g} where the spec's run has {w}")
    worst = max(worst, abs(g["score"] - w["score"]), *(abs(g["box"][k] - w["box"][k]) for k in g["box"]))
if worst > 1e-4:
    sys.exit(f"FAIL: scores or boxes differ by {worst}")
drawn = np.asarray(Image.open(f"{got_dir}/detections.png").convert("RGB"))
original = np.asarray(Image.open(photo).convert("RGB"))
if drawn.shape != original.shape or not (drawn != original).any():
    sys.exit(f"FAIL: detections.png is {drawn.shape} with {(drawn != original).sum()} pixels changed")
print(f"{len(got)} detections, largest difference {worst:.2e}; detections.png {drawn.shape[1]}x{drawn.shape[0]}, "
      f"{(drawn != original).any(axis=2).sum()} pixels drawn: ok")
