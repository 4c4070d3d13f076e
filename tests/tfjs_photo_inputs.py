#!/usr/bin/python3
"""Writes each photo as nsfwjs feeds it to its MobileNetV2, for tests/tfjs_compare.cmake: RGB,
resized to SIZE x SIZE (bilinear, the whole image), divided by 255, as float32 [1, SIZE, SIZE, 3]
.npy named after the photo. The same arrays go to TF.js and to netc: this compares the networks
on real photo content, not the two preprocessing paths.

  /usr/bin/python3 tests/tfjs_photo_inputs.py OUT_DIR SIZE PHOTO...
"""
import os
import sys

import numpy as np
from PIL import Image


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, size = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    for path in sys.argv[3:]:
        img = Image.open(path).convert("RGB").resize((size, size), Image.BILINEAR)
        x = (np.asarray(img, dtype=np.float32) / 255.0)[None]
        name = os.path.splitext(os.path.basename(path))[0]
        np.save(os.path.join(out, name + ".npy"), x)
        print(name, x.shape)


if __name__ == "__main__":
    main()
