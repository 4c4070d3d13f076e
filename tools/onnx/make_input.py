#!/usr/bin/python3
"""Write a seeded uniform [-1, 1) float32 input tensor as .npy.

  /usr/bin/python3 tools/onnx/make_input.py --shape 1,3,224,224 --seed 1 --out x.npy \
      [--hwc-out x_hwc.npy]

--hwc-out also writes the same values channel-last: for a batch-1 NCHW shape
[1,C,H,W] that is [H,W,C] (netc's image layout); for a 3-D CHW shape, [H,W,C].
"""
import argparse
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--shape", required=True, help="comma-separated dims, e.g. 1,3,224,224")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    p.add_argument("--hwc-out", help="also write the values transposed to HWC")
    args = p.parse_args()
    try:
        shape = tuple(int(d) for d in args.shape.split(","))
    except ValueError:
        p.error(f"bad --shape {args.shape!r}")
    if any(d <= 0 for d in shape):
        p.error(f"bad --shape {args.shape!r}")

    x = np.random.default_rng(args.seed).uniform(-1.0, 1.0, size=shape).astype(np.float32)
    np.save(args.out, x)
    if args.hwc_out:
        if len(shape) == 4 and shape[0] == 1:
            hwc = x[0].transpose(1, 2, 0)
        elif len(shape) == 3:
            hwc = x.transpose(1, 2, 0)
        else:
            sys.exit(f"--hwc-out needs a [1,C,H,W] or [C,H,W] shape, got {list(shape)}")
        np.save(args.hwc_out, np.ascontiguousarray(hwc))
    print(f"{args.out}: shape {list(shape)}, seed {args.seed}"
          + (f"; {args.hwc_out}: shape {list(hwc.shape)}" if args.hwc_out else ""))


if __name__ == "__main__":
    main()
