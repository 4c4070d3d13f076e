#!/usr/bin/python3
"""Compare two .npy tensors: max|got - want| / max|want| against a tolerance.

  /usr/bin/python3 tools/onnx/compare_npy.py got.npy want.npy [--tolerance 1e-4] \
      [--got-layout nhwc|nchw|flat]

--got-layout nhwc: `got` is channel-last; when `want` is 4-D NCHW it is reshaped
to want's N,H,W,C and transposed to NCHW first (a 3-D HWC `got` counts as N=1).
nchw: both must have exactly the same shape.  flat (default): only the element
counts must agree; compared element by element in C order.
Prints `max abs diff X, relative Y (tolerance T): ok|FAIL`; exits 1 on FAIL
(including NaN/inf in got) or on a shape mismatch.
"""
import argparse
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("got")
    p.add_argument("want")
    p.add_argument("--tolerance", type=float, default=1e-4)
    p.add_argument("--got-layout", choices=("nhwc", "nchw", "flat"), default="flat")
    args = p.parse_args()

    got = np.load(args.got).astype(np.float64)
    want = np.load(args.want).astype(np.float64)
    if got.size != want.size or (args.got_layout == "nchw" and got.shape != want.shape):
        print(f"shape mismatch: got {list(got.shape)} ({got.size} elements) vs "
              f"want {list(want.shape)} ({want.size} elements)")
        return 1
    if args.got_layout == "nhwc" and want.ndim == 4:
        n, c, h, w = want.shape
        got = got.reshape(n, h, w, c).transpose(0, 3, 1, 2)
    got, want = got.ravel(), want.ravel()

    max_abs = float(np.max(np.abs(got - want))) if got.size else 0.0
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    rel = max_abs / scale if scale > 0 else (0.0 if max_abs == 0 else float("inf"))
    ok = bool(np.isfinite(got).all()) and rel <= args.tolerance
    print(f"max abs diff {max_abs:.6g}, relative {rel:.6g} (tolerance {args.tolerance:g}): "
          f"{'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
