#!/usr/bin/python3
"""Export a torchvision MobileNet to ONNX with deterministic, non-trivial weights.

Run with Debian's Python (it sees python3-torch / torchvision / onnx):

  /usr/bin/python3 tools/onnx/export_torchvision.py --model mobilenet_v2 --opset 13 \
      --out /tmp/onnx_models/mobilenet_v2_op13.onnx [--seed 0] [--dynamic-batch]

No pretrained weights are downloaded (weights=None).  The model is made
"realistic" from the seed alone: BatchNorm gamma/beta are randomised and the
BN running statistics are calibrated on a few random batches, so eval-mode
activations stay in a sane range instead of exploding or vanishing.

The same seed always rebuilds the same weights, which gives a reference check:

  /usr/bin/python3 tools/onnx/export_torchvision.py --model mobilenet_v2 \
      --check-input x.npy --check-output ort_out/logits.npy [--tolerance 1e-4]

rebuilds the model, runs it in eval mode on x.npy (NCHW float32) and compares
its logits with another runtime's output (e.g. tools/onnx/ort_run.js); it prints
max abs / relative diff and exits 1 above the tolerance.  --out is optional then;
pass the same --seed / --random-biases as for the export.

torchvision zero-initialises the Conv/Linear biases that are not followed by BN
(classifier, squeeze-excitation fc1/fc2).  The exporter then deduplicates those
equal all-zero initializers through Identity nodes.  --random-biases draws them
from U(-0.1, 0.1) instead, so a dropped bias shows up in a comparison.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torchvision

MODELS = ("mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small")
CALIBRATION_PASSES = 4
CALIBRATION_SHAPE = (8, 3, 224, 224)


def build_model(name, seed, random_biases=False):
    """Returns the seeded torchvision model `name` in eval mode with calibrated BN."""
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        # torchvision zero-initialises Conv/Linear biases (classifier, SE blocks);
        # optionally make them non-zero too so a dropped bias shows up in tests.
        if random_biases:
            for m in model.modules():
                if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)) and m.bias is not None:
                    m.bias.uniform_(-0.1, 0.1)
        # Non-trivial affine BN parameters (defaults are gamma=1, beta=0).
        for bn in bns:
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.1, 0.1)
        # Calibrate running mean/var: train mode, momentum=None means a plain
        # cumulative average over all calibration batches.
        saved_momentum = [bn.momentum for bn in bns]
        for bn in bns:
            bn.reset_running_stats()
            bn.momentum = None
        model.train()
        for _ in range(CALIBRATION_PASSES):
            model(torch.randn(*CALIBRATION_SHAPE))
        for bn, momentum in zip(bns, saved_momentum):
            bn.momentum = momentum
    return model.eval()


def export(model, args):
    """Writes the ONNX file and returns the export time in seconds."""
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    dynamic_axes = {"input": {0: "batch"}, "logits": {0: "batch"}} if args.dynamic_batch else None
    start = time.perf_counter()
    with torch.no_grad():
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), args.out,
                          input_names=["input"], output_names=["logits"],
                          opset_version=args.opset, do_constant_folding=True,
                          dynamic_axes=dynamic_axes)
    seconds = time.perf_counter() - start
    import onnx  # imported late: only needed when exporting
    onnx.checker.check_model(args.out)  # path form also works for files > 2 GB
    return seconds


def check(model, args):
    """Compares torch's eval output on --check-input with --check-output; returns ok."""
    x = np.load(args.check_input).astype(np.float32)
    want_other = np.load(args.check_output).astype(np.float32)
    with torch.no_grad():
        got = model(torch.from_numpy(x)).numpy()
    if got.shape != want_other.shape:
        print(f"shape mismatch: torch {got.shape} vs {args.check_output} {want_other.shape}")
        return False
    max_abs = float(np.max(np.abs(got - want_other)))
    rel = max_abs / max(float(np.max(np.abs(got))), 1e-30)
    ok = rel <= args.tolerance
    print(f"torch vs {args.check_output}: max abs diff {max_abs:.3g}, relative {rel:.3g} "
          f"(tolerance {args.tolerance:g}): {'ok' if ok else 'FAIL'}")
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, choices=MODELS)
    p.add_argument("--opset", type=int, default=13, choices=(11, 13))
    p.add_argument("--out", help="ONNX file to write")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dynamic-batch", action="store_true", help="make dim 0 of input/logits symbolic ('batch')")
    p.add_argument("--random-biases", action="store_true",
                   help="also randomise Conv/Linear biases (torchvision leaves them 0)")
    p.add_argument("--check-input", help=".npy NCHW input to run through torch")
    p.add_argument("--check-output", help=".npy output of another runtime to compare with")
    p.add_argument("--tolerance", type=float, default=1e-4, help="relative tolerance of --check-*")
    args = p.parse_args()
    if not args.out and not args.check_input:
        p.error("give --out and/or --check-input/--check-output")
    if bool(args.check_input) != bool(args.check_output):
        p.error("--check-input and --check-output go together")

    start = time.perf_counter()
    model = build_model(args.model, args.seed, args.random_biases)
    ok = True
    if args.out:
        export_s = export(model, args)
        print(f"{args.out}: {os.path.getsize(args.out)} bytes, export {export_s:.2f} s "
              f"(total {time.perf_counter() - start:.2f} s, {args.model} opset {args.opset}"
              f"{', dynamic batch' if args.dynamic_batch else ''})")
    if args.check_input:
        ok = check(model, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
