#!/usr/bin/python3
"""tests/preprocess_vs_torchvision.py NETC_PIXELS.npy IMAGE FIT
Compares the tensor netc made of IMAGE (netc run tests/models/pixels_224.json --reference
--normalize imagenet --fit FIT: HWC float32) with what torchvision's transforms make of it
(FIT crop: Resize(256) + CenterCrop(224); stretch: Resize((224, 224))), both on PIL's decoding.
Resizing is done in 8 bits by both, so a pixel may differ by one level: the tolerance is
1.5 levels (in normalised units, 1.5 / (255 * std)), and the mean difference must be far below."""
import sys

import numpy as np
from PIL import Image
from torchvision import transforms

got_path, image_path, fit = sys.argv[1:4]
got = np.load(got_path)
size = transforms.Resize(256) if fit == "crop" else transforms.Resize((224, 224))
crop = transforms.CenterCrop(224)
pipeline = transforms.Compose([size, crop, transforms.ToTensor(),
                               transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
want = pipeline(Image.open(image_path).convert("RGB")).numpy().transpose(1, 2, 0)
if got.shape != want.shape:
    sys.exit(f"FAIL: shape {got.shape}, torchvision's {want.shape}")
levels = np.abs(got - want) * 255 * np.array([0.229, 0.224, 0.225])
print(f"{image_path} ({fit}): max difference {levels.max():.3f} levels, mean {levels.mean():.4f}")
if levels.max() > 1.5 or levels.mean() > 0.1:
    sys.exit("FAIL: netc's preprocessing differs from torchvision's")
print("preprocessing matches torchvision: ok")
